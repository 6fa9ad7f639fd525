// sightline campaigns list | show ID | create --name N --bbox W,S,E,N [--unit U]
// [--answers-needed K] [--cell M]: survey campaigns from the terminal (moderators' tasks).

#include <fmt/core.h>

#include "cli/command.hpp"
#include "cli/commands_list.hpp"
#include "core/clock.hpp"
#include "services/campaign_json.hpp"
#include "services/campaign_service.hpp"
#include "services/json_writer.hpp"

namespace sightline::cli {
namespace {

void print_campaign(const model::CampaignSummary& c) {
    const auto& b = c.campaign.bbox;
    fmt::print("{}  {}  (by {}, {} equal answer{} close a place)\n", c.campaign.id, c.campaign.name,
               model::to_string(c.campaign.unit), c.campaign.answers_needed,
               c.campaign.answers_needed == 1 ? "" : "s");
    fmt::print("    {:.5f},{:.5f},{:.5f},{:.5f}\n", b.west, b.south, b.east, b.north);
    fmt::print(
        "    {} of {} places surveyed ({:.0f} %), {} disputed, {} answers, {} cameras found\n",
        c.done, c.tasks, c.tasks > 0 ? 100.0 * static_cast<double>(c.done) / c.tasks : 0.0,
        c.disputed, c.answers, c.cameras_found);
}

class CampaignsCommand final : public Command {
  public:
    std::string_view name() const override { return "campaigns"; }
    std::string_view summary() const override {
        return "list, show or create survey campaigns (where people looked)";
    }
    std::string help() const override {
        return "Usage: sightline campaigns list [--json] [--data DIR]\n"
               "       sightline campaigns show ID [--json] [--data DIR]\n"
               "       sightline campaigns create --name NAME --bbox W,S,E,N [--unit "
               "intersection|cell]\n"
               "                                 [--answers-needed K] [--cell M] [--data DIR]\n\n"
               "A campaign splits an area into places to look at: the street intersections of the\n"
               "imported map (nodes where three or more street segments meet, merged within 15 m)\n"
               "or grid cells of M metres (default 100) with streets. Volunteers get them from\n"
               "GET /api/v1/campaigns/{id}/next and answer how many cameras they found; K equal\n"
               "answers (default 2, 1 to 5) close a place. `create` prints the new campaign;\n"
               "the area may cover up to 100 km² and 50,000 places.\n\n" +
               format_options(specs());
    }
    Status parse(const std::vector<std::string>& args) override {
        auto parsed = parse_args(args, specs());
        if (!parsed) return std::unexpected(parsed.error());
        m_args = *parsed;
        const auto& p = m_args.positionals;
        if (p.empty() || (p[0] != "list" && p[0] != "show" && p[0] != "create"))
            return fail(Errc::invalid_argument, "say what to do: list, show ID or create");
        m_action = p[0];
        if (m_action == "show") {
            if (p.size() != 2) return fail(Errc::invalid_argument, "show needs one campaign ID");
            auto id =
                parse_integer("campaign ID", p[1], 1, std::numeric_limits<std::int64_t>::max());
            if (!id) return std::unexpected(id.error());
            m_id = *id;
        } else if (p.size() != 1) {
            return fail(Errc::invalid_argument, "unexpected argument " + p[1]);
        }
        if (m_action == "create") {
            auto name = m_args.value("name");
            auto bbox = m_args.value("bbox");
            if (!name || !bbox)
                return fail(Errc::invalid_argument, "create needs --name and --bbox W,S,E,N");
            m_request.name = *name;
            auto box = geo::parse_bbox(*bbox);
            if (!box) return std::unexpected(box.error());
            m_request.bbox = *box;
            auto unit = model::parse_survey_unit(m_args.value("unit").value_or("intersection"));
            if (!unit) return fail(Errc::invalid_argument, "--unit is intersection or cell");
            m_request.unit = *unit;
            if (auto k = m_args.value("answers-needed")) {
                auto n = parse_integer("--answers-needed", *k, 1, 5);
                if (!n) return std::unexpected(n.error());
                m_request.answers_needed = static_cast<int>(*n);
            }
            if (auto c = m_args.value("cell")) {
                auto n = parse_number("--cell", *c, 25, 10'000);
                if (!n) return std::unexpected(n.error());
                m_request.cell_m = *n;
            }
        }
        return {};
    }
    int run() override {
        auto store = open_store_from(m_args);
        services::CampaignService campaigns(*store, *store);
        const bool json = m_args.has("json");
        auto print_json = [](const model::CampaignSummary& c) {
            std::string out;
            services::JsonWriter w(out);
            services::write_campaign(w, c);
            fmt::print("{}\n", out);
        };
        if (m_action == "list") {
            auto all = store->list_campaigns();
            if (json) {
                std::string out;
                services::JsonWriter w(out);
                w.begin_array();
                for (const auto& c : all)
                    services::write_campaign(w, c);
                w.end_array();
                fmt::print("{}\n", out);
            } else if (all.empty()) {
                fmt::print("no campaigns yet: sightline campaigns create --name ... --bbox ...\n");
            } else {
                for (const auto& c : all)
                    print_campaign(c);
            }
            return 0;
        }
        if (m_action == "show") {
            auto c = store->find_campaign(m_id);
            if (!c) return report_error("campaigns", c.error());
            if (json)
                print_json(*c);
            else
                print_campaign(*c);
            return 0;
        }
        auto created = campaigns.create(m_request, "cli", unix_now());
        if (!created) return report_error("campaigns", created.error());
        if (json)
            print_json(*created);
        else
            print_campaign(*created);
        return 0;
    }

  private:
    static std::vector<OptionSpec> specs() {
        return {{"name", "NAME", "create: the campaign's name"},
                {"bbox", "W,S,E,N", "create: its area (degrees)"},
                {"unit", "UNIT", "create: intersection (default) or cell"},
                {"answers-needed", "K", "create: equal answers that close a place, 1 to 5 (2)"},
                {"cell", "M", "create: cell size in metres for --unit cell, 25 to 10000 (100)"},
                {"json", "", "print JSON as the API answers"},
                data_option(),
                store_option()};
    }
    ParsedArgs m_args;
    std::string m_action;
    std::int64_t m_id = 0;
    services::CampaignRequest m_request;
};

}  // namespace

std::unique_ptr<Command> make_campaigns_command() {
    return std::make_unique<CampaignsCommand>();
}

}  // namespace sightline::cli
