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
    /// The box of no points yet: extend() it with some. is_empty() until then.
    [[nodiscard]] static constexpr BBox empty_box() noexcept { return {180, 90, -180, -90}; }
    [[nodiscard]] constexpr bool is_empty() const noexcept { return west > east || south > north; }
    /// Grows the box to hold `p`.
    constexpr void extend(LatLon p) noexcept {
        west = p.lon < west ? p.lon : west;
        east = p.lon > east ? p.lon : east;
        south = p.lat < south ? p.lat : south;
        north = p.lat > north ? p.lat : north;
    }
    friend constexpr bool operator==(const BBox&, const BBox&) = default;
};

/// Parses "W,S,E,N" in degrees. Fails with invalid_argument on wrong arity, non-numbers,
/// out-of-range values, west > east or south > north.
Result<BBox> parse_bbox(std::string_view text);

}  // namespace sightline::geo
