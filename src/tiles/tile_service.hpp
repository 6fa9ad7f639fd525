#pragma once
// Renders vector tiles (cameras, and the basemap when a MapStore is given) and caches them in
// memory. Thread-safe: any number of threads may call render() at once.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "core/error.hpp"
#include "geo/tile_id.hpp"
#include "store/map_store.hpp"
#include "store/store.hpp"
#include "tiles/basemap_index.hpp"
#include "tiles/basemap_layers.hpp"
#include "tiles/camera_index.hpp"
#include "tiles/camera_layer.hpp"
#include "tiles/survey_layer.hpp"
#include "tiles/viewshed_layer.hpp"

namespace sightline::tiles {

struct TileOptions {
    CameraLayerOptions cameras;
    BasemapOptions basemap;
    /// Upper bound of the LRU cache (encoded + gzip bytes plus bookkeeping); 0 disables it.
    std::size_t cache_bytes = std::size_t{64} << 20;
    /// Most cameras read for one tile (a z0 tile over a huge registry); more are not drawn.
    int max_cameras_per_tile = 2'000'000;
    /// Also produce the gzip-compressed bytes.
    bool gzip = true;
    /// Render cameras from an in-memory snapshot (CameraIndex, 96 bytes per camera) instead of
    /// querying the store per tile. The snapshot is rebuilt in the background after every camera
    /// change; until it is current, tiles are read from the store, so they are never stale.
    bool camera_index = true;
    /// Draw water, parks and the major streets of the zooms that show only those from an
    /// in-memory snapshot (BasemapIndex: about 6% of the streets' points and 10% of the areas')
    /// instead of reading every street and area of the tile from the store. Built by prepare()
    /// or, in the background, by the first tile that needs it after an import; until it is
    /// current, tiles read the store (the same bytes).
    bool basemap_index = true;
    /// With camera_index: writes each camera's GeoJSON Feature into the snapshot, so that
    /// camera_snapshot() can answer the bbox listing too (`serve` passes
    /// services::append_camera_feature). Empty: the snapshot holds what tiles need only.
    CameraFeatureWriter camera_features;
    /// Source of the `viewsheds` layer (drawn under the cameras) from `viewshed_min_zoom` on;
    /// empty: no such layer. Viewsheds depend only on cameras and the map, whose versions are
    /// in the cache key.
    ViewshedProvider viewsheds;
    int viewshed_min_zoom = 15;
    /// Source of the `surveys` layer (campaign tasks and their state) from `survey_min_zoom`
    /// on; empty: no such layer. `survey_version` says what it was made from (part of the cache
    /// key): it must change with every answer, and with the date, as surveys turn stale.
    SurveyProvider surveys;
    std::function<std::int64_t()> survey_version;
    int survey_min_zoom = 13;
    /// A camera nobody confirmed for this long is stale: its feature gets stale=true (the web
    /// map draws it faded). 0: no camera is stale. The cut-off moves once a day
    /// (model::stale_before) and is part of the cache key.
    std::int64_t stale_after_s = std::int64_t{365} * 86'400;
};

/// A rendered tile. Empty `data` is a valid tile without layers (nothing to show there).
struct Tile {
    std::string data;  ///< MVT bytes, uncompressed
    std::string gzip;  ///< gzip of data; empty when data is empty or gzip is off
    /// Weak validator W/"<64-bit hash of data, hex>": the same for the identity and gzip
    /// representations, and changes whenever the content does.
    std::string etag;
};

struct TileCacheStats {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
    std::size_t entries = 0;
    std::size_t bytes = 0;
};

class TileService {
  public:
    /// Cameras and basemap. Both stores must outlive the service.
    TileService(store::Store& store, store::MapStore& map, TileOptions options = {});
    /// Cameras only (no imported map).
    explicit TileService(store::Store& store, TileOptions options = {});
    TileService(const TileService&) = delete;
    TileService& operator=(const TileService&) = delete;
    ~TileService();

    /// Builds the camera snapshot (options().camera_index) and the basemap snapshot
    /// (options().basemap_index, with a map holding an import) now, blocking; otherwise the
    /// first render that needs one starts building it in the background. Returns false if the
    /// cameras or the map changed while it read (then the next render retries in the
    /// background).
    bool prepare();

    /// The camera snapshot if it is exact for `camera_version` (Store::camera_version() as the
    /// caller just read it), else null, and then a rebuild starts in the background (as a
    /// render does): the caller answers from the store meanwhile. Null when camera_index is off.
    std::shared_ptr<const CameraIndex> camera_snapshot(std::int64_t camera_version);

    /// The tile, from the cache when the cameras and the map have not changed since it was
    /// rendered (the cache key holds both data versions, so any change invalidates).
    /// invalid_argument for a tile outside z 0..22 / x, y < 2^z.
    Result<Tile> render(geo::TileId tile);

    /// Renders without the cache and without gzip (benchmarks, `sightline tiles`).
    Result<std::string> render_uncached(geo::TileId tile);

    /// Names of the layers a tile may contain, in encoding order.
    [[nodiscard]] std::vector<std::string> layer_names() const;
    [[nodiscard]] bool has_basemap() const noexcept { return m_map != nullptr; }
    [[nodiscard]] const TileOptions& options() const noexcept { return m_options; }
    [[nodiscard]] TileCacheStats cache_stats() const;

  private:
    struct Key {
        int z;
        std::uint32_t x;
        std::uint32_t y;
        std::int64_t camera_version;
        std::int64_t map_version;
        std::int64_t survey_version;
        std::int64_t stale_before;
        friend bool operator==(const Key&, const Key&) = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& k) const noexcept;
    };
    struct Entry {
        Key key;
        std::shared_ptr<const Tile> tile;
        std::size_t bytes;
    };

    std::string encode(geo::TileId tile, std::int64_t camera_version, std::int64_t map_version,
                       std::int64_t stale_before);
    [[nodiscard]] std::int64_t stale_before_now() const noexcept;
    std::shared_ptr<const CameraIndex> current_index(std::int64_t camera_version);
    /// Waits (at most a minute) for a running snapshot build; the snapshot if it is exact for
    /// `camera_version`, else null.
    std::shared_ptr<const CameraIndex> wait_for_index(std::int64_t camera_version);
    std::shared_ptr<const BasemapIndex> current_basemap(std::int64_t map_version);
    std::shared_ptr<const Tile> lookup(const Key& key);
    void insert(const Key& key, std::shared_ptr<const Tile> tile);

    store::Store& m_store;
    store::MapStore* m_map = nullptr;
    TileOptions m_options;

    mutable std::mutex m_mutex;
    std::list<Entry> m_lru;  ///< most recently used first
    std::unordered_map<Key, std::list<Entry>::iterator, KeyHash> m_index;
    std::size_t m_bytes = 0;
    TileCacheStats m_stats;

    std::mutex m_index_mutex;
    std::shared_ptr<const CameraIndex> m_camera_index;
    bool m_index_building = false;
    std::condition_variable m_index_built;  ///< notified when a build ends
    std::shared_ptr<const BasemapIndex> m_basemap_index;
    bool m_basemap_building = false;
    /// Last: joined (after a stop request) before the rest goes.
    std::jthread m_basemap_thread;
    std::jthread m_index_thread;
};

/// gzip (RFC 1952) of `data` with zlib at level 2 (fast: the cold tile waits for it). Throws
/// sightline::Exception if zlib fails (out of memory).
std::string gzip_compress(std::string_view data);

/// W/"<hex FNV-1a 64 of data>".
std::string make_etag(std::string_view data);

}  // namespace sightline::tiles
