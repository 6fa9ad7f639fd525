#include "routing/route_planner.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "geo/distance.hpp"
#include "routing_test_graphs.hpp"

namespace sightline::routing {
namespace {

using analysis::DoriLevel;
using testing::at;
using testing::polyline_m;
using testing::street;

constexpr std::size_t observe = static_cast<std::size_t>(DoriLevel::observe);

// A ladder of three rails between two stiles, 1 km long; S and T are the bottom corners.
//
//  (0,200) ============ rail 2, unwatched ============ (1000,200)   S->T: 1400 m, seen 0
//     |                                                    |
//  (0,50) ------- rail 1: its middle 300 m watched ----- (1000,50)  S->T: 1100 m, seen 300
//     |                                                    |
//   S (0,0) ##### rail 0: watched all along ############ T (1000,0)  S->T: 1000 m, seen 1000
//
// Watched means seen at the detect and observe levels, nothing finer.
class Ladder : public ::testing::Test {
  protected:
    Ladder() {
        auto watched = [](geo::LatLon a, geo::LatLon b) {
            double m = geo::distance_m(a, b);
            return LevelMetres{m, m, 0, 0};
        };
        graph = WalkGraph::build({
            street(10, {at(0, 0), at(500, 0), at(1000, 0)},
                   {watched(at(0, 0), at(500, 0)), watched(at(500, 0), at(1000, 0))}),
            street(11, {at(0, 50), at(350, 50), at(650, 50), at(1000, 50)},
                   {{}, watched(at(350, 50), at(650, 50)), {}}),
            street(12, {at(0, 200), at(1000, 200)}),
            street(20, {at(0, 0), at(0, 50), at(0, 200)}),
            street(21, {at(1000, 0), at(1000, 50), at(1000, 200)}),
        });
        landmarks = Landmarks::build(graph, 4);
    }

    Result<Plan> plan(double max_detour, DoriLevel level = DoriLevel::observe) {
        AltSearch search(graph, landmarks);
        return plan_routes(graph, search, from, to, {max_detour, level, 1000});
    }

    /// A route is a walk from the snapped start to the snapped end whose length is its points'.
    void expect_consistent(const Plan& p) {
        for (const auto& r : p.routes) {
            SCOPED_TRACE(std::string(to_string(r.kind)));
            ASSERT_GE(r.points.size(), 2u);
            EXPECT_NEAR(geo::distance_m(r.points.front(), p.from.point), 0, 0.01);
            EXPECT_NEAR(geo::distance_m(r.points.back(), p.to.point), 0, 0.01);
            EXPECT_NEAR(r.length_m, polyline_m(r.points), 1e-6 * r.length_m);
            EXPECT_FALSE(r.edges.empty());
            for (std::size_t l = 1; l < r.seen_m.size(); ++l)
                EXPECT_LE(r.seen_m[l], r.seen_m[l - 1] + 1e-9);
        }
    }

