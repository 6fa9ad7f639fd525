#include "services/analysis_service.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <list>
#include <map>
#include <memory_resource>
#include <mutex>
#include <numbers>
#include <span>
#include <thread>
#include <unordered_map>

#include <fmt/core.h>

#include "analysis/cell_buckets.hpp"
#include "analysis/exposure.hpp"
#include "analysis/local_frame.hpp"
#include "analysis/viewshed.hpp"

namespace sightline::services {

using analysis::clip_to_rect;
using analysis::dori_level_count;
using analysis::DoriLevel;
using analysis::LocalFrame;
using analysis::Rect;
using analysis::Vec2;

// --- the viewshed cache -------------------------------------------------------------------------

namespace {

struct CacheKey {
    std::int64_t camera_id = 0;
    std::int64_t camera_updated_at = 0;
    std::int64_t map_version = 0;
    friend bool operator==(const CacheKey&, const CacheKey&) = default;
};

struct CacheKeyHash {
    std::size_t operator()(const CacheKey& k) const noexcept {
        std::uint64_t h = static_cast<std::uint64_t>(k.camera_id) * 0x9E3779B97F4A7C15ull;
        h ^= static_cast<std::uint64_t>(k.camera_updated_at) + 0x7F4A7C15ull + (h << 6) + (h >> 2);
        h ^= static_cast<std::uint64_t>(k.map_version) + 0x9E3779B9ull + (h << 6) + (h >> 2);
        return static_cast<std::size_t>(h);
    }
};

/// What measuring a route needs of a viewshed besides its rings: its bounding box in degrees
/// (the origin included, as Viewshed::min/max) and the bands of every ring made over latitude
/// (y = lat), which serve every request frame through a BandSpace.
struct RouteShape {
    bool has_rings = false;
    geo::LatLon min;
    geo::LatLon max;
    std::array<std::vector<analysis::RingBands>, dori_level_count> bands;
};

/// A viewshed in degrees: independent of the frame of the request that computed it.
struct GeoViewshed {
    geo::LatLon origin;
    std::array<double, dori_level_count> range_m{};  ///< Viewshed::range_m
    std::array<std::vector<std::vector<geo::LatLon>>, dori_level_count> rings;

    /// Its RouteShape, made on first use (most cached viewsheds never meet a route); thread-safe.
    [[nodiscard]] const RouteShape& route_shape() const {
        std::call_once(*m_shape_made, [this] {
            m_shape.min = m_shape.max = origin;
            std::vector<Vec2> ring_deg;
            for (std::size_t level = 0; level < dori_level_count; ++level)
                for (const auto& ring : rings[level]) {
                    m_shape.has_rings = true;
                    ring_deg.clear();
                    for (auto p : ring) {
                        m_shape.min = {std::min(m_shape.min.lat, p.lat),
                                       std::min(m_shape.min.lon, p.lon)};
                        m_shape.max = {std::max(m_shape.max.lat, p.lat),
                                       std::max(m_shape.max.lon, p.lon)};
                        ring_deg.push_back({p.lon, p.lat});
                    }
                    m_shape.bands[level].emplace_back(ring_deg);
                }
        });
        return m_shape;
    }

  private:
    std::unique_ptr<std::once_flag> m_shape_made = std::make_unique<std::once_flag>();
    mutable RouteShape m_shape;
};

GeoViewshed to_geo(const analysis::Viewshed& v, const LocalFrame& frame) {
    GeoViewshed out;
    out.origin = frame.to_lat_lon(v.origin);
    out.range_m = v.range_m;
    for (std::size_t level = 0; level < dori_level_count; ++level)
        for (const auto& ring : v.rings[level]) {
            auto& r = out.rings[level].emplace_back();
            r.reserve(ring.size());
            for (Vec2 p : ring)
                r.push_back(frame.to_lat_lon(p));
        }
    return out;
}

/// Computes a viewshed in a frame centred on the camera, from the walls of the request's
/// obstacles near it, so that the result in degrees depends only on the camera and the
/// buildings, never on the area that was asked for (tiles stay byte-stable whichever request
/// filled the cache).
GeoViewshed viewshed_in_own_frame(const analysis::CameraCapability& camera, geo::LatLon location,
                                  const analysis::ObstacleIndex& obstacles,
                                  const LocalFrame& frame) {
    const LocalFrame own(location);
    std::vector<std::uint32_t> near;
    obstacles.near(frame.to_local(location), camera.range_m[0] + 1.0, near);
    std::vector<analysis::Wall> walls;
    walls.reserve(near.size());
    for (auto index : near) {
        analysis::Wall wall = obstacles.wall(index);
        wall.a = own.to_local(frame.to_lat_lon(wall.a));
        wall.b = own.to_local(frame.to_lat_lon(wall.b));
        walls.push_back(wall);
    }
    const analysis::ObstacleIndex local(std::move(walls));
    return to_geo(analysis::compute_viewshed(camera, Vec2{0, 0}, local), own);
}

analysis::Viewshed to_frame(const GeoViewshed& g, const LocalFrame& frame) {
    analysis::Viewshed v;
    v.origin = frame.to_local(g.origin);
    v.range_m = g.range_m;
    v.min = v.origin;
    v.max = v.origin;
    for (std::size_t level = 0; level < dori_level_count; ++level)
        for (const auto& ring : g.rings[level]) {
            auto& r = v.rings[level].emplace_back();
            r.reserve(ring.size());
            for (geo::LatLon p : ring) {
                Vec2 q = frame.to_local(p);
                v.min = {std::min(v.min.x, q.x), std::min(v.min.y, q.y)};
                v.max = {std::max(v.max.x, q.x), std::max(v.max.y, q.y)};
                r.push_back(q);
            }
        }
    return v;
}

}  // namespace

class ViewshedCache {
  public:
    explicit ViewshedCache(std::size_t capacity) : m_capacity(capacity) {}

    std::shared_ptr<const GeoViewshed> find(const CacheKey& key) {
        std::lock_guard lock(m_mutex);
        auto it = m_index.find(key);
        if (it == m_index.end()) return nullptr;
        m_order.splice(m_order.begin(), m_order, it->second);
        return it->second->second;
    }

    void put(const CacheKey& key, std::shared_ptr<const GeoViewshed> value) {
        if (m_capacity == 0) return;
        std::lock_guard lock(m_mutex);
        if (auto it = m_index.find(key); it != m_index.end()) {
            it->second->second = std::move(value);
            m_order.splice(m_order.begin(), m_order, it->second);
            return;
        }
        m_order.emplace_front(key, std::move(value));
        m_index.emplace(key, m_order.begin());
        while (m_order.size() > m_capacity) {
            m_index.erase(m_order.back().first);
            m_order.pop_back();
        }
    }

