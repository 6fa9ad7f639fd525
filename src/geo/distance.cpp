#include "geo/distance.hpp"

#include <cmath>
#include <numbers>

namespace sightline::geo {
namespace {
constexpr double rad(double deg) {
    return deg * std::numbers::pi / 180.0;
}
constexpr double deg(double rad) {
    return rad * 180.0 / std::numbers::pi;
}
}  // namespace

double distance_m(LatLon a, LatLon b) noexcept {
    double dlat = rad(b.lat - a.lat);
    double dlon = rad(b.lon - a.lon);
    double h =
        std::sin(dlat / 2) * std::sin(dlat / 2) +
        std::cos(rad(a.lat)) * std::cos(rad(b.lat)) * std::sin(dlon / 2) * std::sin(dlon / 2);
    return 2 * earth_radius_m * std::asin(std::min(1.0, std::sqrt(h)));
}

double bearing_deg(LatLon a, LatLon b) noexcept {
    double y = std::sin(rad(b.lon - a.lon)) * std::cos(rad(b.lat));
    double x = std::cos(rad(a.lat)) * std::sin(rad(b.lat)) -
               std::sin(rad(a.lat)) * std::cos(rad(b.lat)) * std::cos(rad(b.lon - a.lon));
    double bearing = deg(std::atan2(y, x));
    return std::fmod(bearing + 360.0, 360.0);
}

LatLon destination(LatLon from, double bearing, double distance) noexcept {
    double delta = distance / earth_radius_m;
    double theta = rad(bearing);
    double lat1 = rad(from.lat);
    double lon1 = rad(from.lon);
    double lat2 = std::asin(std::sin(lat1) * std::cos(delta) +
                            std::cos(lat1) * std::sin(delta) * std::cos(theta));
    double lon2 = lon1 + std::atan2(std::sin(theta) * std::sin(delta) * std::cos(lat1),
                                    std::cos(delta) - std::sin(lat1) * std::sin(lat2));
    double lon = std::fmod(deg(lon2) + 540.0, 360.0) - 180.0;
    return {deg(lat2), lon};
}

double heading_difference_deg(double a, double b) noexcept {
    double d = std::fmod(std::fabs(a - b), 360.0);
    return d > 180.0 ? 360.0 - d : d;
}

}  // namespace sightline::geo
