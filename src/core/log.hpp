#pragma once
// Structured logging: one line per event, `key=value` pairs, to stderr.
// Privacy rule: never pass a client address, a token, a password or photo metadata here.

#include <string_view>

namespace sightline::log {

enum class Level { debug, info, warn, error };

/// Sets the lowest level that is written (default info). Thread-safe.
void set_level(Level level) noexcept;
/// Writes `ts=<utc> level=<level> <message>` as one line; lines from threads never interleave.
void write(Level level, std::string_view message);

inline void info(std::string_view message) {
    write(Level::info, message);
}
inline void warn(std::string_view message) {
    write(Level::warn, message);
}
inline void error(std::string_view message) {
    write(Level::error, message);
}
inline void debug(std::string_view message) {
    write(Level::debug, message);
}

}  // namespace sightline::log
