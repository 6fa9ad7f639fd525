#pragma once
// Where a survey campaign sends volunteers: the street intersections of an area (nodes where
// three or more street segments meet, merged when closer than a few metres, as a complex junction
// is one corner to a person standing there) or the grid cells that hold streets. And how much of
// a street a surveyed task vouches for. Pure geometry, no I/O.

#include <cstdint>
#include <vector>

#include "analysis/local_frame.hpp"
#include "geo/bbox.hpp"
#include "geo/lat_lon.hpp"
#include "geo/polygon.hpp"

namespace sightline::analysis {

/// A place to look: a point, and the ground it stands for (a cell's box; an intersection's box
/// of survey_radius_m around it).
struct SurveySpot {
    geo::LatLon location;
    geo::BBox area;
};

/// How far from an intersection a volunteer standing there is taken to have looked: the streets
/// within this distance count as surveyed. A camera farther away is another corner's task.
constexpr double survey_radius_m = 50;

/// Intersections of `streets` (polylines): nodes shared by three or more segments, clustered so
/// that nodes within `cluster_m` of each other (single linkage) become one spot at their centroid.
/// Only spots inside `within` (when not empty) are kept. Sorted by latitude, then longitude.
std::vector<SurveySpot> find_intersections(const std::vector<std::vector<geo::LatLon>>& streets,
                                           double cluster_m = 15,
                                           const geo::MultiPolygon& within = {});

/// The cells of a grid of `cell_m` metres laid over `box` (from its south-west corner) that some
/// street passes through; spots at their centres. Only cells whose centre is inside `within`
/// (when not empty) are kept.
std::vector<SurveySpot> street_cells(const std::vector<std::vector<geo::LatLon>>& streets,
                                     const geo::BBox& box, double cell_m,
                                     const geo::MultiPolygon& within = {});

/// A circle in local metres (see LocalFrame).
struct Circle {
    Vec2 centre;
    double radius = 0;
};

/// The length of the segment a-b (local metres) that lies inside any of the circles or
/// rectangles, counting overlaps once.
double length_inside(Vec2 a, Vec2 b, const std::vector<Circle>& circles,
                     const std::vector<Rect>& rects);

/// Surveyed ground (circles and rectangles in local metres) indexed by a grid, so a street
/// segment is measured against the few pieces near it.
class SurveyedGround {
  public:
    SurveyedGround(std::vector<Circle> circles, std::vector<Rect> rects, double cell_m = 100);
    /// length_inside() of a-b against the pieces whose cells its box touches.
    [[nodiscard]] double length_inside(Vec2 a, Vec2 b) const;
    [[nodiscard]] bool empty() const noexcept { return m_circles.empty() && m_rects.empty(); }

  private:
    std::vector<Circle> m_circles;
    std::vector<Rect> m_rects;
    double m_cell_m;
    Vec2 m_origin;
    int m_columns = 0, m_rows = 0;
    std::vector<std::uint32_t> m_start, m_items;  ///< index i < circles: circle, else rect
};

}  // namespace sightline::analysis
