#include "routing/walk_graph.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "geo/distance.hpp"
#include "routing_test_graphs.hpp"

namespace sightline::routing {
namespace {

using testing::at;
using testing::find_node;
using testing::polyline_m;
using testing::street;

constexpr double tight = 1e-9;  // relative, for sums of the same haversine terms

void expect_levels_near(const LevelMetres& actual, const LevelMetres& expected, double abs) {
    for (std::size_t l = 0; l < expected.size(); ++l)
        EXPECT_NEAR(actual[l], expected[l], abs) << "level " << l;
}

LevelMetres sum(const LevelMetres& a, const LevelMetres& b) {
    LevelMetres out{};
    for (std::size_t l = 0; l < out.size(); ++l)
        out[l] = a[l] + b[l];
    return out;
}

/// The graph's index of the street with this OSM id (skipped streets may be left out).
std::uint32_t street_index(const WalkGraph& graph, std::int64_t osm_way_id) {
    for (std::uint32_t s = 0; s < graph.street_count(); ++s)
        if (graph.street(s).osm_way_id == osm_way_id) return s;
    ADD_FAILURE() << "street " << osm_way_id << " is not in the graph";
    return 0;
}

/// The edges of one street, in the order of its points.
std::vector<EdgeId> street_edges(const WalkGraph& graph, std::uint32_t street) {
    std::vector<EdgeId> out;
    for (EdgeId e = 0; e < graph.edge_count(); ++e)
        if (graph.edge(e).street == street) out.push_back(e);
    std::sort(out.begin(), out.end(), [&](EdgeId a, EdgeId b) {
        return graph.edge(a).first_point < graph.edge(b).first_point;
    });
    return out;
}

//   B1
//   |
// A0-A1-X-A3      X = A2 = B1' is shared by both streets; A1 is a bend of A only
//       |
//       B0
TEST(WalkGraph, SharedPointsAndStreetEndsBecomeNodesAndBendsDoNot) {
    auto graph = WalkGraph::build({
        street(1, {at(0, 0), at(50, 0), at(100, 0), at(150, 0)}),
        street(2, {at(100, -50), at(100, 0), at(100, 50)}),
    });
    ASSERT_EQ(graph.node_count(), 5u);
    ASSERT_EQ(graph.edge_count(), 4u);
    for (auto p : {at(0, 0), at(100, 0), at(150, 0), at(100, -50), at(100, 50)})
        EXPECT_LT(find_node(graph, p), graph.node_count()) << p.lat << "," << p.lon;
    EXPECT_EQ(find_node(graph, at(50, 0)), graph.node_count()) << "a bend is not a node";

    NodeId x = find_node(graph, at(100, 0));
    ASSERT_LT(x, graph.node_count());
    EXPECT_EQ(graph.arcs(x).size(), 4u);
    for (auto p : {at(0, 0), at(150, 0), at(100, -50), at(100, 50)})
        EXPECT_EQ(graph.arcs(find_node(graph, p)).size(), 1u);

    auto a_edges = street_edges(graph, street_index(graph, 1));
    ASSERT_EQ(a_edges.size(), 2u);
    const auto& first = graph.edge(a_edges[0]);
    const auto& second = graph.edge(a_edges[1]);
    EXPECT_EQ(first.first_point, 0u);
    EXPECT_EQ(first.last_point, 2u);
    EXPECT_EQ(second.first_point, 2u);
    EXPECT_EQ(second.last_point, 3u);
    EXPECT_EQ(graph.node_location(first.from), at(0, 0));
    EXPECT_EQ(graph.node_location(first.to), at(100, 0));
    EXPECT_EQ(graph.node_location(second.from), at(100, 0));
    EXPECT_EQ(graph.node_location(second.to), at(150, 0));
    const auto a_points = graph.street(first.street).points;
    EXPECT_NEAR(first.length_m, polyline_m(a_points, 0, 2), tight * first.length_m);
    EXPECT_NEAR(first.length_m, 100, 0.01);
    EXPECT_NEAR(second.length_m, 50, 0.01);
}

TEST(WalkGraph, ArcsLeadAlongTheirEdgeBothWays) {
    auto graph = WalkGraph::build({
        street(1, {at(0, 0), at(50, 0), at(100, 0), at(150, 0)}),
        street(2, {at(100, -50), at(100, 0), at(100, 50)}),
        street(3, {at(150, 0), at(200, 40), at(100, 50)}),
    });
    std::size_t arcs = 0;
    for (NodeId n = 0; n < graph.node_count(); ++n) {
        for (const auto& arc : graph.arcs(n)) {
            ++arcs;
            const auto& e = graph.edge(arc.edge);
            EXPECT_TRUE((e.from == n && e.to == arc.head) || (e.to == n && e.from == arc.head))
                << "arc " << n << "->" << arc.head << " on edge " << arc.edge;
        }
    }
    EXPECT_EQ(arcs, 2 * graph.edge_count()) << "every edge is walkable both ways";
}

TEST(WalkGraph, AStreetContinuingAnotherMeetsItAtANode) {
    auto graph = WalkGraph::build({
        street(1, {at(0, 0), at(40, 10), at(100, 0)}),
        street(2, {at(100, 0), at(160, 5), at(200, 0)}),
    });
    EXPECT_EQ(graph.node_count(), 3u);
    EXPECT_EQ(graph.edge_count(), 2u);
    EXPECT_LT(find_node(graph, at(100, 0)), graph.node_count());
    EXPECT_EQ(graph.component(find_node(graph, at(0, 0))),
              graph.component(find_node(graph, at(200, 0))));
}

// A block walked around: the street starts and ends at the corner where another street joins.
TEST(WalkGraph, ALoopStreetKeepsItsWholeLengthBetweenItsEnds) {
    std::vector<geo::LatLon> loop{at(0, 0), at(60, 0), at(60, 40), at(0, 40), at(0, 0)};
    auto graph = WalkGraph::build({
        street(1, loop),
        street(2, {at(0, 0), at(-100, 0)}),
    });
    NodeId corner = find_node(graph, at(0, 0));
    ASSERT_LT(corner, graph.node_count());
    auto edges = street_edges(graph, street_index(graph, 1));
    ASSERT_FALSE(edges.empty());
    double total = 0;
    for (std::size_t i = 0; i < edges.size(); ++i) {
        const auto& e = graph.edge(edges[i]);
        total += e.length_m;
        if (i + 1 < edges.size()) {
            EXPECT_EQ(e.last_point, graph.edge(edges[i + 1]).first_point);
            EXPECT_EQ(e.to, graph.edge(edges[i + 1]).from);
        }
    }
    EXPECT_EQ(graph.edge(edges.front()).first_point, 0u);
    EXPECT_EQ(graph.edge(edges.back()).last_point, 4u);
    EXPECT_EQ(graph.edge(edges.front()).from, corner);
    EXPECT_EQ(graph.edge(edges.back()).to, corner);
    EXPECT_NEAR(total, polyline_m(loop), tight * total);
    EXPECT_NEAR(total, 200, 0.02);
    EXPECT_EQ(find_node(graph, at(60, 0)), graph.node_count());
    EXPECT_EQ(find_node(graph, at(60, 40)), graph.node_count());
}

TEST(WalkGraph, StreetsOfFewerThanTwoPointsAreSkipped) {
    auto graph = WalkGraph::build({
        street(1, {at(0, 0), at(50, 0), at(100, 0)}),
        street(2, {at(50, 0)}),  // on the bend of street 1: must not split it
        street(3, {at(500, 500)}),
        street(4, {}),
    });
    EXPECT_EQ(graph.node_count(), 2u);
    EXPECT_EQ(graph.edge_count(), 1u);
    EXPECT_EQ(find_node(graph, at(50, 0)), graph.node_count());
    EXPECT_EQ(find_node(graph, at(500, 500)), graph.node_count());
    for (std::uint32_t i = 0; i < graph.street_count(); ++i) {
        const auto s = graph.street(i);
        EXPECT_EQ(s.osm_way_id, 1) << "street " << s.osm_way_id << " has fewer than 2 points";
    }
}

TEST(WalkGraph, NoStreetsGiveAnEmptyGraph) {
    auto graph = WalkGraph::build({});
    EXPECT_EQ(graph.node_count(), 0u);
    EXPECT_EQ(graph.edge_count(), 0u);
    EXPECT_FALSE(graph.snap(at(0, 0), 1e6).has_value());
}

TEST(WalkGraph, AnEdgeSeesTheSumOfItsSegments) {
    LevelMetres s0{30, 20, 10, 5};
    LevelMetres s1{40, 40, 0, 0};
    LevelMetres s2{10, 0, 0, 0};
    auto graph = WalkGraph::build({
        street(1, {at(0, 0), at(50, 0), at(100, 0), at(150, 0)}, {s0, s1, s2}),
        street(2, {at(100, 0), at(100, 80)}),  // cuts street 1 after two segments
    });
    auto edges = street_edges(graph, street_index(graph, 1));
    ASSERT_EQ(edges.size(), 2u);
    expect_levels_near(graph.edge(edges[0]).seen_m, sum(s0, s1), 1e-9);
    expect_levels_near(graph.edge(edges[1]).seen_m, s2, 1e-9);
    auto unseen = street_edges(graph, street_index(graph, 2));
    ASSERT_EQ(unseen.size(), 1u);
    expect_levels_near(graph.edge(unseen[0]).seen_m, LevelMetres{}, 0);
}

TEST(WalkGraph, TheLargestComponentIsNumberZero) {
    auto graph = WalkGraph::build({
        street(1, {at(5000, 0), at(5100, 0)}),  // small and listed first
        street(2, {at(0, 0), at(100, 0)}),
        street(3, {at(100, 0), at(100, 100)}),
        street(4, {at(100, 0), at(200, 0)}),
    });
    ASSERT_EQ(graph.node_count(), 6u);
    NodeId big = find_node(graph, at(0, 0));
    NodeId small = find_node(graph, at(5000, 0));
    EXPECT_EQ(graph.component(big), 0u);
    EXPECT_EQ(graph.component(find_node(graph, at(100, 100))), 0u);
    EXPECT_NE(graph.component(small), 0u);
    EXPECT_EQ(graph.component(small), graph.component(find_node(graph, at(5100, 0))));
}

// Random networks: every street's edges cover it end to end, their ends are the nodes at those
// points, their lengths and seen metres are the sums of their segments, and the nodes are
// exactly the street ends and the points shared by two or more streets.
TEST(WalkGraph, RandomStreetSetsGiveExactlyTheExpectedNodesAndEdges) {
    for (std::uint64_t seed = 1; seed <= 30; ++seed) {
        SCOPED_TRACE(::testing::Message() << "seed " << seed);
        auto input = testing::random_streets(seed, 4 + static_cast<int>(seed % 20),
                                             3 + static_cast<int>(seed % 25),
                                             1 + static_cast<int>(seed % 3));
        auto graph = WalkGraph::build(input);

        std::map<std::pair<double, double>, std::set<std::int64_t>> streets_at;
        std::set<std::pair<double, double>> expected_nodes;
        for (const auto& s : input) {
            if (s.points.size() < 2) continue;
            expected_nodes.insert({s.points.front().lat, s.points.front().lon});
            expected_nodes.insert({s.points.back().lat, s.points.back().lon});
            for (auto p : s.points)
                streets_at[{p.lat, p.lon}].insert(s.osm_way_id);
        }
        for (const auto& [p, ids] : streets_at)
            if (ids.size() >= 2) expected_nodes.insert(p);
        std::set<std::pair<double, double>> nodes;
        for (NodeId n = 0; n < graph.node_count(); ++n)
            nodes.insert({graph.node_location(n).lat, graph.node_location(n).lon});
        EXPECT_EQ(nodes.size(), graph.node_count()) << "two nodes at one location";
        EXPECT_EQ(nodes, expected_nodes);

        for (const auto& s : input) {
            if (s.points.size() < 2) continue;
            SCOPED_TRACE(::testing::Message() << "street " << s.osm_way_id);
            auto edges = street_edges(graph, street_index(graph, s.osm_way_id));
            ASSERT_FALSE(edges.empty());
            EXPECT_EQ(graph.edge(edges.front()).first_point, 0u);
            EXPECT_EQ(graph.edge(edges.back()).last_point, s.points.size() - 1);
            for (std::size_t i = 0; i < edges.size(); ++i) {
                const auto& e = graph.edge(edges[i]);
                if (i + 1 < edges.size()) {
                    EXPECT_EQ(e.last_point, graph.edge(edges[i + 1]).first_point);
                }
                EXPECT_EQ(graph.node_location(e.from), s.points[e.first_point]);
                EXPECT_EQ(graph.node_location(e.to), s.points[e.last_point]);
                double length = polyline_m(s.points, e.first_point, e.last_point);
                EXPECT_NEAR(e.length_m, length, tight * length);
                LevelMetres seen{};
                if (!s.seen_m.empty())
                    for (auto k = e.first_point; k < e.last_point; ++k)
                        seen = sum(seen, s.seen_m[k]);
                expect_levels_near(e.seen_m, seen, 1e-9);
            }
        }
        for (NodeId n = 0; n < graph.node_count(); ++n)
            for (const auto& arc : graph.arcs(n))
                EXPECT_EQ(graph.component(n), graph.component(arc.head));
    }
}

// Street 1 (0,0)-(100,0)-(200,0) and a spur (100,0)-(100,-100) form the large component; street 3
// 50 m north is a component of its own.
WalkGraph two_components() {
    return WalkGraph::build({
        street(1, {at(0, 0), at(100, 0), at(200, 0)}),
        street(2, {at(100, 0), at(100, -100)}),
        street(3, {at(0, 50), at(200, 50)}),
    });
}

TEST(WalkGraphSnap, FindsTheNearestEdgeAndTheOffsetAlongIt) {
    auto graph = two_components();
    auto snap = graph.snap(at(150, 10), 100);
    ASSERT_TRUE(snap.has_value());
    const auto& e = graph.edge(snap->edge);
    EXPECT_EQ(graph.street(e.street).osm_way_id, 1);
    EXPECT_NEAR(geo::distance_m(snap->point, at(150, 0)), 0, 0.05);
    EXPECT_NEAR(snap->distance_m, 10, 0.05);
    EXPECT_NEAR(snap->distance_m, geo::distance_m(at(150, 10), snap->point), 0.001);
    EXPECT_NEAR(snap->offset_m, geo::distance_m(graph.node_location(e.from), at(150, 0)), 0.05);
    EXPECT_GE(snap->offset_m, 0);
    EXPECT_LE(snap->offset_m, e.length_m);
}

TEST(WalkGraphSnap, BeyondAStreetEndSnapsToItsEnd) {
    auto graph = two_components();
    auto snap = graph.snap(at(230, -5), 100);
    ASSERT_TRUE(snap.has_value());
    EXPECT_NEAR(geo::distance_m(snap->point, at(200, 0)), 0, 0.01);
    EXPECT_NEAR(snap->distance_m, geo::distance_m(at(230, -5), at(200, 0)), 0.05);
    const auto& e = graph.edge(snap->edge);
    double expected_offset = graph.node_location(e.from) == at(200, 0) ? 0 : e.length_m;
    EXPECT_NEAR(snap->offset_m, expected_offset, 0.01);
}

TEST(WalkGraphSnap, NothingWithinTheMaximumDistanceGivesNothing) {
    auto graph = two_components();
    EXPECT_FALSE(graph.snap(at(150, 10), 5).has_value());
    EXPECT_FALSE(graph.snap(at(1000, 1000), 500).has_value());
    EXPECT_TRUE(graph.snap(at(150, 10), 11).has_value());
}

TEST(WalkGraphSnap, ARestrictionToOneComponentSkipsNearerEdgesOfOthers) {
    auto graph = two_components();
    NodeId north = find_node(graph, at(0, 50));
    ASSERT_LT(north, graph.node_count());
    ASSERT_NE(graph.component(north), 0u);

    auto nearest = graph.snap(at(150, 10), 100);  // 10 m from street 1, 40 m from street 3
    ASSERT_TRUE(nearest.has_value());
    EXPECT_EQ(graph.component(graph.edge(nearest->edge).from), 0u);

    auto restricted = graph.snap(at(150, 10), 100, graph.component(north));
    ASSERT_TRUE(restricted.has_value());
    EXPECT_EQ(graph.street(graph.edge(restricted->edge).street).osm_way_id, 3);
    EXPECT_NEAR(restricted->distance_m, 40, 0.05);
    EXPECT_NEAR(geo::distance_m(restricted->point, at(150, 50)), 0, 0.05);
    EXPECT_FALSE(graph.snap(at(150, 10), 30, graph.component(north)).has_value());
}

// One edge bent at a right angle: p0 -(100 m)- p1 -(100 m)- p2, with different seen metres on
// its two segments.
struct BentEdge {
    WalkGraph graph;
    EdgeId edge = 0;
    double first_m = 0;   // segment p0-p1
    double second_m = 0;  // segment p1-p2
    LevelMetres seen_first{80, 60, 40, 20};
    LevelMetres seen_second{100, 50, 0, 0};