  private:
    using Entry = std::pair<CacheKey, std::shared_ptr<const GeoViewshed>>;
    std::mutex m_mutex;
    std::size_t m_capacity;
    std::list<Entry> m_order;  ///< most recently used first
    std::unordered_map<CacheKey, std::list<Entry>::iterator, CacheKeyHash> m_index;
};

// --- geometry helpers ---------------------------------------------------------------------------

namespace {

geo::BBox expand(const geo::BBox& box, double metres) {
    double dlat = metres / 111'320.0;
    double lat = std::max(std::fabs(box.south), std::fabs(box.north));
    double coslat = std::max(0.01, std::cos(lat * std::numbers::pi / 180.0));
    double dlon = std::min(180.0, dlat / coslat);
    return {std::max(-180.0, box.west - dlon), std::max(-90.0, box.south - dlat),
            std::min(180.0, box.east + dlon), std::min(90.0, box.north + dlat)};
}

geo::LatLon centre(const geo::BBox& box) {
    return {(box.south + box.north) / 2, (box.west + box.east) / 2};
}

Rect to_rect(const geo::BBox& box, const LocalFrame& frame) {
    return {frame.to_local({box.south, box.west}), frame.to_local({box.north, box.east})};
}

double distance_to(const Rect& r, Vec2 p) {
    double dx = std::max({r.min.x - p.x, 0.0, p.x - r.max.x});
    double dy = std::max({r.min.y - p.y, 0.0, p.y - r.max.y});
    return std::hypot(dx, dy);
}

void add(LevelMetres& to, const LevelMetres& from) {
    for (std::size_t i = 0; i < dori_level_count; ++i)
        to[i] += from[i];
}

std::vector<Vec2> ring_to_local(const std::vector<geo::LatLon>& ring, const LocalFrame& frame) {
    std::vector<Vec2> out;
    out.reserve(ring.size());
    for (auto p : ring)
        out.push_back(frame.to_local(p));
    if (out.size() > 1 && out.front() == out.back()) out.pop_back();
    return out;
}

/// Parameters along a-b (in metres from a) inside the polygon (outer minus holes).
std::vector<analysis::Interval> inside_polygon(Vec2 a, Vec2 b,
                                               const std::vector<std::vector<Vec2>>& rings) {
    if (rings.empty()) return {};
    auto inside = analysis::clip_segment(a, b, rings[0]);
    for (std::size_t h = 1; h < rings.size() && !inside.empty(); ++h) {
        auto hole = analysis::clip_segment(a, b, rings[h]);
        std::vector<analysis::Interval> kept;
        for (auto in : inside) {
            double from = in.from_m;
            for (auto out : hole) {
                if (out.to_m <= from || out.from_m >= in.to_m) continue;
                if (out.from_m > from) kept.push_back({from, out.from_m});
                from = std::max(from, out.to_m);
            }
            if (from < in.to_m) kept.push_back({from, in.to_m});
        }
        inside = std::move(kept);
    }
    return inside;
}

/// A camera whose viewshed the cache does not hold.
struct Pending {
    CacheKey key;
    analysis::CameraCapability capability;
    geo::LatLon location;
};

/// The viewsheds of `pending`, in order, computed against the buildings around `area` (read in
/// `frame`) and put into the cache; `buildings` is set to how many were read.
std::vector<std::shared_ptr<const GeoViewshed>> compute_viewsheds(
    store::MapStore& map, const AnalysisOptions& options, ViewshedCache& cache,
    const std::vector<Pending>& pending, const geo::BBox& area, const LocalFrame& frame,
    unsigned threads, const AnalysisProgress& progress, std::size_t& buildings_read,
    bool keep_in_cache) {
    std::vector<std::vector<std::vector<Vec2>>> buildings;
    map.for_each_area(expand(area, 2 * options.max_range_m), model::AreaKind::building,
                      [&](const model::Area& building) {
                          auto& rings = buildings.emplace_back();
                          for (const auto& ring : building.rings)
                              rings.push_back(ring_to_local(ring, frame));
                      });
    buildings_read = buildings.size();
    const auto obstacles = analysis::ObstacleIndex::from_buildings(buildings);
    buildings.clear();

    std::vector<GeoViewshed> computed(pending.size());
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> done{0};
    auto work = [&](bool report) {
        for (std::size_t i = next++; i < pending.size(); i = next++) {
            computed[i] =
                viewshed_in_own_frame(pending[i].capability, pending[i].location, obstacles, frame);
            auto n = ++done;
            if (report && progress) progress("viewsheds", n, pending.size());
        }
    };
    unsigned n_threads = threads != 0 ? threads : options.threads;
    if (n_threads == 0) n_threads = std::max(1u, std::thread::hardware_concurrency());
    n_threads = static_cast<unsigned>(
        std::min<std::size_t>(n_threads, std::max<std::size_t>(1, pending.size() / 16)));
    {
        std::vector<std::jthread> workers;
        for (unsigned t = 1; t < n_threads; ++t)
            workers.emplace_back([&] { work(false); });
        work(true);
    }
    std::vector<std::shared_ptr<const GeoViewshed>> out;
    out.reserve(pending.size());
    for (std::size_t i = 0; i < pending.size(); ++i) {
        out.push_back(std::make_shared<const GeoViewshed>(std::move(computed[i])));
        if (keep_in_cache) cache.put(pending[i].key, out.back());
    }
    return out;
}

}  // namespace

// --- loading a scene ----------------------------------------------------------------------------

struct AnalysisService::Scene {
    LocalFrame frame{geo::LatLon{}};
    std::unique_ptr<analysis::ViewshedIndex> index;
    std::unordered_map<std::int64_t, geo::LatLon> camera_locations;
    std::size_t cameras = 0;
    std::size_t cameras_skipped = 0;
    std::size_t buildings = 0;
    std::size_t computed = 0;
    std::size_t cached = 0;
};

AnalysisService::AnalysisService(store::Store& store, store::MapStore& map, AnalysisOptions options)
    : m_store(store),
      m_map(map),
      m_options(options),
      m_cache(std::make_unique<ViewshedCache>(options.cache_capacity)),
      m_camera_tiles(std::make_unique<CameraTiles>()) {}

AnalysisService::~AnalysisService() = default;

Result<AnalysisService::Scene> AnalysisService::load_scene(const geo::BBox& area, unsigned threads,
                                                           const AnalysisProgress& progress,
                                                           bool keep_computed) {
    Scene scene;
    scene.frame = LocalFrame(centre(area));
    const Rect area_rect = to_rect(area, scene.frame);

    store::CameraQuery query;
    query.bbox = expand(area, m_options.max_range_m);
    query.limit = static_cast<int>(m_options.max_cameras) + 1;
    auto cameras = m_store.find_cameras(query);
    if (cameras.size() > m_options.max_cameras)
        return fail(Errc::too_large, fmt::format("more than {} cameras around the area; ask for a "
                                                 "smaller one",
                                                 m_options.max_cameras));
    const std::int64_t map_version = m_map.map_version();
    const auto& catalogue = analysis::CameraCatalogue::builtin();

    std::vector<Pending> pending;
    std::vector<analysis::PlacedViewshed> placed;
    for (const auto& camera : cameras) {
        if (camera.status == model::CameraStatus::removed) continue;
        auto capability = analysis::camera_capability(camera.location, camera.tags, catalogue);
        if (!capability) {
            ++scene.cameras_skipped;
            continue;
        }
        for (auto& r : capability->range_m)
            r = std::min(r, m_options.max_range_m);
        Vec2 origin = scene.frame.to_local(camera.location);
        if (distance_to(area_rect, origin) > capability->range_m[0]) continue;  // cannot reach
        scene.camera_locations[camera.id.value] = camera.location;
        CacheKey key{camera.id.value, camera.updated_at, map_version};
        if (auto hit = m_cache->find(key)) {
            placed.push_back({camera.id.value, to_frame(*hit, scene.frame)});
            ++scene.cached;
        } else {
            pending.push_back({key, std::move(*capability), camera.location});
        }
    }

    if (!pending.empty()) {
        auto computed = compute_viewsheds(m_map, m_options, *m_cache, pending, area, scene.frame,
                                          threads, progress, scene.buildings, keep_computed);
        for (std::size_t i = 0; i < pending.size(); ++i)
            placed.push_back({pending[i].key.camera_id, to_frame(*computed[i], scene.frame)});
        scene.computed = pending.size();
    }
    scene.cameras = placed.size();
    scene.index = std::make_unique<analysis::ViewshedIndex>(std::move(placed));
    return scene;
}

// --- cameras by tiles, for routes ----------------------------------------------------------------

namespace {

/// A camera as measuring a route needs it.
struct TileCamera {
    std::int64_t id = 0;
    std::int64_t updated_at = 0;
    geo::LatLon location;
    /// Ranges capped to AnalysisOptions::max_range_m; null for tags the model cannot read.
    std::shared_ptr<const analysis::CameraCapability> capability;
};

}  // namespace

class CameraTiles {
  public:
    /// Tiles of this many degrees of latitude and longitude (~1.1 x 0.7 km in central Europe).
    static constexpr double tile_deg = 0.01;
    /// Whole tiles kept at most; all are dropped past it (a few hundred routes' worth).
    static constexpr std::size_t max_tiles = 4096;

