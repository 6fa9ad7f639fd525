#pragma once
// One reader of GeoJSON geometry (RFC 7946) from outside: a bare geometry, a Feature, a
// FeatureCollection, GeometryCollections inside any of them. Every caller that reads lines or
// areas from a person's file goes through here, so they all refuse the same things with the same
// messages. Positions are [longitude, latitude] or [longitude, latitude, altitude]; the altitude
// is dropped.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "geo/lat_lon.hpp"

namespace sightline::formats {

/// Explicit bounds on outside input; each is checked before the memory it guards is used.
struct GeoJsonLimits {
    std::size_t max_bytes = 20 * 1024 * 1024;
    /// Nesting of JSON objects and arrays; checked in one pass before parsing, so that a million
    /// '[' never reach the recursive parser. A MultiPolygon inside a GeometryCollection inside a
    /// Feature inside a FeatureCollection needs 9.
    std::size_t max_depth = 32;
    std::size_t max_positions = 1'000'000;  ///< over all geometries, points included
    std::size_t max_features = 100'000;
};

enum class GeometryType {
    point,
    multi_point,
    line_string,
    multi_line_string,
    polygon,
    multi_polygon
};

/// "Point", "MultiLineString", ... as GeoJSON spells it.
std::string_view geometry_type_name(GeometryType type) noexcept;

using LineString = std::vector<geo::LatLon>;
/// Linear rings: [0] is the outer ring, the rest are holes. Each ring is closed (first position
/// equals last) and has at least 4 positions.
using Polygon = std::vector<LineString>;

/// One geometry; which member is filled depends on `type` (a single Point, LineString or
/// Polygon fills one element).
struct Geometry {
    GeometryType type = GeometryType::point;
    std::vector<geo::LatLon> points;  ///< Point, MultiPoint
    std::vector<LineString> lines;    ///< LineString, MultiLineString; each has >= 2 positions
    std::vector<Polygon> polygons;    ///< Polygon, MultiPolygon
};

/// A Feature, or a bare geometry treated as a Feature without properties.
struct GeoFeature {
    /// "feature 3" inside a FeatureCollection (1-based), else "the GeoJSON"; for messages.
    std::string label;
    /// properties.name when it is a string.
    std::optional<std::string> name;
    /// The geometry, GeometryCollections flattened in order; empty for a null geometry.
    std::vector<Geometry> geometries;
};

/// Reads `text` as GeoJSON. invalid_argument for malformed JSON (including a key twice in one
/// object), a member of the wrong type, an unknown "type", a line of fewer than 2 positions, a
/// ring of fewer than 4 or not closed, a position that is not 2 or 3 numbers or is out of range
/// (the message says when swapping longitude and latitude would fix it), or nesting deeper than
/// max_depth; too_large over max_bytes, max_positions or max_features. Messages name the
/// feature ("feature 3: ...") and are safe to show to a client.
Result<std::vector<GeoFeature>> read_geojson(std::string_view text,
                                             const GeoJsonLimits& limits = {});

}  // namespace sightline::formats
