#pragma once
// A position along a Hilbert curve over the whole globe: sorting by it puts things that are
// close on the ground close in memory or on disk (camera rows, the walking graph's streets).

#include <cstdint>

#include "geo/lat_lon.hpp"

namespace sightline::geo {

/// Position of a point along a Hilbert curve over the whole globe (2^32 x 2^32 cells, about
/// 1 cm): points close on the curve are close on the ground. Out-of-range coordinates are
/// clamped to the edge.
std::uint64_t hilbert_key(LatLon p) noexcept;

}  // namespace sightline::geo