    using Tile = std::vector<TileCamera>;

    /// The cameras that find_cameras would list for `box` (not removed, both bounds inclusive),
    /// sorted by id, holding their tiles in `held`; too_large past `limit` cameras.
    Status cameras_in(store::Store& store, const geo::BBox& box, double max_range_m,
                      std::size_t limit, std::vector<std::shared_ptr<const Tile>>& held,
                      std::vector<const TileCamera*>& out) {
        out.clear();
        held.clear();
        const std::int64_t version = store.camera_version();
        const auto row0 = tile_of(box.south), row1 = tile_of(box.north);
        const auto col0 = tile_of(box.west), col1 = tile_of(box.east);
        for (auto row = row0; row <= row1; ++row)
            for (auto col = col0; col <= col1; ++col) {
                auto tile = find(version, row, col);
                if (!tile) {
                    auto fetched = fetch(store, row, col, max_range_m, limit);
                    if (!fetched) return std::unexpected(fetched.error());
                    tile = *fetched;
                    put(version, row, col, tile);
                }
                for (const auto& camera : *tile)
                    if (camera.location.lat >= box.south && camera.location.lat <= box.north &&
                        camera.location.lon >= box.west && camera.location.lon <= box.east)
                        out.push_back(&camera);
                if (out.size() > limit) return too_many(limit);
                held.push_back(std::move(tile));
            }
        std::sort(out.begin(), out.end(),
                  [](const TileCamera* a, const TileCamera* b) { return a->id < b->id; });
        return {};
    }

  private:
    /// The tile a coordinate is in: a function of the coordinate alone, so each camera is in
    /// exactly one tile and a box's cameras are in the tiles of its corners and between.
    static std::int64_t tile_of(double degrees) noexcept {
        return static_cast<std::int64_t>(std::floor(degrees / tile_deg));
    }
    static std::uint64_t key_of(std::int64_t row, std::int64_t col) noexcept {
        return (static_cast<std::uint64_t>(row) << 32) ^ static_cast<std::uint32_t>(col);
    }
    static Status too_many(std::size_t limit) {
        return fail(
            Errc::too_large,
            fmt::format("more than {} cameras around the area; ask for a smaller one", limit));
    }

    std::shared_ptr<const Tile> find(std::int64_t version, std::int64_t row, std::int64_t col) {
        std::lock_guard lock(m_mutex);
        if (version != m_version) {
            m_tiles.clear();
            m_version = version;
            return nullptr;
        }
        auto it = m_tiles.find(key_of(row, col));
        return it == m_tiles.end() ? nullptr : it->second;
    }

    void put(std::int64_t version, std::int64_t row, std::int64_t col,
             std::shared_ptr<const Tile> tile) {
        std::lock_guard lock(m_mutex);
        if (version != m_version) return;  // the cameras changed meanwhile
        if (m_tiles.size() >= max_tiles) m_tiles.clear();
        m_tiles[key_of(row, col)] = std::move(tile);
    }

    static Result<std::shared_ptr<const Tile>> fetch(store::Store& store, std::int64_t row,
                                                     std::int64_t col, double max_range_m,
                                                     std::size_t limit) {
        // A little more than the tile, then only the cameras whose tile this is: the query's
        // rounding at the edges can lose none.
        constexpr double pad = 1e-6;
        store::CameraQuery query;
        query.bbox = geo::BBox{static_cast<double>(col) * tile_deg - pad,
                               static_cast<double>(row) * tile_deg - pad,
                               static_cast<double>(col + 1) * tile_deg + pad,
                               static_cast<double>(row + 1) * tile_deg + pad};
        query.limit = static_cast<int>(std::min<std::size_t>(limit, 1u << 30)) + 1;
        auto cameras = store.find_cameras(query);
        if (cameras.size() > limit) return std::unexpected(too_many(limit).error());
        const auto& catalogue = analysis::CameraCatalogue::builtin();
        auto tile = std::make_shared<Tile>();
        tile->reserve(cameras.size());
        for (const auto& camera : cameras) {
            if (camera.status == model::CameraStatus::removed) continue;
            if (tile_of(camera.location.lat) != row || tile_of(camera.location.lon) != col)
                continue;
            TileCamera& t = tile->emplace_back();
            t.id = camera.id.value;
            t.updated_at = camera.updated_at;
            t.location = camera.location;
            auto capability = analysis::camera_capability(camera.location, camera.tags, catalogue);
            if (!capability) continue;
            for (auto& r : capability->range_m)
                r = std::min(r, max_range_m);
            t.capability =
                std::make_shared<const analysis::CameraCapability>(std::move(*capability));
        }
        return std::shared_ptr<const Tile>(std::move(tile));
    }

