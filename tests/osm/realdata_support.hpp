#pragma once
// What the tests of this folder share for ../shared/data and the tools that check it: skipping
// (or failing under CI=true) when something is missing, and finding a program on PATH.

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace sightline::osm_realdata {

inline bool in_ci() {
    const char* ci = std::getenv("CI");
    return ci != nullptr && std::string_view(ci) == "true";
}

/// The program's path on PATH, or "" when it is not installed.
inline std::string find_program(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/bin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        const std::filesystem::path candidate = std::filesystem::path(dir) / name;
        if (!dir.empty() && access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
    return {};
}

}  // namespace sightline::osm_realdata

// Skips (or fails in CI) when the shared data or a tool is missing.
#define REQUIRE_OR_SKIP(condition, message)                              \
    do {                                                                 \
        if (!(condition)) {                                              \
            if (::sightline::osm_realdata::in_ci()) FAIL() << (message); \
            GTEST_SKIP() << (message);                                   \
        }                                                                \
    } while (false)
