#include "services/routing_service.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <span>
#include <thread>
#include <tuple>
#include <unordered_map>

#include <fmt/core.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "core/log.hpp"
#include "core/ordered_parallel.hpp"
#include "core/section_file.hpp"
#include "geo/distance.hpp"
#include "geo/hilbert_key.hpp"
#include "routing/routing_data.hpp"

namespace sightline::services {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

/// More changed cameras than this and a full rebuild is cheaper than street-by-street updates.
constexpr std::size_t max_incremental_cameras = 200;

std::unordered_map<std::int64_t, RoutingGraph::CameraMark> camera_marks(store::Store& store) {
    std::unordered_map<std::int64_t, RoutingGraph::CameraMark> marks;
    const auto stamps = store.camera_stamps();
    marks.reserve(stamps.size());
    for (const auto& c : stamps)
        marks[c.id.value] = {c.updated_at, c.location, c.removed};
    return marks;
}

/// The areas to measure again around changed cameras: each camera's reach, with boxes merged
/// where their union is no larger than the two apart, so that a camera that only changed status
/// (same place twice) or a cluster of new ones is measured once.
std::vector<geo::BBox> reach_areas(const std::vector<geo::LatLon>& points, double reach_m) {
    std::vector<geo::BBox> areas;
    for (auto p : points) {
        const auto box = geo::BBox::around(p, reach_m);
        bool merged = false;
        for (auto& area : areas) {
            auto both = area;
            both.extend({box.south, box.west});
            both.extend({box.north, box.east});
            if (both.area_km2() <= area.area_km2() + box.area_km2()) {
                area = both;
                merged = true;
                break;
            }
        }
        if (!merged) areas.push_back(box);
    }
    return areas;
}

using StreetKey = RoutingGraph::StreetKey;

StreetKey key_of(std::int64_t way, std::span<const geo::LatLon> points) {
    return {way, std::llround(points.front().lat * 1e7), std::llround(points.front().lon * 1e7), 0,
            0};
}

bool key_less(const StreetKey& a, const StreetKey& b) {
    return std::tie(a.way, a.lat, a.lon) < std::tie(b.way, b.lat, b.lon);
}

core::SharedArray<StreetKey> street_keys_of(const routing::WalkGraph& walk) {
    std::vector<StreetKey> keys;
    keys.reserve(walk.street_count());
    for (std::uint32_t i = 0; i < walk.street_count(); ++i) {
        const auto street = walk.street(i);
        auto key = key_of(street.osm_way_id, street.points);
        key.street = i;
        keys.push_back(key);
    }
    std::sort(keys.begin(), keys.end(), key_less);
    return core::SharedArray(std::move(keys));
}

/// The index in the graph of the street with this way and first point, if there is one.
std::optional<std::uint32_t> find_street(const core::SharedArray<StreetKey>& keys, std::int64_t way,
                                         std::span<const geo::LatLon> points) {
    if (points.empty()) return std::nullopt;
    const auto key = key_of(way, points);
    auto it = std::lower_bound(keys.begin(), keys.end(), key, key_less);
    if (it == keys.end() || key_less(key, *it)) return std::nullopt;
    return it->street;
}

/// Per-thread search state, tied to the graph it was made for. The graph is held weakly, so an
/// idle thread does not keep a replaced graph (and its memory) alive.
struct ThreadSearch {
    std::weak_ptr<const RoutingGraph> graph;
    std::unique_ptr<routing::AltSearch> search;
};

routing::AltSearch& search_for(const std::shared_ptr<const RoutingGraph>& graph) {
    thread_local ThreadSearch state;
    if (state.graph.lock() != graph || !state.search) {
        state.search.reset();
        state.graph = graph;
        state.search = std::make_unique<routing::AltSearch>(graph->walk, graph->landmarks);
    }
    return *state.search;
}

/// Gives the memory of a replaced graph back to the system: glibc keeps freed blocks of up to
/// 32 MB in its heaps, where a graph's hundreds of megabytes would otherwise stay resident.
void release_free_memory() {
#if defined(__GLIBC__)
    ::malloc_trim(0);
#endif
}

/// This process's memory in MB (Linux; zeros elsewhere), for the build's log line.
struct Memory {
    long rss = 0;
    long anonymous = 0;
    long peak = 0;
};
Memory memory_now() {
    Memory m;
    std::FILE* f = std::fopen("/proc/self/status", "r");
    if (f == nullptr) return m;
    char line[256];
    while (std::fgets(line, sizeof line, f) != nullptr) {
        std::sscanf(line, "VmRSS: %ld kB", &m.rss);
        std::sscanf(line, "VmHWM: %ld kB", &m.peak);
        std::sscanf(line, "RssAnon: %ld kB", &m.anonymous);
    }
    std::fclose(f);
    return {m.rss >> 10, m.anonymous >> 10, m.peak >> 10};
}

/// The figures of a graph just built or loaded in `seconds`.
RoutingGraphStats stats_of(const RoutingGraph& graph, double seconds) {
    RoutingGraphStats stats;
    stats.nodes = graph.walk.node_count();
    stats.edges = graph.walk.edge_count();
    stats.streets = graph.walk.street_count();
    stats.landmarks = graph.landmarks.count();
    stats.map_version = graph.map_version;
    stats.camera_version = graph.camera_version;
    stats.build_s = seconds;
    return stats;
}

// The service's own sections of the prepared file: what the graph was made from.
constexpr std::uint32_t meta_section = routing::first_caller_section;
constexpr std::uint32_t camera_section = routing::first_caller_section + 1;
constexpr std::uint32_t street_key_section = routing::first_caller_section + 2;

struct PreparedMeta {
    std::int64_t map_version = 0;
    std::int64_t camera_version = 0;
    char data_id[64] = {};
};

struct PreparedCamera {
    std::int64_t id = 0;
    std::int64_t updated_at = 0;
    double lat = 0;
    double lon = 0;
    std::int64_t removed = 0;
};

/// The service's own sections: what the graph was made from.
Status write_service_sections(
    core::SectionFileStream& file, std::int64_t map_version, std::int64_t camera_version,
    const std::unordered_map<std::int64_t, RoutingGraph::CameraMark>& marks,
    const core::SharedArray<StreetKey>& street_keys, const std::string& data_id) {
    PreparedMeta meta;
    meta.map_version = map_version;
    meta.camera_version = camera_version;
    std::memcpy(meta.data_id, data_id.data(), std::min(data_id.size(), sizeof meta.data_id - 1));
    if (auto ok = file.add(meta_section, std::span<const PreparedMeta>(&meta, 1)); !ok) return ok;
    std::vector<PreparedCamera> cameras;
    cameras.reserve(marks.size());
    for (const auto& [id, mark] : marks)
        cameras.push_back(
            {id, mark.updated_at, mark.location.lat, mark.location.lon, mark.removed ? 1 : 0});
    std::sort(cameras.begin(), cameras.end(),
              [](const PreparedCamera& a, const PreparedCamera& b) { return a.id < b.id; });
    if (auto ok = file.add(camera_section, std::span<const PreparedCamera>(cameras)); !ok)
        return ok;
    return file.add(street_key_section, street_keys.span());
}

/// Writes a graph to the prepared file; stale seen tables are made afresh for the file, one at
/// a time, rather than refreshed in memory first.
Status write_prepared(const RoutingGraph& graph, const std::string& data_id,
                      const std::filesystem::path& path) {
    auto file = core::SectionFileStream::create(path, routing::routing_data_magic,
                                                routing::routing_data_version);
    if (!file) return std::unexpected(file.error());
    if (auto ok = graph.walk.save(*file); !ok) return ok;
    if (auto ok = graph.landmarks.save(graph.walk, *file); !ok) return ok;
    if (auto ok = write_service_sections(*file, graph.map_version, graph.camera_version,
                                         graph.cameras, graph.street_keys, data_id);
        !ok)
        return ok;
    return file->commit();
}

/// Streets are measured a chunk of the country at a time (chunk_deg on a side at most), so that
/// only one chunk's buildings and viewsheds are in memory at once.
constexpr double chunk_deg = 0.1;

/// Every street whose box meets `bounds`, with the metres of it the cameras see, measured chunk
/// by chunk: each street whole, in the chunk where its first point lies. Chunks are measured on
/// every core at once (a country's were 15 s of one core out of the routing step's 17 s), and
/// taken in their order, so the graph numbers the streets as one thread would.
Result<routing::StreetArrays> measure_streets(AnalysisService& analysis, const geo::BBox& bounds,
                                              unsigned threads, const AnalysisProgress& progress) {
    const auto rows = static_cast<std::size_t>(
        std::max(1.0, std::ceil((bounds.north - bounds.south) / chunk_deg)));
    const auto columns =
        static_cast<std::size_t>(std::max(1.0, std::ceil((bounds.east - bounds.west) / chunk_deg)));
    const double height = (bounds.north - bounds.south) / static_cast<double>(rows);
    const double width = (bounds.east - bounds.west) / static_cast<double>(columns);
    auto index_of = [](double value, double start, double step, std::size_t count) {
        if (!(step > 0)) return std::size_t{0};
        const double i = std::floor((value - start) / step);
        return static_cast<std::size_t>(std::clamp(i, 0.0, static_cast<double>(count - 1)));
    };
    const std::size_t chunks = rows * columns;
    // A chunk on each core (or `threads`), its viewsheds on the cores left to it; one chunk has
    // them all (0: the analysis options' count).
    const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
    const auto workers =
        static_cast<unsigned>(std::min<std::size_t>(threads != 0 ? threads : cores, chunks));
    const unsigned viewshed_threads = workers > 1 ? std::max(1U, cores / workers) : 0;

    // The streets measured with chunk k, along a Hilbert curve: a search's neighbouring nodes and
    // edges are then neighbours in memory (the graph numbers them in this order), rather than
    // spread over the chunk in OSM id order, one cache miss each.
    auto measure_chunk = [&](std::size_t k) -> Result<std::vector<StreetSeen>> {
        const std::size_t row = k / columns;
        const std::size_t column = k % columns;
        auto area = bounds;
        if (chunks > 1) {
            // A margin so that rounding never loses a street whose first point is here.
            constexpr double margin = 1e-6;
            area.south = bounds.south + height * static_cast<double>(row) - margin;
            area.north = bounds.south + height * static_cast<double>(row + 1) + margin;
            area.west = bounds.west + width * static_cast<double>(column) - margin;
            area.east = bounds.west + width * static_cast<double>(column + 1) + margin;
        }
        // The whole country's viewsheds would fill the cache that analysis requests use.
        auto seen = analysis.street_exposure(area, viewshed_threads,
                                             chunks > 1 ? AnalysisProgress{} : progress,
                                             /*cache_viewsheds=*/false);
        if (!seen) return std::unexpected(seen.error());
        std::vector<std::pair<std::uint64_t, std::size_t>> order;  // (curve position, index)
        for (std::size_t i = 0; i < seen->size(); ++i) {
            const auto& street = (*seen)[i].street;
            if (street.points.empty()) continue;
            const auto first = street.points.front();
            if (chunks > 1 && (index_of(first.lat, bounds.south, height, rows) != row ||
                               index_of(first.lon, bounds.west, width, columns) != column))
                continue;  // measured with the chunk of its first point
            order.emplace_back(geo::hilbert_key(first), i);
        }
        std::sort(order.begin(), order.end());
        std::vector<StreetSeen> streets;
        streets.reserve(order.size());
        for (const auto& [key, i] : order)
            streets.push_back(std::move((*seen)[i]));
        return streets;
    };

    routing::StreetArrays input;
    std::optional<Error> failed;
    if (chunks > 1 && progress) progress("streets", 0, chunks);
    // Two chunks ahead per worker at most: a chunk's streets wait in memory until their turn.
    core::ordered_parallel(chunks, workers, 2 * std::size_t{workers}, measure_chunk,
                           [&](std::size_t k, Result<std::vector<StreetSeen>> streets) {
                               if (!streets) {
                                   failed = streets.error();
                                   return false;
                               }
                               for (const auto& s : *streets)
                                   input.add(s.street.osm_way_id, s.street.points, s.segments);
                               if (chunks > 1 && progress) progress("streets", k + 1, chunks);
                               return true;
                           });
    if (failed) return std::unexpected(*failed);
    return input;
}

/// The graph of a prepared file made from this data set; an error says why it cannot be used.
Result<std::shared_ptr<RoutingGraph>> read_prepared(const std::filesystem::path& path,
                                                    const std::string& data_id) {
    auto file =
        core::SectionFile::open(path, routing::routing_data_magic, routing::routing_data_version);
    if (!file) return std::unexpected(file.error());
    auto meta = (*file)->section<PreparedMeta>(meta_section);
    if (!meta) return std::unexpected(meta.error());
    if (meta->size() != 1) return fail(Errc::invalid_argument, "its header section is malformed");
    const PreparedMeta& m = meta->front();
    if (std::string(m.data_id, strnlen(m.data_id, sizeof m.data_id)) != data_id)
        return fail(Errc::invalid_argument, "it was made from another database");
    auto walk = routing::WalkGraph::load(*file);
    if (!walk) return std::unexpected(walk.error());
    auto landmarks = routing::Landmarks::load(*file, walk->node_count());
    if (!landmarks) return std::unexpected(landmarks.error());
    auto cameras = (*file)->section<PreparedCamera>(camera_section);
    if (!cameras) return std::unexpected(cameras.error());
    auto street_keys = (*file)->section<RoutingGraph::StreetKey>(street_key_section);
    if (!street_keys) return std::unexpected(street_keys.error());
    if (street_keys->size() != walk->street_count())
        return fail(Errc::invalid_argument, "its street index does not match its graph");
    auto graph = std::make_shared<RoutingGraph>();
    graph->walk = std::move(*walk);
    graph->landmarks = std::move(*landmarks);
    graph->map_version = m.map_version;
    graph->camera_version = m.camera_version;
    graph->from_file = true;
    graph->street_keys = core::SharedArray<RoutingGraph::StreetKey>(*street_keys, *file);
    for (const auto& c : *cameras)
        graph->cameras[c.id] = {c.updated_at, {c.lat, c.lon}, c.removed != 0};
    return graph;
}

}  // namespace

