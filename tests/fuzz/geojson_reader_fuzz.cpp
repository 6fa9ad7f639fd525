// libFuzzer target: GeoJSON geometry (formats::read_geojson) and the two readers built on it,
// routes (analysis::parse_route_geojson) and districts (analysis::parse_districts_geojson).
// Every input must end in values that keep the reader's promises or an error value: no crash,
// no sanitizer report, no exception.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analysis/district_file.hpp"
#include "analysis/route_file.hpp"
#include "formats/geojson_reader.hpp"

namespace {

void check(bool promise) {
    if (!promise) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace sightline;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    formats::GeoJsonLimits limits;
    limits.max_positions = 1'000;
    limits.max_features = 100;
    auto features = formats::read_geojson(text, limits);
    if (features) {
        std::size_t positions = 0;
        check(features->size() <= limits.max_features);
        for (const auto& f : *features) {
            check(!f.label.empty());
            for (const auto& g : f.geometries) {
                for (auto p : g.points)
                    check(p.is_valid());
                positions += g.points.size();
                for (const auto& line : g.lines) {
                    check(line.size() >= 2);
                    for (auto p : line)
                        check(p.is_valid());
                    positions += line.size();
                }
                for (const auto& polygon : g.polygons) {
                    check(!polygon.empty());
                    for (const auto& ring : polygon) {
                        check(ring.size() >= 4 && ring.front() == ring.back());
                        for (auto p : ring)
                            check(p.is_valid());
                        positions += ring.size();
                    }
                }
            }
        }
        check(positions <= limits.max_positions);
    } else {
        check(features.error().code == Errc::invalid_argument ||
              features.error().code == Errc::too_large);
    }

    analysis::RouteLimits route_limits;
    route_limits.max_points = 1'000;
    route_limits.max_polylines = 50;
    if (auto route = analysis::parse_route_geojson(text, route_limits)) {
        check(!route->polylines.empty() && route->polylines.size() <= 50);
        check(route->point_count() <= 1'000);
    }
    analysis::DistrictLimits district_limits;
    district_limits.max_points = 1'000;
    district_limits.max_districts = 20;
    if (auto districts = analysis::parse_districts_geojson(text, district_limits)) {
        check(!districts->empty() && districts->size() <= 20);
        for (const auto& d : *districts)
            check(!d.name.empty() && !d.polygons.empty());
    }
    return 0;
}
