#include "geo/polygon.hpp"

#include <cmath>
#include <cstddef>
#include <numbers>
#include <utility>

#include "geo/distance.hpp"

namespace sightline::geo {
namespace {

constexpr double radians = std::numbers::pi / 180.0;

// Crossings of the ray from `p` towards growing longitude with the ring's edges (odd: inside).
bool ring_contains(const Ring& ring, LatLon p) noexcept {
    bool inside = false;
    const std::size_t n = ring.size();
    for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
        LatLon a = ring[j];
        LatLon b = ring[i];
        if ((a.lat > p.lat) == (b.lat > p.lat)) continue;  // half-open: no double count at vertices
        if (a.lat > b.lat) std::swap(a, b);                // the same arithmetic for both sides
        double lon_at = a.lon + (p.lat - a.lat) * (b.lon - a.lon) / (b.lat - a.lat);
        if (p.lon < lon_at) inside = !inside;
    }
    return inside;
}

}  // namespace

double ring_area_m2(const Ring& ring) noexcept {
    const std::size_t n = ring.size();
    if (n < 3) return 0;
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const LatLon& a = ring[i];
        const LatLon& b = ring[(i + 1) % n];
        sum +=
            (b.lon - a.lon) * radians * (2 + std::sin(a.lat * radians) + std::sin(b.lat * radians));
    }
    return std::abs(sum * earth_radius_m * earth_radius_m / 2);
}

double area_m2(const MultiPolygon& polygons) noexcept {
    double total = 0;
    for (const auto& polygon : polygons)
        for (std::size_t r = 0; r < polygon.size(); ++r)
            total += (r == 0 ? 1 : -1) * ring_area_m2(polygon[r]);
    return total;
}

bool contains(const MultiPolygon& polygons, LatLon point) noexcept {
    for (const auto& polygon : polygons) {
        if (polygon.empty() || !ring_contains(polygon[0], point)) continue;
        bool in_hole = false;
        for (std::size_t r = 1; r < polygon.size() && !in_hole; ++r)
            in_hole = ring_contains(polygon[r], point);
        if (!in_hole) return true;
    }
    return false;
}

}  // namespace sightline::geo
