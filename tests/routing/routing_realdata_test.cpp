// Real data (label realdata): the walking graphs of two OSM extracts, imported with the real
// `sightline import` and built through RoutingService::prepare() (so the weights carry what the
// extracts' own cameras see): ALT against plain Dijkstra on random pairs, the graph after camera
// changes against one built from scratch, and what plan_routes promises on random points.

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "geo/distance.hpp"
#include "model/camera.hpp"
#include "routing/path_search.hpp"
#include "routing/route_planner.hpp"
#include "services/analysis_service.hpp"
#include "services/routing_service.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace sightline {
namespace {

namespace fs = std::filesystem;
using analysis::DoriLevel;
using routing::Metric;
using routing::NodeId;
using routing::Seed;

bool in_ci() {
    const char* ci = std::getenv("CI");
    return ci != nullptr && std::string_view(ci) == "true";
}

bool same_cost(double a, double b) {
    if (a == routing::unreachable || b == routing::unreachable) return a == b;
    return std::abs(a - b) <= 1e-9 * std::max({1.0, std::abs(a), std::abs(b)});
}

/// A source or target: a node (seed cost 0), or a point inside an edge with its two end nodes
/// as seeds, as the route planner starts a search.
std::vector<Seed> random_end(std::mt19937_64& rng, const routing::WalkGraph& graph,
                             const Metric& metric) {
    if (rng() % 2 == 0) {
        std::uniform_int_distribution<NodeId> node(0, static_cast<NodeId>(graph.node_count() - 1));
        return {{node(rng), 0}};
    }
    std::uniform_int_distribution<routing::EdgeId> edge(
        0, static_cast<routing::EdgeId>(graph.edge_count() - 1));
    const auto& e = graph.edge(edge(rng));
    double share = std::uniform_real_distribution<double>(0, 1)(rng);
    double w = metric.weight(e);
    return {{e.from, share * w}, {e.to, (1 - share) * w}};
}

/// Imports the extract into `data` with the real CLI. Skips the test (fails it on CI) when the
/// extract is missing; callers return when IsSkipped() or HasFatalFailure().
void import_extract(const std::string& name, const fs::path& data) {
    const fs::path file = fs::path(SIGHTLINE_SHARED_DATA) / "osm" / name;
    if (!fs::exists(file)) {
        if (in_ci()) FAIL() << file << " is missing on CI";
        GTEST_SKIP() << file << " is not here (set up ../shared/data to run this test)";
    }
    auto imported = testing::run_cli({"import", file.string(), "--data", data.string(), "--quiet"});
    ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
}

/// Each test: the extract imported into a scratch data folder, its store, and the routing graph
/// built through the service (so weights carry the extract's own cameras).
class RoutingRealData : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        import_extract(GetParam(), data);
        if (IsSkipped() || HasFatalFailure()) return;
        store = store::open_sqlite_store(data);
        analysis = std::make_unique<services::AnalysisService>(*store, *store);
        routing_service = std::make_unique<services::RoutingService>(*store, *store, *analysis);
        auto prepared = routing_service->prepare();
        ASSERT_TRUE(prepared.has_value()) << prepared.error().message;
    }

    testing::TempDir tmp{"sightline-routing"};
    const fs::path data = tmp.path() / "data";
    std::unique_ptr<store::SqliteStore> store;
    std::unique_ptr<services::AnalysisService> analysis;
    std::unique_ptr<services::RoutingService> routing_service;
};

