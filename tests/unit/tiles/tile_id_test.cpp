#include "geo/tile_id.hpp"

#include <gtest/gtest.h>

namespace sightline::geo {
namespace {

constexpr LatLon belgrade{44.8125, 20.4612};

TEST(TileId, KnowsTheTileOfBelgradeAtZoom16) {
    EXPECT_EQ(tile_of(belgrade, 16), (TileId{16, 36492, 23623}));
    EXPECT_EQ(tile_of(belgrade, 0), (TileId{0, 0, 0}));
    EXPECT_EQ(tile_of(belgrade, 1), (TileId{1, 1, 0}));
}

TEST(TileId, ValidatesZoomAndRange) {
    EXPECT_TRUE((TileId{0, 0, 0}).is_valid());
    EXPECT_TRUE((TileId{22, (1u << 22) - 1, 0}).is_valid());
    EXPECT_FALSE((TileId{23, 0, 0}).is_valid());
    EXPECT_FALSE((TileId{-1, 0, 0}).is_valid());
    EXPECT_FALSE((TileId{1, 2, 0}).is_valid());
    EXPECT_FALSE((TileId{1, 0, 2}).is_valid());
    EXPECT_TRUE(TileId::make(16, 36492, 23623).has_value());
    auto bad = TileId::make(3, 8, 0);
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().code, Errc::invalid_argument);
    EXPECT_FALSE(TileId::make(0, -1, 0).has_value());
    EXPECT_FALSE(TileId::make(40, 0, 0).has_value());
}

TEST(TileId, ProjectsAndUnprojectsWebMercator) {
    auto w = to_world({0, 0});
    EXPECT_DOUBLE_EQ(w.x, 0.5);
    EXPECT_NEAR(w.y, 0.5, 1e-12);
    auto back = from_world(to_world(belgrade));
    EXPECT_NEAR(back.lat, belgrade.lat, 1e-9);
    EXPECT_NEAR(back.lon, belgrade.lon, 1e-9);
    EXPECT_NEAR(to_world({90, 0}).y, 0.0, 1e-9);  // clamped to the Mercator limit
}

TEST(TileId, BoundsContainTheirPointsAndMatchZoomZero) {
    auto world = tile_bounds(TileId{0, 0, 0});
    EXPECT_DOUBLE_EQ(world.west, -180);
    EXPECT_DOUBLE_EQ(world.east, 180);
    EXPECT_NEAR(world.north, max_mercator_lat, 1e-9);
    EXPECT_NEAR(world.south, -max_mercator_lat, 1e-9);
    auto b = tile_bounds(TileId{16, 36492, 23623});
    EXPECT_TRUE(b.contains(belgrade));
    auto buffered = tile_bounds(TileId{16, 36492, 23623}, 64);
    EXPECT_LT(buffered.west, b.west);
    EXPECT_GT(buffered.north, b.north);
}

TEST(TileId, GivesPixelCoordinatesAtExtent4096) {
    auto p = to_tile_point(belgrade, TileId{16, 36492, 23623});
    EXPECT_NEAR(p.x, 3472.53, 0.01);
    EXPECT_NEAR(p.y, 545.24, 0.01);
    auto corner = to_tile_point(from_world({0.5, 0.5}), TileId{1, 1, 1});
    EXPECT_NEAR(corner.x, 0, 1e-6);
    EXPECT_NEAR(corner.y, 0, 1e-6);
}

}  // namespace
}  // namespace sightline::geo
