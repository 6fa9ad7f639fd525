// sightline exposure ROUTE: how much of a walk (GPX or GeoJSON) the registry's cameras see, by
// which cameras, and for how long at walking speed.

#include <cmath>

#include <fmt/core.h>

#include "analysis/route_file.hpp"
#include "cli/command.hpp"
#include "cli/commands_list.hpp"
#include "cli/read_file.hpp"
#include "cli/table_text.hpp"
#include "services/analysis_json.hpp"
#include "services/analysis_service.hpp"

namespace sightline::cli {
namespace {

constexpr double max_speed_m_s = 100;
constexpr std::int64_t max_threads = 256;

std::string minutes(double seconds) {
    auto total = static_cast<long long>(std::llround(seconds));
    if (total >= 3600)
        return fmt::format("{} h {:02} min {:02} s", total / 3600, total / 60 % 60, total % 60);
    return fmt::format("{} min {:02} s", total / 60, total % 60);
}

class ExposureCommand final : public Command {
  public:
    std::string_view name() const override { return "exposure"; }
    std::string_view summary() const override {
        return "how much of a walk (GPX or GeoJSON) cameras see";
    }
    std::string help() const override {
        return "Usage: sightline exposure ROUTE.gpx|ROUTE.geojson [--speed M/S] [--json]\n"
               "                          [--geojson] [--data DIR]\n\n"
               "Measures the route against the registry's cameras (non-removed) and the\n"
               "buildings of `sightline import`, which occlude: its length, the metres seen by\n"
               "at least one camera (observe level or finer, IEC 62676-4), the metres at each\n"
               "DORI level, each camera that sees it, and the time under observation at the\n"
               "walking speed (default 1.4 m/s).\n\n"
               "ROUTE is GPX (tracks with their segments, or routes) or GeoJSON (LineString,\n"
               "MultiLineString, Feature, FeatureCollection); \"-\" reads standard input.\n"
               "At most 5 MB and 100,000 points.\n\n"
               "--json prints the result as JSON (with the seen stretches under \"geojson\" when\n"
               "--geojson is given too); --geojson alone prints the seen stretches as a GeoJSON\n"
               "FeatureCollection for a map. Default: a table.\n\n" +
               format_options(specs());
    }
    Status parse(const std::vector<std::string>& args) override {
        auto parsed = parse_args(args, specs());
        if (!parsed) return std::unexpected(parsed.error());
        m_args = *parsed;
        if (m_args.positionals.size() != 1)
            return fail(Errc::invalid_argument, "give exactly one ROUTE file (GPX or GeoJSON)");
        m_file = m_args.positionals[0];
        if (auto s = m_args.value("speed")) {
            auto speed = parse_number("--speed", *s, 0, max_speed_m_s, LowerBound::exclusive);
            if (!speed) return std::unexpected(speed.error());
            m_request.speed_m_s = *speed;
        }
        if (auto t = m_args.value("threads")) {
            auto n = parse_integer("--threads", *t, 1, max_threads);
            if (!n) return std::unexpected(n.error());
            m_request.threads = static_cast<unsigned>(*n);
        }
        return {};
    }
    int run() override {
        analysis::RouteLimits limits;
        auto text = read_file(m_file, limits.max_bytes);
        if (!text) return report_error("exposure", text.error());
        auto route = analysis::parse_route(*text, limits);
        if (!route)
            return report_error(
                "exposure",
                Error{route.error().code, fmt::format("{}: {}", m_file, route.error().message)});
        m_request.polylines = std::move(route->polylines);

        auto store = open_store_from(m_args);
        services::AnalysisService analysis(*store, *store);
        auto result = analysis.exposure(m_request);
        if (!result) return report_error("exposure", result.error());

        bool json = m_args.has("json");
        bool geojson = m_args.has("geojson");
        if (json) {
            fmt::print("{}\n", services::exposure_json(*result, geojson));
            return 0;
        }
        if (geojson) {
            fmt::print("{}\n", services::exposure_geojson(*result));
            return 0;
        }
        const auto& e = *result;
        fmt::print("route: {:.0f} m in {} line{}, {} at {:.2f} m/s\n", e.length_m,
                   e.segments.size(), e.segments.size() == 1 ? "" : "s", minutes(e.duration_s),
                   e.speed_m_s);
        fmt::print("seen (observe or finer): {:.0f} m = {} of the route, {}\n", e.seen_m,
                   percent(e.seen_m, e.length_m), minutes(e.seen_s));
        fmt::print("  {:<10} {:>10} {:>8}\n", "level", "metres", "share");
        for (std::size_t i = 0; i < analysis::dori_level_count; ++i)
            fmt::print("  {:<10} {:>10.0f} {:>8}\n",
                       analysis::to_string(static_cast<analysis::DoriLevel>(i)), e.by_level_m[i],
                       percent(e.by_level_m[i], e.length_m));
        fmt::print("cameras that see it: {}\n", e.cameras.size());
        if (!e.cameras.empty()) {
            fmt::print("  {:>10} {:>11} {:>12} {:>9} {:>9} {:>10} {:>9}\n", "id", "lat", "lon",
                       "detect m", "seen m", "recognise", "identify");
            for (const auto& c : e.cameras)
                fmt::print("  {:>10} {:>11.6f} {:>12.6f} {:>9.1f} {:>9.1f} {:>10.1f} {:>9.1f}\n",
                           c.camera_id, c.location.lat, c.location.lon, c.by_level_m[0], c.seen_m,
                           c.by_level_m[2], c.by_level_m[3]);
        }
        if (e.cameras_skipped > 0)
            fmt::print("note: {} cameras skipped (tags the camera model cannot read)\n",
                       e.cameras_skipped);
        return 0;
    }

  private:
    static std::vector<OptionSpec> specs() {
        return {
            data_option(),
            store_option(),
            {"speed", "M/S",
             "walking speed in metres per second, above 0 and up to 100 (default 1.4)"},
            {"json", "", "print JSON"},
            {"geojson", "", "print the seen stretches as GeoJSON (inside the JSON with --json)"},
            {"threads", "N", "viewshed threads, 1 to 256 (default: all cores)"}};
    }
    ParsedArgs m_args;
    std::string m_file;
    services::ExposureRequest m_request;
};

}  // namespace

std::unique_ptr<Command> make_exposure_command() {
    return std::make_unique<ExposureCommand>();
}

}  // namespace sightline::cli