TEST_P(RoutingRealData, AltCostsEqualDijkstraOnAThousandRandomPairs) {
    auto graph = routing_service->graph();
    ASSERT_NE(graph, nullptr);
    const auto& walk = graph->walk;
    ASSERT_GT(walk.node_count(), 1000u);
    ASSERT_GT(walk.edge_count(), 1000u);
    ASSERT_GT(graph->landmarks.count(), 0u);

    double length_m = 0;
    routing::LevelMetres seen_m{};
    for (const auto& e : walk.edges()) {
        // Seen metres count "this level or finer" and never exceed the edge (to 0.1 %: the
        // viewsheds are measured in a flat local frame, lengths on the sphere).
        ASSERT_GE(e.length_m, 0);
        ASSERT_LE(e.seen_m[0], e.length_m * 1.001 + 1e-6);
        for (std::size_t l = 1; l < e.seen_m.size(); ++l)
            ASSERT_LE(e.seen_m[l], e.seen_m[l - 1] + 1e-6);
        length_m += e.length_m;
        for (std::size_t l = 0; l < seen_m.size(); ++l)
            seen_m[l] += e.seen_m[l];
    }
    EXPECT_GT(seen_m[static_cast<std::size_t>(DoriLevel::observe)], 0)
        << "the extract's cameras should see some street";
    RecordProperty("nodes", std::to_string(walk.node_count()));
    RecordProperty("edges", std::to_string(walk.edge_count()));
    RecordProperty("street_km", std::to_string(length_m / 1000));
    RecordProperty("seen_observe_km", std::to_string(seen_m[1] / 1000));

    routing::AltSearch alt(walk, graph->landmarks);
    std::size_t compared = 0;
    std::size_t found = 0;
    std::size_t dearer_than_length = 0;
    std::size_t alt_settled = 0;
    std::size_t dijkstra_settled = 0;
    for (double lambda : {0.0, 1.0, 20.0}) {
        Metric metric{lambda, DoriLevel::observe};
        std::mt19937_64 rng(20261127);
        for (int pair = 0; pair < 1000; ++pair) {
            auto sources = random_end(rng, walk, metric);
            auto targets = random_end(rng, walk, metric);
            auto reference = routing::dijkstra(walk, metric, sources, targets);
            auto fast = alt.find(metric, sources, targets);
            ++compared;
            found += reference.found();
            alt_settled += fast.settled;
            dijkstra_settled += reference.settled;
            ASSERT_TRUE(same_cost(fast.cost, reference.cost))
                << "lambda " << lambda << ", pair " << pair << " from node " << sources[0].node
                << " to node " << targets[0].node << ": ALT " << fast.cost << ", Dijkstra "
                << reference.cost;
            if (fast.found()) {
                double walked =
                    fast.source_seed < sources.size() && fast.target_seed < targets.size()
                        ? sources[fast.source_seed].cost + targets[fast.target_seed].cost
                        : routing::unreachable;
                for (auto e : fast.edges)
                    walked += metric.weight(walk.edge(e));
                ASSERT_TRUE(same_cost(walked, fast.cost))
                    << "the ALT path's edges cost " << walked << ", it says " << fast.cost;
                if (lambda > 0) {
                    double length = 0;
                    for (auto e : fast.edges)
                        length += walk.edge(e).length_m;
                    dearer_than_length += fast.cost > length + 1e-6;
                }
            }
        }
    }
    EXPECT_EQ(compared, 3000u);
    EXPECT_GT(found, compared / 2) << "most random pairs should be connected";
    EXPECT_GT(dearer_than_length, 0u) << "with lambda > 0 some paths should pay for being seen";
    RecordProperty("alt_settled_per_query", std::to_string(alt_settled / compared));
    RecordProperty("dijkstra_settled_per_query", std::to_string(dijkstra_settled / compared));
    EXPECT_LT(alt_settled, dijkstra_settled) << "ALT should settle fewer nodes than Dijkstra";
}

