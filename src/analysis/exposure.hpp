#pragma once
// Which parts of a line are seen, by which camera and at what level: segments clipped by
// viewshed polygons. Used for street coverage and for the exposure of a walked route.

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
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

/// A ring's edges sorted into horizontal bands of its bounding box, so that a segment or a point
/// meets only the edges of the bands it spans: clipping a street segment against a viewshed of
/// hundreds of vertices then looks at a handful of edges. Rings of few vertices get one band.
class RingBands {
  public:
    RingBands() = default;
    explicit RingBands(std::span<const Vec2> ring);
    /// Calls visit(j, i) once for every edge ring[j]-ring[i] (j = i - 1, cyclic) whose y-range
    /// meets [y0, y1]; a few more edges may be visited, never fewer.
    template <typename Visit>
    void for_edges(double y0, double y1, const Visit& visit) const;

  private:
    [[nodiscard]] std::size_t band_of(double y) const noexcept;
    std::size_t m_size = 0;  ///< vertices of the ring (no bands: every edge is visited)
    double m_min_y = 0;
    double m_band_height = 1;
    /// Set on an edge's entry in the lowest band it lies in: read with the entry, not looked up.
    static constexpr std::uint32_t first_band_flag = 1U << 31;
    std::vector<std::uint32_t> m_band_start;  ///< band b's edges: m_edges[start[b]..start[b+1])
    /// Edge i (ring[i - 1] to ring[i]) as i, with first_band_flag in its lowest band.
    std::vector<std::uint32_t> m_edges;
};

/// clip_segment with the ring's bands: the same intervals, fewer edges looked at.
std::vector<Interval> clip_segment(Vec2 a, Vec2 b, std::span<const Vec2> ring,
                                   const RingBands& bands);

/// Where a frame's y lies in the space some bands were made in: band_y = origin + y * scale,
/// widened by `pad` each side (more than the rounding between the two spaces). Lets bands made
/// once over a ring in degrees (y = latitude) serve every request frame.
struct BandSpace {
    double origin = 0;
    double scale = 1;
    double pad = 0;
};

/// clip_segment with bands made in another space: appends to `out` the intervals clip_segment
/// gives (those already in `out` are left as they are).
void clip_segment(Vec2 a, Vec2 b, std::span<const Vec2> ring, const RingBands& bands,
                  const BandSpace& space, std::vector<Interval>& out);

/// Union of sorted or unsorted intervals: sorted and disjoint.
std::vector<Interval> unite(std::vector<Interval> intervals);
/// unite() in the vector itself, keeping its capacity for the next use.
void unite_in_place(std::vector<Interval>& intervals);
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
    /// The bands of ring `ring` of viewsheds()[viewshed] at `level`, made on first use (a
    /// route's scene holds hundreds of rings it never clips); thread-safe.
    [[nodiscard]] const RingBands& bands(std::uint32_t viewshed, std::size_t level,
                                         std::size_t ring) const;

  private:
    std::vector<PlacedViewshed> viewsheds_;
    /// Per viewshed and level (viewshed * levels + level), the index of its first ring in bands_.
    std::vector<std::uint32_t> ring_start_;
    mutable std::vector<RingBands> bands_;
    std::unique_ptr<std::once_flag[]> bands_made_;
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
