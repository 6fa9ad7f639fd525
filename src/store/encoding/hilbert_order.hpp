#pragma once
// The order both backends write an import's cameras in: along a Hilbert curve, so cameras close
// to each other get close ids and share table pages (a bbox listing then reads fewer pages).

#include <cstddef>
#include <vector>

#include "model/camera.hpp"

namespace sightline::store::encoding {

/// Indexes of `cameras` in Hilbert-curve order (stable: equal keys keep the input order).
std::vector<std::size_t> hilbert_order(const std::vector<model::NewCamera>& cameras);

}  // namespace sightline::store::encoding
