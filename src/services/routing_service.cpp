#include "services/routing_service.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <unordered_map>

#include <fmt/core.h>

#include "geo/distance.hpp"

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
    store.for_each_camera([&](const model::Camera& c) {
        marks[c.id.value] = {c.updated_at, c.location, c.status == model::CameraStatus::removed};
    });
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

/// A street's identity across reads: its way and where it starts (a way cut at a barrier gives
/// several streets).
struct StreetKey {
    std::int64_t way = 0;
    std::int64_t lat = 0;
    std::int64_t lon = 0;
    friend bool operator==(const StreetKey&, const StreetKey&) = default;
};
struct StreetKeyHash {
    std::size_t operator()(const StreetKey& k) const noexcept {
        return std::hash<std::int64_t>{}(k.way * 1'000'003 ^ k.lat * 7919 ^ k.lon);
    }
};
StreetKey key_of(std::int64_t way, const std::vector<geo::LatLon>& points) {
    return {way, std::llround(points.front().lat * 1e7), std::llround(points.front().lon * 1e7)};
}

/// Per-thread search state, tied to the graph it was made for.
struct ThreadSearch {
    std::shared_ptr<const RoutingGraph> graph;
    std::unique_ptr<routing::AltSearch> search;
};

routing::AltSearch& search_for(const std::shared_ptr<const RoutingGraph>& graph) {
    thread_local ThreadSearch state;
    if (state.graph != graph) {
        state.search.reset();
        state.graph = graph;
        state.search = std::make_unique<routing::AltSearch>(graph->walk, graph->landmarks);
    }
    return *state.search;
}

}  // namespace

RoutingService::RoutingService(store::Store& store, store::MapStore& map, AnalysisService& analysis,
                               RoutingOptions options)
    : m_store(store), m_map(map), m_analysis(analysis), m_options(options) {}

RoutingService::~RoutingService() = default;

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
            auto next = std::make_shared<RoutingGraph>(*old);
            std::unordered_map<StreetKey, std::uint32_t, StreetKeyHash> index;
            const auto& streets = next->walk.streets();
            for (std::uint32_t i = 0; i < streets.size(); ++i)
                index.emplace(key_of(streets[i].osm_way_id, streets[i].points), i);
            std::size_t updated = 0;
            for (const auto& area : reach_areas(moved, m_analysis.options().max_range_m)) {
                auto seen = m_analysis.street_exposure(area, 1);
                if (!seen) return std::unexpected(seen.error());
                for (auto& s : *seen) {
                    auto it = index.find(key_of(s.street.osm_way_id, s.street.points));
                    if (it == index.end()) continue;
                    next->walk.set_street_seen(it->second, std::move(s.segments));
                    ++updated;
                }
            }
            if (progress) progress("landmarks", 0, 1);
            next->landmarks.refresh_seen(next->walk);
            if (progress) progress("landmarks", 1, 1);
            next->camera_version = camera_version;
            next->cameras = std::move(marks);
            std::lock_guard publish(m_publish);
            m_graph = next;
            m_stats.camera_version = camera_version;
            m_stats.update_s = seconds_since(start);
            m_stats.streets_updated = updated;
            return std::shared_ptr<const RoutingGraph>(next);
        }
    }

    // Full build: every imported street, with what the cameras see of it.
    const auto bounds = m_map.street_bounds();
    auto next = std::make_shared<RoutingGraph>();
    next->map_version = map_version;
    next->camera_version = camera_version;
    next->cameras = std::move(marks);
    if (bounds) {
        auto seen = m_analysis.street_exposure(*bounds, 0, progress);
        if (!seen) return std::unexpected(seen.error());
        std::vector<routing::StreetInput> input;
        input.reserve(seen->size());
        for (auto& s : *seen)
            input.push_back(
                {s.street.osm_way_id, std::move(s.street.points), std::move(s.segments)});
        seen->clear();
        next->walk = routing::WalkGraph::build(std::move(input));
        if (progress) progress("landmarks", 0, 1);
        next->landmarks = routing::Landmarks::build(next->walk, m_options.landmarks);
        if (progress) progress("landmarks", 1, 1);
    }
    std::lock_guard publish(m_publish);
    m_graph = next;
    m_stats = {};
    m_stats.nodes = next->walk.node_count();
    m_stats.edges = next->walk.edge_count();
    m_stats.streets = next->walk.streets().size();
    m_stats.landmarks = next->landmarks.count();
    m_stats.map_version = map_version;
    m_stats.camera_version = camera_version;
    m_stats.build_s = seconds_since(start);
    return std::shared_ptr<const RoutingGraph>(next);
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
