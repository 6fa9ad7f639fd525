#pragma once
// The `surveys` layer: the tasks of survey campaigns with their survey state, so a map can show
// where people looked and found nothing. Intersection tasks are points (with the radius of ground
// they vouch for), cell tasks polygons. The tasks come through a provider function, so tiles do
// not depend on the campaign code.

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "geo/bbox.hpp"
#include "geo/lat_lon.hpp"
#include "geo/tile_id.hpp"
#include "tiles/mvt_encoder.hpp"

namespace sightline::tiles {

inline constexpr std::string_view survey_layer_name = "surveys";

struct SurveyShape {
    std::int64_t task = 0;
    std::int64_t campaign = 0;
    bool cell = false;  ///< a grid cell (polygon `area`), else an intersection (point)
    geo::LatLon location;
    geo::BBox area;
    std::string_view state;  ///< not_surveyed, surveyed_none, surveyed_cameras, stale (static)
    int cameras = -1;        ///< the agreed count; -1 when not surveyed
    double radius_m = 0;     ///< intersections: the ground they vouch for
};

/// The tasks whose ground meets a box.
using SurveyProvider = std::function<std::vector<SurveyShape>(const geo::BBox&)>;

/// Adds the shapes inside the tile (plus `buffer` units) with the properties task, campaign,
/// state, cameras (when known) and radius_m (intersections), ordered by task.
void build_survey_layer(LayerBuilder& layer, geo::TileId tile, std::vector<SurveyShape> shapes,
                        int buffer);

}  // namespace sightline::tiles
