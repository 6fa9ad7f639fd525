#pragma once
// Shared body of the OSM import fuzz targets: osm::read_osm_file takes a path whose suffix picks
// the format, so the input is written to a file with that suffix in a private temporary folder
// (one per process, removed at exit) and read back. Every input must end in an extract or an
// error value: no crash, no sanitizer report, no exception.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "osm/importer.hpp"

namespace sightline::fuzz {

class OsmFuzzFile {
  public:
    explicit OsmFuzzFile(const char* suffix) {
        std::string dir =
            (std::filesystem::temp_directory_path() / "sightline-fuzz-osm-XXXXXX").string();
        if (::mkdtemp(dir.data()) == nullptr) std::abort();
        m_dir = dir;
        m_path = m_dir / (std::string("input") + suffix);
    }
    ~OsmFuzzFile() {
        std::error_code ignored;
        std::filesystem::remove_all(m_dir, ignored);
    }
    OsmFuzzFile(const OsmFuzzFile&) = delete;
    OsmFuzzFile& operator=(const OsmFuzzFile&) = delete;

    int run(const std::uint8_t* data, std::size_t size) const {
        {
            std::ofstream out(m_path, std::ios::binary | std::ios::trunc);
            out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
            if (!out) std::abort();
        }
        auto extract = osm::read_osm_file(m_path);
        if (!extract && extract.error().code != Errc::invalid_argument) __builtin_trap();
        if (extract)
            for (const auto& street : extract->streets)
                if (street.points.size() < 2) __builtin_trap();
        return 0;
    }

  private:
    std::filesystem::path m_dir;
    std::filesystem::path m_path;
};

}  // namespace sightline::fuzz
