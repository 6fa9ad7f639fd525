#pragma once
// The licence of the registry's camera data, as every open-data dump and feed states it (the
// wording of the OpenAPI document's info.license).

#include <string_view>

namespace sightline::model {

inline constexpr std::string_view data_licence_id = "ODbL-1.0";
inline constexpr std::string_view data_licence =
    "Data: ODbL 1.0 where derived from OpenStreetMap (© OpenStreetMap contributors)";
inline constexpr std::string_view data_licence_url =
    "https://opendatacommons.org/licenses/odbl/1-0/";

}  // namespace sightline::model
