// sightline districts [--csv | --json | --geojson]: the districts read at import with their
// figures.

#include <map>

#include <fmt/core.h>

#include "cli/command.hpp"
#include "cli/commands_list.hpp"
#include "cli/progress_bar.hpp"
#include "services/district_json.hpp"

namespace sightline::cli {
namespace {

class DistrictsCommand final : public Command {
  public:
    std::string_view name() const override { return "districts"; }
    std::string_view summary() const override {
        return "list the districts with their cameras and watched street share";
    }
    std::string help() const override {
        return "Usage: sightline districts [--csv | --json | --geojson] [--data DIR] [--quiet]\n\n"
               "The districts `sightline import` read (administrative boundaries, see its\n"
               "--district-level) with their id (for `sightline report --district`), area,\n"
               "cameras, cameras per km² and per km of street and the share of their streets the\n"
               "cameras observe; incomplete ones (cut off by the extract's edge) are named at the\n"
               "end. --csv, --json and --geojson give what GET /api/v1/districts.csv,\n"
               "/api/v1/districts and /api/v1/districts.geojson answer.\n\n" +
               format_options(specs());
    }
    Status parse(const std::vector<std::string>& args) override {
        auto parsed = parse_args(args, specs());
        if (!parsed) return std::unexpected(parsed.error());
        m_args = *parsed;
        if (!m_args.positionals.empty())
            return fail(Errc::invalid_argument, "unexpected argument " + m_args.positionals[0]);
        if (m_args.has("csv") + m_args.has("json") + m_args.has("geojson") > 1)
            return fail(Errc::invalid_argument, "give one of --csv, --json and --geojson");
        return {};
    }
    int run() override {
        auto store = open_store_from(m_args);
        services::AnalysisService analysis(*store, *store);
        services::DistrictService districts(*store, *store, analysis);
        ProgressBar progress;
        services::AnalysisProgress on_progress;
        if (show_progress(m_args))
            on_progress = [&](std::string_view phase, std::size_t done, std::size_t total) {
                progress.count(phase, done, total);
            };
        auto table = districts.table(on_progress);
        progress.finish();
        if (!table) return report_error("districts", table.error());
        const auto& t = **table;
        if (m_args.has("json")) {
            fmt::print("{}\n", services::districts_json(t));
            return 0;
        }
        if (m_args.has("geojson")) {
            std::map<std::int64_t, geo::MultiPolygon> outlines;
            for (auto& d : store->districts(/*with_polygons=*/true))
                if (d.complete) outlines.emplace(d.id, std::move(d.polygons));
            fmt::print("{}\n", services::districts_geojson(t, outlines));
            return 0;
        }
        if (m_args.has("csv")) {
            fmt::print("{}", services::districts_csv(t));
            return 0;
        }
        if (t.districts.empty() && t.incomplete.empty()) {
            fmt::print("no districts: import an extract with administrative boundaries\n");
            return 0;
        }
        fmt::print("{:>6}  {:<28} {:>9} {:>8} {:>9} {:>10} {:>8}\n", "id", "name", "km²", "cameras",
                   "per km²", "street km", "observe");
        for (const auto& f : t.districts) {
            double street_km = f.street_m / 1000;
            fmt::print("{:>6}  {:<28} {:>9.2f} {:>8} {:>9.1f} {:>10.1f} {:>7.1f}%\n", f.district.id,
                       f.district.name, f.area_km2, f.cameras,
                       f.area_km2 > 0 ? static_cast<double>(f.cameras) / f.area_km2 : 0.0,
                       street_km, f.street_m > 0 ? 100 * f.watched_m[1] / f.street_m : 0.0);
        }
        if (!t.incomplete.empty()) {
            // Named up to a screenful; --json lists them all.
            constexpr std::size_t shown = 10;
            fmt::print("{} incomplete (cut off by the extract's edge, left out):",
                       t.incomplete.size());
            for (std::size_t i = 0; i < t.incomplete.size() && i < shown; ++i) {
                const auto& d = t.incomplete[i];
                fmt::print("{} {}", i > 0 ? "," : "",
                           d.name.empty() ? fmt::format("relation {}", d.osm_id) : d.name);
            }
            fmt::print("{}\n", t.incomplete.size() > shown ? ", ..." : "");
        }
        return 0;
    }

  private:
    static std::vector<OptionSpec> specs() {
        return {{"csv", "", "CSV, as GET /api/v1/districts.csv"},
                {"json", "", "JSON, as GET /api/v1/districts"},
                {"geojson", "", "outlines and figures, as GET /api/v1/districts.geojson"},
                data_option(),
                store_option(),
                {"quiet", "", "no progress bar"}};
    }
    ParsedArgs m_args;
};

}  // namespace

std::unique_ptr<Command> make_districts_command() {
    return std::make_unique<DistrictsCommand>();
}

}  // namespace sightline::cli
