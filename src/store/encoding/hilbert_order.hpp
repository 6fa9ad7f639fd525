#pragma once
// The order both backends write an import's cameras in: along a Hilbert curve, so cameras close
// to each other get close ids and share table pages (a bbox listing then reads fewer pages).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "geo/lat_lon.hpp"
#include "model/camera.hpp"

namespace sightline::store::encoding {

/// Position of a point along a Hilbert curve over the whole globe (2^32 x 2^32 cells, about
/// 1 cm): points close on the curve are close on the ground.
std::uint64_t hilbert_key(geo::LatLon p);

/// Indexes of `cameras` in Hilbert-curve order (stable: equal keys keep the input order).
std::vector<std::size_t> hilbert_order(const std::vector<model::NewCamera>& cameras);

}  // namespace sightline::store::encoding
