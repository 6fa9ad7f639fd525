#include "tiles/viewshed_layer.hpp"

#include <algorithm>

#include "tiles/clip.hpp"
#include "tiles/simplify.hpp"

namespace sightline::tiles {

void build_viewshed_layer(LayerBuilder& layer, geo::TileId tile, std::vector<ViewshedShape> shapes,
                          int buffer) {
    std::ranges::sort(shapes, [](const ViewshedShape& a, const ViewshedShape& b) {
        return a.level != b.level ? a.level < b.level : a.camera_id < b.camera_id;
    });
    const auto box = ClipBox::for_tile(buffer);
    const double tolerance = simplify_tolerance(tile.z);
    for (const auto& shape : shapes) {
        // Each ring is a separate simple polygon (a camera with two sectors has two).
        for (const auto& ring : shape.rings) {
            PointList projected;
            projected.reserve(ring.size());
            for (const auto& p : ring)
                projected.push_back(geo::to_tile_point(p, tile));
            auto clipped = clip_polygon({projected}, box);
            if (clipped.empty()) continue;
            auto simplified = simplify_polygon(clipped, tolerance);
            if (simplified.empty()) continue;
            if (!layer.add_polygon(simplified)) continue;
            layer.add_property("camera_id", shape.camera_id);
            layer.add_property("level", shape.level);
            layer.add_property("level_name", shape.level_name);
        }
    }
}

}  // namespace sightline::tiles
