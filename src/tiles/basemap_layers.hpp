#pragma once
// The basemap layers from the imported OpenStreetMap extract (store::MapStore): water, parks,
// streets and buildings, clipped to the tile plus a buffer and simplified per zoom.

#include <vector>

#include "geo/tile_id.hpp"
#include "store/map_store.hpp"
#include "tiles/basemap_index.hpp"
#include "tiles/mvt_encoder.hpp"

namespace sightline::tiles {

struct BasemapOptions {
    int water_min_zoom = 10;
    int parks_min_zoom = 10;
    /// Major streets (trunk, primary, secondary, tertiary) from this zoom ...
    int major_streets_min_zoom = 10;
    /// ... and all streets from this one.
    int streets_min_zoom = 12;
    int buildings_min_zoom = 14;
    /// Tile units kept around the tile (line caps and outlines across edges).
    int buffer = 64;
};

/// Layer names, in the order they are drawn (and encoded).
inline constexpr std::string_view water_layer_name = "water";
inline constexpr std::string_view parks_layer_name = "parks";
inline constexpr std::string_view streets_layer_name = "streets";
inline constexpr std::string_view buildings_layer_name = "buildings";

/// True for the highway=* values shown from major_streets_min_zoom.
bool is_major_street(std::string_view highway) noexcept;

/// Appends the four layers (each possibly empty) for `tile` to `layers`. Streets carry class
/// (the highway value) and name; buildings height (metres, when known) and name; water and
/// parks name. Feature ids are OSM ids. Reads only what the zoom shows. Water, parks and (at the
/// zooms that draw only those) major streets come in OSM id order (BasemapIndex), from `index`
/// when given (a snapshot of `map` at its current version) and from the store otherwise: the
/// same bytes either way.
void build_basemap_layers(std::vector<LayerBuilder>& layers, geo::TileId tile, store::MapStore& map,
                          const BasemapOptions& options, const BasemapIndex* index = nullptr);

}  // namespace sightline::tiles
