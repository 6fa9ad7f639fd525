#include "tiles/tile_service.hpp"

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>
#include <zlib.h>

#include "core/clock.hpp"
#include "mvt_test_support.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/temp_dir.hpp"

namespace sightline::tiles {
namespace {

using TempDir = sightline::testing::TempDir;  // tests/support/temp_dir.hpp

std::string gunzip(const std::string& in) {
    z_stream zs{};
    EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
    std::string out(in.size() * 20 + 1024, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
    out.resize(zs.total_out);
    inflateEnd(&zs);
    return out;
}

constexpr geo::LatLon belgrade{44.8125, 20.4612};

class TileServiceTest : public ::testing::Test {
  protected:
    void add_camera(geo::LatLon at) {
        model::NewCamera c;
        c.location = at;
        c.status = model::CameraStatus::verified;
        c.tags = {{"man_made", "surveillance"}, {"camera:type", "fixed"}};
        ASSERT_TRUE(m_store->insert_cameras({c}, store::Decision{"test", "", 1700000000}));
    }
    TempDir m_dir;
    std::unique_ptr<store::SqliteStore> m_store = store::open_sqlite_store(m_dir.path());
};

TEST_F(TileServiceTest, RendersCamerasWithGzipAndEtag) {
    add_camera(belgrade);
    TileService service(*m_store, *m_store);
    auto tile = service.render(geo::tile_of(belgrade, 16));
    ASSERT_TRUE(tile.has_value());
    auto layers = testing::decode_tile(tile->data);
    ASSERT_EQ(layers.size(), 1u);
    EXPECT_EQ(layers[0].name, "cameras");
    EXPECT_EQ(layers[0].features.size(), 1u);
    EXPECT_EQ(gunzip(tile->gzip), tile->data);
    EXPECT_TRUE(tile->etag.starts_with("W/\""));
}

TEST_F(TileServiceTest, DrawsViewshedsUnderTheCamerasFromTheMinimumZoomOn) {
    add_camera(belgrade);
    TileOptions options;
    geo::BBox asked{};
    options.viewsheds = [&asked](const geo::BBox& box) {
        asked = box;
        // A 40 m square around the camera at "observe", and one at "detect".
        const double d = 0.0002;
        std::vector<geo::LatLon> square{{belgrade.lat - d, belgrade.lon - d},
                                        {belgrade.lat - d, belgrade.lon + d},
                                        {belgrade.lat + d, belgrade.lon + d},
                                        {belgrade.lat + d, belgrade.lon - d}};
        return std::vector<ViewshedShape>{{7, 1, "observe", {square}}, {7, 0, "detect", {square}}};
    };
    options.viewshed_min_zoom = 15;
    TileService service(*m_store, *m_store, options);
    EXPECT_EQ(service.layer_names(),
              (std::vector<std::string>{"water", "parks", "streets", "buildings", "viewsheds",
                                        "cameras"}));
    auto tile = service.render(geo::tile_of(belgrade, 16));
    ASSERT_TRUE(tile.has_value());
    EXPECT_TRUE(asked.contains(belgrade));
    auto layers = testing::decode_tile(tile->data);
    ASSERT_EQ(layers.size(), 2u);
    EXPECT_EQ(layers[0].name, "viewsheds");
    EXPECT_EQ(layers[1].name, "cameras");
    ASSERT_EQ(layers[0].features.size(), 2u);
    // Coarsest level first, so finer levels are drawn on top.
    EXPECT_EQ(std::get<std::string>(layers[0].features[0].properties.at("level_name")), "detect");
    EXPECT_EQ(std::get<std::int64_t>(layers[0].features[1].properties.at("level")), 1);
    EXPECT_EQ(std::get<std::int64_t>(layers[0].features[1].properties.at("camera_id")), 7);
    EXPECT_EQ(layers[0].features[0].type, 3u);  // polygon

    auto low = service.render(geo::tile_of(belgrade, 14));
    ASSERT_TRUE(low.has_value());
    for (const auto& layer : testing::decode_tile(low->data))
        EXPECT_NE(layer.name, "viewsheds") << "no viewsheds below the minimum zoom";
}

TEST_F(TileServiceTest, AnEmptyTileHasNoBytes) {
    TileService service(*m_store, *m_store);
    auto tile = service.render({3, 0, 0});
    ASSERT_TRUE(tile.has_value());
    EXPECT_TRUE(tile->data.empty());
    EXPECT_TRUE(tile->gzip.empty());
    EXPECT_FALSE(tile->etag.empty());
}

TEST_F(TileServiceTest, RejectsTilesOutOfRange) {
    TileService service(*m_store);
    auto tile = service.render({2, 4, 0});
    ASSERT_FALSE(tile.has_value());
    EXPECT_EQ(tile.error().code, Errc::invalid_argument);
}

TEST_F(TileServiceTest, CachesUntilACameraChanges) {
    add_camera(belgrade);
    TileService service(*m_store, *m_store);
    auto id = geo::tile_of(belgrade, 15);
    auto first = service.render(id);
    auto second = service.render(id);
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->etag, second->etag);
    EXPECT_EQ(service.cache_stats().hits, 1u);
    add_camera({belgrade.lat + 0.0001, belgrade.lon});
    auto third = service.render(id);
    ASSERT_TRUE(third.has_value());
    EXPECT_NE(third->etag, first->etag);
    EXPECT_EQ(testing::decode_tile(third->data).at(0).features.size(), 2u);
    EXPECT_EQ(service.cache_stats().entries, 1u);  // the stale entry was dropped
}

TEST_F(TileServiceTest, KeepsTheCacheWithinItsByteBudget) {
    add_camera(belgrade);
    TileOptions options;
    options.cache_bytes = 2000;
    TileService service(*m_store, options);
    for (std::uint32_t x = 0; x < 64; ++x)
        ASSERT_TRUE(service.render({6, x, 10}));
    auto stats = service.cache_stats();
    EXPECT_LE(stats.bytes, 2000u);
    EXPECT_GT(stats.entries, 0u);
}

}  // namespace
}  // namespace sightline::tiles

