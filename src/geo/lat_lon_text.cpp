#include "geo/lat_lon_text.hpp"

#include <charconv>
#include <cmath>

#include <fmt/core.h>

namespace sightline::geo {
namespace {

bool parse_degrees(std::string_view text, double& value) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return !text.empty() && ec == std::errc{} && end == text.data() + text.size() &&
           std::isfinite(value);
}

}  // namespace

Result<LatLon> parse_lat_lon(std::string_view text, std::string_view what) {
    auto comma = text.find(',');
    LatLon position;
    if (comma == std::string_view::npos || !parse_degrees(text.substr(0, comma), position.lat) ||
        !parse_degrees(text.substr(comma + 1), position.lon))
        return fail(
            Errc::invalid_argument,
            fmt::format("{} must be lat,lon in decimal degrees (e.g. 48.1374,11.5755)", what));
    if (!position.is_valid())
        return fail(Errc::invalid_argument,
                    fmt::format("{} is out of range: latitude -90..90, longitude -180..180", what));
    return position;
}

}  // namespace sightline::geo
