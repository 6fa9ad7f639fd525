#pragma once
// Time as plain integers: seconds since the Unix epoch, UTC.

#include <cstdint>
#include <string>

namespace sightline {

/// Current time, seconds since 1970-01-01T00:00:00Z.
std::int64_t unix_now() noexcept;
/// Rounds down to the hour. Report times are stored this coarse so they cannot be joined with
/// other logs to identify a contributor.
constexpr std::int64_t round_down_to_hour(std::int64_t unix_s) noexcept {
    return unix_s - ((unix_s % 3600) + 3600) % 3600;
}
/// RFC 3339 UTC text, e.g. "2026-11-26T17:00:00Z".
std::string format_utc(std::int64_t unix_s);

}  // namespace sightline