RoutingService::RoutingService(store::Store& store, store::MapStore& map, AnalysisService& analysis,
                               RoutingOptions options)
    : m_store(store),
      m_map(map),
      m_analysis(analysis),
      m_options(std::move(options)),
      m_data_id(m_options.prepared_file.empty() ? std::string() : map.data_id()) {
    m_background = std::thread([this] { background_loop(); });
}

RoutingService::~RoutingService() {
    {
        std::lock_guard lock(m_background_mutex);
        m_stopping = true;
    }
    m_background_changed.notify_all();
    m_background.join();
}

std::shared_ptr<RoutingGraph> RoutingService::load_prepared(std::int64_t map_version) {
    if (m_options.prepared_file.empty() || m_data_id.empty()) return nullptr;
    auto loaded = read_prepared(m_options.prepared_file, m_data_id);
    if (!loaded) {
        if (loaded.error().code != Errc::not_found)
            log::warn(fmt::format("routing graph: the prepared file is rebuilt: {}",
                                  loaded.error().message));
        return nullptr;
    }
    if ((*loaded)->map_version != map_version) {
        log::info("routing graph: the prepared file is of an older map; rebuilding it");
        return nullptr;
    }
    return *loaded;
}

void RoutingService::publish(std::shared_ptr<const RoutingGraph> next) {
    {
        std::lock_guard publish(m_publish);
        m_graph = next;
        m_stats.mapped = next->from_file;
        m_stats.landmarks_current = next->landmarks.seen_current();
    }
    const bool work =
        !next->landmarks.seen_current() || (!m_options.prepared_file.empty() && !next->from_file);
    if (!work) return;
    {
        std::lock_guard lock(m_background_mutex);
        m_background_next = std::move(next);
    }
    m_background_changed.notify_all();
}

