#include "store/encoding/hilbert_order.hpp"

#include <algorithm>
#include <numeric>
#include <utility>

namespace sightline::store::encoding {

std::uint64_t hilbert_key(geo::LatLon p) {
    constexpr double cells = 4294967295.0;
    auto x = static_cast<std::uint32_t>(std::clamp((p.lon + 180.0) / 360.0, 0.0, 1.0) * cells);
    auto y = static_cast<std::uint32_t>(std::clamp((p.lat + 90.0) / 180.0, 0.0, 1.0) * cells);
    std::uint64_t key = 0;
    for (std::uint32_t s = 1U << 31; s > 0; s >>= 1) {
        std::uint32_t rx = (x & s) ? 1 : 0;
        std::uint32_t ry = (y & s) ? 1 : 0;
        key += static_cast<std::uint64_t>(s) * s * ((3 * rx) ^ ry);
        if (ry == 0) {  // rotate the quadrant
            if (rx == 1) {
                x = ~x;
                y = ~y;
            }
            std::swap(x, y);
        }
    }
    return key;
}

std::vector<std::size_t> hilbert_order(const std::vector<model::NewCamera>& cameras) {
    std::vector<std::size_t> order(cameras.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::vector<std::uint64_t> keys(cameras.size());
    for (std::size_t i = 0; i < cameras.size(); ++i)
        keys[i] = hilbert_key(cameras[i].location);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
    return order;
}

}  // namespace sightline::store::encoding
