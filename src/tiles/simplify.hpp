#pragma once
// Douglas-Peucker simplification in tile units, with a tolerance chosen per zoom.

#include <vector>

#include "tiles/mvt_encoder.hpp"

namespace sightline::tiles {

/// Tolerance in tile units (of geo::tile_extent) for a zoom: coarser at low zooms, where one
/// tile covers a lot of detail, down to 1 unit at z16 and above.
double simplify_tolerance(int z) noexcept;

/// Douglas-Peucker: keeps the end points and every point farther than `tolerance` from the
/// simplified shape. A tolerance <= 0 returns the input.
PointList simplify_line(const PointList& line, double tolerance);

/// Simplifies a line; empty when the result is degenerate (fewer than 2 points or shorter than
/// `tolerance`).
PointList simplify_linestring(const PointList& line, double tolerance);

/// Simplifies a closed ring; empty when fewer than 4 points (3 distinct + closing) remain or its
/// area is below tolerance² (a sliver or a speck).
PointList simplify_ring(const PointList& ring, double tolerance);

/// Simplifies each ring of a polygon; empty when the exterior degenerates; holes that
/// degenerate are dropped.
std::vector<PointList> simplify_polygon(const std::vector<PointList>& rings, double tolerance);

}  // namespace sightline::tiles