bool RoutingService::stopping() {
    std::lock_guard lock(m_background_mutex);
    return m_stopping;
}

void RoutingService::wait_background() {
    std::unique_lock lock(m_background_mutex);
    m_background_changed.wait(lock, [this] { return !m_background_next && !m_background_busy; });
}

void RoutingService::background_loop() {
    std::unique_lock lock(m_background_mutex);
    while (true) {
        m_background_changed.wait(lock, [this] { return m_stopping || m_background_next; });
        if (m_stopping) break;
        auto taken = std::move(m_background_next);
        m_background_next.reset();
        m_background_busy = true;
        lock.unlock();

        std::shared_ptr<const RoutingGraph> result = taken;
        try {
            const bool to_file = !m_options.prepared_file.empty() && !m_data_id.empty();
            // With a file, fresh seen tables are made for it table by table and the graph is
            // mapped back from it: the refreshed tables are never all in memory at once.
            if (!taken->landmarks.seen_current() && !to_file) {
                auto refreshed = std::make_shared<RoutingGraph>(*taken);
                refreshed->landmarks.refresh_seen(refreshed->walk);
                result = refreshed;
            }
            if (to_file && !stopping()) {
                auto written = write_prepared(*result, m_data_id, m_options.prepared_file);
                if (!written) {
                    log::warn(fmt::format("routing graph: {}", written.error().message));
                } else {
                    // Serve from the file from now on: the kernel keeps in memory what routes
                    // use, and the built arrays are freed.
                    log::info(
                        fmt::format("routing graph: prepared file written ({} MB)",
                                    std::filesystem::file_size(m_options.prepared_file) >> 20));
                    auto mapped = read_prepared(m_options.prepared_file, m_data_id);
                    if (mapped && (*mapped)->camera_version == result->camera_version &&
                        (*mapped)->map_version == result->map_version)
                        result = *mapped;
                    else if (!mapped)
                        log::warn(fmt::format("routing graph: the file just written: {}",
                                              mapped.error().message));
                    std::lock_guard publish(m_publish);
                    ++m_stats.files_written;
                }
            }
        } catch (const std::exception& e) {
            log::warn(fmt::format("routing graph: background work failed: {}", e.what()));
        }
        {
            // Swap in only if nothing newer was published meanwhile.
            std::lock_guard publish(m_publish);
            if (m_graph == taken && result != taken) {
                m_graph = result;
                m_stats.mapped = result->from_file;
                m_stats.landmarks_current = result->landmarks.seen_current();
            }
        }
        taken.reset();
        result.reset();
        release_free_memory();
        lock.lock();
        m_background_busy = false;
        m_background_changed.notify_all();
    }
}

