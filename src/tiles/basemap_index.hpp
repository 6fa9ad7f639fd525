#pragma once
// An in-memory snapshot of the basemap features that low zooms draw over large areas: the major
// streets (trunk, primary, secondary, tertiary: the only streets of z10-z11), water and parks.
// The store's R*Trees hold every street and every area (buildings too) without their kind, so a
// z10 tile over a dense country read ~100,000 rows from SQLite to keep a few thousand: 25-70 ms
// on the 256-copy country of bench/country.sh. The snapshot holds only those kinds (about 6% of
// the streets' points, 10% of the areas'), tagged with the map version it was read from.

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "geo/bbox.hpp"
#include "store/map_store.hpp"

namespace sightline::tiles {

/// One street as the basemap draws it (views into the caller's street or the index).
struct StreetView {
    std::int64_t osm_way_id = 0;
    std::string_view highway;
    std::string_view name;
    std::span<const geo::LatLon> points;
};

/// One area as the basemap draws it: rings[0] the exterior, the rest holes.
struct AreaView {
    std::int64_t osm_id = 0;
    bool from_relation = false;
    std::string_view name;
    double height_m = 0;
    std::span<const std::span<const geo::LatLon>> rings;
};

class BasemapIndex {
  public:
    /// Reads the major streets, water and parks of `map` (in chunks of the street bounds, so
    /// that no more than one chunk's features are in memory at once besides the index). Null
    /// when the map changed while it read or `stop` was requested. Store failures throw as the
    /// store does.
    static std::shared_ptr<const BasemapIndex> build(store::MapStore& map,
                                                     std::stop_token stop = {});

    /// MapStore::map_version() it is exact for.
    [[nodiscard]] std::int64_t version() const noexcept { return m_version; }
    [[nodiscard]] std::size_t street_count() const noexcept { return m_streets.size(); }
    [[nodiscard]] std::size_t area_count() const noexcept { return m_areas.size(); }
    /// Approximate heap use.
    [[nodiscard]] std::size_t memory_bytes() const noexcept;

    /// The major streets whose bounding box intersects `bbox` (edges inclusive), in OSM way id
    /// order. The views live as long as the index.
    void for_each_street(const geo::BBox& bbox,
                         const std::function<void(const StreetView&)>& visit) const;
    /// The water or park areas (never buildings: not in the index) whose bounding box
    /// intersects `bbox`, ordered by (OSM id, relation after way). The views live as long as the
    /// index.
    void for_each_area(const geo::BBox& bbox, model::AreaKind kind,
                       const std::function<void(const AreaView&)>& visit) const;

  private:
    struct Street {
        std::int64_t osm_way_id = 0;
        geo::BBox box;
        std::uint32_t highway = 0;  ///< index into m_strings
        std::uint32_t name = 0;
        std::uint32_t first_point = 0;
        std::uint32_t point_count = 0;
    };
    struct Area {
        std::int64_t osm_id = 0;
        geo::BBox box;
        model::AreaKind kind = model::AreaKind::water;
        bool from_relation = false;
        std::uint32_t name = 0;
        std::uint32_t first_ring = 0;  ///< index into m_rings
        std::uint32_t ring_count = 0;
        double height_m = 0;
    };
    std::int64_t m_version = 0;
    std::vector<Street> m_streets;  ///< by osm_way_id
    std::vector<Area> m_areas;      ///< by (osm_id, from_relation)
    std::vector<geo::LatLon> m_points;
    std::vector<std::span<const geo::LatLon>> m_rings;  ///< into m_points
    std::vector<std::string> m_strings;
};

/// The order both the index and the store path give areas of the low zooms in.
[[nodiscard]] constexpr bool area_order(std::int64_t osm_id_a, bool relation_a,
                                        std::int64_t osm_id_b, bool relation_b) noexcept {
    return osm_id_a != osm_id_b ? osm_id_a < osm_id_b : relation_a < relation_b;
}

}  // namespace sightline::tiles