namespace sightline::tiles {
namespace {

TEST_F(TileServiceTest, TheCameraSnapshotRendersTheSameBytesAsTheStore) {
    std::vector<model::NewCamera> cameras;
    const char* mounts[] = {"wall", "pole", ""};
    const char* directions[] = {"90", "NE;180", "", "x"};
    for (int i = 0; i < 600; ++i) {
        model::NewCamera c;
        c.location = {44.80 + (i % 29) * 0.0011, 20.44 + (i % 31) * 0.0013 + i * 1e-6};
        c.status = i % 7 == 0 ? model::CameraStatus::reported : model::CameraStatus::verified;
        c.tags = {{"man_made", "surveillance"}, {"camera:type", i % 2 ? "dome" : "fixed"}};
        if (*mounts[i % 3]) c.tags["camera:mount"] = mounts[i % 3];
        if (*directions[i % 4] && i % 4 != 3) c.tags["camera:direction"] = directions[i % 4];
        if (i % 5 == 0) c.tags["camera:angle"] = "30";
        cameras.push_back(c);
    }
    auto ids = m_store->insert_cameras(cameras, store::Decision{"test", "", 1700000000});
    ASSERT_TRUE(ids);
    // Some confirmed this hour (fresh), the others stale since 2024 or never confirmed.
    for (std::size_t i = 0; i < ids->size(); i += 11)
        ASSERT_TRUE(
            m_store->insert_check((*ids)[i], {true, "", {}}, round_down_to_hour(unix_now())));
    TileOptions from_store;
    from_store.camera_index = false;
    TileService reference(*m_store, *m_store, from_store);
    TileService indexed(*m_store, *m_store);
    ASSERT_TRUE(indexed.prepare());
    int non_empty = 0;
    for (int z : {0, 8, 12, 13, 14, 15, 16}) {
        auto centre = geo::tile_of({44.815, 20.46}, z);
        for (int dx = -1; dx <= 1; ++dx)
            for (int dy = -1; dy <= 1; ++dy) {
                geo::TileId tile{z, centre.x + dx, centre.y + dy};
                if (!tile.is_valid()) continue;
                auto a = reference.render_uncached(tile);
                auto b = indexed.render_uncached(tile);
                ASSERT_TRUE(a && b);
                EXPECT_EQ(*a, *b) << "tile " << z << "/" << tile.x << "/" << tile.y;
                non_empty += a->empty() ? 0 : 1;
            }
    }
    EXPECT_GT(non_empty, 10);
}

// Issue 14: cameras nobody confirmed for the stale age carry stale=true, from the store and from
// the snapshot alike; a "still there" check makes the tile fresh again.
TEST_F(TileServiceTest, MarksStaleCamerasAndForgetsCachedTilesWhenOneIsConfirmed) {
    add_camera(belgrade);  // verified in November 2023: stale a year later
    auto id = geo::tile_of(belgrade, 16);
    auto stale_attribute = [&](TileService& service) {
        auto tile = service.render(id);
        EXPECT_TRUE(tile);
        const auto layers = testing::decode_tile(tile->data);  // kept: p refers into it
        const auto& p = layers.at(0).features.at(0).properties;
        return p.contains("stale") && std::get<bool>(p.at("stale"));
    };
    for (bool snapshot : {false, true}) {
        SCOPED_TRACE(snapshot);
        TileOptions options;
        options.camera_index = snapshot;
        TileService service(*m_store, *m_store, options);
        if (snapshot) {
            ASSERT_TRUE(service.prepare());
        }
        EXPECT_TRUE(stale_attribute(service));
        options.stale_after_s = 0;
        TileService never_stale(*m_store, *m_store, options);
        EXPECT_FALSE(stale_attribute(never_stale));
    }
    TileService service(*m_store, *m_store);
    ASSERT_TRUE(service.prepare());
    EXPECT_TRUE(stale_attribute(service));
    auto camera = m_store->find_cameras({}).at(0);
    ASSERT_TRUE(m_store->insert_check(camera.id, {true, "", {}}, round_down_to_hour(unix_now())));
    EXPECT_FALSE(stale_attribute(service)) << "the cached stale tile is not served";
}

TEST_F(TileServiceTest, TheSnapshotIsNotUsedOnceCamerasChange) {
    add_camera(belgrade);
    TileService service(*m_store, *m_store);
    ASSERT_TRUE(service.prepare());
    auto id = geo::tile_of(belgrade, 16);
    auto before = service.render_uncached(id);
    add_camera({belgrade.lat + 0.0001, belgrade.lon});
    auto after = service.render_uncached(id);  // the snapshot is stale: read from the store
    ASSERT_TRUE(before && after);
    EXPECT_EQ(testing::decode_tile(*after).at(0).features.size(), 2u);
}

}  // namespace
}  // namespace sightline::tiles

