#include "routing/path_search.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "routing_test_graphs.hpp"

namespace sightline::routing {
namespace {

using analysis::DoriLevel;
using testing::AllPairs;
using testing::at;
using testing::find_node;
using testing::street;

constexpr double lambdas[] = {0, 0.5, 3, 1000};
constexpr DoriLevel levels[] = {DoriLevel::detect, DoriLevel::observe, DoriLevel::recognise,
                                DoriLevel::identify};

bool same_cost(double a, double b) {
    if (a == unreachable || b == unreachable) return a == b;
    return std::abs(a - b) <= 1e-9 * std::max({1.0, std::abs(a), std::abs(b)});
}

/// The result is a real walk from a source seed to a target seed that costs what it says, and
/// that cost is the brute force's.
void expect_path(const WalkGraph& graph, const Metric& metric, std::span<const Seed> sources,
                 std::span<const Seed> targets, const PathResult& result, double expected,
                 const char* search) {
    SCOPED_TRACE(search);
    EXPECT_TRUE(same_cost(result.cost, expected))
        << "cost " << result.cost << ", brute force " << expected;
    if (expected == unreachable || !result.found()) {
        EXPECT_FALSE(result.found());
        return;
    }
    ASSERT_LT(result.source_seed, sources.size());
    ASSERT_LT(result.target_seed, targets.size());
    ASSERT_EQ(result.nodes.size(), result.edges.size() + 1);
    EXPECT_EQ(result.nodes.front(), sources[result.source_seed].node);
    EXPECT_EQ(result.nodes.back(), targets[result.target_seed].node);
    double walked = sources[result.source_seed].cost + targets[result.target_seed].cost;
    for (std::size_t i = 0; i < result.edges.size(); ++i) {
        const auto& e = graph.edge(result.edges[i]);
        EXPECT_TRUE((e.from == result.nodes[i] && e.to == result.nodes[i + 1]) ||
                    (e.to == result.nodes[i] && e.from == result.nodes[i + 1]))
            << "edge " << result.edges[i] << " does not join nodes " << result.nodes[i] << " and "
            << result.nodes[i + 1];
        walked += metric.weight(e);
    }
    EXPECT_TRUE(same_cost(walked, result.cost))
        << "the path's edges cost " << walked << ", the result says " << result.cost;
}

std::vector<Seed> random_seeds(std::mt19937_64& rng, const WalkGraph& graph) {
    std::uniform_int_distribution<NodeId> node(0, static_cast<NodeId>(graph.node_count() - 1));
    std::uniform_real_distribution<double> cost(0, 150);
    std::vector<Seed> seeds(1 + rng() % 3);
    for (auto& s : seeds)
        s = {node(rng), rng() % 4 == 0 ? 0.0 : cost(rng)};
    return seeds;
}

// Random networks (some of several components) against Floyd-Warshall for every lambda and
// level, with one to three seeds at each end; one AltSearch object answers all queries of a
// graph, so its scratch arrays are reused.
TEST(PathSearch, DijkstraAndAltEqualTheBruteForceOnRandomNetworks) {
    std::size_t compared = 0;
    std::size_t unreachable_pairs = 0;
    for (std::uint64_t seed = 1; seed <= 16; ++seed) {
        SCOPED_TRACE(::testing::Message() << "graph seed " << seed);
        int components = 1 + static_cast<int>(seed % 3);
        auto graph = WalkGraph::build(
            testing::random_streets(seed, 6 + static_cast<int>(seed * 3 % 50),
                                    8 + static_cast<int>(seed * 7 % 60), components));
        ASSERT_GT(graph.node_count(), 1u);
        auto landmarks = Landmarks::build(graph, seed % 4 == 0 ? 1 : 4 + seed % 5);
        EXPECT_GE(landmarks.count(), 1u);
        EXPECT_LE(landmarks.count(), graph.node_count());
        AltSearch alt(graph, landmarks);
        std::mt19937_64 rng(seed * 7919);
        for (double lambda : lambdas) {
            for (DoriLevel level : levels) {
                Metric metric{lambda, level};
                SCOPED_TRACE(::testing::Message()
                             << "lambda " << lambda << ", level " << static_cast<int>(level));
                AllPairs brute(graph, metric);
                for (int q = 0; q < 12; ++q) {
                    auto sources = random_seeds(rng, graph);
                    auto targets = random_seeds(rng, graph);
                    double expected = brute.cost(sources, targets);
                    unreachable_pairs += expected == unreachable;
                    expect_path(graph, metric, sources, targets,
                                dijkstra(graph, metric, sources, targets), expected, "dijkstra");
                    expect_path(graph, metric, sources, targets, alt.find(metric, sources, targets),
                                expected, "ALT");
                    ++compared;
                }
            }
        }
    }
    EXPECT_GT(unreachable_pairs, 50u) << "the generator should give disconnected pairs too";
    EXPECT_GT(compared - unreachable_pairs, 1000u);
}

// A street grid has many paths of equal length: ties must not make ALT miss the optimum.
TEST(PathSearch, AltEqualsDijkstraOnAStreetGridFullOfTies) {
    constexpr int side = 15;
    std::mt19937_64 rng(99);
    std::vector<StreetInput> streets;
    for (int line = 0; line < side; ++line) {
        std::vector<geo::LatLon> east_west;
        std::vector<geo::LatLon> north_south;
        for (int i = 0; i < side; ++i) {
            east_west.push_back(at(100.0 * i, 100.0 * line));
            north_south.push_back(at(100.0 * line, 100.0 * i));
        }
        for (auto* points : {&east_west, &north_south}) {
            StreetInput s{static_cast<std::int64_t>(streets.size() + 1), *points, {}};
            for (int i = 0; i + 1 < side; ++i)
                s.seen_m.push_back(rng() % 3 == 0 ? testing::random_seen(rng, 100) : LevelMetres{});
            streets.push_back(std::move(s));
        }
    }
    auto graph = WalkGraph::build(std::move(streets));
    ASSERT_EQ(graph.node_count(), static_cast<std::size_t>(side * side));
    auto landmarks = Landmarks::build(graph, 8);
    AltSearch alt(graph, landmarks);
    for (double lambda : lambdas) {
        for (DoriLevel level : levels) {
            Metric metric{lambda, level};
            for (int q = 0; q < 40; ++q) {
                auto sources = random_seeds(rng, graph);
                auto targets = random_seeds(rng, graph);
                auto reference = dijkstra(graph, metric, sources, targets);
                ASSERT_TRUE(reference.found());
                expect_path(graph, metric, sources, targets, alt.find(metric, sources, targets),
                            reference.cost, "ALT on the grid");
            }
        }
    }
}

TEST(PathSearch, LandmarkBoundsNeverExceedTheTrueCost) {
    for (std::uint64_t seed = 40; seed < 46; ++seed) {
        SCOPED_TRACE(::testing::Message() << "graph seed " << seed);
        auto graph =
            WalkGraph::build(testing::random_streets(seed, 40, 60, 1 + static_cast<int>(seed % 2)));
        auto landmarks = Landmarks::build(graph, 6);
        for (double lambda : lambdas) {
            for (DoriLevel level : levels) {
                Metric metric{lambda, level};
                AllPairs brute(graph, metric);
                for (NodeId a = 0; a < graph.node_count(); ++a) {
                    for (NodeId b = 0; b < graph.node_count(); ++b) {
                        double d = brute.cost(a, b);
                        if (d == unreachable) continue;
                        double bound = landmarks.lower_bound(metric, a, b);
                        ASSERT_FALSE(std::isnan(bound)) << a << " -> " << b;
                        ASSERT_LE(bound, d * (1 + 1e-9) + 1e-9)
                            << a << " -> " << b << " lambda " << lambda << " level "
                            << static_cast<int>(level);
                    }
                }
            }
        }
    }
}

TEST(PathSearch, ASourceOnATargetCostsOnlyTheSeeds) {
    auto graph = WalkGraph::build({street(1, {at(0, 0), at(100, 0)})});
    auto landmarks = Landmarks::build(graph, 2);
    AltSearch alt(graph, landmarks);
    NodeId a = find_node(graph, at(0, 0));
    std::vector<Seed> sources{{a, 3}};
    std::vector<Seed> targets{{a, 4}};
    for (auto result : {dijkstra(graph, {}, sources, targets), alt.find({}, sources, targets)}) {
        EXPECT_NEAR(result.cost, 7, 1e-12);
        EXPECT_TRUE(result.edges.empty());
        ASSERT_EQ(result.nodes.size(), 1u);
        EXPECT_EQ(result.nodes[0], a);
    }
}

TEST(PathSearch, NoSeedsMeansNoPath) {
    auto graph = WalkGraph::build({street(1, {at(0, 0), at(100, 0)})});
    auto landmarks = Landmarks::build(graph, 2);
    AltSearch alt(graph, landmarks);
    std::vector<Seed> one{{0, 0}};
    std::vector<Seed> none;
    EXPECT_FALSE(dijkstra(graph, {}, one, none).found());
    EXPECT_FALSE(dijkstra(graph, {}, none, one).found());
    EXPECT_FALSE(alt.find({}, one, none).found());
    EXPECT_FALSE(alt.find({}, none, one).found());
}

// A watched straight street and an unwatched detour: the cheapest path switches with lambda.
TEST(PathSearch, LambdaTradesLengthAgainstSeenMetres) {
    double direct = geo::distance_m(at(0, 0), at(1000, 0));
    auto graph = WalkGraph::build({
        street(1, {at(0, 0), at(1000, 0)}, {{direct, direct, 0, 0}}),
        street(2, {at(0, 0), at(0, 300), at(1000, 300), at(1000, 0)}),
    });
    auto landmarks = Landmarks::build(graph, 2);
    AltSearch alt(graph, landmarks);
    std::vector<Seed> s{{find_node(graph, at(0, 0)), 0}};
    std::vector<Seed> t{{find_node(graph, at(1000, 0)), 0}};
    auto short_way = alt.find({0, DoriLevel::observe}, s, t);
    EXPECT_NEAR(short_way.cost, direct, 1e-6);
    auto around = alt.find({1, DoriLevel::observe}, s, t);
    EXPECT_NEAR(around.cost, graph.edge(around.edges.at(0)).length_m, 1e-6);
    EXPECT_NEAR(around.cost, 1600, 0.1);
    // Nothing is seen at the recognise level: the direct street is cheapest at any lambda.
    EXPECT_NEAR(alt.find({1000, DoriLevel::recognise}, s, t).cost, direct, 1e-6);
}

// Cameras change: new seen metres on some streets, the landmarks' seen distances refreshed, and
// ALT stays exact.
TEST(PathSearch, AltStaysExactAfterSeenMetresChangeAndLandmarksAreRefreshed) {
    for (std::uint64_t seed = 60; seed < 66; ++seed) {
        SCOPED_TRACE(::testing::Message() << "graph seed " << seed);
        auto graph = WalkGraph::build(testing::random_streets(seed, 40, 70, 1));
        auto landmarks = Landmarks::build(graph, 5);
        std::mt19937_64 rng(seed);
        for (int round = 0; round < 3; ++round) {
            // Replace the seen metres of a third of the streets (more seen, less, or none).
            for (std::uint32_t s = 0; s < graph.street_count(); ++s) {
                const auto points = graph.street(s).points;
                if (points.size() < 2 || rng() % 3 != 0) continue;
                std::vector<LevelMetres> seen;
                if (rng() % 4 != 0)
                    for (std::size_t i = 0; i + 1 < points.size(); ++i)
                        seen.push_back(
                            testing::random_seen(rng, geo::distance_m(points[i], points[i + 1])));
                graph.set_street_seen(s, std::move(seen));
            }
            landmarks.refresh_seen(graph);
            AltSearch alt(graph, landmarks);
            for (double lambda : lambdas) {
                for (DoriLevel level : levels) {
                    Metric metric{lambda, level};
                    AllPairs brute(graph, metric);
                    for (int q = 0; q < 10; ++q) {
                        auto sources = random_seeds(rng, graph);
                        auto targets = random_seeds(rng, graph);
                        expect_path(graph, metric, sources, targets,
                                    alt.find(metric, sources, targets),
                                    brute.cost(sources, targets), "ALT after refresh");
                    }
                }
            }
        }
    }
}

// Right after cameras change the server marks the seen tables stale instead of waiting for their
// refresh: the bounds fall back to lengths (still below every cost) and ALT stays exact.
TEST(PathSearch, AltStaysExactWithStaleSeenTablesUntilTheyAreRefreshed) {
    for (std::uint64_t seed = 70; seed < 74; ++seed) {
        SCOPED_TRACE(::testing::Message() << "graph seed " << seed);
        auto graph = WalkGraph::build(testing::random_streets(seed, 40, 70, 1));
        auto landmarks = Landmarks::build(graph, 5);
        std::mt19937_64 rng(seed);
        // Less seen everywhere: the old seen distances now overestimate.
        for (std::uint32_t s = 0; s < graph.street_count(); ++s)
            if (rng() % 2 == 0) graph.set_street_seen(s, {});
        landmarks.mark_seen_stale();
        EXPECT_FALSE(landmarks.seen_current());
        AltSearch alt(graph, landmarks);
        for (double lambda : lambdas) {
            Metric metric{lambda, DoriLevel::observe};
            AllPairs brute(graph, metric);
            for (int q = 0; q < 20; ++q) {
                auto sources = random_seeds(rng, graph);
                auto targets = random_seeds(rng, graph);
                expect_path(graph, metric, sources, targets, alt.find(metric, sources, targets),
                            brute.cost(sources, targets), "ALT with stale seen tables");
            }
        }
        landmarks.refresh_seen(graph);
        EXPECT_TRUE(landmarks.seen_current());
    }
}

TEST(PathSearch, AnEmptyGraphHasNoLandmarks) {
    WalkGraph graph = WalkGraph::build({});
    auto landmarks = Landmarks::build(graph, 8);
    EXPECT_EQ(landmarks.count(), 0u);
}

}  // namespace
}  // namespace sightline::routing
