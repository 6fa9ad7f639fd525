#pragma once
// The "cameras" layer: one point per camera at high zooms, grid clusters below the cluster zoom
// (docs/adr/003-camera-clustering.md).

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "geo/tile_id.hpp"
#include "model/camera.hpp"
#include "tiles/mvt_encoder.hpp"

namespace sightline::tiles {

struct CameraLayerOptions {
    /// Below this zoom cameras are grouped into clusters.
    int cluster_below_zoom = 14;
    /// Cluster cell side in tile units; must divide geo::tile_extent (256: a 16x16 grid, 16
    /// screen pixels at 256-pixel tiles).
    int cluster_cell = 256;
    /// Cameras this many tile units outside the tile are still drawn (symbols at the edge are
    /// not cut off). Not used for clusters, which never cross a tile edge.
    int buffer = 64;
    /// Cameras whose last_verified (unix seconds) is earlier than this are stale (issue 14):
    /// their features get stale=true. 0: none is. TileService sets it from
    /// model::stale_before(), a whole UTC day, which is what CameraIndex's day precision needs.
    std::int64_t stale_before = 0;
};

/// Name of the layer.
inline constexpr std::string_view camera_layer_name = "cameras";

/// True if `z` renders clusters.
[[nodiscard]] constexpr bool clusters_at(int z, const CameraLayerOptions& options) noexcept {
    return z < options.cluster_below_zoom;
}

/// Area to query cameras from for a tile: the tile plus the buffer at point zooms, the tile
/// alone at cluster zooms.
geo::BBox camera_query_bounds(geo::TileId tile, const CameraLayerOptions& options) noexcept;

/// What the layer shows of one camera (a view: the strings belong to the caller's camera or
/// index and must outlive the call that uses it).
struct CameraFeature {
    std::int64_t id = 0;
    geo::WorldPoint position;
    std::string_view type;       ///< model::camera_kind()
    std::string_view mount;      ///< camera:mount, empty if absent
    std::string_view direction;  ///< camera:direction as written, empty if absent
    std::optional<double> first_direction_deg;
    std::optional<double> angle_deg;
    model::CameraStatus status = model::CameraStatus::verified;
    int confirmations = 0;
    std::int64_t last_verified = 0;  ///< unix seconds (whole days when it comes from CameraIndex)
};

/// The feature of a camera; `kind_storage` receives model::camera_kind() and must outlive it.
CameraFeature camera_feature(const model::Camera& camera, std::string& kind_storage);

/// Adds the cameras of `tile` to `layer`. `cameras` may include cameras outside the area (they
/// are skipped); give them in a stable order (the store's: by id) so clusters are reproducible.
///
/// Point features have the camera id as feature id and the attributes id, type
/// (model::camera_kind), mount (camera:mount), direction (camera:direction as written),
/// directions (its first direction in degrees, when it parses), angle (camera:angle in degrees,
/// when numeric), status and confirmations, and stale=true when the camera is stale
/// (options.stale_before; fresh cameras carry no such attribute); absent tags give absent
/// attributes. A cluster
/// feature has cluster=true, count (>= 2) and sits at the mean position of its cameras; a cell
/// holding a single camera gives that camera's point feature instead.
void build_camera_layer(LayerBuilder& layer, geo::TileId tile,
                        std::span<const CameraFeature> cameras, const CameraLayerOptions& options);
/// One cell of a tile's cluster grid: its cameras (those inside the tile, half-open) summed in id
/// order, as build_camera_layer() does; CameraIndex keeps them per zoom.
struct ClusterCell {
    std::int64_t count = 0;
    double sum_x = 0;  ///< tile units
    double sum_y = 0;
    CameraFeature first;  ///< the camera with the lowest id
};

/// Adds a tile's non-empty cluster cells, given row by row: a cell of one camera as that
/// camera's point feature, others as cluster=true, count at the mean position.
void add_cluster_cells(LayerBuilder& layer, geo::TileId tile, std::span<const ClusterCell> cells,
                       const CameraLayerOptions& options);

/// The same from store cameras.
void build_camera_layer(LayerBuilder& layer, geo::TileId tile,
                        std::span<const model::Camera> cameras, const CameraLayerOptions& options);

}  // namespace sightline::tiles