    std::mutex m_mutex;
    std::int64_t m_version = -1;
    std::unordered_map<std::uint64_t, std::shared_ptr<const Tile>> m_tiles;
};

// --- a route's scene
// ------------------------------------------------------------------------------

/// The cameras that can see into a route's area, each with its viewshed in degrees, placed in the
/// area's frame on first use: a route near a few of them converts only those.
struct AnalysisService::RouteScene {
    RouteScene() = default;
    RouteScene(RouteScene&&) = default;  // the arena's owner moves, the arena stays put
    /// An assignment would free the arena (declared first) while the segment table still holds
    /// nodes from it.
    RouteScene& operator=(RouteScene&&) = delete;

    struct Camera {
        std::int64_t id = 0;
        geo::LatLon location;
        std::shared_ptr<const GeoViewshed> geo;
        const RouteShape* shape = nullptr;
        Vec2 origin;
        Vec2 min;  ///< bounding box in the frame (as Viewshed::min/max)
        Vec2 max;
        /// rings[level] in the frame, made on first use (converted[level]).
        std::array<std::vector<std::vector<Vec2>>, dori_level_count> rings;
        std::array<bool, dori_level_count> converted{};
    };

    LocalFrame frame{geo::LatLon{}};
    analysis::BandSpace band_space;
    std::vector<Camera> cameras;  ///< those with rings, by id
    std::size_t cameras_skipped = 0;
    std::size_t buildings = 0;
    // A grid over the cameras' boxes, as ViewshedIndex's.
    double cell_m = 100;
    Vec2 grid_min{};
    int columns = 0;
    int rows = 0;
    std::vector<std::uint32_t> cell_start;
    std::vector<std::uint32_t> cell_items;

    void index() {
        if (cameras.empty()) return;
        Vec2 lo = cameras.front().min, hi = cameras.front().max;
        for (const auto& c : cameras) {
            lo = {std::min(lo.x, c.min.x), std::min(lo.y, c.min.y)};
            hi = {std::max(hi.x, c.max.x), std::max(hi.y, c.max.y)};
        }
        const double width = hi.x - lo.x + 1;
        const double height = hi.y - lo.y + 1;
        cell_m = std::max(cell_m, std::sqrt(width * height / 4e6));
        grid_min = lo;
        columns = static_cast<int>(width / cell_m) + 1;
        rows = static_cast<int>(height / cell_m) + 1;
        analysis::bucket_by_cells(
            cameras.size(), columns, rows,
            [&](std::uint32_t i, int& c0, int& c1, int& r0, int& r1) {
                const Camera& c = cameras[i];
                c0 = static_cast<int>((c.min.x - grid_min.x) / cell_m);
                c1 = static_cast<int>((c.max.x - grid_min.x) / cell_m);
                r0 = static_cast<int>((c.min.y - grid_min.y) / cell_m);
                r1 = static_cast<int>((c.max.y - grid_min.y) / cell_m);
                return true;
            },
            cell_start, cell_items);
    }

    /// Indexes into `cameras` whose box meets the segment's box, ascending: the candidates
    /// ViewshedIndex::candidates gives for the same cameras.
    void candidates(Vec2 a, Vec2 b, std::vector<std::uint32_t>& out) const {
        out.clear();
        if (columns == 0) return;
        const Vec2 lo{std::min(a.x, b.x), std::min(a.y, b.y)};
        const Vec2 hi{std::max(a.x, b.x), std::max(a.y, b.y)};
        if (!std::isfinite(lo.x) || !std::isfinite(lo.y) || !std::isfinite(hi.x) ||
            !std::isfinite(hi.y))
            return;
        const double x0 = (lo.x - grid_min.x) / cell_m, x1 = (hi.x - grid_min.x) / cell_m;
        const double y0 = (lo.y - grid_min.y) / cell_m, y1 = (hi.y - grid_min.y) / cell_m;
        if (x1 < 0 || y1 < 0 || x0 >= columns || y0 >= rows) return;
        auto clamp_cell = [](double v, int count) {
            return v < 0 ? 0 : (v >= count ? count - 1 : static_cast<int>(v));
        };
        const int c0 = clamp_cell(x0, columns), c1 = clamp_cell(x1, columns);
        const int r0 = clamp_cell(y0, rows), r1 = clamp_cell(y1, rows);
        for (int r = r0; r <= r1; ++r)
            for (int c = c0; c <= c1; ++c) {
                const std::size_t cell = static_cast<std::size_t>(r) * columns + c;
                for (std::uint32_t k = cell_start[cell]; k < cell_start[cell + 1]; ++k) {
                    const Camera& v = cameras[cell_items[k]];
                    if (v.min.x <= hi.x && v.max.x >= lo.x && v.min.y <= hi.y && v.max.y >= lo.y)
                        out.push_back(cell_items[k]);
                }
            }
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
    }

    /// Of one camera that sees some of a segment at the detect level: metres per level.
    using CameraMetres = std::pair<std::int64_t, LevelMetres>;
    /// A piece of a segment's seen stretches.
    struct Piece {
        Vec2 from;
        Vec2 to;
        int level = -1;  ///< the finest level seen; -1: unseen
    };
    /// What the cameras see of one segment: the figures analysis::line_exposure adds up for it
    /// and the pieces of the seen stretches. Its cameras and pieces lie in the scene's shared
    /// arrays (a route measures hundreds of segments: no allocation of their own).
    struct SegmentSeen {
        LevelMetres metres{};  ///< seen by any camera, per level
        std::uint32_t first_camera = 0;
        std::uint32_t camera_count = 0;
        std::uint32_t first_piece = 0;
        std::uint32_t piece_count = 0;
    };

    /// Room for `count` segments measured, so that the table and the shared arrays do not grow
    /// (and move) while a request measures them. A long track uploaded to /exposure reserves
    /// at most 64k (a few MB); beyond that they grow as they must.
    void reserve_segments(std::size_t count) {
        count = std::min(count, std::size_t{1} << 16);
        m_segments.reserve(count);
        m_pieces.reserve(2 * count);
        m_camera_metres.reserve(count);
    }

    /// The segment a-b measured once per scene: alternatives of one request share most of
    /// their segments.
    const SegmentSeen& segment(Vec2 a, Vec2 b) {
        const SegmentKey key{a, b};
        if (auto it = m_segments.find(key); it != m_segments.end()) return it->second;
        return m_segments.emplace(key, measure(a, b)).first->second;
    }
    /// The cameras that see some of a segment, in id order.
    std::span<const CameraMetres> cameras_of(const SegmentSeen& seen) const {
        return {m_camera_metres.data() + seen.first_camera, seen.camera_count};
    }
    /// The pieces of a segment's seen stretches; none for a segment of zero length.
    std::span<const Piece> pieces_of(const SegmentSeen& seen) const {
        return {m_pieces.data() + seen.first_piece, seen.piece_count};
    }

    /// Where a camera of the scene stands (one that sees some segment, so one with rings).
    geo::LatLon location_of(std::int64_t camera_id) const {
        auto it = std::lower_bound(cameras.begin(), cameras.end(), camera_id,
                                   [](const Camera& c, std::int64_t id) { return c.id < id; });
        return it != cameras.end() && it->id == camera_id ? it->location : geo::LatLon{};
    }

