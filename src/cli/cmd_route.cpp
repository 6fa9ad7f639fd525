// sightline route FROM TO: walking routes between two points, from the shortest to the one the
// registry's cameras see least within a detour limit.

#include <cmath>

#include <fmt/core.h>

#include "analysis/camera_capability.hpp"
#include "cli/command.hpp"
#include "cli/commands_list.hpp"
#include "cli/progress_bar.hpp"
#include "cli/table_text.hpp"
#include "geo/lat_lon_text.hpp"
#include "services/analysis_service.hpp"
#include "services/routing_json.hpp"
#include "services/routing_service.hpp"

namespace sightline::cli {
namespace {

// The largest detour RoutingService accepts, refused here with the option's name.
const double max_detour = services::RoutingOptions{}.max_detour_limit;

std::size_t cameras_seeing(const services::RouteExposure& e, analysis::DoriLevel level) {
    std::size_t count = 0;
    for (const auto& c : e.cameras)
        if (c.by_level_m[static_cast<std::size_t>(level)] > 0) ++count;
    return count;
}

void print_table(const services::RouteReport& r) {
    auto level = static_cast<std::size_t>(r.level);
    fmt::print("from {:.6f},{:.6f} to {:.6f},{:.6f} (streets {:.0f} m and {:.0f} m away)\n",
               r.from.lat, r.from.lon, r.to.lat, r.to.lon, r.from_snap_m, r.to_snap_m);
    fmt::print("seen = at the {} level or finer; detour limit {:g}x the shortest\n",
               analysis::to_string(r.level), r.max_detour);
    fmt::print("  {:<14} {:>10} {:>9} {:>9} {:>8} {:>8}\n", "kind", "length m", "walk min",
               "seen m", "seen %", "cameras");
    for (const auto& route : r.routes) {
        const auto& e = route.exposure;
        fmt::print("  {:<14} {:>10.0f} {:>9.1f} {:>9.0f} {:>8} {:>8}\n",
                   routing::to_string(route.kind), e.length_m, e.duration_s / 60,
                   e.by_level_m[level], percent(e.by_level_m[level], e.length_m),
                   cameras_seeing(e, r.level));
    }
    if (!r.message.empty())
        fmt::print("{}\n", r.message);
    else if (r.avoids_cameras)
        fmt::print("The least exposed route passes no camera at the {} level.\n",
                   analysis::to_string(r.level));
}

class RouteCommand final : public Command {
  public:
    std::string_view name() const override { return "route"; }
    std::string_view summary() const override {
        return "walking routes that trade distance for time on camera";
    }
    std::string help() const override {
        return "Usage: sightline route FROM TO [--max-detour X] [--level LEVEL]\n"
               "                       [--json | --gpx] [--data DIR] [--quiet]\n\n"
               "Up to three walking routes between FROM and TO over the streets of `sightline\n"
               "import`: the shortest, the least exposed to the registry's cameras that is at\n"
               "most X times as long (default 1.5, 1 to 5), and a balanced one between them.\n"
               "Exposure is the metres within the cameras' reach at LEVEL or finer (detect,\n"
               "observe (default), recognise, identify; IEC 62676-4, see\n"
               "docs/camera-model.md), buildings occluding. When no route within the limit\n"
               "avoids every camera, it says so and shows the least exposed one.\n\n"
               "FROM and TO are lat,lon in degrees, e.g. 48.1374,11.5755; each must be within\n"
               "1000 m of a walkable street. Put -- before a negative latitude:\n"
               "  sightline route -- -33.9249,18.4241 -33.9180,18.4230\n\n"
               "Default: a table (length, walking minutes at 1.4 m/s, metres and share seen,\n"
               "cameras that see it). --json prints the routes with their geometry (the shape\n"
               "of GET /api/v1/route); --gpx a GPX file with one track per route. The walking\n"
               "graph comes from DATA/routing.bin, which `sightline import` prepares; without\n"
               "it, it is built and written there (progress on stderr when it is a terminal).\n\n" +
               format_options(specs());
    }
    Status parse(const std::vector<std::string>& args) override {
        auto parsed = parse_args(args, specs());
        if (!parsed) return std::unexpected(parsed.error());
        m_args = *parsed;
        if (m_args.positionals.size() != 2)
            return fail(Errc::invalid_argument, "give FROM and TO, each as lat,lon");
        auto from = geo::parse_lat_lon(m_args.positionals[0], "FROM");
        if (!from) return std::unexpected(from.error());
        auto to = geo::parse_lat_lon(m_args.positionals[1], "TO");
        if (!to) return std::unexpected(to.error());
        m_request.from = *from;
        m_request.to = *to;
        if (auto text = m_args.value("max-detour")) {
            auto detour = parse_number("--max-detour", *text, 1, max_detour);
            if (!detour) return std::unexpected(detour.error());
            m_request.max_detour = *detour;
        }
        if (auto text = m_args.value("level")) {
            auto level = analysis::parse_dori_level(*text);
            if (!level) return fail(Errc::invalid_argument, "--level: " + level.error().message);
            m_request.level = *level;
        }
        if (m_args.has("json") && m_args.has("gpx"))
            return fail(Errc::invalid_argument, "give --json or --gpx, not both");
        return {};
    }
    int run() override {
        const std::filesystem::path data = data_dir_from(m_args);
        // One query: no memory map, so that building the routing data (when DATA/routing.bin
        // is missing or stale) does not keep a whole country's database pages resident.
        auto store = open_store_from(m_args, {.memory_map = false});
        services::AnalysisService analysis(*store, *store);
        services::RoutingService routing(*store, *store, analysis,
                                         {.prepared_file = data / "routing.bin"});
        ProgressBar progress;
        services::AnalysisProgress report_progress;
        if (show_progress(m_args))
            report_progress = [&](std::string_view phase, std::size_t done, std::size_t total) {
                progress.count(fmt::format("walking graph: {}", phase), done, total);
            };
        auto prepared = routing.prepare(report_progress);
        progress.finish();
        if (!prepared) return report_error("route", prepared.error());
        auto report = routing.route(m_request);
        if (!report) return report_error("route", report.error());

        if (m_args.has("json"))
            fmt::print("{}\n", services::route_json(*report));
        else if (m_args.has("gpx"))
            fmt::print("{}", services::route_gpx(*report));
        else
            print_table(*report);
        return 0;
    }

  private:
    static std::vector<OptionSpec> specs() {
        return {data_option(),
                store_option(),
                {"max-detour", "X",
                 "least exposed route at most X times the shortest, 1 to 5 (default 1.5)"},
                {"level", "LEVEL", "detect, observe (default), recognise or identify"},
                {"json", "", "print JSON"},
                {"gpx", "", "print GPX, one track per route"},
                {"quiet", "", "no progress bar"}};
    }
    ParsedArgs m_args;
    services::RouteRequest m_request;
};

}  // namespace

std::unique_ptr<Command> make_route_command() {
    return std::make_unique<RouteCommand>();
}

}  // namespace sightline::cli
