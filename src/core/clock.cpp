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

std::string format_utc(std::int64_t unix_s) {
    std::chrono::sys_seconds tp{std::chrono::seconds{unix_s}};
    return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", tp);
}

}  // namespace sightline