std::shared_ptr<const RoutingGraph> RoutingService::graph() {
    std::lock_guard lock(m_publish);
    return m_graph;
}

RoutingGraphStats RoutingService::stats() {
    std::lock_guard lock(m_publish);
    return m_stats;
}

Status RoutingService::prepare(const AnalysisProgress& progress) {
    auto g = current(progress);
    if (!g) return std::unexpected(g.error());
    return {};
}

Result<std::shared_ptr<const RoutingGraph>> RoutingService::current(
    const AnalysisProgress& progress) {
    std::int64_t map_version = m_map.map_version();
    std::int64_t camera_version = m_store.camera_version();
    std::shared_ptr<const RoutingGraph> old = graph();
    if (old && old->map_version == map_version && old->camera_version == camera_version) return old;
    // One update at a time; whoever waited for it finds the graph current.
    std::lock_guard update(m_update);
    map_version = m_map.map_version();
    camera_version = m_store.camera_version();
    old = graph();
    if (old && old->map_version == map_version && old->camera_version == camera_version) return old;

    const auto start = Clock::now();
    if (!old) {
        if (auto loaded = load_prepared(map_version)) {
            old = loaded;
            {
                std::lock_guard publish_lock(m_publish);
                m_stats = stats_of(*loaded, seconds_since(start));
                m_stats.loaded = true;
            }
            if (loaded->camera_version == camera_version) {
                publish(loaded);
                return old;
            }
        }
    }
    auto marks = camera_marks(m_store);

    // Cameras changed but the map did not: recompute only the streets they can see.
    if (old && old->map_version == map_version) {
        std::vector<geo::LatLon> moved;
        for (const auto& [id, mark] : marks) {
            auto it = old->cameras.find(id);
            if (it == old->cameras.end()) {
                if (!mark.removed) moved.push_back(mark.location);
            } else if (it->second.updated_at != mark.updated_at ||
                       !(it->second.location == mark.location) ||
                       it->second.removed != mark.removed) {
                moved.push_back(it->second.location);
                moved.push_back(mark.location);
            }
        }
        for (const auto& [id, mark] : old->cameras)
            if (!marks.contains(id)) moved.push_back(mark.location);
        if (moved.size() <= 2 * max_incremental_cameras) {
            auto next = std::make_shared<RoutingGraph>(*old);  // shares the arrays until changed
            next->from_file = false;

            std::size_t updated = 0;
            for (const auto& area : reach_areas(moved, m_analysis.options().max_range_m)) {
                auto seen = m_analysis.street_exposure(area, 1);
                if (!seen) return std::unexpected(seen.error());
                for (auto& s : *seen) {
                    auto street =
                        find_street(next->street_keys, s.street.osm_way_id, s.street.points);
                    if (!street) continue;
                    next->walk.set_street_seen(*street, std::move(s.segments));
                    ++updated;
                }
            }
            // The seen tables no longer bound the new weights: lengths bound them until the
            // background refresh (routes stay exact, only slower meanwhile).
            if (updated > 0) next->landmarks.mark_seen_stale();
            next->camera_version = camera_version;
            next->cameras = std::move(marks);
            {
                std::lock_guard publish_lock(m_publish);
                m_stats.camera_version = camera_version;
                m_stats.update_s = seconds_since(start);
                m_stats.streets_updated = updated;
            }
            publish(next);
            return std::shared_ptr<const RoutingGraph>(next);
        }
    }

    // Full build: every imported street, with what the cameras see of it.
    const auto bounds = m_map.street_bounds();
    auto next = std::make_shared<RoutingGraph>();
    next->map_version = map_version;
    next->camera_version = camera_version;
    next->cameras = std::move(marks);
    std::size_t written = 0;
    Memory after_seen;
    Memory after_graph;
    auto build_walk = [&]() -> Status {
        auto input = measure_streets(m_analysis, *bounds, m_options.build_threads, progress);
        if (!input) return std::unexpected(input.error());
        // What the measuring threads freed stays in their malloc arenas, where the graph's
        // arrays (made on this thread) cannot reuse it. And each of them read the map through its
        // own memory map of the database, which RSS counts once per map (on the country bench:
        // 1010 MB once the routing file was written, 318 MB with the maps given back).
        release_free_memory();
        m_map.release_read_maps();
        after_seen = memory_now();
        next->walk = routing::WalkGraph::from_arrays(std::move(*input));
        next->street_keys = street_keys_of(next->walk);
        release_free_memory();  // the build's maps, before landmarks
        after_graph = memory_now();
        return {};
    };
    if (bounds) {
        if (auto ok = build_walk(); !ok) return std::unexpected(ok.error());
        if (progress) progress("landmarks", 0, 1);
        if (auto mapped = build_prepared(*next)) {
            // Served from the file: the built arrays go before anything else is made.
            next = std::move(mapped);
            written = 1;
            release_free_memory();
        } else {
            // No file (or it could not be written): landmarks in memory, on the whole graph.
            if (next->walk.street_count() == 0 && next->walk.edge_count() > 0)
                if (auto ok = build_walk(); !ok) return std::unexpected(ok.error());
            next->landmarks = routing::Landmarks::build(next->walk, m_options.landmarks);
        }
        const auto now = memory_now();
        // Where a build's memory goes, for whoever sizes a server (docs/adr/010).
        log::info(fmt::format(
            "routing graph: built in {:.1f} s; peak RSS {} MB after the seen metres, {} MB "
            "after the graph, {} MB after the landmarks; now {} MB ({} MB anonymous)",
            seconds_since(start), after_seen.peak, after_graph.peak, now.peak, now.rss,
            now.anonymous));
        if (progress) progress("landmarks", 1, 1);
    }
    {
        std::lock_guard publish_lock(m_publish);
        const auto files = m_stats.files_written + written;
        m_stats = stats_of(*next, seconds_since(start));
        m_stats.files_written = files;
    }
    publish(next);
    return std::shared_ptr<const RoutingGraph>(next);
}