    BentEdge() {
        graph = WalkGraph::build(
            {street(7, {at(0, 0), at(100, 0), at(100, 100)}, {seen_first, seen_second})});
        first_m = geo::distance_m(at(0, 0), at(100, 0));
        second_m = geo::distance_m(at(100, 0), at(100, 100));
    }
    [[nodiscard]] geo::LatLon from_point() const {
        return graph.node_location(graph.edge(edge).from);
    }
};

geo::LatLon lerp(geo::LatLon a, geo::LatLon b, double t) {
    return {a.lat + t * (b.lat - a.lat), a.lon + t * (b.lon - a.lon)};
}

TEST(WalkGraphPart, ASplitSegmentSharesItsSeenMetresInProportionToLength) {
    BentEdge bent;
    ASSERT_EQ(bent.graph.edge_count(), 1u);
    ASSERT_EQ(bent.from_point(), at(0, 0)) << "the edge runs in the street's direction";
    const auto& e = bent.graph.edge(0);
    EXPECT_NEAR(e.length_m, bent.first_m + bent.second_m, tight * e.length_m);

    double a = 30;
    double b = bent.first_m + 25;
    LevelMetres expected{};
    for (std::size_t l = 0; l < expected.size(); ++l)
        expected[l] = bent.seen_first[l] * (bent.first_m - a) / bent.first_m +
                      bent.seen_second[l] * 25 / bent.second_m;
    auto part = bent.graph.part(0, a, b);
    EXPECT_NEAR(part.length_m, b - a, 1e-9);
    expect_levels_near(part.seen_m, expected, 1e-9);

    auto reversed = bent.graph.part(0, b, a);
    EXPECT_NEAR(reversed.length_m, b - a, 1e-9);
    expect_levels_near(reversed.seen_m, expected, 1e-9);

    auto inside = bent.graph.part(0, 10, 40);
    EXPECT_NEAR(inside.length_m, 30, 1e-9);
    for (std::size_t l = 0; l < expected.size(); ++l)
        EXPECT_NEAR(inside.seen_m[l], bent.seen_first[l] * 30 / bent.first_m, 1e-9);

    auto whole = bent.graph.part(0, 0, e.length_m);
    EXPECT_NEAR(whole.length_m, e.length_m, 1e-9);
    expect_levels_near(whole.seen_m, e.seen_m, 1e-9);

    auto nothing = bent.graph.part(0, 42, 42);
    EXPECT_NEAR(nothing.length_m, 0, 1e-12);
    expect_levels_near(nothing.seen_m, LevelMetres{}, 1e-12);
}

TEST(WalkGraphPart, GeometryCutsTheEdgeAtBothOffsetsInWalkingOrder) {
    BentEdge bent;
    ASSERT_EQ(bent.from_point(), at(0, 0));
    double a = 30;
    double b = bent.first_m + 25;
    geo::LatLon cut_a = lerp(at(0, 0), at(100, 0), a / bent.first_m);
    geo::LatLon cut_b = lerp(at(100, 0), at(100, 100), 25 / bent.second_m);

    auto forward = bent.graph.geometry(0, a, b);
    ASSERT_EQ(forward.size(), 3u);
    EXPECT_NEAR(geo::distance_m(forward[0], cut_a), 0, 0.01);
    EXPECT_EQ(forward[1], at(100, 0));
    EXPECT_NEAR(geo::distance_m(forward[2], cut_b), 0, 0.01);

    auto backward = bent.graph.geometry(0, b, a);
    ASSERT_EQ(backward.size(), 3u);
    EXPECT_NEAR(geo::distance_m(backward[0], cut_b), 0, 0.01);
    EXPECT_EQ(backward[1], at(100, 0));
    EXPECT_NEAR(geo::distance_m(backward[2], cut_a), 0, 0.01);

    auto inside = bent.graph.geometry(0, 10, 40);
    ASSERT_EQ(inside.size(), 2u);
    EXPECT_NEAR(geo::distance_m(inside[0], inside[1]), 30, 0.01);

    auto whole = bent.graph.geometry(0, 0, bent.graph.edge(0).length_m);
    ASSERT_EQ(whole.size(), 3u);
    EXPECT_NEAR(geo::distance_m(whole[0], at(0, 0)), 0, 0.001);
    EXPECT_EQ(whole[1], at(100, 0));
    EXPECT_NEAR(geo::distance_m(whole[2], at(100, 100)), 0, 0.001);
}

TEST(WalkGraphPart, NewSeenMetresReplaceTheOldOnTheStreetAndItsEdges) {
    BentEdge bent;
    LevelMetres now_first{10, 10, 10, 10};
    LevelMetres now_second{0, 0, 0, 0};
    bent.graph.set_street_seen(street_index(bent.graph, 7), {now_first, now_second});
    expect_levels_near(bent.graph.edge(0).seen_m, now_first, 1e-9);
    auto part = bent.graph.part(0, 50, bent.first_m + 50);
    for (std::size_t l = 0; l < part.seen_m.size(); ++l)
        EXPECT_NEAR(part.seen_m[l], 10 * (bent.first_m - 50) / bent.first_m, 1e-9);

    bent.graph.set_street_seen(street_index(bent.graph, 7), {});
    expect_levels_near(bent.graph.edge(0).seen_m, LevelMetres{}, 0);
}

}  // namespace
}  // namespace sightline::routing
