#pragma once
// Which parts of a line are seen, by which camera and at what level: segments clipped by
// viewshed polygons. Used for street coverage and for the exposure of a walked route.

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "analysis/viewshed.hpp"

namespace sightline::analysis {

/// A stretch of a polyline, as distances in metres from its start.
struct Interval {
    double from_m = 0;
    double to_m = 0;
};

/// The parts of segment a-b inside `ring` (simple polygon, open or closed, either orientation),
/// as sorted, disjoint intervals of distance from a. The boundary counts as inside, so a segment
/// running along an edge is seen there (over-counting is the conservative error). Empty for a
/// zero-length segment or a ring of fewer than 3 points.
std::vector<Interval> clip_segment(Vec2 a, Vec2 b, std::span<const Vec2> ring);

/// Union of sorted or unsorted intervals: sorted and disjoint.
std::vector<Interval> unite(std::vector<Interval> intervals);
double total_length(std::span<const Interval> intervals) noexcept;

/// A camera's viewshed with the camera's identity, in a shared frame.
struct PlacedViewshed {
    std::int64_t camera_id = 0;
    Viewshed viewshed;
};

struct CameraExposure {
    std::int64_t camera_id = 0;
    double seen_m = 0;  ///< metres within the camera's observe level or finer
    std::array<double, dori_level_count> by_level_m{};
};

/// Exposure of one polyline (a street or a route) in the frame's metres.
struct LineExposure {
    double length_m = 0;
    /// Metres seen by at least one camera at the level or finer (so by_level_m is non-increasing).
    std::array<double, dori_level_count> by_level_m{};
    double seen_m = 0;  ///< == by_level_m[observe]: Sightline counts "seen" from observe up
    std::vector<CameraExposure> cameras;  ///< only cameras that see some of it, by id
    /// Per input segment i (points[i]..points[i+1]): metres at each level.
    std::vector<std::array<double, dori_level_count>> segments;
};

/// Viewsheds of one frame with a grid over their bounding boxes (internals: the implementation's).
/// Immutable after construction: const members are safe to call from several threads.
class ViewshedIndex {
  public:
    explicit ViewshedIndex(std::vector<PlacedViewshed> viewsheds, double cell_size_m = 100.0);
    [[nodiscard]] const std::vector<PlacedViewshed>& viewsheds() const noexcept;
    /// Indexes into viewsheds() whose bounding box meets the segment's bounding box.
    void candidates(Vec2 a, Vec2 b, std::vector<std::uint32_t>& out) const;

  private:
    std::vector<PlacedViewshed> viewsheds_;
    double cell_size_m_;
    Vec2 min_{};
    int columns_ = 0;
    int rows_ = 0;
    std::vector<std::uint32_t> cell_start_;
    std::vector<std::uint32_t> cell_items_;
};

/// Exposure of a polyline in the index's frame (fewer than 2 points: all zero). Thread-safe.
LineExposure line_exposure(std::span<const Vec2> points, const ViewshedIndex& index);

}  // namespace sightline::analysis
