// sightline stats history: figures of GET /api/v1/stats/history as a table or CSV.

#include <algorithm>

#include <fmt/core.h>

#include "cli/command.hpp"
#include "cli/commands_list.hpp"
#include "core/clock.hpp"
#include "services/history_stats.hpp"

namespace sightline::cli {
namespace {

// The table: a column per figure, then one per camera kind, numbers aligned right.
std::string history_table(const services::History& h) {
    std::vector<std::string> header{"PERIOD", "ACTIVE", "ADDED", "REMOVED", "REPORTS"};
    for (const auto& kind : h.kinds)
        header.push_back(kind);
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : h.periods) {
        std::vector<std::string> row{p.period, fmt::format("{}", p.active),
                                     fmt::format("{}", p.added), fmt::format("{}", p.removed),
                                     fmt::format("{}", p.reports)};
        for (auto n : p.active_by_kind)
            row.push_back(fmt::format("{}", n));
        rows.push_back(std::move(row));
    }
    std::vector<std::size_t> width(header.size());
    for (std::size_t c = 0; c < header.size(); ++c) {
        width[c] = header[c].size();
        for (const auto& row : rows)
            width[c] = std::max(width[c], row[c].size());
    }
    std::string out;
    auto line = [&](const std::vector<std::string>& cells) {
        for (std::size_t c = 0; c < cells.size(); ++c) {
            if (c > 0) out += "  ";
            if (c == 0)
                out += fmt::format("{:<{}}", cells[c], width[c]);
            else
                out += fmt::format("{:>{}}", cells[c], width[c]);
        }
        while (!out.empty() && out.back() == ' ')
            out.pop_back();
        out += '\n';
    };
    line(header);
    for (const auto& row : rows)
        line(row);
    return out;
}

class StatsCommand final : public Command {
  public:
    std::string_view name() const override { return "stats"; }
    std::string_view summary() const override {
        return "figures about the cameras: change over time (history)";
    }
    std::string help() const override {
        return "Usage: sightline stats history [--bbox W,S,E,N] [--interval month|year] [--csv] "
               "[--data DIR]\n\n"
               "history: per month (default) or year, from the first camera or report to now:\n"
               "cameras on the map at the end of the period (ACTIVE, and per camera type), "
               "cameras\n"
               "that came (ADDED) and went (REMOVED) in it, and reports received (REPORTS). A "
               "camera\n"
               "is on the map from its acceptance or import to its removal; confirmations do not "
               "make\n"
               "it new. The dates are when Sightline learned of a camera, not when it was "
               "installed\n"
               "(an import puts all its cameras into one month). Times are UTC. The same figures "
               "as\n"
               "GET /api/v1/stats/history.\n\n" +
               format_options(specs());
    }
    Status parse(const std::vector<std::string>& args) override {
        auto parsed = parse_args(args, specs());
        if (!parsed) return std::unexpected(parsed.error());
        m_args = *parsed;
        const auto& pos = m_args.positionals;
        if (pos.empty())
            return fail(Errc::invalid_argument, "say which figures: history (see --help)");
        if (pos[0] != "history")
            return fail(Errc::invalid_argument,
                        fmt::format("unknown figures '{}' (history)", pos[0]));
        if (pos.size() != 1)
            return fail(Errc::invalid_argument,
                        fmt::format("'stats history' takes no '{}'", pos[1]));
        if (auto text = m_args.value("bbox")) {
            auto box = geo::parse_bbox(*text);
            if (!box) return fail(Errc::invalid_argument, "--bbox: " + box.error().message);
            m_bbox = *box;
        }
        if (auto text = m_args.value("interval")) {
            auto interval = services::parse_history_interval(*text);
            if (!interval)
                return fail(Errc::invalid_argument, "--interval: " + interval.error().message);
            m_interval = *interval;
        }
        return {};
    }
    int run() override {
        auto store = open_store_from(m_args);
        auto history = services::load_history(*store, m_bbox, m_interval, unix_now());
        if (m_args.has("csv")) {
            fmt::print("{}", services::history_csv(history));
        } else if (history.periods.empty()) {
            fmt::print("no cameras and no reports yet\n");
        } else {
            fmt::print("{}", history_table(history));
            if (history.periods_left_out > 0)
                fmt::print(stderr, "sightline stats: the {} earliest periods are not listed\n",
                           history.periods_left_out);
        }
        return 0;
    }

  private:
    static std::vector<OptionSpec> specs() {
        return {data_option(),
                store_option(),
                {"bbox", "W,S,E,N", "only cameras and reports inside this box (degrees)"},
                {"interval", "month|year", "length of one period (default month)"},
                {"csv", "", "CSV (header row, one line per period) instead of a table"}};
    }
    ParsedArgs m_args;
    std::optional<geo::BBox> m_bbox;
    services::HistoryInterval m_interval = services::HistoryInterval::month;
};

}  // namespace

std::unique_ptr<Command> make_stats_command() {
    return std::make_unique<StatsCommand>();
}

}  // namespace sightline::cli
