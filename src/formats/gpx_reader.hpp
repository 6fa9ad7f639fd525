#pragma once
// GPX 1.0 and 1.1 (https://www.topografix.com/GPX/1/1/) from outside, read with expat: the lines
// of a walk, from tracks (trk/trkseg/trkpt) and routes (rte/rtept). Waypoints, extensions and
// elements of other namespaces are skipped. A document that declares entities is refused
// before any is expanded (no "billion laughs"), and no external entity or DTD is ever loaded.

#include <cstddef>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "geo/lat_lon.hpp"

namespace sightline::formats {

/// Explicit bounds on outside input (a GPX of a day's hike has ~20,000 points).
struct GpxLimits {
    std::size_t max_bytes = 5 * 1024 * 1024;
    std::size_t max_points = 100'000;  ///< trkpt and rtept, over all lines
    std::size_t max_lines = 10'000;
    std::size_t max_depth = 64;  ///< element nesting
};

/// Lines in file order: each track segment, each route. A trkpt straight inside <trk> (some
/// GPX 1.0 loggers write no trkseg) makes a segment of its own. Segments of fewer than 2 points
/// are dropped: a logger's pause makes them and they have no length.
struct GpxLines {
    std::vector<std::vector<geo::LatLon>> lines;
};

/// Reads `text` as GPX. invalid_argument ("GPX line N: ...") for malformed XML, a root other
/// than <gpx> (unprefixed, or in the GPX 1.0/1.1 namespace), a trkpt/rtept without a numeric
/// lat and lon in -90..90, -180..180, an entity declaration, or nesting deeper than max_depth;
/// too_large over max_bytes, max_points or max_lines. A GPX file with no line is not an error
/// here (the lines are empty).
Result<GpxLines> read_gpx(std::string_view text, const GpxLimits& limits = {});

}  // namespace sightline::formats
