#pragma once
// The ground a camera sees at each DORI level: its sectors clipped by range and occluded by
// building footprints (2D visibility by an angular sweep over nearby building edges).

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "analysis/camera_capability.hpp"
#include "analysis/local_frame.hpp"
#include "geo/bbox.hpp"

namespace sightline::analysis {

/// Walls of one building (its outer ring and holes) share an id; no_building when unknown.
constexpr std::int32_t no_building = -1;

/// A wall: one edge of a building outline, in a frame's metres.
struct Wall {
    Vec2 a;
    Vec2 b;
    std::int32_t building = no_building;  ///< lets a camera mapped inside its building see out
};

/// Building edges of a region with a uniform grid over them, for "walls near this point" queries.
/// Immutable after construction: const members are safe to call from several threads.
class ObstacleIndex {
  public:
    ObstacleIndex() = default;
    /// walls in a frame's metres; cell_size_m is the grid's cell (clamped so the grid stays
    /// under a few million cells).
    ObstacleIndex(std::vector<Wall> walls, double cell_size_m = 50.0);
    /// Walls of building outlines: buildings[i] holds building i's rings (outer ring and holes,
    /// open or closed), and its walls get building id i.
    static ObstacleIndex from_buildings(
        const std::vector<std::vector<std::vector<Vec2>>>& buildings, double cell_size_m = 50.0);

    /// Indexes of the walls with a point within `radius` of `centre` (and maybe a few more: the
    /// caller must not rely on exactness), sorted and without duplicates. `out` is replaced.
    void near(Vec2 centre, double radius, std::vector<std::uint32_t>& out) const;
    /// Calls visit(wall) once for each wall near(centre, radius) returns.
    template <typename Visit>
    void for_each_near(Vec2 centre, double radius, Visit&& visit) const {
        thread_local std::vector<std::uint32_t> found;
        near(centre, radius, found);
        for (std::uint32_t i : found)
            visit(walls_[i]);
    }
    [[nodiscard]] const Wall& wall(std::uint32_t index) const noexcept { return walls_[index]; }
    [[nodiscard]] const std::vector<Wall>& walls() const noexcept { return walls_; }
    [[nodiscard]] std::size_t size() const noexcept { return walls_.size(); }
    /// True if `p` is inside building `building` (even-odd over all its walls; walls must form
    /// closed rings for a meaningful answer). False for no_building.
    [[nodiscard]] bool inside_building(Vec2 p, std::int32_t building) const;

  private:
    std::vector<Wall> walls_;  ///< sorted by building id
    double cell_size_m_ = 50.0;
    Vec2 min_{};
    int columns_ = 0;
    int rows_ = 0;
    std::vector<std::uint32_t> cell_start_;  ///< CSR offsets, columns_*rows_+1
    std::vector<std::uint32_t> cell_walls_;
};

/// Visible ground per DORI level, as simple polygons (counter-clockwise rings, not closed, in the
/// metres of the frame the obstacles were given in). A ring is star-shaped around `origin`.
/// Several sectors give several rings per level.
struct Viewshed {
    Vec2 origin;
    std::array<std::vector<std::vector<Vec2>>, dori_level_count> rings;
    /// The camera's range per level (rings[l] lies within range_m[l] of origin); lets
    /// line_exposure skip far segments. 0 = not known (no shortcut: still correct).
    std::array<double, dori_level_count> range_m{};
    /// Bounding box of all rings (the detect level's in practice: the largest), for indexing;
    /// both equal `origin` when nothing is visible.
    Vec2 min{};
    Vec2 max{};
};

/// Walls this close to a camera are its own facade and never hide anything from it.
constexpr double facade_tolerance_m = 0.5;
/// Arcs of the range circle are drawn as chords spanning at most this angle, vertices on the
/// circle: the polygon lies inside the disk by at most r * (1 - cos(1 deg)) ~ 0.015 % of r.
constexpr double max_arc_step_deg = 2.0;

/// `origin` is the camera's position in the obstacles' frame; the visible ground extends to the
/// camera's detect range. Camera on a facade (OSM puts cameras on or just inside outlines):
/// walls passing within facade_tolerance_m of the origin are ignored, and so are all walls of a
/// building whose outline contains the origin, so a camera mapped on or in its building sees
/// out of it. Exact 2D visibility otherwise (docs/camera-model.md). Thread-safe; an empty
/// viewshed for a non-finite origin or no positive range.
Viewshed compute_viewshed(const CameraCapability& camera, Vec2 origin,
                          const ObstacleIndex& obstacles);

}  // namespace sightline::analysis
