#include "tiles/basemap_layers.hpp"

#include <array>
#include <string>

#include "tiles/clip.hpp"
#include "tiles/simplify.hpp"

namespace sightline::tiles {
namespace {

PointList project(const std::vector<geo::LatLon>& points, geo::TileId tile) {
    PointList out;
    out.reserve(points.size());
    for (const auto& p : points)
        out.push_back(geo::to_tile_point(p, tile));
    return out;
}

void add_areas(LayerBuilder& layer, geo::TileId tile, store::MapStore& map, model::AreaKind kind,
               const geo::BBox& query, const ClipBox& box, double tolerance) {
    map.for_each_area(query, kind, [&](const model::Area& area) {
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
    });
}

}  // namespace

bool is_major_street(std::string_view highway) noexcept {
    constexpr std::array<std::string_view, 4> major{"trunk", "primary", "secondary", "tertiary"};
    for (auto m : major)
        if (highway == m) return true;
    return false;
}

void build_basemap_layers(std::vector<LayerBuilder>& layers, geo::TileId tile, store::MapStore& map,
                          const BasemapOptions& options) {
    const auto query = geo::tile_bounds(tile, options.buffer);
    const auto box = ClipBox::for_tile(options.buffer);
    const double tolerance = simplify_tolerance(tile.z);
    layers.reserve(layers.size() + 4);  // the references below stay valid

    auto& water = layers.emplace_back(std::string(water_layer_name));
    if (tile.z >= options.water_min_zoom)
        add_areas(water, tile, map, model::AreaKind::water, query, box, tolerance);
    auto& parks = layers.emplace_back(std::string(parks_layer_name));
    if (tile.z >= options.parks_min_zoom)
        add_areas(parks, tile, map, model::AreaKind::park, query, box, tolerance);

    auto& streets = layers.emplace_back(std::string(streets_layer_name));
    if (tile.z >= options.major_streets_min_zoom) {
        const bool all = tile.z >= options.streets_min_zoom;
        map.for_each_street(query, [&](const model::Street& street) {
            if (!all && !is_major_street(street.highway)) return;
            for (auto& part : clip_line(project(street.points, tile), box)) {
                auto line = simplify_linestring(part, tolerance);
                if (line.empty()) continue;
                if (!streets.add_linestring(line, static_cast<std::uint64_t>(street.osm_way_id)))
                    continue;
                streets.add_property("class", street.highway);
                if (!street.name.empty()) streets.add_property("name", street.name);
            }
        });
    }

    auto& buildings = layers.emplace_back(std::string(buildings_layer_name));
    if (tile.z >= options.buildings_min_zoom)
        add_areas(buildings, tile, map, model::AreaKind::building, query, box, tolerance);
}

}  // namespace sightline::tiles
