#include "core/clock.hpp"

#include <chrono>

#include <fmt/chrono.h>
#include <fmt/core.h>

namespace sightline {

std::int64_t unix_now() noexcept {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Days since 1970-01-01 to a civil date (H. Hinnant's algorithm). Written out because camera
// lists format three timestamps per feature and fmt's chrono formatting dominated that path.
std::string format_utc(std::int64_t unix_s) {
    std::int64_t days = unix_s >= 0 ? unix_s / 86400 : (unix_s - 86399) / 86400;
    std::int64_t secs = unix_s - days * 86400;
    std::int64_t z = days + 719468;
    std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    std::int64_t doe = z - era * 146097;
    std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    std::int64_t y = yoe + era * 400;
    std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    std::int64_t mp = (5 * doy + 2) / 153;
    std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
    std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2) ++y;
    char buffer[32];
    auto two = [](char* out, std::int64_t v) {
        out[0] = static_cast<char>('0' + v / 10);
        out[1] = static_cast<char>('0' + v % 10);
    };
    if (y < 0 || y > 9999)
        return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z",
                           std::chrono::sys_seconds{std::chrono::seconds{unix_s}});
    two(buffer, y / 100);
    two(buffer + 2, y % 100);
    buffer[4] = '-';
    two(buffer + 5, m);
    buffer[7] = '-';
    two(buffer + 8, d);
    buffer[10] = 'T';
    two(buffer + 11, secs / 3600);
    buffer[13] = ':';
    two(buffer + 14, secs / 60 % 60);
    buffer[16] = ':';
    two(buffer + 17, secs % 60);
    buffer[19] = 'Z';
    return std::string(buffer, 20);
}

}  // namespace sightline
