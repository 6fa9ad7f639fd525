#include "analysis/district_file.hpp"

#include <utility>

#include <fmt/core.h>

#include "formats/geojson_reader.hpp"

namespace sightline::analysis {

Result<std::vector<DistrictArea>> parse_districts_geojson(std::string_view text,
                                                          const DistrictLimits& limits) {
    if (text.size() > limits.max_bytes)
        return fail(Errc::too_large,
                    fmt::format("the districts file is larger than {} bytes", limits.max_bytes));
    formats::GeoJsonLimits json_limits;
    json_limits.max_bytes = limits.max_bytes;
    json_limits.max_depth = limits.max_json_depth;
    json_limits.max_positions = limits.max_points;
    auto features = formats::read_geojson(text, json_limits);
    if (!features) return std::unexpected(std::move(features.error()));
    // One district per feature (a bare geometry is one feature): all its polygons, whatever
    // GeometryCollection they came in. Points and lines are not areas and are skipped.
    std::vector<DistrictArea> districts;
    for (auto& feature : *features) {
        DistrictArea district;
        for (auto& geometry : feature.geometries)
            for (auto& polygon : geometry.polygons)
                district.polygons.push_back(std::move(polygon));
        if (district.polygons.empty()) continue;
        if (districts.size() >= limits.max_districts)
            return fail(Errc::too_large,
                        fmt::format("more than {} districts", limits.max_districts));
        district.name = feature.name && !feature.name->empty()
                            ? std::move(*feature.name)
                            : fmt::format("district {}", districts.size() + 1);
        districts.push_back(std::move(district));
    }
    if (districts.empty())
        return fail(Errc::invalid_argument, "the districts file has no Polygon or MultiPolygon");
    return districts;
}

}  // namespace sightline::analysis