// Cameras change (some removed, some added): the service updates the graph street by street;
// the result must equal a graph built from scratch, and ALT must stay exact on it (landmarks'
// seen distances refreshed).
TEST_P(RoutingRealData, CameraChangesUpdateTheGraphAsAFullRebuildWould) {
    const auto before = routing_service->graph();
    ASSERT_NE(before, nullptr);
    ASSERT_GT(before->walk.node_count(), 1000u);

    std::vector<model::CameraId> present;
    store->for_each_camera([&](const model::Camera& c) {
        if (c.status != model::CameraStatus::removed) present.push_back(c.id);
    });
    ASSERT_FALSE(present.empty()) << "the extract should have OSM cameras";
    std::mt19937_64 rng(7);
    std::shuffle(present.begin(), present.end(), rng);
    const std::size_t removing = std::min<std::size_t>(10, present.size());
    for (std::size_t i = 0; i < removing; ++i)
        ASSERT_TRUE(store->remove_camera(present[i], {"test", "moved away", 100}).has_value());
    std::vector<model::NewCamera> added;
    std::uniform_int_distribution<NodeId> node(0,
                                               static_cast<NodeId>(before->walk.node_count() - 1));
    for (int i = 0; i < 10; ++i) {
        model::NewCamera camera;
        camera.location = before->walk.node_location(node(rng));
        camera.location.lat += 0.00005;  // beside the junction, not on it
        camera.status = model::CameraStatus::verified;
        camera.tags = {
            {"man_made", "surveillance"}, {"camera:type", "dome"}, {"sightline:range_m", "40"}};
        added.push_back(camera);
    }
    ASSERT_TRUE(store->insert_cameras(added, {"test", "", 101}).has_value());

    ASSERT_TRUE(routing_service->prepare().has_value());
    const auto updated = routing_service->graph();
    ASSERT_NE(updated, before);
    EXPECT_GT(routing_service->stats().streets_updated, 0u) << "an update, not a rebuild";

    services::AnalysisService fresh_analysis(*store, *store);
    services::RoutingService fresh(*store, *store, fresh_analysis);
    ASSERT_TRUE(fresh.prepare().has_value());
    const auto built = fresh.graph();
    const auto& a = updated->walk;
    const auto& b = built->walk;
    ASSERT_EQ(a.edge_count(), b.edge_count());
    ASSERT_EQ(a.street_count(), b.street_count());
    // The update measures a street in a local frame around the changed camera, the full build in
    // one frame for the whole extract: they may differ by about 1e-4 of the seen metres (a
    // centimetre on 100 m), which no route notices. Anything more is a wrong update.
    std::size_t changed = 0;
    std::size_t differ = 0;
    std::string first_differences;
    for (routing::EdgeId e = 0; e < b.edge_count(); ++e) {
        const auto street = b.street(b.edge(e).street);
        ASSERT_EQ(a.street(a.edge(e).street).osm_way_id, street.osm_way_id);
        for (std::size_t l = 0; l < routing::LevelMetres{}.size(); ++l) {
            const double want = b.edge(e).seen_m[l];
            const double got = a.edge(e).seen_m[l];
            changed += std::abs(before->walk.edge(e).seen_m[l] - want) > 0.01;
            if (std::abs(got - want) <= 1e-3 + 1e-3 * want) continue;
            if (++differ <= 5)
                first_differences += fmt::format(
                    "\n  edge {} (way {}, {:.1f} m) level {}: before {:.3f}, updated {:.3f}, "
                    "rebuilt {:.3f}",
                    e, street.osm_way_id, b.edge(e).length_m, l, before->walk.edge(e).seen_m[l],
                    got, want);
        }
    }
    EXPECT_EQ(differ, 0u) << "seen metres after the incremental update differ from a full "
                             "rebuild's on "
                          << differ << " edge levels; the first:" << first_differences;
    EXPECT_GT(changed, 0u) << "the camera changes should change what some streets see";

    routing::AltSearch alt(a, updated->landmarks);
    for (double lambda : {1.0, 20.0}) {
        Metric metric{lambda, DoriLevel::observe};
        for (int pair = 0; pair < 300; ++pair) {
            auto sources = random_end(rng, a, metric);
            auto targets = random_end(rng, a, metric);
            auto reference = routing::dijkstra(a, metric, sources, targets);
            auto fast = alt.find(metric, sources, targets);
            ASSERT_TRUE(same_cost(fast.cost, reference.cost))
                << "after the update, lambda " << lambda << ", pair " << pair << ": ALT "
                << fast.cost << ", Dijkstra " << reference.cost;
        }
    }
}

