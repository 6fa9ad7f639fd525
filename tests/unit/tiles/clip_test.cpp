#include "tiles/clip.hpp"

#include <gtest/gtest.h>

namespace sightline::tiles {
namespace {

constexpr ClipBox box{0, 0, 100, 100};

bool near(TilePoint a, TilePoint b) {
    return std::abs(a.x - b.x) < 1e-9 && std::abs(a.y - b.y) < 1e-9;
}

TEST(ClipLine, KeepsALineInsideUnchanged) {
    PointList line{{10, 10}, {50, 50}, {90, 10}};
    auto parts = clip_line(line, box);
    ASSERT_EQ(parts.size(), 1u);
    EXPECT_EQ(parts[0].size(), 3u);
}

TEST(ClipLine, CutsAtTheEdges) {
    //   -50,50 ------> 150,50   becomes 0,50 -> 100,50
    auto parts = clip_line({{-50, 50}, {150, 50}}, box);
    ASSERT_EQ(parts.size(), 1u);
    ASSERT_EQ(parts[0].size(), 2u);
    EXPECT_TRUE(near(parts[0][0], {0, 50}));
    EXPECT_TRUE(near(parts[0][1], {100, 50}));
}

TEST(ClipLine, SplitsALineThatLeavesAndComesBack) {
    //  (10,10) -> (10,200) -> (90,200) -> (90,10): a U hanging below the box
    auto parts = clip_line({{10, 10}, {10, 200}, {90, 200}, {90, 10}}, box);
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_TRUE(near(parts[0].back(), {10, 100}));
    EXPECT_TRUE(near(parts[1].front(), {90, 100}));
}

TEST(ClipLine, DropsALineOutside) {
    EXPECT_TRUE(clip_line({{-10, -10}, {-5, 200}}, box).empty());
}

TEST(ClipRing, ClipsASquareOverlappingACorner) {
    // A square from (50,50) to (150,150): only the quarter inside the box remains.
    auto ring = clip_ring({{50, 50}, {150, 50}, {150, 150}, {50, 150}, {50, 50}}, box);
    ASSERT_FALSE(ring.empty());
    EXPECT_TRUE(near(ring.front(), ring.back()));
    EXPECT_NEAR(std::abs(ring_area(ring)), 50.0 * 50.0, 1e-9);
}

TEST(ClipRing, KeepsARingAroundTheWholeBoxAsTheBox) {
    auto ring = clip_ring({{-10, -10}, {110, -10}, {110, 110}, {-10, 110}}, box);
    EXPECT_NEAR(std::abs(ring_area(ring)), 100.0 * 100.0, 1e-9);
}

TEST(ClipRing, DropsARingOutside) {
    EXPECT_TRUE(clip_ring({{200, 200}, {300, 200}, {300, 300}}, box).empty());
}

TEST(ClipPolygon, DropsVanishedHolesAndVanishedPolygons) {
    std::vector<PointList> rings{{{-10, -10}, {110, -10}, {110, 110}, {-10, 110}},
                                 {{200, 200}, {210, 200}, {210, 210}}};
    EXPECT_EQ(clip_polygon(rings, box).size(), 1u);
    std::vector<PointList> outside{{{200, 200}, {210, 200}, {210, 210}}};
    EXPECT_TRUE(clip_polygon(outside, box).empty());
}

TEST(ClipBox, ForTileAddsTheBuffer) {
    auto b = ClipBox::for_tile(64);
    EXPECT_EQ(b.min_x, -64);
    EXPECT_EQ(b.max_y, 4096 + 64);
}

}  // namespace
}  // namespace sightline::tiles