namespace sightline::tiles {
namespace {

// The snapshot precomputes every cluster zoom's cells: at each zoom below the cluster zoom its
// tiles must have the bytes of clustering the store's cameras on the fly, cameras exactly on tile
// and cell edges (counted once, on the south-east side) and cells of one camera included.
TEST_F(TileServiceTest, PrecomputedClustersHaveTheBytesOfClusteringOnTheFly) {
    std::vector<model::NewCamera> cameras;
    auto add = [&](geo::LatLon at, int i) {
        model::NewCamera c;
        c.location = at;
        c.status = i % 5 == 0 ? model::CameraStatus::reported : model::CameraStatus::verified;
        c.tags = {{"man_made", "surveillance"}, {"camera:type", i % 2 ? "dome" : "fixed"}};
        cameras.push_back(c);
    };
    // A dense block, a sparse scatter, and cameras on the edges of z2..z13 tiles (longitude
    // 22.5 and 45 degrees are tile edges from z3 and z2 on; latitude 0 from z1).
    for (int i = 0; i < 400; ++i)
        add({44.80 + (i % 20) * 0.0007, 20.44 + (i / 20) * 0.0009}, i);
    for (int i = 0; i < 60; ++i)
        add({40.0 + i * 0.23, 15.0 + (i * 7 % 60) * 0.21}, i);
    for (int i = 0; i < 12; ++i) {
        add({44.81 + i * 0.01, 22.5}, i);
        add({0.0, 45.0 + i * 0.3}, i);
        add({44.9, 22.5 + 360.0 / 8192 * i}, i);  // z13 tile edges
    }
    ASSERT_TRUE(m_store->insert_cameras(cameras, store::Decision{"test", "", 1700000000}));
    TileOptions from_store;
    from_store.camera_index = false;
    TileService reference(*m_store, *m_store, from_store);
    TileService indexed(*m_store, *m_store);
    ASSERT_TRUE(indexed.prepare());
    int clusters = 0;
    for (int z = 0; z < 14; ++z)
        for (geo::LatLon at :
             {geo::LatLon{44.81, 20.45}, geo::LatLon{44.85, 22.49}, geo::LatLon{44.85, 22.51},
              geo::LatLon{0.01, 45.5}, geo::LatLon{-0.01, 45.5}, geo::LatLon{42.0, 17.0},
              geo::LatLon{44.9, 22.51}}) {
            auto tile = geo::tile_of(at, z);
            auto a = reference.render_uncached(tile);
            auto b = indexed.render_uncached(tile);
            ASSERT_TRUE(a && b);
            EXPECT_EQ(*a, *b) << "tile " << z << "/" << tile.x << "/" << tile.y;
            for (const auto& layer : testing::decode_tile(*a))
                for (const auto& f : layer.features)
                    clusters += f.properties.contains("cluster") ? 1 : 0;
        }
    EXPECT_GT(clusters, 30);
}

}  // namespace
}  // namespace sightline::tiles

