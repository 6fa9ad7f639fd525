#include "tiles/tile_service.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/core.h>
#include <zlib.h>

#include "core/clock.hpp"
#include "model/camera_check.hpp"

namespace sightline::tiles {
namespace {

// Per-entry bookkeeping (list node, hash node, Tile, ETag) counted against the byte budget.
constexpr std::size_t entry_overhead = 192;
constexpr int gzip_level = 2;

}  // namespace

std::string gzip_compress(std::string_view data) {
    z_stream zs{};
    // windowBits 15 + 16: a gzip header and trailer instead of zlib's. Level 2, not the default
    // 6: a dense z14 tile (155 KB) compresses in 2.7 ms instead of 6.7 ms, 3.5% larger.
    if (deflateInit2(&zs, gzip_level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw Exception("zlib: deflateInit2 failed");
    std::string out(deflateBound(&zs, static_cast<uLong>(data.size())) + 32, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) throw Exception("zlib: deflate failed");
    return out;
}

std::string make_etag(std::string_view data) {
    std::uint64_t h = 14695981039346656037ull;
    for (unsigned char c : data) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return fmt::format("W/\"{:016x}\"", h);
}

std::size_t TileService::KeyHash::operator()(const Key& k) const noexcept {
    std::uint64_t h = static_cast<std::uint64_t>(k.z);
    for (std::uint64_t v :
         {std::uint64_t{k.x}, std::uint64_t{k.y}, static_cast<std::uint64_t>(k.camera_version),
          static_cast<std::uint64_t>(k.map_version), static_cast<std::uint64_t>(k.survey_version),
          static_cast<std::uint64_t>(k.stale_before)})
        h = (h ^ v) * 0x9E3779B97F4A7C15ull + (h >> 29);
    return static_cast<std::size_t>(h);
}

TileService::TileService(store::Store& store, store::MapStore& map, TileOptions options)
    : m_store(store), m_map(&map), m_options(options) {}

TileService::TileService(store::Store& store, TileOptions options)
    : m_store(store), m_options(options) {}

std::vector<std::string> TileService::layer_names() const {
    std::vector<std::string> names;
    if (m_map)
        for (auto n :
             {water_layer_name, parks_layer_name, streets_layer_name, buildings_layer_name})
            names.emplace_back(n);
    if (m_options.viewsheds) names.emplace_back(viewshed_layer_name);
    if (m_options.surveys) names.emplace_back(survey_layer_name);
    names.emplace_back(camera_layer_name);
    return names;
}

TileService::~TileService() = default;

bool TileService::prepare() {
    bool ok = true;
    if (m_options.camera_index) {
        {
            // A render meanwhile reads the store instead of starting a second build.
            std::lock_guard lock(m_index_mutex);
            m_index_building = true;
        }
        std::shared_ptr<const CameraIndex> index;
        try {
            index = CameraIndex::build(m_store, {}, m_options.camera_features, m_options.cameras);
        } catch (...) {
            std::lock_guard lock(m_index_mutex);
            m_index_building = false;
            m_index_built.notify_all();
            throw;
        }
        std::lock_guard lock(m_index_mutex);
        m_index_building = false;
        m_index_built.notify_all();
        if (!index) {
            ok = false;
        } else if (!m_camera_index || m_camera_index->version() < index->version()) {
            m_camera_index = index;
        }
    }
    if (m_options.basemap_index && m_map && m_map->map_version() > 0) {
        {
            std::lock_guard lock(m_index_mutex);
            m_basemap_building = true;
        }
        std::shared_ptr<const BasemapIndex> basemap;
        try {
            basemap = BasemapIndex::build(*m_map);
        } catch (...) {
            std::lock_guard lock(m_index_mutex);
            m_basemap_building = false;
            throw;
        }
        std::lock_guard lock(m_index_mutex);
        m_basemap_building = false;
        if (!basemap) {
            ok = false;
        } else if (!m_basemap_index || m_basemap_index->version() < basemap->version()) {
            m_basemap_index = basemap;
        }
    }
    return ok;
}

std::shared_ptr<const BasemapIndex> TileService::current_basemap(std::int64_t map_version) {
    std::lock_guard lock(m_index_mutex);
    if (m_basemap_index && m_basemap_index->version() == map_version) return m_basemap_index;
    if (!m_basemap_building) {
        m_basemap_building = true;
        // Assigning joins the previous (finished) builder thread.
        m_basemap_thread = std::jthread([this](std::stop_token stop) {
            std::shared_ptr<const BasemapIndex> index;
            try {
                index = BasemapIndex::build(*m_map, stop);
            } catch (const std::exception&) {
                // The store path keeps serving; the next render tries again.
            }
            std::lock_guard guard(m_index_mutex);
            if (index && (!m_basemap_index || m_basemap_index->version() < index->version()))
                m_basemap_index = std::move(index);
            m_basemap_building = false;
        });
    }
    return nullptr;
}

std::shared_ptr<const CameraIndex> TileService::camera_snapshot(std::int64_t camera_version) {
    return m_options.camera_index ? current_index(camera_version) : nullptr;
}

std::shared_ptr<const CameraIndex> TileService::current_index(std::int64_t camera_version) {
    std::lock_guard lock(m_index_mutex);
    if (m_camera_index && m_camera_index->version() == camera_version) return m_camera_index;
    if (!m_index_building) {
        m_index_building = true;
        // Assigning joins the previous (finished) builder thread.
        m_index_thread = std::jthread([this](std::stop_token stop) {
            std::shared_ptr<const CameraIndex> index;
            try {
                index =
                    CameraIndex::build(m_store, stop, m_options.camera_features, m_options.cameras);
            } catch (const std::exception&) {
                // The store path keeps serving; the next render tries again.
            }
            std::lock_guard guard(m_index_mutex);
            if (index && (!m_camera_index || m_camera_index->version() < index->version()))
                m_camera_index = std::move(index);
            m_index_building = false;
            m_index_built.notify_all();
        });
    }
    return nullptr;
}

std::shared_ptr<const CameraIndex> TileService::wait_for_index(std::int64_t camera_version) {
    std::unique_lock lock(m_index_mutex);
    m_index_built.wait_for(lock, std::chrono::seconds(60), [&] { return !m_index_building; });
    if (m_camera_index && m_camera_index->version() == camera_version) return m_camera_index;
    return nullptr;
}

std::int64_t TileService::stale_before_now() const noexcept {
    return m_options.stale_after_s > 0 ? model::stale_before(unix_now(), m_options.stale_after_s)
                                       : 0;
}

std::string TileService::encode(geo::TileId tile, std::int64_t camera_version,
                                std::int64_t map_version, std::int64_t stale_before) {
    std::vector<LayerBuilder> layers;
    layers.reserve(6);
    // Version 0: nothing was ever imported, so the four basemap queries would find nothing.
    if (m_map && map_version > 0) {
        const auto& b = m_options.basemap;
        const bool uses_index =
            tile.z >= std::min({b.major_streets_min_zoom, b.water_min_zoom, b.parks_min_zoom});
        auto index = m_options.basemap_index && uses_index ? current_basemap(map_version) : nullptr;
        build_basemap_layers(layers, tile, *m_map, b, index.get());
    }
    if (m_options.viewsheds && tile.z >= m_options.viewshed_min_zoom) {
        auto& viewsheds = layers.emplace_back(std::string(viewshed_layer_name));
        build_viewshed_layer(viewsheds, tile,
                             m_options.viewsheds(geo::tile_bounds(tile, m_options.basemap.buffer)),
                             m_options.basemap.buffer);
    }
    if (m_options.surveys && tile.z >= m_options.survey_min_zoom) {
        auto& surveys = layers.emplace_back(std::string(survey_layer_name));
        build_survey_layer(surveys, tile,
                           m_options.surveys(geo::tile_bounds(tile, m_options.basemap.buffer)),
                           m_options.basemap.buffer);
    }
    auto& layer = layers.emplace_back(std::string(camera_layer_name));
    auto camera_options = m_options.cameras;
    camera_options.stale_before = stale_before;
    auto index = m_options.camera_index ? current_index(camera_version) : nullptr;
    // A cluster tile covers a large area: reading it from the store (every camera's row and
    // tags: ~1 s for a z0 tile over 53,504 cameras) takes longer than the snapshot build it
    // would run beside (~0.2 s), so it waits for that build instead (first tiles after a
    // start, after a change).
    if (!index && m_options.camera_index && clusters_at(tile.z, m_options.cameras))
        index = wait_for_index(camera_version);
    std::optional<std::vector<ClusterCell>> clusters;
    if (index) clusters = index->clusters(tile, camera_options);
    if (clusters) {
        add_cluster_cells(layer, tile, *clusters, camera_options);
    } else if (index) {
        const double n = std::ldexp(1.0, tile.z);
        const double b = clusters_at(tile.z, m_options.cameras)
                             ? 0.0
                             : static_cast<double>(m_options.cameras.buffer) / geo::tile_extent;
        auto cameras = index->query({(tile.x - b) / n, (tile.y - b) / n},
                                    {(tile.x + 1 + b) / n, (tile.y + 1 + b) / n});
        build_camera_layer(layer, tile, std::span<const CameraFeature>(cameras), camera_options);
    } else {
        store::CameraQuery query;
        query.bbox = camera_query_bounds(tile, m_options.cameras);
        query.limit = m_options.max_cameras_per_tile;
        auto cameras = m_store.find_cameras(query);
        build_camera_layer(layer, tile, std::span<const model::Camera>(cameras), camera_options);
    }
    return encode_tile(layers);
}

Result<std::string> TileService::render_uncached(geo::TileId tile) {
    if (!tile.is_valid()) return std::unexpected(geo::TileId::make(tile.z, tile.x, tile.y).error());
    const auto camera_version = m_store.camera_version();
    return encode(tile, camera_version, m_map ? m_map->map_version() : 0, stale_before_now());
}

Result<Tile> TileService::render(geo::TileId tile) {
    if (!tile.is_valid()) {
        auto checked = geo::TileId::make(tile.z, tile.x, tile.y);
        return std::unexpected(checked.error());
    }
    // Versions are read before the data: a tile cached under version v holds data at least as
    // new as v, so it is never older than its key says.
    Key key{tile.z,
            tile.x,
            tile.y,
            m_store.camera_version(),
            m_map ? m_map->map_version() : 0,
            m_options.survey_version ? m_options.survey_version() : 0,
            stale_before_now()};
    if (m_options.cache_bytes > 0)
        if (auto cached = lookup(key)) return *cached;
    auto rendered = std::make_shared<Tile>();
    rendered->data = encode(tile, key.camera_version, key.map_version, key.stale_before);
    if (m_options.gzip && !rendered->data.empty()) rendered->gzip = gzip_compress(rendered->data);
    rendered->etag = make_etag(rendered->data);
    if (m_options.cache_bytes > 0) insert(key, rendered);
    return *rendered;
}

std::shared_ptr<const Tile> TileService::lookup(const Key& key) {
    std::lock_guard lock(m_mutex);
    auto it = m_index.find(key);
    if (it == m_index.end()) {
        ++m_stats.misses;
        return nullptr;
    }
    ++m_stats.hits;
    m_lru.splice(m_lru.begin(), m_lru, it->second);
    return it->second->tile;
}

void TileService::insert(const Key& key, std::shared_ptr<const Tile> tile) {
    const std::size_t bytes =
        tile->data.size() + tile->gzip.size() + tile->etag.size() + entry_overhead;
    if (bytes > m_options.cache_bytes) return;
    std::lock_guard lock(m_mutex);
    // Entries of older data versions can never be hit again: drop them all at once.
    if (!m_lru.empty()) {
        const auto& newest = m_lru.front().key;
        if (newest.camera_version != key.camera_version || newest.map_version != key.map_version ||
            newest.stale_before != key.stale_before) {
            for (auto it = m_lru.begin(); it != m_lru.end();) {
                if (it->key.camera_version < key.camera_version ||
                    it->key.map_version < key.map_version ||
                    it->key.stale_before < key.stale_before) {
                    m_bytes -= it->bytes;
                    m_index.erase(it->key);
                    it = m_lru.erase(it);
                } else {
                    ++it;
                }
            }
        }
    }
    if (auto it = m_index.find(key); it != m_index.end()) return;  // another thread was first
    m_lru.push_front(Entry{key, std::move(tile), bytes});
    m_index.emplace(key, m_lru.begin());
    m_bytes += bytes;
    while (m_bytes > m_options.cache_bytes && !m_lru.empty()) {
        m_bytes -= m_lru.back().bytes;
        m_index.erase(m_lru.back().key);
        m_lru.pop_back();
    }
}

TileCacheStats TileService::cache_stats() const {
    std::lock_guard lock(m_mutex);
    auto stats = m_stats;
    stats.entries = m_lru.size();
    stats.bytes = m_bytes;
    return stats;
}

}  // namespace sightline::tiles
