#include "tiles/basemap_index.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

#include "tiles/basemap_layers.hpp"
#include "tiles/string_interner.hpp"

namespace sightline::tiles {
namespace {

// Side of the chunks the store is read in, degrees: a few thousand features each in a city.
constexpr double chunk_deg = 0.25;

geo::BBox box_of(std::span<const geo::LatLon> points) noexcept {
    geo::BBox box{points[0].lon, points[0].lat, points[0].lon, points[0].lat};
    for (const auto& p : points) {
        box.west = std::min(box.west, p.lon);
        box.east = std::max(box.east, p.lon);
        box.south = std::min(box.south, p.lat);
        box.north = std::max(box.north, p.lat);
    }
    return box;
}

bool intersects(const geo::BBox& a, const geo::BBox& b) noexcept {
    return !(a.east < b.west || a.west > b.east || a.north < b.south || a.south > b.north);
}

}  // namespace

std::shared_ptr<const BasemapIndex> BasemapIndex::build(store::MapStore& map,
                                                        std::stop_token stop) {
    auto index = std::make_shared<BasemapIndex>();
    index->m_version = map.map_version();
    StringInterner intern(index->m_strings);
    auto bounds = map.street_bounds();
    if (!bounds) return index;
    auto add_points = [&](std::span<const geo::LatLon> points) {
        if (index->m_points.size() + points.size() > std::numeric_limits<std::uint32_t>::max())
            throw std::length_error("over 2^32 points in the basemap snapshot");
        const auto first = static_cast<std::uint32_t>(index->m_points.size());
        index->m_points.insert(index->m_points.end(), points.begin(), points.end());
        return first;
    };
    // Ring offsets while m_points still grows; made into spans at the end.
    std::vector<std::pair<std::uint32_t, std::uint32_t>> rings;

    // Chunks of the street bounds; the outer ones reach to the ends of the world, so water and
    // parks away from every street are read too.
    const auto columns =
        std::max(1, static_cast<int>(std::ceil((bounds->east - bounds->west) / chunk_deg)));
    const auto rows =
        std::max(1, static_cast<int>(std::ceil((bounds->north - bounds->south) / chunk_deg)));
    auto chunk_of = [](double v, double origin, int count) {
        return std::clamp(static_cast<int>(std::floor((v - origin) / chunk_deg)), 0, count - 1);
    };
    for (int row = 0; row < rows; ++row) {
        for (int column = 0; column < columns; ++column) {
            if (stop.stop_requested()) return nullptr;
            // A feature belongs to the chunk of its box's south-west corner (the first and last
            // chunks reach to infinity), decided exactly here: the query is a little wider, so
            // each feature is kept once however the R*Tree's boxes round.
            auto owns = [&](const geo::BBox& box) {
                return chunk_of(box.west, bounds->west, columns) == column &&
                       chunk_of(box.south, bounds->south, rows) == row;
            };
            constexpr double margin = 1e-6;
            constexpr double far = 1000;  // degrees: beyond the world
            const geo::BBox query{
                column == 0 ? -far : bounds->west + column * chunk_deg - margin,
                row == 0 ? -far : bounds->south + row * chunk_deg - margin,
                column == columns - 1 ? far : bounds->west + (column + 1) * chunk_deg + margin,
                row == rows - 1 ? far : bounds->south + (row + 1) * chunk_deg + margin};
            map.for_each_street(query, [&](const model::Street& street) {
                if (!is_major_street(street.highway) || street.points.empty()) return;
                const auto box = box_of(street.points);
                if (!owns(box)) return;
                Street s;
                s.osm_way_id = street.osm_way_id;
                s.box = box;
                s.highway = intern(street.highway);
                s.name = intern(street.name);
                s.first_point = add_points(street.points);
                s.point_count = static_cast<std::uint32_t>(street.points.size());
                index->m_streets.push_back(s);
            });
            for (auto kind : {model::AreaKind::water, model::AreaKind::park}) {
                map.for_each_area(query, kind, [&](const model::Area& area) {
                    if (area.rings.empty() || area.rings[0].empty()) return;
                    const auto box = box_of(area.rings[0]);
                    if (!owns(box)) return;
                    Area a;
                    a.osm_id = area.osm_id;
                    a.box = box;
                    a.kind = kind;
                    a.from_relation = area.from_relation;
                    a.name = intern(area.name);
                    a.height_m = area.height_m;
                    a.first_ring = static_cast<std::uint32_t>(rings.size());
                    a.ring_count = static_cast<std::uint32_t>(area.rings.size());
                    for (const auto& ring : area.rings)
                        rings.emplace_back(add_points(ring),
                                           static_cast<std::uint32_t>(ring.size()));
                    index->m_areas.push_back(a);
                });
            }
        }
    }
    if (map.map_version() != index->m_version) return nullptr;
    std::stable_sort(index->m_streets.begin(), index->m_streets.end(),
                     [](const Street& a, const Street& b) { return a.osm_way_id < b.osm_way_id; });
    std::stable_sort(index->m_areas.begin(), index->m_areas.end(),
                     [](const Area& a, const Area& b) {
                         return area_order(a.osm_id, a.from_relation, b.osm_id, b.from_relation);
                     });
    index->m_streets.shrink_to_fit();
    index->m_areas.shrink_to_fit();
    index->m_points.shrink_to_fit();
    index->m_rings.reserve(rings.size());
    const std::span<const geo::LatLon> points(index->m_points);
    for (auto [first, count] : rings)
        index->m_rings.push_back(points.subspan(first, count));
    return index;
}

std::size_t BasemapIndex::memory_bytes() const noexcept {
    std::size_t bytes = m_streets.capacity() * sizeof(Street) + m_areas.capacity() * sizeof(Area) +
                        m_points.capacity() * sizeof(geo::LatLon) +
                        m_rings.capacity() * sizeof(std::span<const geo::LatLon>);
    for (const auto& s : m_strings)
        bytes += sizeof(std::string) + s.capacity();
    return bytes;
}

void BasemapIndex::for_each_street(const geo::BBox& bbox,
                                   const std::function<void(const StreetView&)>& visit) const {
    for (const auto& s : m_streets) {
        if (!intersects(s.box, bbox)) continue;
        visit(StreetView{s.osm_way_id, m_strings[s.highway], m_strings[s.name],
                         std::span(m_points).subspan(s.first_point, s.point_count)});
    }
}

void BasemapIndex::for_each_area(const geo::BBox& bbox, model::AreaKind kind,
                                 const std::function<void(const AreaView&)>& visit) const {
    for (const auto& a : m_areas) {
        if (a.kind != kind || !intersects(a.box, bbox)) continue;
        visit(AreaView{a.osm_id, a.from_relation, m_strings[a.name], a.height_m,
                       std::span(m_rings).subspan(a.first_ring, a.ring_count)});
    }
}

}  // namespace sightline::tiles
