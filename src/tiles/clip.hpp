#pragma once
// Clipping to the tile box plus a buffer, in tile units (see mvt_encoder.hpp). The buffer lets
// renderers draw line caps and outlines across tile edges without seams.

#include <vector>

#include "tiles/mvt_encoder.hpp"

namespace sightline::tiles {

/// Axis-aligned clip box in tile units; edges are inside.
struct ClipBox {
    double min_x = 0;
    double min_y = 0;
    double max_x = geo::tile_extent;
    double max_y = geo::tile_extent;

    /// The tile (0..extent) grown by `buffer` units on each side.
    static constexpr ClipBox for_tile(double buffer, double extent = geo::tile_extent) noexcept {
        return {-buffer, -buffer, extent + buffer, extent + buffer};
    }
    [[nodiscard]] constexpr bool contains(TilePoint p) const noexcept {
        return p.x >= min_x && p.x <= max_x && p.y >= min_y && p.y <= max_y;
    }
};

/// Clips a line string: the parts inside the box, each with at least 2 points (a line leaving
/// and re-entering gives several parts). Segments are cut exactly at the box edges
/// (Liang-Barsky).
std::vector<PointList> clip_line(const PointList& line, const ClipBox& box);

/// Clips one ring of a polygon (Sutherland-Hodgman against the four edges). The input may be
/// closed or open; the result is closed, or empty when fewer than 3 points remain. A concave
/// ring cut into several pieces stays one ring joined along the box edge (the usual, harmless
/// Sutherland-Hodgman artefact: zero-width edges on the clip border, outside the visible tile
/// when the buffer is positive).
PointList clip_ring(const PointList& ring, const ClipBox& box);

/// Clips a polygon (rings[0] exterior, rest holes); empty when the exterior vanishes. Holes that
/// vanish are dropped.
std::vector<PointList> clip_polygon(const std::vector<PointList>& rings, const ClipBox& box);

}  // namespace sightline::tiles