std::shared_ptr<RoutingGraph> RoutingService::build_prepared(RoutingGraph& built) {
    if (m_options.prepared_file.empty() || m_data_id.empty()) return nullptr;
    auto write = [&]() -> Status {
        auto file = core::SectionFileStream::create(
            m_options.prepared_file, routing::routing_data_magic, routing::routing_data_version);
        if (!file) return std::unexpected(file.error());
        if (auto ok = built.walk.save(*file); !ok) return ok;
        if (auto ok = write_service_sections(*file, built.map_version, built.camera_version,
                                             built.cameras, built.street_keys, m_data_id);
            !ok)
            return ok;
        // In the file now: only what the landmarks' searches need stays in memory.
        built.walk.keep_topology_only();
        built.street_keys = {};
        release_free_memory();
        if (auto ok = routing::Landmarks::build_into(built.walk, m_options.landmarks, *file); !ok)
            return ok;
        return file->commit();
    };
    if (auto ok = write(); !ok) {
        log::warn(fmt::format("routing graph: {}", ok.error().message));
        return nullptr;
    }
    log::info(fmt::format("routing graph: prepared file written ({} MB)",
                          std::filesystem::file_size(m_options.prepared_file) >> 20));
    auto mapped = read_prepared(m_options.prepared_file, m_data_id);
    if (!mapped) {
        log::warn(fmt::format("routing graph: the file just written: {}", mapped.error().message));
        return nullptr;
    }
    return *mapped;
}

