#pragma once
// An in-memory snapshot of the cameras for tile rendering: what the cameras layer shows of each
// non-removed camera, sorted into a z16 grid so a tile's cameras are a few binary searches
// away. Reading a tile from the store costs a SQLite R*Tree query plus decoding every camera's
// JSON tags; from the snapshot it is a scan of packed records (docs/benchmarks.md). Given a
// feature writer, it also keeps each camera's GeoJSON Feature bytes, so that the bbox listing
// (GET /api/v1/cameras) is answered without the store too.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "geo/bbox.hpp"
#include "store/store.hpp"
#include "tiles/camera_layer.hpp"

namespace sightline::tiles {

/// Appends one camera's GeoJSON Feature to `out` (`sightline serve` passes
/// services::append_camera_feature; this module does not depend on services).
using CameraFeatureWriter = std::function<void(std::string& out, const model::Camera& camera)>;

/// A bbox listing as Store::find_cameras answers it for a CameraQuery with a bbox, no active_at,
/// include_removed false and a status other than removed.
struct CameraListQuery {
    geo::BBox bbox;                             ///< inclusive on every edge, like the store's
    std::optional<std::string_view> kind;       ///< model::camera_kind() value, compared bytewise
    std::optional<model::CameraStatus> status;  ///< never removed (those are not in the index)
    std::size_t limit = 1000;
};

class CameraIndex {
  public:
    /// Reads every camera (Store::for_each_camera) and records the camera version it belongs
    /// to. Returns null if the cameras changed while it read (the snapshot would mix versions)
    /// or `stop` was requested. Store failures throw as the store does. With `features`, each
    /// non-removed camera's Feature bytes are kept too (has_features(), list()). The cluster
    /// cells of every zoom below `layer.cluster_below_zoom` are precomputed (clusters()): 32
    /// bytes per non-empty cell and zoom, so that a z0 tile over a million cameras reads 256
    /// cells instead of a million cameras.
    static std::shared_ptr<const CameraIndex> build(store::Store& store, std::stop_token stop = {},
                                                    const CameraFeatureWriter& features = {},
                                                    const CameraLayerOptions& layer = {});

    /// Store::camera_version() the snapshot is exact for.
    [[nodiscard]] std::int64_t version() const noexcept { return m_version; }
    [[nodiscard]] std::size_t size() const noexcept { return m_records.size(); }
    /// Approximate heap use, and that of the precomputed cluster cells (part of it).
    [[nodiscard]] std::size_t memory_bytes() const noexcept;
    [[nodiscard]] std::size_t cluster_bytes() const noexcept;

    /// Cameras with min <= position <= max (unit-square Web Mercator), ordered by id like the
    /// store's queries. The views point into the index and live as long as it does.
    [[nodiscard]] std::vector<CameraFeature> query(geo::WorldPoint min, geo::WorldPoint max) const;

    /// The non-empty cluster cells of `tile`, row by row, with the sums build_camera_layer()
    /// would make of query()'s cameras (the same bytes); nullopt when the zoom has no
    /// precomputed level or `options` cluster with another cell size.
    [[nodiscard]] std::optional<std::vector<ClusterCell>> clusters(
        geo::TileId tile, const CameraLayerOptions& options) const;

    /// Whether it was built with a feature writer, so that list() can answer.
    [[nodiscard]] bool has_features() const noexcept { return m_has_features; }
    /// The Feature bytes of the cameras Store::find_cameras would return for `q` (removed
    /// cameras never: they are not in the index), ordered by id, at most q.limit. Empty without
    /// has_features(). The views point into the index and live as long as it does.
    [[nodiscard]] std::vector<std::string_view> list(const CameraListQuery& q) const;

  private:
    struct Record {
        std::uint32_t cell = 0;  ///< z16 cell: row * 65536 + column
        std::uint32_t type = 0;  ///< index into m_strings (0: "")
        std::uint32_t mount = 0;
        std::uint32_t direction = 0;
        geo::WorldPoint position;
        /// As stored: the listing compares these exactly, as the store's SQL does.
        geo::LatLon location;
        std::int64_t id = 0;
        /// The Feature bytes: m_features[feature_offset, feature_offset + feature_size).
        std::uint64_t feature_offset = 0;
        double first_direction_deg = 0;
        double angle_deg = 0;
        std::int32_t confirmations = 0;
        /// last_verified in whole days since 1970 (floor): exact against a cut-off at the start
        /// of a day, and it fits where the record had padding.
        std::int32_t last_verified_day = 0;
        std::uint32_t feature_size = 0;
        model::CameraStatus status = model::CameraStatus::verified;
        bool has_first_direction = false;
        bool has_angle = false;
    };

    /// One non-empty cluster cell of one zoom; key = global cell row * cells per row + column.
    struct Cluster {
        std::uint64_t key = 0;
        double sum_x = 0;
        double sum_y = 0;
        std::uint32_t count = 0;
        std::uint32_t first = 0;  ///< m_records index of the lowest id
    };

    [[nodiscard]] CameraFeature feature(const Record& r) const;
    void build_clusters(const CameraLayerOptions& layer, std::stop_token stop);

    std::int64_t m_version = 0;
    std::vector<Record> m_records;       ///< sorted by (cell, id)
    std::vector<std::uint32_t> m_cells;  ///< m_records[i].cell, packed for the searches
    /// m_records index of the first record of each grid row, and the end (2^16 + 1 entries).
    std::vector<std::uint32_t> m_row_begin;
    /// Indexes into m_records in id order: the listing of a box holding most cameras walks it
    /// and stops at the limit instead of sorting everything in the box.
    std::vector<std::uint32_t> m_by_id;
    std::vector<std::string> m_strings;
    std::vector<std::uint32_t> m_kinds;  ///< the m_strings indexes that are some camera's type
    std::string m_features;              ///< every Feature's bytes, back to back
    std::vector<std::vector<Cluster>> m_clusters;  ///< per zoom, sorted by key
    int m_cluster_cell = 0;
    bool m_has_features = false;
};

}  // namespace sightline::tiles
