#include "store/encoding/hilbert_order.hpp"

#include <algorithm>
#include <numeric>

#include "geo/hilbert_key.hpp"

namespace sightline::store::encoding {

std::vector<std::size_t> hilbert_order(const std::vector<model::NewCamera>& cameras) {
    std::vector<std::size_t> order(cameras.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::vector<std::uint64_t> keys(cameras.size());
    for (std::size_t i = 0; i < cameras.size(); ++i)
        keys[i] = geo::hilbert_key(cameras[i].location);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
    return order;
}

}  // namespace sightline::store::encoding
