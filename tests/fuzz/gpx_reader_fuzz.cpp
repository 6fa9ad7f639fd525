// libFuzzer target: GPX (formats::read_gpx, on expat) and the route reader built on it
// (analysis::parse_route, which also sniffs GPX from GeoJSON). Every input must end in lines of
// valid points within the limits or an error value: no crash, no sanitizer report, no
// exception, no entity expansion.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analysis/route_file.hpp"
#include "formats/gpx_reader.hpp"

namespace {

void check(bool promise) {
    if (!promise) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace sightline;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    formats::GpxLimits limits;
    limits.max_points = 1'000;
    limits.max_lines = 50;
    limits.max_depth = 16;
    auto gpx = formats::read_gpx(text, limits);
    if (gpx) {
        std::size_t points = 0;
        check(gpx->lines.size() <= limits.max_lines);
        for (const auto& line : gpx->lines) {
            check(line.size() >= 2);
            for (auto p : line)
                check(p.is_valid());
            points += line.size();
        }
        check(points <= limits.max_points);
    } else {
        check(gpx.error().code == Errc::invalid_argument || gpx.error().code == Errc::too_large);
        check(!gpx.error().message.empty());
    }
    analysis::RouteLimits route_limits;
    route_limits.max_points = 1'000;
    if (auto route = analysis::parse_route(text, route_limits))
        check(!route->polylines.empty() && route->point_count() <= 1'000);
    return 0;
}
