#pragma once

#include <compare>
#include <cstdint>

namespace sightline::model {

/// Strong ids so a report id can never be passed where a camera id is meant.
struct CameraId {
    std::int64_t value = 0;
    friend constexpr auto operator<=>(CameraId, CameraId) = default;
};
struct ReportId {
    std::int64_t value = 0;
    friend constexpr auto operator<=>(ReportId, ReportId) = default;
};
struct UserId {
    std::int64_t value = 0;
    friend constexpr auto operator<=>(UserId, UserId) = default;
};

}  // namespace sightline::model
