#include "tiles/survey_layer.hpp"

#include <algorithm>

#include "tiles/clip.hpp"

namespace sightline::tiles {

void build_survey_layer(LayerBuilder& layer, geo::TileId tile, std::vector<SurveyShape> shapes,
                        int buffer) {
    std::ranges::sort(shapes, {}, &SurveyShape::task);
    const auto box = ClipBox::for_tile(buffer);
    for (const auto& s : shapes) {
        if (s.cell) {
            const auto& a = s.area;
            PointList ring{geo::to_tile_point(geo::LatLon{a.south, a.west}, tile),
                           geo::to_tile_point(geo::LatLon{a.south, a.east}, tile),
                           geo::to_tile_point(geo::LatLon{a.north, a.east}, tile),
                           geo::to_tile_point(geo::LatLon{a.north, a.west}, tile)};
            auto clipped = clip_polygon({ring}, box);
            if (clipped.empty() || !layer.add_polygon(clipped)) continue;
        } else {
            auto p = geo::to_tile_point(s.location, tile);
            if (!box.contains(p)) continue;
            layer.add_point(p, static_cast<std::uint64_t>(s.task));
            layer.add_property("radius_m", s.radius_m);
        }
        layer.add_property("task", s.task);
        layer.add_property("campaign", s.campaign);
        layer.add_property("state", s.state);
        if (s.cameras >= 0) layer.add_property("cameras", s.cameras);
    }
}

}  // namespace sightline::tiles
