#include "geo/tile_id.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

namespace sightline::geo {

Result<TileId> TileId::make(std::int64_t z, std::int64_t x, std::int64_t y) {
    if (z < 0 || z > max_tile_zoom)
        return fail(Errc::invalid_argument,
                    "tile zoom must be 0 to " + std::to_string(max_tile_zoom));
    const std::int64_t n = std::int64_t{1} << z;
    if (x < 0 || y < 0 || x >= n || y >= n)
        return fail(Errc::invalid_argument, "tile x and y must be 0 to " + std::to_string(n - 1) +
                                                " at zoom " + std::to_string(z));
    return TileId{static_cast<int>(z), static_cast<std::uint32_t>(x),
                  static_cast<std::uint32_t>(y)};
}

WorldPoint to_world(LatLon p) noexcept {
    constexpr double pi = std::numbers::pi;
    const double lat = std::clamp(p.lat, -max_mercator_lat, max_mercator_lat);
    const double sin_lat = std::sin(lat * pi / 180.0);
    const double x = (p.lon + 180.0) / 360.0;
    const double y = 0.5 - std::log((1 + sin_lat) / (1 - sin_lat)) / (4 * pi);
    return {x, y};
}

LatLon from_world(WorldPoint p) noexcept {
    constexpr double pi = std::numbers::pi;
    const double lon = p.x * 360.0 - 180.0;
    const double lat = std::atan(std::sinh(pi * (1 - 2 * p.y))) * 180.0 / pi;
    return {lat, lon};
}

TileId tile_of(LatLon p, int z) noexcept {
    const auto w = to_world(p);
    const double n = std::ldexp(1.0, z);
    const auto last = static_cast<double>((std::uint64_t{1} << z) - 1);
    const double tx = std::clamp(std::floor(w.x * n), 0.0, last);
    const double ty = std::clamp(std::floor(w.y * n), 0.0, last);
    return {z, static_cast<std::uint32_t>(tx), static_cast<std::uint32_t>(ty)};
}

BBox tile_bounds(TileId tile) noexcept {
    return tile_bounds(tile, 0);
}

BBox tile_bounds(TileId tile, int buffer) noexcept {
    const double n = std::ldexp(1.0, tile.z);
    const double b = static_cast<double>(buffer) / tile_extent;
    const double x0 = std::clamp((tile.x - b) / n, 0.0, 1.0);
    const double x1 = std::clamp((tile.x + 1 + b) / n, 0.0, 1.0);
    const double y0 = std::clamp((tile.y - b) / n, 0.0, 1.0);
    const double y1 = std::clamp((tile.y + 1 + b) / n, 0.0, 1.0);
    const auto nw = from_world({x0, y0});
    const auto se = from_world({x1, y1});
    return BBox{nw.lon, se.lat, se.lon, nw.lat};
}

TilePoint to_tile_point(WorldPoint p, TileId tile, int extent) noexcept {
    const double n = std::ldexp(1.0, tile.z);
    return {(p.x * n - tile.x) * extent, (p.y * n - tile.y) * extent};
}

TilePoint to_tile_point(LatLon p, TileId tile, int extent) noexcept {
    return to_tile_point(to_world(p), tile, extent);
}

}  // namespace sightline::geo
