#pragma once
// Helpers for the OSM tests: fixture paths, a temporary folder, reading a fixture.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "osm/importer.hpp"
#include "support/temp_dir.hpp"

namespace sightline::osm::testing {

inline std::filesystem::path fixture(const std::string& name) {
    return std::filesystem::path(SIGHTLINE_FIXTURES) / "osm" / name;
}

inline std::filesystem::path shared_osm(const std::string& name) {
    return std::filesystem::path(SIGHTLINE_SHARED_DATA) / "osm" / name;
}

using TempDir = sightline::testing::TempDir;  // tests/support/temp_dir.hpp

/// The bytes of a file ("" when it cannot be read).
inline std::string file_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline model::OsmExtract read_fixture(const std::string& name, ReadStats* stats = nullptr) {
    ImportOptions options;
    options.stats = stats;
    auto extract = read_osm_file(fixture(name), options);
    if (!extract) throw std::runtime_error(extract.error().message);
    return *extract;
}

}  // namespace sightline::osm::testing
