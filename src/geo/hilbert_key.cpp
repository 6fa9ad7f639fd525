#include "geo/hilbert_key.hpp"

#include <algorithm>
#include <utility>

namespace sightline::geo {

std::uint64_t hilbert_key(LatLon p) noexcept {
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

}  // namespace sightline::geo
