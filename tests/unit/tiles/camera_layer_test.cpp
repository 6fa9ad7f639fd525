#include "tiles/camera_layer.hpp"

#include <algorithm>
#include <map>
#include <random>

#include <gtest/gtest.h>

#include "mvt_test_support.hpp"

namespace sightline::tiles {
namespace {

using testing::decode_tile;

model::Camera camera(std::int64_t id, geo::LatLon at, model::Tags tags = {}) {
    model::Camera c;
    c.id = model::CameraId{id};
    c.location = at;
    c.status = model::CameraStatus::verified;
    c.confirmations = 2;
    c.tags = std::move(tags);
    return c;
}

// The centre of a cell (col, row) of the 16x16 cluster grid of `tile`, nudged by (dx, dy) units.
geo::LatLon in_cell(geo::TileId tile, int col, int row, double dx = 0, double dy = 0) {
    const double n = std::ldexp(1.0, tile.z);
    const double x = (tile.x + (col * 256 + 128 + dx) / 4096.0) / n;
    const double y = (tile.y + (row * 256 + 128 + dy) / 4096.0) / n;
    return geo::from_world({x, y});
}

std::vector<testing::DecodedFeature> render(geo::TileId tile,
                                            const std::vector<model::Camera>& cameras) {
    LayerBuilder layer{std::string(camera_layer_name)};
    build_camera_layer(layer, tile, cameras, CameraLayerOptions{});
    auto layers = decode_tile(encode_tile(std::span(&layer, 1)));
    return layers.empty() ? std::vector<testing::DecodedFeature>{} : layers[0].features;
}

TEST(CameraLayer, GivesEachCameraItsAttributesAtPointZooms) {
    geo::TileId tile{16, 36492, 23623};
    auto features = render(tile, {camera(7, in_cell(tile, 3, 4),
                                         {{"camera:type", "dome"},
                                          {"camera:mount", "wall"},
                                          {"camera:direction", "90;180"},
                                          {"camera:angle", "15"}})});
    ASSERT_EQ(features.size(), 1u);
    const auto& p = features[0].properties;
    EXPECT_EQ(features[0].id, 7u);
    EXPECT_EQ(std::get<std::int64_t>(p.at("id")), 7);
    EXPECT_EQ(std::get<std::string>(p.at("type")), "dome");
    EXPECT_EQ(std::get<std::string>(p.at("mount")), "wall");
    EXPECT_EQ(std::get<std::string>(p.at("direction")), "90;180");
    EXPECT_EQ(std::get<double>(p.at("directions")), 90.0);
    EXPECT_EQ(std::get<double>(p.at("angle")), 15.0);
    EXPECT_EQ(std::get<std::string>(p.at("status")), "verified");
    EXPECT_EQ(std::get<std::int64_t>(p.at("confirmations")), 2);
    auto parts = testing::decode_geometry(features[0].geometry);
    EXPECT_EQ(parts.at(0).at(0), (std::pair{3 * 256 + 128, 4 * 256 + 128}));
}

TEST(CameraLayer, MarksOnlyStaleCamerasStale) {
    geo::TileId tile{16, 36492, 23623};
    auto stale = camera(1, in_cell(tile, 1, 1));
    stale.last_verified = 1'000'000 - 1;
    auto fresh = camera(2, in_cell(tile, 2, 2));
    fresh.last_verified = 1'000'000;
    auto never = camera(3, in_cell(tile, 3, 3));  // never confirmed: last_verified 0
    CameraLayerOptions options;
    options.stale_before = 1'000'000;
    for (int cluster_below : {14, 17}) {  // points, and single cameras in cluster cells
        SCOPED_TRACE(cluster_below);
        options.cluster_below_zoom = cluster_below;
        LayerBuilder layer{std::string(camera_layer_name)};
        build_camera_layer(layer, tile, std::vector<model::Camera>{stale, fresh, never}, options);
        auto features = decode_tile(encode_tile(std::span(&layer, 1))).at(0).features;
        ASSERT_EQ(features.size(), 3u);
        std::map<std::uint64_t, bool> marked;
        for (const auto& f : features) {
            auto it = f.properties.find("stale");
            if (it != f.properties.end()) {
                EXPECT_TRUE(std::get<bool>(it->second));
            }
            marked[f.id.value_or(0)] = it != f.properties.end();
        }
        EXPECT_EQ(marked, (std::map<std::uint64_t, bool>{{1, true}, {2, false}, {3, true}}));
    }
    // Without a cut-off nothing is stale (and the bytes are what they were before freshness).
    auto plain = render(tile, {stale, never});
    for (const auto& f : plain)
        EXPECT_FALSE(f.properties.contains("stale"));
}

TEST(CameraLayer, LeavesOutAbsentTagsAndKeepsBufferedNeighbours) {
    geo::TileId tile{16, 36492, 23623};
    auto features = render(tile, {camera(1, in_cell(tile, 0, 0, -128 - 40)),     // 40 units left
                                  camera(2, in_cell(tile, 0, 0, -128 - 100))});  // beyond buffer
    ASSERT_EQ(features.size(), 1u);
    EXPECT_EQ(features[0].id, 1u);
    EXPECT_FALSE(features[0].properties.contains("mount"));
    EXPECT_FALSE(features[0].properties.contains("direction"));
    EXPECT_EQ(std::get<std::string>(features[0].properties.at("type")), "unknown");
}

TEST(CameraLayer, ClustersByTheTileAlignedGridBelowTheClusterZoom) {
    geo::TileId tile{12, 2280, 1476};
    std::vector<model::Camera> cameras{
        camera(1, in_cell(tile, 5, 5, -100, -100)), camera(2, in_cell(tile, 5, 5, 100, 100)),
        camera(3, in_cell(tile, 5, 5, 0, 0)),       camera(4, in_cell(tile, 9, 2)),
        camera(5, in_cell(tile, 0, 0, -200, 0)),  // in the neighbouring tile: not here
    };
    auto features = render(tile, cameras);
    ASSERT_EQ(features.size(), 2u);
    // Cells are emitted row by row: (9, 2) before (5, 5).
    EXPECT_EQ(features[0].id, 4u);
    EXPECT_FALSE(features[0].properties.contains("cluster"));
    EXPECT_TRUE(std::get<bool>(features[1].properties.at("cluster")));
    EXPECT_EQ(std::get<std::int64_t>(features[1].properties.at("count")), 3);
    EXPECT_FALSE(features[1].id.has_value());
    auto at = testing::decode_geometry(features[1].geometry).at(0).at(0);
    EXPECT_NEAR(at.first, 5 * 256 + 128, 1);  // the mean position
    EXPECT_NEAR(at.second, 5 * 256 + 128, 1);
}

TEST(CameraLayer, ClustersAreDeterministicAndNeverStraddleTiles) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> lat(44.70, 44.92);
    std::uniform_real_distribution<double> lon(20.30, 20.62);
    std::vector<model::Camera> cameras;
    for (int i = 1; i <= 3000; ++i)
        cameras.push_back(camera(i, {lat(rng), lon(rng)}));
    geo::TileId parent{10, 570, 369};
    // Same input, same bytes.
    auto encode = [&](geo::TileId t) {
        LayerBuilder layer("cameras");
        build_camera_layer(layer, t, cameras, CameraLayerOptions{});
        return encode_tile(std::span(&layer, 1));
    };
    EXPECT_EQ(encode(parent), encode(parent));
    // Every camera is counted in exactly one tile of a zoom.
    std::int64_t total = 0;
    for (std::uint32_t dx = 0; dx < 2; ++dx)
        for (std::uint32_t dy = 0; dy < 2; ++dy)
            for (const auto& f : render({11, parent.x * 2 + dx, parent.y * 2 + dy}, cameras))
                total += f.properties.contains("count")
                             ? std::get<std::int64_t>(f.properties.at("count"))
                             : 1;
    std::int64_t inside = 0;
    auto b = geo::tile_bounds(parent);
    for (const auto& c : cameras)
        inside += b.contains(c.location) ? 1 : 0;
    EXPECT_EQ(total, inside);
}

}  // namespace
}  // namespace sightline::tiles
