#pragma once

namespace sightline::geo {

/// WGS84 position in degrees. Unchecked on construction: call is_valid() on outside input.
struct LatLon {
    double lat = 0.0;
    double lon = 0.0;
    [[nodiscard]] constexpr bool is_valid() const noexcept {
        // NaN fails every comparison, so it is rejected here too.
        return lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180;
    }
    friend constexpr bool operator==(LatLon, LatLon) = default;
};

}  // namespace sightline::geo
