#pragma once
// A position written as text the way people copy it from a map: "lat,lon" in degrees.

#include <string_view>

#include "core/error.hpp"
#include "geo/lat_lon.hpp"

namespace sightline::geo {

/// Parses "lat,lon" in decimal degrees (latitude first, as map apps show it), with no spaces
/// or other characters. invalid_argument, with a message that starts with `what` (the
/// parameter's name), for anything else: wrong count, non-numbers, NaN/infinity, a latitude
/// outside -90..90 or a longitude outside -180..180.
Result<LatLon> parse_lat_lon(std::string_view text, std::string_view what);

}  // namespace sightline::geo