Result<RouteReport> RoutingService::route(const RouteRequest& request) {
    if (!request.from.is_valid() || !request.to.is_valid())
        return fail(Errc::invalid_argument, "from and to must be valid latitude,longitude pairs");
    if (!std::isfinite(request.max_detour) || request.max_detour < 1 ||
        request.max_detour > m_options.max_detour_limit)
        return fail(
            Errc::invalid_argument,
            fmt::format("max_detour must be a number from 1 to {:g}", m_options.max_detour_limit));
    auto g = current({});
    if (!g) return std::unexpected(g.error());
    const auto& graph = *g;
    if (graph->walk.edge_count() == 0)
        return fail(Errc::unavailable, "no streets are imported yet (sightline import)");

    routing::PlanOptions options;
    options.max_detour = request.max_detour;
    options.level = request.level;
    options.max_snap_m = m_options.max_snap_m;
    auto plan =
        routing::plan_routes(graph->walk, search_for(graph), request.from, request.to, options);
    if (!plan) return std::unexpected(plan.error());

    RouteReport report;
    report.from = request.from;
    report.to = request.to;
    report.from_snapped = plan->from.point;
    report.to_snapped = plan->to.point;
    report.from_snap_m = plan->from.distance_m;
    report.to_snap_m = plan->to.distance_m;
    report.max_detour = request.max_detour;
    report.level = request.level;
    report.avoids_cameras = plan->avoids_cameras;
    if (!plan->avoids_cameras)
        report.message = fmt::format(
            "No route within {:g}x the shortest length avoids every camera at the {} level; the "
            "least exposed one is shown.",
            request.max_detour, analysis::to_string(request.level));
    // Every alternative measured as `exposure` measures a route, against one scene.
    std::vector<std::vector<std::vector<geo::LatLon>>> lines;
    for (const auto& planned : plan->routes)
        lines.push_back({planned.points});
    auto measured = m_analysis.exposures(lines, m_options.speed_m_s, 1);
    for (std::size_t i = 0; i < plan->routes.size(); ++i) {
        auto& planned = plan->routes[i];
        RouteAlternative alt;
        alt.kind = planned.kind;
        alt.lambda = planned.lambda;
        if (measured) {
            alt.exposure = std::move((*measured)[i]);
        } else {
            // Too long to measure in one piece: the graph's figures, without cameras.
            alt.exposure.length_m = planned.length_m;
            alt.exposure.by_level_m = planned.seen_m;
            alt.exposure.seen_m =
                planned.seen_m[static_cast<std::size_t>(analysis::DoriLevel::observe)];
            alt.exposure.speed_m_s = m_options.speed_m_s;
            alt.exposure.duration_s = planned.length_m / m_options.speed_m_s;
            alt.exposure.seen_s = alt.exposure.seen_m / m_options.speed_m_s;
        }
        alt.points = std::move(planned.points);
        report.routes.push_back(std::move(alt));
    }
    return report;
}

}  // namespace sightline::services
