#pragma once
// An independent RFC 4180 reader for checking the CSV that Sightline writes (comma-separated,
// quoted fields, CRLF or LF). Deliberately not the product's parser.

#include <string>
#include <string_view>
#include <vector>

namespace sightline::testing {

std::vector<std::vector<std::string>> parse_csv(std::string_view text);

}  // namespace sightline::testing
