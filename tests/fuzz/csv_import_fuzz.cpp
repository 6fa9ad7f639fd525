// libFuzzer target: CSV camera import (services::parse_csv, services::cameras_from_csv) on
// arbitrary text. The first line of the input picks the mapping: "lat column,lon column,tag
// column" (empty for the defaults); the rest is the CSV. Every input must end in cameras with
// valid positions or an error value: no crash, no sanitizer report, no exception.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "services/csv_import.hpp"

namespace {

void check(bool promise) {
    if (!promise) __builtin_trap();
}

std::string_view field(std::string_view& line) {
    auto comma = line.find(',');
    auto out = line.substr(0, comma);
    line = comma == std::string_view::npos ? std::string_view{} : line.substr(comma + 1);
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace sightline;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto eol = input.find('\n');
    std::string_view mapping_line = input.substr(0, eol);
    std::string_view csv =
        eol == std::string_view::npos ? std::string_view{} : input.substr(eol + 1);

    (void)services::parse_csv(csv);

    services::CsvMapping mapping;
    if (auto lat = field(mapping_line); !lat.empty()) mapping.lat_column = std::string(lat);
    if (auto lon = field(mapping_line); !lon.empty()) mapping.lon_column = std::string(lon);
    if (auto tag = field(mapping_line); !tag.empty())
        mapping.tag_columns.emplace_back("name", std::string(tag));
    std::vector<std::string> unmapped;
    if (auto cameras = services::cameras_from_csv(csv, mapping, &unmapped))
        for (const auto& camera : *cameras)
            check(camera.location.is_valid());
    return 0;
}
