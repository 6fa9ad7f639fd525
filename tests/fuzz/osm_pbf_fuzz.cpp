// libFuzzer target: OSM PBF through the importer (osm::read_osm_file on a .osm.pbf file).
#include "osm_file_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const sightline::fuzz::OsmFuzzFile file(".osm.pbf");
    return file.run(data, size);
}