    /// Camera k's rings at `level` in the frame.
    const std::vector<std::vector<Vec2>>& rings_of(std::uint32_t k, std::size_t level) {
        Camera& c = cameras[k];
        if (!c.converted[level]) {
            const auto& geo_rings = c.geo->rings[level];
            auto& rings = c.rings[level];
            rings.resize(geo_rings.size());
            for (std::size_t r = 0; r < geo_rings.size(); ++r) {
                rings[r].clear();
                rings[r].reserve(geo_rings[r].size());
                for (auto p : geo_rings[r])
                    rings[r].push_back(frame.to_local(p));
            }
            c.converted[level] = true;
        }
        return c.rings[level];
    }

  private:
    using Levels = std::array<std::vector<analysis::Interval>, dori_level_count>;
    struct SegmentKey {
        Vec2 a;
        Vec2 b;
        friend bool operator==(const SegmentKey&, const SegmentKey&) = default;
    };
    struct SegmentHash {
        std::size_t operator()(const SegmentKey& k) const noexcept {
            std::uint64_t h = 0;
            for (double v : {k.a.x, k.a.y, k.b.x, k.b.y})
                h = (h ^ std::bit_cast<std::uint64_t>(v)) * 0x9E3779B97F4A7C15ull;
            return static_cast<std::size_t>(h ^ (h >> 29));
        }
    };

    SegmentSeen measure(Vec2 a, Vec2 b) {
        SegmentSeen out;
        out.first_camera = static_cast<std::uint32_t>(m_camera_metres.size());
        out.first_piece = static_cast<std::uint32_t>(m_pieces.size());
        // Each candidate clipped level by level as line_exposure does: out of range at a
        // level, or seeing nothing there, it sees nothing finer either.
        candidates(a, b, m_candidates);
        if (m_clips.size() < m_candidates.size()) m_clips.resize(m_candidates.size());
        for (std::size_t k = 0; k < m_candidates.size(); ++k) {
            Levels& mine = m_clips[k];
            for (auto& level : mine)
                level.clear();
            const auto& camera = cameras[m_candidates[k]];
            const double distance2 = analysis::squared_distance_to_segment(camera.origin, a, b);
            for (std::size_t level = 0; level < dori_level_count; ++level) {
                if (level > 0 && mine[level - 1].empty()) break;
                const double range = camera.geo->range_m[level];
                if (range > 0 && distance2 > range * range * (1 + 1e-9) + 1e-12) break;
                const auto& rings = rings_of(m_candidates[k], level);
                for (std::size_t r = 0; r < rings.size(); ++r)
                    analysis::clip_segment(a, b, rings[r], camera.shape->bands[level][r],
                                           band_space, mine[level]);
            }
        }

        // The seen stretches: the finest level seen along each piece (as the clips of every
        // camera united per level).
        const double len = analysis::length(b - a);
        // The scratch vectors are members: a route measures hundreds of segments.
        Levels& by_level = m_by_level;
        std::vector<double>& cuts = m_cuts;
        if (len > 0) {
            cuts.assign({0.0, len});
            for (std::size_t level = 0; level < dori_level_count; ++level) {
                auto& all = by_level[level];
                all.clear();
                for (std::size_t k = 0; k < m_candidates.size(); ++k)
                    all.insert(all.end(), m_clips[k][level].begin(), m_clips[k][level].end());
                analysis::unite_in_place(all);
                for (auto in : by_level[level]) {
                    cuts.push_back(std::clamp(in.from_m, 0.0, len));
                    cuts.push_back(std::clamp(in.to_m, 0.0, len));
                }
            }
            std::sort(cuts.begin(), cuts.end());
            cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
            const Vec2 unit = (b - a) * (1.0 / len);
            for (std::size_t c = 0; c + 1 < cuts.size(); ++c) {
                const double mid = (cuts[c] + cuts[c + 1]) / 2;
                int finest = -1;
                for (std::size_t level = 0; level < dori_level_count; ++level)
                    for (auto in : by_level[level])
                        if (in.from_m <= mid && mid <= in.to_m) finest = static_cast<int>(level);
                m_pieces.push_back({a + unit * cuts[c], a + unit * cuts[c + 1], finest});
            }
        }

        // Metres per camera (its clips united) and seen by any camera (all of those united).
        Levels& seen_by_any = m_seen_by_any;
        for (auto& level : seen_by_any)
            level.clear();
        for (std::size_t k = 0; k < m_candidates.size(); ++k) {
            Levels& mine = m_clips[k];
            if (mine[0].empty()) continue;
            auto& [id, metres] =
                m_camera_metres.emplace_back(cameras[m_candidates[k]].id, LevelMetres{});
            for (std::size_t level = 0; level < dori_level_count; ++level) {
                auto& united = mine[level];
                analysis::unite_in_place(united);
                metres[level] = analysis::total_length(united);
                seen_by_any[level].insert(seen_by_any[level].end(), united.begin(), united.end());
            }
        }
        for (std::size_t level = 0; level < dori_level_count; ++level) {
            analysis::unite_in_place(seen_by_any[level]);
            out.metres[level] = analysis::total_length(seen_by_any[level]);
        }
        out.camera_count = static_cast<std::uint32_t>(m_camera_metres.size()) - out.first_camera;
        out.piece_count = static_cast<std::uint32_t>(m_pieces.size()) - out.first_piece;
        return out;
    }

