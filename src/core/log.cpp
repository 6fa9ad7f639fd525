#include "core/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

#include <fmt/chrono.h>
#include <fmt/core.h>

namespace sightline::log {
namespace {
std::atomic<Level> g_level{Level::info};
std::mutex g_mutex;

const char* level_name(Level level) {
    switch (level) {
        case Level::debug:
            return "debug";
        case Level::info:
            return "info";
        case Level::warn:
            return "warn";
        case Level::error:
            return "error";
    }
    return "info";
}
}  // namespace

void set_level(Level level) noexcept {
    g_level.store(level);
}

void write(Level level, std::string_view message) {
    if (level < g_level.load()) return;
    auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
    std::string line =
        fmt::format("ts={:%Y-%m-%dT%H:%M:%S}Z level={} {}\n", now, level_name(level), message);
    std::lock_guard lock(g_mutex);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

}  // namespace sightline::log
