#pragma once
// Packed geometry of streets and areas in the SQLite store (both backends): int32 E7
// (lat, lon) pairs; areas: an int32 ring count, then per ring an int32 point count and its points.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "geo/bbox.hpp"
#include "geo/lat_lon.hpp"
#include "geo/polygon.hpp"

namespace sightline::store::encoding {

// --- packed geometry: int32 E7 (lat, lon) pairs, host byte order (the file never moves
//     between machines of different endianness in practice; nor does a database dump) ------

inline void put_int32(std::string& out, std::int32_t v) {
    char bytes[sizeof v];
    std::memcpy(bytes, &v, sizeof v);
    out.append(bytes, sizeof v);
}

inline std::int32_t e7(double degrees) {
    return static_cast<std::int32_t>(std::lround(degrees * 1e7));
}

inline void put_points(std::string& out, const std::vector<geo::LatLon>& points) {
    for (auto p : points) {
        put_int32(out, e7(p.lat));
        put_int32(out, e7(p.lon));
    }
}

class PackedReader {
  public:
    explicit PackedReader(std::string_view bytes) : m_bytes(bytes) {}
    std::int32_t int32() {
        if (m_bytes.size() < 4) throw sightline::Exception("corrupt database row: packed geometry");
        std::int32_t v = 0;
        std::memcpy(&v, m_bytes.data(), sizeof v);
        m_bytes.remove_prefix(4);
        return v;
    }
    geo::LatLon point() {
        double lat = int32() / 1e7;
        double lon = int32() / 1e7;
        return {lat, lon};
    }
    [[nodiscard]] std::size_t left() const noexcept { return m_bytes.size(); }

  private:
    std::string_view m_bytes;
};

inline void put_rings(std::string& out, const std::vector<std::vector<geo::LatLon>>& rings) {
    put_int32(out, static_cast<std::int32_t>(rings.size()));
    for (const auto& ring : rings) {
        put_int32(out, static_cast<std::int32_t>(ring.size()));
        put_points(out, ring);
    }
}

inline std::vector<geo::LatLon> read_points(std::string_view bytes) {
    PackedReader r(bytes);
    std::vector<geo::LatLon> points;
    points.reserve(bytes.size() / 8);
    while (r.left() >= 8)
        points.push_back(r.point());
    return points;
}

inline std::vector<std::vector<geo::LatLon>> read_rings(std::string_view bytes) {
    PackedReader r(bytes);
    auto count = r.int32();
    std::vector<std::vector<geo::LatLon>> rings(static_cast<std::size_t>(std::max(count, 0)));
    for (auto& ring : rings) {
        auto n = r.int32();
        if (n < 0 || static_cast<std::size_t>(n) * 8 > r.left())
            throw sightline::Exception("corrupt database row: packed rings");
        ring.reserve(static_cast<std::size_t>(n));
        for (std::int32_t i = 0; i < n; ++i)
            ring.push_back(r.point());
    }
    return rings;
}

// Multipolygons (districts): an int32 polygon count, then each polygon as put_rings writes it.
inline void put_polygons(std::string& out, const geo::MultiPolygon& polygons) {
    put_int32(out, static_cast<std::int32_t>(polygons.size()));
    for (const auto& polygon : polygons)
        put_rings(out, polygon);
}

inline geo::MultiPolygon read_polygons(std::string_view bytes) {
    PackedReader r(bytes);
    auto count = [&r](std::size_t min_bytes_each) {
        auto n = r.int32();
        if (n < 0 || static_cast<std::size_t>(n) * min_bytes_each > r.left())
            throw sightline::Exception("corrupt database row: packed polygons");
        return static_cast<std::size_t>(n);
    };
    geo::MultiPolygon polygons(count(4));
    for (auto& polygon : polygons) {
        polygon.resize(count(4));
        for (auto& ring : polygon) {
            ring.resize(count(8));
            for (auto& point : ring)
                point = r.point();
        }
    }
    return polygons;
}

inline geo::BBox box_of(const std::vector<geo::LatLon>& points) {
    auto b = geo::BBox::empty_box();
    for (auto p : points)
        b.extend(p);
    return b;
}

}  // namespace sightline::store::encoding
