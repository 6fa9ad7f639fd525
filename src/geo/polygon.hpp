#pragma once
// Polygons in longitude/latitude: area on the sphere and which polygon a point lies in. A
// polygon is its rings: rings[0] the outer ring, the rest holes; rings may be closed (first ==
// last) or not. A multipolygon is a list of polygons.

#include <vector>

#include "geo/lat_lon.hpp"

namespace sightline::geo {

using Ring = std::vector<LatLon>;
using Polygon = std::vector<Ring>;
using MultiPolygon = std::vector<Polygon>;

/// Area of the region a ring encloses on the sphere, square metres, whatever its orientation
/// (the spherical-excess formula of Chamberlain and Duquette; error well under 0.5 % for areas
/// the size of a country).
double ring_area_m2(const Ring& ring) noexcept;

/// Outer rings minus holes, summed over the polygons, square metres.
double area_m2(const MultiPolygon& polygons) noexcept;

/// True when `point` lies inside the polygons (inside an outer ring and in none of its holes).
/// A point on an edge shared by two polygons (neighbouring districts) lies in exactly one of
/// them: the even-odd test counts crossings of a ray to the east with a half-open rule, and each
/// edge is evaluated from its southern end, so both sides of a shared edge agree to the bit.
bool contains(const MultiPolygon& polygons, LatLon point) noexcept;

}  // namespace sightline::geo
