#pragma once
// TileJSON 3.0.0 documents describing Sightline's vector tiles (served at /tiles/tilejson.json
// and written by `sightline tiles`).

#include <string>

#include "geo/bbox.hpp"
#include "tiles/tile_service.hpp"

namespace sightline::tiles {

struct TileJsonParams {
    std::string tile_url;  ///< template with {z}/{x}/{y}, absolute or relative to the document
    int min_zoom = 0;
    int max_zoom = geo::max_tile_zoom;
    /// Area with data; the whole Web Mercator world by default.
    geo::BBox bounds{-180, -geo::max_mercator_lat, 180, geo::max_mercator_lat};
};

/// The document: tiles, zoom range, bounds, attribution "© OpenStreetMap contributors" and the
/// vector_layers (with their fields and first zoom) that `service` renders.
std::string tilejson(const TileService& service, const TileJsonParams& params);

}  // namespace sightline::tiles
