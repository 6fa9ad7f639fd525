#include "geo/bbox.hpp"

#include <charconv>
#include <cmath>
#include <numbers>
#include <vector>

#include "geo/distance.hpp"

namespace sightline::geo {

double BBox::area_km2() const noexcept {
    constexpr double r_km = earth_radius_m / 1000.0;
    double lat_part = std::fabs(std::sin(south * std::numbers::pi / 180.0) -
                                std::sin(north * std::numbers::pi / 180.0));
    double lon_part = (east - west) * std::numbers::pi / 180.0;
    return r_km * r_km * lat_part * lon_part;
}

BBox BBox::around(LatLon c, double radius_m) noexcept {
    double dlat = radius_m / earth_radius_m * 180.0 / std::numbers::pi;
    double coslat = std::max(0.01, std::cos(c.lat * std::numbers::pi / 180.0));
    double dlon = std::min(180.0, dlat / coslat);
    return {std::max(-180.0, c.lon - dlon), std::max(-90.0, c.lat - dlat),
            std::min(180.0, c.lon + dlon), std::min(90.0, c.lat + dlat)};
}

Result<BBox> parse_bbox(std::string_view text) {
    std::vector<double> values;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t comma = text.find(',', start);
        std::string_view part = text.substr(
            start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        double v = 0;
        auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
        if (part.empty() || ec != std::errc{} || ptr != part.data() + part.size() ||
            !std::isfinite(v))
            return fail(Errc::invalid_argument, "bbox must be four numbers: west,south,east,north");
        values.push_back(v);
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    if (values.size() != 4)
        return fail(Errc::invalid_argument, "bbox must be four numbers: west,south,east,north");
    BBox box{values[0], values[1], values[2], values[3]};
    if (!LatLon{box.south, box.west}.is_valid() || !LatLon{box.north, box.east}.is_valid())
        return fail(Errc::invalid_argument, "bbox is outside -180..180 / -90..90");
    if (box.west > box.east || box.south > box.north)
        return fail(Errc::invalid_argument, "bbox must have west <= east and south <= north");
    return box;
}

}  // namespace sightline::geo