// What plan_routes promises, on random start and end points near the streets: the shortest
// route is the least-length path between the snapped points, every alternative stays within the
// detour limit, each is longer and less seen than the one before, and avoids_cameras says
// whether the last one is seen at all.
TEST_P(RoutingRealData, PlansKeepTheirPromisesOnRandomPoints) {
    const auto graph = routing_service->graph();
    const auto& walk = graph->walk;
    routing::AltSearch alt(walk, graph->landmarks);
    std::mt19937_64 rng(11);
    std::uniform_int_distribution<NodeId> node(0, static_cast<NodeId>(walk.node_count() - 1));
    std::uniform_real_distribution<double> jitter(-0.0004, 0.0004);  // about 40 m
    constexpr auto observe = static_cast<std::size_t>(DoriLevel::observe);
    std::size_t planned = 0;
    std::size_t with_alternatives = 0;
    for (int pair = 0; pair < 300; ++pair) {
        SCOPED_TRACE(::testing::Message() << "pair " << pair);
        geo::LatLon from = walk.node_location(node(rng));
        geo::LatLon to = walk.node_location(node(rng));
        from.lat += jitter(rng);
        from.lon += jitter(rng);
        to.lat += jitter(rng);
        to.lon += jitter(rng);
        routing::PlanOptions options;  // max_detour 1.5, observe
        auto plan = routing::plan_routes(walk, alt, from, to, options);
        if (!plan) {
            EXPECT_EQ(plan.error().code, Errc::unprocessable) << plan.error().message;
            continue;
        }
        ++planned;
        ASSERT_FALSE(plan->routes.empty());
        with_alternatives += plan->routes.size() > 1;
        const auto& shortest = plan->routes.front();
        EXPECT_EQ(shortest.kind, routing::RouteKind::shortest);

        // The shortest route against a plain Dijkstra between the two snapped points (via the
        // ends of their edges; a walk along one shared edge may be shorter still).
        auto ends = [&](const routing::Snap& snap) {
            const auto& e = walk.edge(snap.edge);
            return std::vector<Seed>{{e.from, snap.offset_m}, {e.to, e.length_m - snap.offset_m}};
        };
        auto sources = ends(plan->from);
        auto targets = ends(plan->to);
        double least = routing::dijkstra(walk, {}, sources, targets).cost;
        if (plan->from.edge == plan->to.edge)
            least = std::min(least, std::abs(plan->from.offset_m - plan->to.offset_m));
        EXPECT_NEAR(shortest.length_m, least, 1e-6 * std::max(1.0, least));

        for (std::size_t i = 0; i < plan->routes.size(); ++i) {
            const auto& r = plan->routes[i];
            SCOPED_TRACE(std::string(routing::to_string(r.kind)));
            ASSERT_GE(r.points.size(), 2u);
            EXPECT_LT(geo::distance_m(r.points.front(), plan->from.point), 0.01);
            EXPECT_LT(geo::distance_m(r.points.back(), plan->to.point), 0.01);
            double along = 0;
            for (std::size_t k = 1; k < r.points.size(); ++k)
                along += geo::distance_m(r.points[k - 1], r.points[k]);
            EXPECT_NEAR(r.length_m, along, 1e-6 * std::max(1.0, along));
            EXPECT_LE(r.length_m, options.max_detour * shortest.length_m + 1e-6);
            if (i > 0) {
                const auto& previous = plan->routes[i - 1];
                EXPECT_GE(r.length_m, previous.length_m - 1e-6);
                EXPECT_LT(r.seen_m[observe], previous.seen_m[observe]);
                EXPECT_GT(static_cast<int>(r.kind), static_cast<int>(previous.kind));
            }
        }
        EXPECT_EQ(plan->avoids_cameras, plan->routes.back().seen_m[observe] <= 1e-9);
    }
    EXPECT_GT(planned, 200u);
    RecordProperty("plans_with_alternatives", std::to_string(with_alternatives));
}

INSTANTIATE_TEST_SUITE_P(Extracts, RoutingRealData,
                         ::testing::Values("munich_center.osm.pbf", "heidelberg_routing.osm.pbf"),
                         [](const auto& info) {
                             std::string name = info.param.substr(0, info.param.find('.'));
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });

}  // namespace
}  // namespace sightline
