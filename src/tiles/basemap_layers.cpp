#include "tiles/basemap_layers.hpp"

#include <algorithm>
#include <array>
#include <span>
#include <string>

#include "tiles/clip.hpp"
#include "tiles/simplify.hpp"

namespace sightline::tiles {
namespace {

PointList project(std::span<const geo::LatLon> points, geo::TileId tile) {
    PointList out;
    out.reserve(points.size());
    for (const auto& p : points)
        out.push_back(geo::to_tile_point(p, tile));
    return out;
}

void add_area(LayerBuilder& layer, geo::TileId tile, model::AreaKind kind, const AreaView& area,
              const ClipBox& box, double tolerance) {
    std::vector<PointList> rings;
    rings.reserve(area.rings.size());
    for (const auto& ring : area.rings)
        rings.push_back(project(ring, tile));
    auto clipped = clip_polygon(rings, box);
    if (clipped.empty()) return;
    auto simplified = simplify_polygon(clipped, tolerance);
    if (simplified.empty()) return;
    if (!layer.add_polygon(simplified, static_cast<std::uint64_t>(area.osm_id))) return;
    if (kind == model::AreaKind::building && area.height_m > 0)
        layer.add_property("height", area.height_m);
    if (!area.name.empty()) layer.add_property("name", area.name);
}

void add_store_area(LayerBuilder& layer, geo::TileId tile, model::AreaKind kind,
                    const model::Area& area, const ClipBox& box, double tolerance) {
    std::vector<std::span<const geo::LatLon>> rings(area.rings.begin(), area.rings.end());
    add_area(layer, tile, kind,
             AreaView{area.osm_id, area.from_relation, area.name, area.height_m, rings}, box,
             tolerance);
}

// Water and parks: from the snapshot when given, else from the store in the snapshot's order.
void add_areas(LayerBuilder& layer, geo::TileId tile, store::MapStore& map, model::AreaKind kind,
               const geo::BBox& query, const ClipBox& box, double tolerance,
               const BasemapIndex* index) {
    if (index) {
        index->for_each_area(query, kind, [&](const AreaView& area) {
            add_area(layer, tile, kind, area, box, tolerance);
        });
        return;
    }
    std::vector<model::Area> areas;
    map.for_each_area(query, kind, [&](const model::Area& area) { areas.push_back(area); });
    std::stable_sort(areas.begin(), areas.end(), [](const auto& a, const auto& b) {
        return area_order(a.osm_id, a.from_relation, b.osm_id, b.from_relation);
    });
    for (const auto& area : areas)
        add_store_area(layer, tile, kind, area, box, tolerance);
}

}  // namespace

bool is_major_street(std::string_view highway) noexcept {
    constexpr std::array<std::string_view, 4> major{"trunk", "primary", "secondary", "tertiary"};
    for (auto m : major)
        if (highway == m) return true;
    return false;
}

void build_basemap_layers(std::vector<LayerBuilder>& layers, geo::TileId tile, store::MapStore& map,
                          const BasemapOptions& options, const BasemapIndex* index) {
    const auto query = geo::tile_bounds(tile, options.buffer);
    const auto box = ClipBox::for_tile(options.buffer);
    const double tolerance = simplify_tolerance(tile.z);
    layers.reserve(layers.size() + 4);  // the references below stay valid

    auto& water = layers.emplace_back(std::string(water_layer_name));
    if (tile.z >= options.water_min_zoom)
        add_areas(water, tile, map, model::AreaKind::water, query, box, tolerance, index);
    auto& parks = layers.emplace_back(std::string(parks_layer_name));
    if (tile.z >= options.parks_min_zoom)
        add_areas(parks, tile, map, model::AreaKind::park, query, box, tolerance, index);

    auto& streets = layers.emplace_back(std::string(streets_layer_name));
    auto add_street = [&](const StreetView& street) {
        for (auto& part : clip_line(project(street.points, tile), box)) {
            auto line = simplify_linestring(part, tolerance);
            if (line.empty()) continue;
            if (!streets.add_linestring(line, static_cast<std::uint64_t>(street.osm_way_id)))
                continue;
            streets.add_property("class", street.highway);
            if (!street.name.empty()) streets.add_property("name", street.name);
        }
    };
    auto view = [](const model::Street& s) {
        return StreetView{s.osm_way_id, s.highway, s.name, s.points};
    };
    if (tile.z >= options.streets_min_zoom) {
        map.for_each_street(query, [&](const model::Street& street) { add_street(view(street)); });
    } else if (tile.z >= options.major_streets_min_zoom) {
        if (index) {
            index->for_each_street(query, add_street);
        } else {
            // In way id order, as the snapshot gives them: the same bytes either way.
            std::vector<model::Street> major;
            map.for_each_street(query, [&](const model::Street& street) {
                if (is_major_street(street.highway)) major.push_back(street);
            });
            std::stable_sort(major.begin(), major.end(), [](const auto& a, const auto& b) {
                return a.osm_way_id < b.osm_way_id;
            });
            for (const auto& street : major)
                add_street(view(street));
        }
    }

    auto& buildings = layers.emplace_back(std::string(buildings_layer_name));
    if (tile.z >= options.buildings_min_zoom)
        map.for_each_area(query, model::AreaKind::building, [&](const model::Area& area) {
            add_store_area(buildings, tile, model::AreaKind::building, area, box, tolerance);
        });
}

}  // namespace sightline::tiles
