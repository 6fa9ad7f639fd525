#pragma once
// The `viewsheds` layer: the ground each camera sees, one polygon per camera and DORI level
// (coarsest first, so finer levels are drawn on top). The polygons come from the analysis
// through a provider function, so tiles do not depend on the analysis code.

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "geo/bbox.hpp"
#include "geo/lat_lon.hpp"
#include "geo/tile_id.hpp"
#include "tiles/mvt_encoder.hpp"

namespace sightline::tiles {

inline constexpr std::string_view viewshed_layer_name = "viewsheds";

/// One camera's visible ground at one level: simple rings in degrees.
struct ViewshedShape {
    std::int64_t camera_id = 0;
    int level = 0;                ///< 0 detect, 1 observe, 2 recognise, 3 identify
    std::string_view level_name;  ///< "detect", ... (static strings)
    std::vector<std::vector<geo::LatLon>> rings;
};

/// The viewsheds reaching into a box; empty when there are none or they cannot be computed.
using ViewshedProvider = std::function<std::vector<ViewshedShape>(const geo::BBox&)>;

/// Adds each shape clipped to the tile (plus `buffer` units) as a polygon feature with the
/// properties camera_id, level (0-3) and level_name. Sorted by level, then camera.
void build_viewshed_layer(LayerBuilder& layer, geo::TileId tile, std::vector<ViewshedShape> shapes,
                          int buffer);

}  // namespace sightline::tiles
