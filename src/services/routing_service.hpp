#pragma once
// Walking routes that trade distance for time on camera, over the imported street network. Keeps
// one walking graph with the seen metres of every edge (from AnalysisService's viewsheds) and its
// landmarks; rebuilds it when a new map is imported, and when cameras change only recomputes the
// streets within their reach (the landmarks' seen tables are then refreshed in the background;
// until then bounds use lengths only, which keeps routes exact). Queries run on an immutable
// snapshot and may run on many threads; they wait only for the update that brings the graph up
// to date with the store. With a prepared file (RoutingOptions::prepared_file) the graph is kept
// on disk as well: loaded memory-mapped at start when it matches the store (data id, map and
// camera versions), built straight into it (a chunk of the map, a landmark table at a time)
// when it does not, written again in the background after camera changes, and never used when
// stale or damaged (docs/adr/010-prepared-routing-data.md).

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "analysis/camera_capability.hpp"
#include "core/error.hpp"
#include "core/shared_array.hpp"
#include "geo/lat_lon.hpp"
#include "routing/route_planner.hpp"
#include "services/analysis_service.hpp"
#include "store/map_store.hpp"
#include "store/store.hpp"

namespace sightline::services {

struct RoutingOptions {
    double max_snap_m = 1000;     ///< start and end at most this far from a walkable street
    double max_detour_limit = 5;  ///< the largest max_detour a query may ask for
    std::size_t landmarks = 8;
    double speed_m_s = 1.4;  ///< walking speed, for durations
    /// Where the prepared routing data is kept (DATA/routing.bin); empty: in memory only.
    std::filesystem::path prepared_file;
    /// Chunks of the map measured at once by a full build; 0: one per core. The graph is the
    /// same whatever the count.
    unsigned build_threads = 0;
};

struct RouteRequest {
    geo::LatLon from;
    geo::LatLon to;
    double max_detour = 1.5;  ///< least exposed route at most this times the shortest (>= 1)
    analysis::DoriLevel level = analysis::DoriLevel::observe;
};

struct RouteAlternative {
    routing::RouteKind kind = routing::RouteKind::shortest;
    double lambda = 0;
    std::vector<geo::LatLon> points;  ///< snapped start to snapped end
    /// Measured on the route's geometry as `exposure` measures any route: length, seconds,
    /// metres per level, cameras that see it (most first), stretches seen.
    RouteExposure exposure;
};

struct RouteReport {
    geo::LatLon from;  ///< as asked
    geo::LatLon to;
    geo::LatLon from_snapped;  ///< nearest point on the network
    geo::LatLon to_snapped;
    double from_snap_m = 0;
    double to_snap_m = 0;
    double max_detour = 0;
    analysis::DoriLevel level = analysis::DoriLevel::observe;
    /// The least exposed route is seen nowhere at the level. When false, `message` says so.
    bool avoids_cameras = false;
    std::string message;
    std::vector<RouteAlternative> routes;  ///< shortest, then balanced, then least_exposed
};

struct RoutingGraphStats {
    std::size_t nodes = 0;
    std::size_t edges = 0;
    std::size_t streets = 0;
    std::size_t landmarks = 0;
    std::int64_t map_version = 0;
    std::int64_t camera_version = 0;
    double build_s = 0;               ///< last full build, or load of the prepared file
    double update_s = 0;              ///< last incremental update (0 if none yet)
    std::size_t streets_updated = 0;  ///< by the last incremental update
    bool loaded = false;              ///< the graph came from the prepared file
    bool mapped = false;              ///< the graph in use is memory-mapped from that file
    bool landmarks_current = true;    ///< false while the seen tables wait for a refresh
    std::size_t files_written = 0;    ///< prepared files written by this process
};

/// The graph and what it was built from; immutable once published.
struct RoutingGraph;

class RoutingService {
  public:
    RoutingService(store::Store& store, store::MapStore& map, AnalysisService& analysis,
                   RoutingOptions options = {});
    ~RoutingService();
    RoutingService(const RoutingService&) = delete;
    RoutingService& operator=(const RoutingService&) = delete;

    /// invalid_argument for bad points or max_detour; unprocessable when a point is off the
    /// network or no path joins them; unavailable when no streets are imported.
    Result<RouteReport> route(const RouteRequest& request);

    /// Brings the graph up to date with the store now (also done by the first route()); reports
    /// phases ("viewsheds", "streets", "landmarks").
    Status prepare(const AnalysisProgress& progress = {});
    /// The current graph (after prepare()) for benchmarks and checks; null before.
    [[nodiscard]] std::shared_ptr<const RoutingGraph> graph();
    [[nodiscard]] RoutingGraphStats stats();
    /// Waits until the background work (landmark refresh, writing the prepared file) has caught
    /// up with the current graph; for tests, benchmarks and commands that exit afterwards.
    void wait_background();

    [[nodiscard]] const RoutingOptions& options() const noexcept { return m_options; }

  private:
    Result<std::shared_ptr<const RoutingGraph>> current(const AnalysisProgress& progress);
    /// The prepared file's graph when it was made from this data set and map; null otherwise.
    std::shared_ptr<RoutingGraph> load_prepared(std::int64_t map_version);
    /// Writes a graph just built to the prepared file with landmarks made as they are written,
    /// and maps it back; null when there is no file or it cannot be written (the graph may then
    /// have been reduced to its topology: the caller builds it again).
    std::shared_ptr<RoutingGraph> build_prepared(RoutingGraph& built);
    void publish(std::shared_ptr<const RoutingGraph> graph);  // m_update held
    void background_loop();
    bool stopping();

    store::Store& m_store;
    store::MapStore& m_map;
    AnalysisService& m_analysis;
    RoutingOptions m_options;
    const std::string m_data_id;  ///< of the store, when a prepared file is used
    std::mutex m_update;          ///< one build or update at a time
    std::mutex m_publish;
    std::shared_ptr<const RoutingGraph> m_graph;
    RoutingGraphStats m_stats;
    // Background work on the latest published graph: refresh, write, swap in the mapped copy.
    std::mutex m_background_mutex;
    std::condition_variable m_background_changed;
    std::shared_ptr<const RoutingGraph> m_background_next;
    bool m_background_busy = false;
    bool m_stopping = false;
    std::thread m_background;  ///< last member: started after the others exist
};

/// What a published graph holds (read-only for callers).
struct RoutingGraph {
    routing::WalkGraph walk;
    routing::Landmarks landmarks;
    std::int64_t map_version = 0;
    std::int64_t camera_version = 0;
    bool from_file = false;  ///< its arrays are mapped from the prepared file
    /// Each street's identity (its way and where it starts: a way cut at a barrier gives
    /// several streets) with its index in `walk`, sorted: finds the streets a camera change
    /// touches without indexing every street again.
    struct StreetKey {
        std::int64_t way = 0;
        std::int64_t lat = 0;  ///< of its first point, 1e-7 degrees
        std::int64_t lon = 0;
        std::uint32_t street = 0;
        std::uint32_t unused = 0;
    };
    core::SharedArray<StreetKey> street_keys;
    /// Each camera as the graph last saw it, to find what changed.
    struct CameraMark {
        std::int64_t updated_at = 0;
        geo::LatLon location;
        bool removed = false;
    };
    std::unordered_map<std::int64_t, CameraMark> cameras;
};

}  // namespace sightline::services