    WalkGraph graph;
    Landmarks landmarks;
    geo::LatLon from = at(-5, 0);  // 5 m west of S
    geo::LatLon to = at(1005, 0);  // 5 m east of T
};

TEST_F(Ladder, TheShortestRouteTakesTheWatchedStreetAndTheLeastExposedAvoidsEveryCamera) {
    auto p = plan(1.5);
    ASSERT_TRUE(p.has_value()) << p.error().message;
    expect_consistent(*p);
    EXPECT_NEAR(p->from.distance_m, 5, 0.05);
    EXPECT_NEAR(p->to.distance_m, 5, 0.05);
    ASSERT_GE(p->routes.size(), 2u);
    const auto& shortest = p->routes.front();
    EXPECT_EQ(shortest.kind, RouteKind::shortest);
    EXPECT_NEAR(shortest.length_m, 1000, 0.5);
    EXPECT_NEAR(shortest.seen_m[observe], 1000, 0.5);

    const auto& least = p->routes.back();
    EXPECT_EQ(least.kind, RouteKind::least_exposed);
    EXPECT_NEAR(least.length_m, 1400, 0.5);
    EXPECT_NEAR(least.seen_m[observe], 0, 1e-9);
    EXPECT_NEAR(least.seen_m[0], 0, 1e-9);
    EXPECT_TRUE(p->avoids_cameras);
    EXPECT_GT(least.lambda, 0);

    if (p->routes.size() == 3) {
        const auto& balanced = p->routes[1];
        EXPECT_EQ(balanced.kind, RouteKind::balanced);
        EXPECT_NEAR(balanced.length_m, 1100, 0.5);
        EXPECT_NEAR(balanced.seen_m[observe], 300, 0.5);
    }
    EXPECT_GE(p->searches, p->routes.size());
}

TEST_F(Ladder, ATighterDetourLimitGivesTheLeastExposedRouteWithinIt) {
    auto p = plan(1.2);
    ASSERT_TRUE(p.has_value()) << p.error().message;
    expect_consistent(*p);
    ASSERT_GE(p->routes.size(), 2u);
    EXPECT_EQ(p->routes.front().kind, RouteKind::shortest);
    const auto& least = p->routes.back();
    EXPECT_EQ(least.kind, RouteKind::least_exposed);
    EXPECT_NEAR(least.length_m, 1100, 0.5);
    EXPECT_NEAR(least.seen_m[observe], 300, 0.5);
    EXPECT_LE(least.length_m, 1.2 * p->routes.front().length_m);
    EXPECT_FALSE(p->avoids_cameras);
}

TEST_F(Ladder, ADetourLimitTooSmallForAnyOtherRouteLeavesOnlyTheShortest) {
    auto p = plan(1.05);
    ASSERT_TRUE(p.has_value()) << p.error().message;
    expect_consistent(*p);
    ASSERT_EQ(p->routes.size(), 1u);
    EXPECT_EQ(p->routes[0].kind, RouteKind::shortest);
    EXPECT_NEAR(p->routes[0].length_m, 1000, 0.5);
    EXPECT_FALSE(p->avoids_cameras);

    auto exact = plan(1.0);
    ASSERT_TRUE(exact.has_value()) << exact.error().message;
    ASSERT_EQ(exact->routes.size(), 1u);
    EXPECT_FALSE(exact->avoids_cameras);
}

TEST_F(Ladder, WhereNothingIsSeenAtTheLevelTheShortestRouteAvoidsCameras) {
    auto p = plan(1.5, DoriLevel::recognise);
    ASSERT_TRUE(p.has_value()) << p.error().message;
    expect_consistent(*p);
    ASSERT_EQ(p->routes.size(), 1u);
    EXPECT_NEAR(p->routes[0].length_m, 1000, 0.5);
    EXPECT_TRUE(p->avoids_cameras);
}

TEST_F(Ladder, StartingMidStreetWalksFromTheSnappedPoint) {
    from = at(300, -8);  // beside rail 0, 300 m from S
    to = at(750, 58);    // beside rail 1, 250 m from its east end
    auto p = plan(3);
    ASSERT_TRUE(p.has_value()) << p.error().message;
    expect_consistent(*p);
    EXPECT_NEAR(geo::distance_m(p->from.point, at(300, 0)), 0, 0.05);
    EXPECT_NEAR(geo::distance_m(p->to.point, at(750, 50)), 0, 0.05);
    // Shortest: east along rail 0 to T, up the east stile, west along rail 1: 700 + 50 + 250.
    EXPECT_NEAR(p->routes.front().length_m, 1000, 0.5);
    EXPECT_NEAR(p->routes.front().seen_m[observe], 700, 0.5);
    // Least exposed within 3x: west along rail 0 (300 m seen), up to rail 2, east, down to
    // rail 1 and west along its unwatched end: 300 + 200 + 1000 + 150 + 250 = 1900 m.
    EXPECT_NEAR(p->routes.back().length_m, 1900, 0.5);
    EXPECT_NEAR(p->routes.back().seen_m[observe], 300, 0.5);
    EXPECT_FALSE(p->avoids_cameras);
}

TEST_F(Ladder, ADetourLimitBelowOneIsRefused) {
    auto p = plan(0.9);
    ASSERT_FALSE(p.has_value());
    EXPECT_EQ(p.error().code, Errc::invalid_argument);
}

TEST_F(Ladder, APointFarFromEveryStreetIsUnprocessable) {
    to = at(1000, 5000);
    auto p = plan(1.5);
    ASSERT_FALSE(p.has_value());
    EXPECT_EQ(p.error().code, Errc::unprocessable);
    EXPECT_FALSE(p.error().message.empty());
}

TEST_F(Ladder, TheSameStartAndEndGiveOneWalkOfNoLength) {
    to = from;
    auto p = plan(1.5);
    ASSERT_TRUE(p.has_value()) << p.error().message;
    ASSERT_EQ(p->routes.size(), 1u);
    EXPECT_NEAR(p->routes[0].length_m, 0, 1e-6);
}

TEST_F(Ladder, BadNumbersAreRefusedNotCrashedOn) {
    auto nan_detour = plan(std::numeric_limits<double>::quiet_NaN());
    ASSERT_FALSE(nan_detour.has_value());
    EXPECT_EQ(nan_detour.error().code, Errc::invalid_argument);

    from = {std::numeric_limits<double>::quiet_NaN(), 11.0};
    EXPECT_FALSE(plan(1.5).has_value());
    from = {95.0, 11.0};  // not a latitude
    EXPECT_FALSE(plan(1.5).has_value());
}

TEST(RoutePlanner, PointsWithNoPathBetweenThemAreUnprocessable) {
    auto graph = WalkGraph::build({
        street(1, {at(0, 0), at(100, 0)}),
        street(2, {at(0, 0), at(0, 100)}),
        street(3, {at(3000, 0), at(3100, 0)}),
    });
    auto landmarks = Landmarks::build(graph, 2);
    AltSearch search(graph, landmarks);
    auto p = plan_routes(graph, search, at(50, 5), at(3050, 5), {});
    ASSERT_FALSE(p.has_value());
    EXPECT_EQ(p.error().code, Errc::unprocessable);
}

TEST(RoutePlanner, BothPointsOnOneEdgeWalkStraightAlongIt) {
    auto graph = WalkGraph::build({street(1, {at(0, 0), at(1000, 0)})});
    auto landmarks = Landmarks::build(graph, 2);
    AltSearch search(graph, landmarks);
    auto p = plan_routes(graph, search, at(700, 3), at(200, -3), {});
    ASSERT_TRUE(p.has_value()) << p.error().message;
    ASSERT_EQ(p->routes.size(), 1u);
    EXPECT_NEAR(p->routes[0].length_m, 500, 0.5);
    EXPECT_TRUE(p->avoids_cameras);
    ASSERT_GE(p->routes[0].points.size(), 2u);
    EXPECT_NEAR(geo::distance_m(p->routes[0].points.front(), at(700, 0)), 0, 0.05);
    EXPECT_NEAR(geo::distance_m(p->routes[0].points.back(), at(200, 0)), 0, 0.05);
}

TEST(RoutePlanner, AnEmptyGraphIsUnprocessable) {
    WalkGraph graph = WalkGraph::build({});
    auto landmarks = Landmarks::build(graph, 2);
    AltSearch search(graph, landmarks);
    auto p = plan_routes(graph, search, at(0, 0), at(10, 10), {});
    ASSERT_FALSE(p.has_value());
    EXPECT_EQ(p.error().code, Errc::unprocessable);
}

}  // namespace
}  // namespace sightline::routing
