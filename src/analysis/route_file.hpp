#pragma once
// A walked or planned route read from a file a person brings: GPX 1.0/1.1 (tracks with their
// segments, and routes) or GeoJSON (LineString, MultiLineString, Feature, FeatureCollection,
// GeometryCollection). Waypoints and point features are ignored; everything else that is not a
// line is an error, so a polygon is never silently measured as a walk. The files are read by
// formats::read_gpx / formats::read_geojson; this keeps the lines.

#include <cstddef>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "geo/lat_lon.hpp"

namespace sightline::analysis {

/// Explicit bounds on outside input (a GPX of a day's hike has ~20,000 points).
struct RouteLimits {
    std::size_t max_bytes = 5 * 1024 * 1024;
    std::size_t max_points = 100'000;
    std::size_t max_polylines = 10'000;
    std::size_t max_json_depth = 32;
};

/// Polylines in file order; each has at least 2 points (shorter GPX segments are dropped,
/// shorter GeoJSON lines are an error: GeoJSON requires 2).
struct Route {
    std::vector<std::vector<geo::LatLon>> polylines;
    [[nodiscard]] std::size_t point_count() const noexcept;
};

enum class RouteFormat { gpx, geojson };

/// GPX: trk/trkseg/trkpt and rte/rtept. invalid_argument for malformed XML, a root other
/// than <gpx>, missing or out-of-range lat/lon, or no segment of 2 points; too_large over a limit.
Result<Route> parse_gpx(std::string_view text, const RouteLimits& limits = {});
/// GeoJSON in RFC 7946 order [lon, lat(, alt)]. Errors as for parse_gpx.
Result<Route> parse_route_geojson(std::string_view text, const RouteLimits& limits = {});
/// The format from the first non-blank character ('<' GPX, '{' GeoJSON); invalid_argument else.
Result<RouteFormat> sniff_route_format(std::string_view text);
/// sniff_route_format + the matching parser.
Result<Route> parse_route(std::string_view text, const RouteLimits& limits = {});

}  // namespace sightline::analysis
