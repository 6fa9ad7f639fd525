#include "tiles/simplify.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace sightline::tiles {
namespace {

TEST(Simplify, RemovesPointsWithinTheTolerance) {
    // (0,0) . . (5,0.5) . . (10,0): the middle point is 0.5 off the chord.
    PointList line{{0, 0}, {5, 0.5}, {10, 0}};
    EXPECT_EQ(simplify_line(line, 1.0).size(), 2u);
    EXPECT_EQ(simplify_line(line, 0.25).size(), 3u);
}

TEST(Simplify, KeepsTheCornerOfAnL) {
    PointList line{{0, 0}, {0, 5}, {0, 10}, {5, 10}, {10, 10}};
    auto out = simplify_line(line, 1.0);
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[1].x, 0);
    EXPECT_EQ(out[1].y, 10);
}

TEST(Simplify, DropsLinesShorterThanTheTolerance) {
    EXPECT_TRUE(simplify_linestring({{0, 0}, {0.5, 0}}, 2.0).empty());
    EXPECT_FALSE(simplify_linestring({{0, 0}, {50, 0}}, 2.0).empty());
}

TEST(Simplify, KeepsASquareRingAndDropsASpeck) {
    PointList square{{0, 0}, {10, 0}, {10, 0.2}, {10, 10}, {0, 10}, {0, 0}};
    auto out = simplify_ring(square, 1.0);
    EXPECT_EQ(out.size(), 5u);
    EXPECT_NEAR(std::abs(ring_area(out)), 100.0, 1e-9);
    PointList speck{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}};
    EXPECT_TRUE(simplify_ring(speck, 2.0).empty());
}

TEST(Simplify, DropsAPolygonWhoseExteriorDegenerates) {
    std::vector<PointList> sliver{{{0, 0}, {100, 0}, {100, 0.1}, {0, 0.1}, {0, 0}}};
    EXPECT_TRUE(simplify_polygon(sliver, 1.0).empty());
}

TEST(Simplify, ToleranceShrinksWithZoom) {
    EXPECT_GT(simplify_tolerance(10), simplify_tolerance(14));
    EXPECT_GE(simplify_tolerance(14), simplify_tolerance(16));
    EXPECT_EQ(simplify_tolerance(18), 1.0);
}

}  // namespace
}  // namespace sightline::tiles
