// sightline search TEXT: places by name (addresses, streets, places, points of interest) and
// camera numbers, from the imported map; what GET /api/v1/search answers.

#include <algorithm>

#include <fmt/core.h>

#include "cli/command.hpp"
#include "cli/commands_list.hpp"
#include "geo/lat_lon_text.hpp"
#include "services/search_json.hpp"
#include "services/search_service.hpp"

namespace sightline::cli {
namespace {

class SearchCommand final : public Command {
  public:
    std::string_view name() const override { return "search"; }
    std::string_view summary() const override {
        return "find addresses, streets and places of the imported map by name";
    }
    std::string help() const override {
        return "Usage: sightline search TEXT [--near LAT,LON] [--limit N] [--json] [--data DIR]\n\n"
               "Finds what TEXT names in the map of `sightline import`: addresses (\"Terazije "
               "3\"),\n"
               "streets, places and points of interest, and camera numbers (\"#12\"). Case,\n"
               "accents, Serbian Cyrillic or Latin, word order, abbreviations (ul., bul., str.,\n"
               "St) and one typo in words of 5+ letters do not matter; the last word may be\n"
               "unfinished. --near prefers hits close to a point. Nothing leaves the machine.\n\n"
               "Default: one line per hit (kind, label, lat,lon); --json the GeoJSON of\n"
               "GET /api/v1/search.\n\n" +
               format_options(specs());
    }
    Status parse(const std::vector<std::string>& args) override {
        auto parsed = parse_args(args, specs());
        if (!parsed) return std::unexpected(parsed.error());
        m_args = *parsed;
        if (m_args.positionals.empty())
            return fail(Errc::invalid_argument, "give the TEXT to search for");
        for (const auto& word : m_args.positionals) {
            if (!m_request.text.empty()) m_request.text += ' ';
            m_request.text += word;
        }
        if (auto near = m_args.value("near")) {
            auto point = geo::parse_lat_lon(*near, "--near");
            if (!point) return std::unexpected(point.error());
            m_request.near = *point;
        }
        if (auto text = m_args.value("limit")) {
            auto limit = parse_integer("--limit", *text, 1, 50);
            if (!limit) return std::unexpected(limit.error());
            m_request.limit = static_cast<int>(*limit);
        }
        return {};
    }
    int run() override {
        auto store = open_store_from(m_args);
        services::SearchService search(*store, *store);
        auto hits = search.search(m_request);
        if (!hits) return report_error("search", hits.error());
        if (m_args.has("json")) {
            fmt::print("{}\n", services::search_feature_collection(*hits));
            return 0;
        }
        if (hits->empty()) {
            fmt::print(stderr, "nothing found for \"{}\"{}\n", m_request.text,
                       store->place_count() == 0
                           ? " (no map imported: run `sightline import FILE.osm.pbf`)"
                           : "");
            return 1;
        }
        for (const auto& hit : *hits) {
            // What a point of interest is, as OSM says it: "Marienplatz (subway entrance)".
            std::string type;
            if (hit.kind == "poi" && !hit.type.empty()) {
                type = " (" + hit.type + ")";
                std::replace(type.begin(), type.end(), '_', ' ');
            }
            fmt::print("{:<8} {}{}  {:.6f},{:.6f}\n", hit.kind, hit.label, type, hit.location.lat,
                       hit.location.lon);
        }
        return 0;
    }

  private:
    static std::vector<OptionSpec> specs() {
        return {data_option(),
                store_option(),
                {"near", "LAT,LON", "prefer hits near this point"},
                {"limit", "N", "hits at most, 1 to 50 (default 10)"},
                {"json", "", "print GeoJSON"}};
    }
    ParsedArgs m_args;
    services::SearchRequest m_request;
};

}  // namespace

std::unique_ptr<Command> make_search_command() {
    return std::make_unique<SearchCommand>();
}

}  // namespace sightline::cli
