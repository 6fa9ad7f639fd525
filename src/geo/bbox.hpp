#pragma once

#include <string_view>

#include "core/error.hpp"
#include "geo/lat_lon.hpp"

namespace sightline::geo {

/// Axis-aligned box in degrees. Edges are inside. Boxes crossing the antimeridian are not
/// supported (west must be <= east); callers split them.
struct BBox {
    double west = 0.0;
    double south = 0.0;
    double east = 0.0;
    double north = 0.0;

    [[nodiscard]] constexpr bool contains(LatLon p) const noexcept {
        return p.lon >= west && p.lon <= east && p.lat >= south && p.lat <= north;
    }
    /// Approximate area in km² (spherical, exact for a lat/lon rectangle).
    [[nodiscard]] double area_km2() const noexcept;
    /// A box of `radius_m` around a point (for "near" queries), clamped to valid coordinates.
    [[nodiscard]] static BBox around(LatLon centre, double radius_m) noexcept;
    friend constexpr bool operator==(const BBox&, const BBox&) = default;
};

/// Parses "W,S,E,N" in degrees. Fails with invalid_argument on wrong arity, non-numbers,
/// out-of-range values, west > east or south > north.
Result<BBox> parse_bbox(std::string_view text);

}  // namespace sightline::geo