namespace sightline::tiles {
namespace {

// A cluster tile asked for before the snapshot exists waits for the build it starts instead of
// reading every camera from the store: when it returns, the snapshot is there.
TEST_F(TileServiceTest, AClusterTileWaitsForTheSnapshotBuildItStarts) {
    std::vector<model::NewCamera> cameras;
    for (int i = 0; i < 5000; ++i) {
        model::NewCamera c;
        c.location = {44.0 + (i % 70) * 0.01, 20.0 + (i / 70) * 0.01};
        c.status = model::CameraStatus::verified;
        c.tags = {{"man_made", "surveillance"}, {"camera:type", "fixed"}};
        cameras.push_back(c);
    }
    ASSERT_TRUE(m_store->insert_cameras(cameras, store::Decision{"test", "", 1700000000}));
    TileOptions from_store;
    from_store.camera_index = false;
    TileService reference(*m_store, *m_store, from_store);
    const auto version = m_store->camera_version();
    for (int z : {0, 5, 13}) {
        TileService service(*m_store, *m_store);
        auto tile = geo::tile_of({44.3, 20.3}, z);
        auto rendered = service.render_uncached(tile);
        EXPECT_NE(service.camera_snapshot(version), nullptr) << "z" << z;
        ASSERT_TRUE(rendered);
        EXPECT_EQ(*rendered, *reference.render_uncached(tile));
    }
    // A point tile does not wait: it reads its few cameras from the store.
    TileService service(*m_store, *m_store);
    auto tile = geo::tile_of({44.3, 20.3}, 16);
    auto rendered = service.render_uncached(tile);
    ASSERT_TRUE(rendered);
    EXPECT_EQ(*rendered, *reference.render_uncached(tile));
}

}  // namespace
}  // namespace sightline::tiles
