#pragma once
// Web Mercator (EPSG:3857) tiles in the XYZ scheme that slippy maps use: z 0..22, x from the
// antimeridian eastwards, y from the north edge southwards.

#include <cstdint>

#include "core/error.hpp"
#include "geo/bbox.hpp"
#include "geo/lat_lon.hpp"

namespace sightline::geo {

/// Highest zoom Sightline serves.
constexpr int max_tile_zoom = 22;
/// Tile coordinate units per tile side (MVT "extent").
constexpr int tile_extent = 4096;
/// Web Mercator cannot show the poles; latitudes are clamped to this (atan(sinh(pi))).
constexpr double max_mercator_lat = 85.0511287798066;

/// Position in the unit square of the whole Web Mercator world: x 0..1 west to east, y 0..1
/// north to south. Multiply by 2^z to get tile coordinates at zoom z.
struct WorldPoint {
    double x = 0.0;
    double y = 0.0;
};

/// One tile. Unchecked on construction: call is_valid() (or parse via make()) on outside input.
struct TileId {
    int z = 0;
    std::uint32_t x = 0;
    std::uint32_t y = 0;

    /// z in 0..22, x and y < 2^z.
    [[nodiscard]] constexpr bool is_valid() const noexcept {
        if (z < 0 || z > max_tile_zoom) return false;
        const std::uint64_t n = std::uint64_t{1} << z;
        return x < n && y < n;
    }
    /// The tile, or invalid_argument naming the limits.
    static Result<TileId> make(std::int64_t z, std::int64_t x, std::int64_t y);
    friend constexpr bool operator==(TileId, TileId) = default;
};

/// lon/lat -> unit-square Web Mercator; latitudes beyond +-max_mercator_lat are clamped.
WorldPoint to_world(LatLon p) noexcept;
/// Inverse of to_world().
LatLon from_world(WorldPoint p) noexcept;

/// The tile of zoom z containing a point (points on the east/south edge of the world go to the
/// last tile).
TileId tile_of(LatLon p, int z) noexcept;

/// The tile's area in degrees (west/east exact, south/north through the inverse projection).
BBox tile_bounds(TileId tile) noexcept;
/// The tile's area extended by `buffer` tile units (out of tile_extent) on each side, clamped
/// to the world.
BBox tile_bounds(TileId tile, int buffer) noexcept;

/// Tile-local pixel coordinates at `extent` units per side (origin top-left, y down); points
/// outside the tile get coordinates outside 0..extent. Not rounded.
struct TilePoint {
    double x = 0.0;
    double y = 0.0;
};
TilePoint to_tile_point(LatLon p, TileId tile, int extent = tile_extent) noexcept;
/// The same from a precomputed world position (hot loops).
TilePoint to_tile_point(WorldPoint p, TileId tile, int extent = tile_extent) noexcept;

}  // namespace sightline::geo
