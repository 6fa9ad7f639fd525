#pragma once

#include "geo/lat_lon.hpp"

namespace sightline::geo {

/// Mean Earth radius (IUGG), metres.
constexpr double earth_radius_m = 6371008.8;

/// Great-circle distance in metres (haversine; error < 0.5 % against the ellipsoid).
double distance_m(LatLon a, LatLon b) noexcept;

/// Initial bearing from a to b, degrees clockwise from north in [0, 360).
double bearing_deg(LatLon a, LatLon b) noexcept;

/// The point reached from `from` after `distance_m` along `bearing_deg` (great circle).
LatLon destination(LatLon from, double bearing_deg, double distance_m) noexcept;

/// Smallest absolute difference between two headings, degrees in [0, 180].
double heading_difference_deg(double a_deg, double b_deg) noexcept;

}  // namespace sightline::geo
