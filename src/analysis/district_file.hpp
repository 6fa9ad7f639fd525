#pragma once
// Named areas (districts, neighbourhoods) for a coverage breakdown, read from GeoJSON: Polygon
// and MultiPolygon geometries, bare or in Features / a FeatureCollection. A feature's name is
// its "name" property (else "district N"). The file is read by formats::read_geojson (one
// district per feature, all its polygons); this keeps the areas.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "geo/lat_lon.hpp"

namespace sightline::analysis {

struct DistrictArea {
    std::string name;
    /// A MultiPolygon's parts; in each, rings[0] is the outer ring and the rest are holes.
    std::vector<std::vector<std::vector<geo::LatLon>>> polygons;
};

struct DistrictLimits {
    std::size_t max_bytes = 20 * 1024 * 1024;
    std::size_t max_points = 1'000'000;
    std::size_t max_districts = 10'000;
    std::size_t max_json_depth = 32;
};

/// invalid_argument for malformed JSON, a ring of fewer than 4 positions or not closed,
/// positions out of range (anywhere in the file, points and lines too), or no polygon at all;
/// too_large over a limit.
Result<std::vector<DistrictArea>> parse_districts_geojson(std::string_view text,
                                                          const DistrictLimits& limits = {});

}  // namespace sightline::analysis