    // The table's nodes come from an arena freed with the scene: a request measures hundreds of
    // segments, and a malloc and a free each cost as much as a short segment's clip.
    std::unique_ptr<std::pmr::monotonic_buffer_resource> m_arena =
        std::make_unique<std::pmr::monotonic_buffer_resource>(std::size_t{64} << 10);
    std::pmr::unordered_map<SegmentKey, SegmentSeen, SegmentHash> m_segments{m_arena.get()};
    std::vector<CameraMetres> m_camera_metres;  ///< of every segment measured, one run each
    std::vector<Piece> m_pieces;                ///< of every segment measured, one run each
    std::vector<std::uint32_t> m_candidates;
    std::vector<Levels> m_clips;  ///< per candidate of the segment being measured
    Levels m_by_level;            ///< scratch of measure(): the clips of all candidates
    Levels m_seen_by_any;         ///< scratch of measure(): the cameras' clips, each united
    std::vector<double> m_cuts;   ///< scratch of measure(): where the finest level may change
};

Result<AnalysisService::RouteScene> AnalysisService::load_route_scene(
    const geo::BBox& area, unsigned threads, const AnalysisProgress& progress) {
    // The same cameras, viewsheds and frame as load_scene(area), so the same figures.
    RouteScene scene;
    scene.frame = LocalFrame(centre(area));
    // Frame y back to latitude: origin + y / metres per degree; 1e-9 degrees (0.1 mm) is far
    // more than the rounding of either way.
    scene.band_space = {scene.frame.origin().lat, 1.0 / scene.frame.metres_per_deg_lat(), 1e-9};
    const Rect area_rect = to_rect(area, scene.frame);

    std::vector<std::shared_ptr<const CameraTiles::Tile>> held;
    std::vector<const TileCamera*> cameras;
    auto listed =
        m_camera_tiles->cameras_in(m_store, expand(area, m_options.max_range_m),
                                   m_options.max_range_m, m_options.max_cameras, held, cameras);
    if (!listed) return std::unexpected(listed.error());
    const std::int64_t map_version = m_map.map_version();

    std::vector<Pending> pending;
    std::vector<std::pair<const TileCamera*, std::shared_ptr<const GeoViewshed>>> placed;
    for (const TileCamera* camera : cameras) {
        if (!camera->capability) {
            ++scene.cameras_skipped;
            continue;
        }
        const auto& capability = *camera->capability;
        const Vec2 origin = scene.frame.to_local(camera->location);
        if (distance_to(area_rect, origin) > capability.range_m[0]) continue;  // cannot reach
        CacheKey key{camera->id, camera->updated_at, map_version};
        if (auto hit = m_cache->find(key))
            placed.emplace_back(camera, std::move(hit));
        else
            pending.push_back({key, capability, camera->location});
    }
    if (!pending.empty()) {
        auto computed = compute_viewsheds(m_map, m_options, *m_cache, pending, area, scene.frame,
                                          threads, progress, scene.buildings,
                                          /*keep_in_cache=*/true);
        std::size_t k = 0;
        for (const TileCamera* camera : cameras)
            if (k < pending.size() && pending[k].key.camera_id == camera->id)
                placed.emplace_back(camera, std::move(computed[k++]));
        std::sort(placed.begin(), placed.end(),
                  [](const auto& a, const auto& b) { return a.first->id < b.first->id; });
    }
    scene.cameras.reserve(placed.size());
    for (auto& [camera, viewshed] : placed) {
        const RouteShape& shape = viewshed->route_shape();
        if (!shape.has_rings) continue;  // sees nothing: never a candidate
        // The frame is monotone in each coordinate, so the box of the placed points is the
        // placed box of the points: no ring is converted to find it.
        const Vec2 min = scene.frame.to_local(shape.min);
        const Vec2 max = scene.frame.to_local(shape.max);
        if (!std::isfinite(min.x) || !std::isfinite(min.y) || !std::isfinite(max.x) ||
            !std::isfinite(max.y))
            continue;
        auto& c = scene.cameras.emplace_back();
        c.id = camera->id;
        c.location = camera->location;
        c.origin = scene.frame.to_local(viewshed->origin);
        c.min = min;
        c.max = max;
        c.shape = &shape;
        c.geo = std::move(viewshed);
    }
    scene.index();
    return scene;
}

// --- viewsheds for maps --------------------------------------------------------------------------

Result<std::vector<CameraViewshedRings>> AnalysisService::viewsheds(const geo::BBox& area) {
    if (!(area.west < area.east && area.south < area.north))
        return fail(Errc::invalid_argument, "the area must have west < east and south < north");
    if (area.area_km2() > m_options.max_area_km2)
        return fail(Errc::too_large,
                    fmt::format("the area is over {} km2", m_options.max_area_km2));
    auto scene = load_scene(area, 1, {});
    if (!scene) return std::unexpected(scene.error());
    std::vector<CameraViewshedRings> out;
    for (const auto& placed : scene->index->viewsheds()) {
        auto geo_rings = to_geo(placed.viewshed, scene->frame);
        out.push_back({placed.camera_id, std::move(geo_rings.rings)});
    }
    return out;
}

// --- coverage -----------------------------------------------------------------------------------

namespace {

LevelMetres measure_piece(Vec2 a, Vec2 b, const analysis::ViewshedIndex& index) {
    const Vec2 points[2] = {a, b};
    return analysis::line_exposure(points, index).by_level_m;
}

geo::BBox bbox_of(const std::vector<analysis::DistrictArea>& districts) {
    auto box = geo::BBox::empty_box();
    for (const auto& d : districts)
        for (const auto& polygon : d.polygons)
            for (const auto& ring : polygon)
                for (auto p : ring)
                    box.extend(p);
    return box;
}

}  // namespace

Result<CoverageReport> AnalysisService::coverage(const CoverageRequest& request) {
    if (!request.bbox && request.districts.empty())
        return fail(Errc::invalid_argument, "give a bbox or districts");
    const geo::BBox area = request.bbox ? *request.bbox : bbox_of(request.districts);
    if (area.west > area.east || area.south > area.north ||
        !geo::LatLon{area.south, area.west}.is_valid() ||
        !geo::LatLon{area.north, area.east}.is_valid())
        return fail(Errc::invalid_argument, "the area is not a valid bbox");
    const double max_area_km2 = request.max_area_km2.value_or(m_options.max_area_km2);
    if (area.area_km2() > max_area_km2)
        return fail(Errc::too_large,
                    fmt::format("the area covers {:.1f} km²; the limit is {:.0f} km²",
                                area.area_km2(), max_area_km2));
    const bool by_district = !request.districts.empty();
    double cell_m = request.cell_m > 0 ? request.cell_m : m_options.default_cell_m;
    if (!std::isfinite(cell_m) || cell_m < m_options.min_cell_m || cell_m > 100'000)
        return fail(
            Errc::invalid_argument,
            fmt::format("cell must be between {:.0f} and 100000 metres", m_options.min_cell_m));

    auto scene = load_scene(area, request.threads, request.progress);
    if (!scene) return std::unexpected(scene.error());
    const LocalFrame& frame = scene->frame;
    const Rect rect = to_rect(area, frame);
    const auto& index = *scene->index;

    CoverageReport report;
    report.bbox = area;
    report.cell_m = by_district ? 0 : cell_m;
    report.cameras = scene->cameras;
    report.cameras_skipped = scene->cameras_skipped;
    report.buildings = scene->buildings;
    report.viewsheds_computed = scene->computed;
    report.viewsheds_cached = scene->cached;

    const int columns =
        std::max(1, static_cast<int>(std::ceil((rect.max.x - rect.min.x) / cell_m)));
    const int rows = std::max(1, static_cast<int>(std::ceil((rect.max.y - rect.min.y) / cell_m)));
    if (!by_district &&
        static_cast<std::size_t>(columns) * static_cast<std::size_t>(rows) > m_options.max_cells)
        return fail(Errc::too_large, fmt::format("{} x {} cells are too many (at most {}); use a "
                                                 "larger cell",
                                                 columns, rows, m_options.max_cells));
    // What one thread measured; the threads' tallies are added up at the end.
    struct Tally {
        std::map<std::pair<int, int>, CoverageCell> cells;
        std::vector<CoverageCell> districts;
        double street_m = 0;
        LevelMetres by_level_m{};
    };
    std::vector<CoverageCell> districts(request.districts.size());
    std::vector<std::vector<std::vector<std::vector<Vec2>>>> district_rings(
        request.districts.size());
    for (std::size_t d = 0; d < request.districts.size(); ++d) {
        districts[d].name = request.districts[d].name;
        districts[d].bbox = bbox_of({request.districts[d]});
        for (const auto& polygon : request.districts[d].polygons) {
            auto& rings = district_rings[d].emplace_back();
            for (const auto& ring : polygon)
                rings.push_back(ring_to_local(ring, frame));
        }
    }

    auto add_grid_piece = [&](Tally& tally, Vec2 a, Vec2 b) {
        LevelMetres seen = measure_piece(a, b, index);
        double len = analysis::length(b - a);
        Vec2 mid = (a + b) * 0.5;
        int col = std::clamp(static_cast<int>((mid.x - rect.min.x) / cell_m), 0, columns - 1);
        int row = std::clamp(static_cast<int>((mid.y - rect.min.y) / cell_m), 0, rows - 1);
        auto& cell = tally.cells[{row, col}];
        cell.column = col;
        cell.row = row;
        cell.street_m += len;
        add(cell.by_level_m, seen);
        tally.street_m += len;
        add(tally.by_level_m, seen);
    };

    auto measure_segment = [&](Tally& tally, Vec2 a, Vec2 b) {
        double t0 = 0;
        double t1 = 1;
        if (!clip_to_rect(a, b, rect, t0, t1)) return;
        Vec2 d = b - a;
        Vec2 p = a + d * t0;
        Vec2 q = a + d * t1;
        if (by_district) {
            double len = analysis::length(q - p);
            if (len <= 0) return;
            Vec2 unit = (q - p) * (1.0 / len);
            for (std::size_t k = 0; k < districts.size(); ++k)
                for (const auto& rings : district_rings[k])
                    for (auto in : inside_polygon(p, q, rings)) {
                        Vec2 from = p + unit * in.from_m;
                        Vec2 to = p + unit * in.to_m;
                        LevelMetres seen = measure_piece(from, to, index);
                        double piece = in.to_m - in.from_m;
                        tally.districts[k].street_m += piece;
                        add(tally.districts[k].by_level_m, seen);
                        tally.street_m += piece;
                        add(tally.by_level_m, seen);
                    }
            return;
        }
        // Split at the grid lines so every piece lies in one cell.
        std::vector<double> cuts{0.0, 1.0};
        Vec2 pq = q - p;
        auto add_cuts = [&](double from, double to, double origin, double delta) {
            if (delta == 0) return;
            double lo = std::min(from, to);
            double hi = std::max(from, to);
            for (double line = origin + std::ceil((lo - origin) / cell_m) * cell_m; line < hi;
                 line += cell_m) {
                double t = (line - from) / delta;
                if (t > 0 && t < 1) cuts.push_back(t);
            }
        };
        add_cuts(p.x, q.x, rect.min.x, pq.x);
        add_cuts(p.y, q.y, rect.min.y, pq.y);
        std::sort(cuts.begin(), cuts.end());
        for (std::size_t i = 0; i + 1 < cuts.size(); ++i)
            if (cuts[i + 1] > cuts[i])
                add_grid_piece(tally, p + pq * cuts[i], p + pq * cuts[i + 1]);
    };

    std::vector<std::vector<Vec2>> streets;
    m_map.for_each_street(area, [&](const model::Street& street) {
        streets.push_back(ring_to_local(street.points, frame));
        if (street.points.size() > 1 && street.points.front() == street.points.back())
            streets.back().push_back(streets.back().front());  // a closed way keeps its last edge
    });
    unsigned n_threads = request.threads != 0 ? request.threads : m_options.threads;
    if (n_threads == 0) n_threads = std::max(1u, std::thread::hardware_concurrency());
    n_threads = static_cast<unsigned>(
        std::min<std::size_t>(n_threads, std::max<std::size_t>(1, streets.size() / 64)));
    std::vector<Tally> tallies(n_threads);
    for (auto& t : tallies)
        t.districts.resize(districts.size());
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> done{0};
    auto work = [&](Tally& tally, bool report_progress) {
        for (std::size_t s = next++; s < streets.size(); s = next++) {
            for (std::size_t i = 0; i + 1 < streets[s].size(); ++i)
                measure_segment(tally, streets[s][i], streets[s][i + 1]);
            auto n = ++done;
            if (report_progress && request.progress && (n % 256 == 0 || n == streets.size()))
                request.progress("streets", n, streets.size());
        }
    };
    {
        std::vector<std::jthread> workers;
        for (unsigned t = 1; t < n_threads; ++t)
            workers.emplace_back([&, t] { work(tallies[t], false); });
        work(tallies[0], true);
    }
    std::map<std::pair<int, int>, CoverageCell> cells;
    for (auto& tally : tallies) {
        report.street_m += tally.street_m;
        add(report.by_level_m, tally.by_level_m);
        for (std::size_t k = 0; k < districts.size(); ++k) {
            districts[k].street_m += tally.districts[k].street_m;
            add(districts[k].by_level_m, tally.districts[k].by_level_m);
        }
        for (auto& [key, cell] : tally.cells) {
            auto& into = cells[key];
            into.column = cell.column;
            into.row = cell.row;
            into.street_m += cell.street_m;
            add(into.by_level_m, cell.by_level_m);
        }
    }

    if (by_district) {
        report.cells = std::move(districts);
    } else {
        for (auto& [key, cell] : cells) {
            geo::LatLon sw = frame.to_lat_lon(
                {rect.min.x + cell.column * cell_m, rect.min.y + cell.row * cell_m});
            geo::LatLon ne =
                frame.to_lat_lon({std::min(rect.max.x, rect.min.x + (cell.column + 1) * cell_m),
                                  std::min(rect.max.y, rect.min.y + (cell.row + 1) * cell_m)});
            cell.bbox = {sw.lon, sw.lat, ne.lon, ne.lat};
            report.cells.push_back(std::move(cell));
        }
    }
    return report;
}

// --- exposure -----------------------------------------------------------------------------------

namespace {

/// Builds the seen stretches of a route piece by piece, merging neighbours of the same level.
class StretchBuilder {
  public:
    StretchBuilder(const LocalFrame& frame, std::vector<SeenStretch>& out)
        : m_frame(frame), m_out(out) {}

    /// A piece from p to q seen at `level` (-1: unseen). `joined`: p is where the last piece ended.
    void piece(Vec2 p, Vec2 q, int level, bool joined) {
        if (level < 0) {
            m_open = false;
            return;
        }
        if (!m_open || !joined || m_level != level) {
            auto& s = m_out.emplace_back();
            s.level = static_cast<DoriLevel>(level);
            s.points.push_back(m_frame.to_lat_lon(p));
            m_open = true;
            m_level = level;
        }
        auto& s = m_out.back();
        s.points.push_back(m_frame.to_lat_lon(q));
        s.length_m += analysis::length(q - p);
    }
    void end_line() { m_open = false; }

  private:
    const LocalFrame& m_frame;
    std::vector<SeenStretch>& m_out;
    bool m_open = false;
    int m_level = -1;
};

}  // namespace

Result<RouteExposure> AnalysisService::exposure(const ExposureRequest& request) {
    auto each =
        exposures({request.polylines}, request.speed_m_s, request.threads, request.progress);
    if (!each) return std::unexpected(each.error());
    return std::move(each->front());
}

Result<std::vector<RouteExposure>> AnalysisService::exposures(
    const std::vector<std::vector<std::vector<geo::LatLon>>>& routes, double speed_m_s,
    unsigned threads, const AnalysisProgress& progress) {
    if (!std::isfinite(speed_m_s) || speed_m_s <= 0 || speed_m_s > 100)
        return fail(Errc::invalid_argument, "speed must be a number of m/s in (0, 100]");
    auto area = geo::BBox::empty_box();
    std::size_t segments = 0;
    for (const auto& polylines : routes) {
        if (polylines.empty()) return fail(Errc::invalid_argument, "the route has no line");
        for (const auto& line : polylines) {
            if (line.size() < 2)
                return fail(Errc::invalid_argument,
                            "every line of the route needs 2 or more points");
            segments += line.size() - 1;
            for (auto p : line) {
                if (!p.is_valid())
                    return fail(Errc::invalid_argument, "a route point is out of range");
                area.extend(p);
            }
        }
    }
    if (routes.empty()) return fail(Errc::invalid_argument, "the route has no line");
    if (area.area_km2() > m_options.max_route_area_km2)
        return fail(Errc::too_large,
                    fmt::format("the route spans {:.0f} km²; the limit is {:.0f} km² (split it)",
                                area.area_km2(), m_options.max_route_area_km2));

    auto scene = load_route_scene(area, threads, progress);
    if (!scene) return std::unexpected(scene.error());
    scene->reserve_segments(segments);
    std::vector<RouteExposure> out;
    for (const auto& polylines : routes)
        out.push_back(measure_route(*scene, polylines, speed_m_s));
    return out;
}

RouteExposure AnalysisService::measure_route(RouteScene& scene,
                                             const std::vector<std::vector<geo::LatLon>>& polylines,
                                             double speed_m_s) {
    const LocalFrame& frame = scene.frame;
    RouteExposure result;
    result.speed_m_s = speed_m_s;
    result.cameras_skipped = scene.cameras_skipped;
    result.buildings = scene.buildings;
    std::vector<CameraSeen> per_camera;  // by id, as `totals`
    StretchBuilder builder(frame, result.stretches);
    std::vector<Vec2> points;
    std::vector<analysis::CameraExposure> totals;  // of a line, by camera id
    for (const auto& line : polylines) {
        points.clear();
        points.reserve(line.size());
        for (auto p : line)
            points.push_back(frame.to_local(p));
        // What analysis::line_exposure gives over a ViewshedIndex of the scene (the same
        // figures, summed in the same order), and the seen stretches.
        double line_length = 0;
        LevelMetres line_levels{};
        totals.clear();
        for (std::size_t i = 0; i + 1 < points.size(); ++i) {
            const Vec2 a = points[i];
            const Vec2 b = points[i + 1];
            line_length += analysis::length(b - a);
            const auto& seen = scene.segment(a, b);
            for (const auto& piece : scene.pieces_of(seen))
                builder.piece(piece.from, piece.to, piece.level, true);
            for (const auto& [id, metres] : scene.cameras_of(seen)) {
                auto total = std::lower_bound(totals.begin(), totals.end(), id,
                                              [](const analysis::CameraExposure& e,
                                                 std::int64_t key) { return e.camera_id < key; });
                if (total == totals.end() || total->camera_id != id)
                    total = totals.insert(total, analysis::CameraExposure{id, 0, {}});
                for (std::size_t level = 0; level < dori_level_count; ++level)
                    total->by_level_m[level] += metres[level];
            }
            for (std::size_t level = 0; level < dori_level_count; ++level)
                line_levels[level] += seen.metres[level];
        }
        builder.end_line();

        result.length_m += line_length;
        add(result.by_level_m, line_levels);
        result.segments.push_back({line_length, line_levels});
        constexpr auto observe = static_cast<std::size_t>(DoriLevel::observe);
        for (const auto& c : totals) {
            if (!(c.by_level_m[0] > 0)) continue;
            auto seen = std::lower_bound(
                per_camera.begin(), per_camera.end(), c.camera_id,
                [](const CameraSeen& e, std::int64_t key) { return e.camera_id < key; });
            if (seen == per_camera.end() || seen->camera_id != c.camera_id) {
                seen = per_camera.insert(seen, CameraSeen{});
                seen->camera_id = c.camera_id;
                seen->location = scene.location_of(c.camera_id);
            }
            seen->seen_m += c.by_level_m[observe];
            add(seen->by_level_m, c.by_level_m);
        }
    }
    result.seen_m = result.by_level_m[static_cast<std::size_t>(DoriLevel::observe)];
    result.duration_s = result.length_m / speed_m_s;
    result.seen_s = result.seen_m / speed_m_s;
    result.cameras = std::move(per_camera);
    std::stable_sort(result.cameras.begin(), result.cameras.end(),
                     [](const CameraSeen& a, const CameraSeen& b) {
                         if (a.seen_m != b.seen_m) return a.seen_m > b.seen_m;
                         return a.by_level_m[0] > b.by_level_m[0];
                     });
    return result;
}

}  // namespace sightline::services

namespace sightline::services {

Result<std::vector<StreetSeen>> AnalysisService::street_exposure(const geo::BBox& area,
                                                                 unsigned threads,
                                                                 const AnalysisProgress& progress,
                                                                 bool cache_viewsheds) {
    if (!(area.west <= area.east && area.south <= area.north) ||
        !geo::LatLon{area.south, area.west}.is_valid() ||
        !geo::LatLon{area.north, area.east}.is_valid())
        return fail(Errc::invalid_argument, "the area is not a valid bbox");
    std::vector<StreetSeen> out;
    geo::BBox reach = area;  // every street whole, so every camera that sees any part of one
    m_map.for_each_street(area, [&](const model::Street& street) {
        for (auto p : street.points)
            reach.extend(p);
        out.push_back({street, {}});
    });
    if (out.empty()) return out;  // no scene to load (the routing graph measures by chunks)
    auto scene = load_scene(reach, threads, progress, cache_viewsheds);
    if (!scene) return std::unexpected(scene.error());
    std::vector<Vec2> points;
    for (std::size_t i = 0; i < out.size(); ++i) {
        auto& s = out[i];
        points.clear();
        for (auto p : s.street.points)
            points.push_back(scene->frame.to_local(p));
        auto exposure = analysis::line_exposure(points, *scene->index);
        s.segments = std::move(exposure.segments);
        if (progress && (i % 1024 == 0 || i + 1 == out.size()))
            progress("streets", i + 1, out.size());
    }
    return out;
}

}  // namespace sightline::services
