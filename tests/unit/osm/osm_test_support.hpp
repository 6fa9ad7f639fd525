#pragma once
// Helpers for the OSM tests: fixture paths, a temporary folder, reading a fixture.

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "osm/importer.hpp"

namespace sightline::osm::testing {

inline std::filesystem::path fixture(const std::string& name) {
    return std::filesystem::path(SIGHTLINE_FIXTURES) / "osm" / name;
}

inline std::filesystem::path shared_osm(const std::string& name) {
    return std::filesystem::path(SIGHTLINE_SHARED_DATA) / "osm" / name;
}

class TempDir {
  public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "sightline-osm-XXXXXX");
        if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        m_path = pattern;
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }

  private:
    std::filesystem::path m_path;
};

inline model::OsmExtract read_fixture(const std::string& name, ReadStats* stats = nullptr) {
    ImportOptions options;
    options.stats = stats;
    auto extract = read_osm_file(fixture(name), options);
    if (!extract) throw std::runtime_error(extract.error().message);
    return *extract;
}

}  // namespace sightline::osm::testing
