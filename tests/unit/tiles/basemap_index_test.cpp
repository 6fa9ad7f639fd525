#include "tiles/basemap_index.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "mvt_test_support.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/temp_dir.hpp"
#include "tiles/tile_service.hpp"

namespace sightline::tiles {
namespace {

using TempDir = sightline::testing::TempDir;  // tests/support/temp_dir.hpp

// A map over ~0.8 x 0.6 degrees (several of the index's 0.25-degree chunks), with features
// written in an order other than their OSM ids' and some crossing chunk edges.
model::OsmExtract test_map() {
    model::OsmExtract e;
    e.source_name = "test";
    e.bounds = geo::BBox{20.0, 44.5, 20.8, 45.1};
    const char* classes[] = {"primary", "residential", "secondary", "footway",
                             "trunk",   "tertiary",    "service"};
    for (int i = 0; i < 140; ++i) {
        const double lat = 44.52 + (i % 14) * 0.04;
        const double lon = 20.02 + (i / 14) * 0.075;
        model::Street s;
        s.osm_way_id = 1000 + (i * 37) % 140;  // not in insertion order
        s.highway = classes[i % 7];
        s.name = i % 3 ? "Street " + std::to_string(i % 5) : "";
        // Long ones cross several chunks; short ones stay in one.
        const double length = i % 4 == 0 ? 0.3 : 0.004;
        s.points = {
            {lat, lon}, {lat + length / 3, lon + length / 2}, {lat + length / 2, lon + length}};
        e.streets.push_back(s);
    }
    for (int i = 0; i < 60; ++i) {
        const double lat = 44.53 + (i % 10) * 0.05;
        const double lon = 20.03 + (i / 10) * 0.12;
        const double side = i % 5 == 0 ? 0.3 : 0.01;
        model::Area a;
        a.osm_id = 500 + (i * 7) % 60;
        a.from_relation = i % 6 == 0;
        a.kind = i % 3 == 0   ? model::AreaKind::water
                 : i % 3 == 1 ? model::AreaKind::park
                              : model::AreaKind::building;
        a.name = i % 2 ? "Area " + std::to_string(i) : "";
        a.height_m = a.kind == model::AreaKind::building ? 12 : 0;
        a.rings = {{{lat, lon},
                    {lat, lon + side},
                    {lat + side, lon + side},
                    {lat + side, lon},
                    {lat, lon}}};
        if (i % 4 == 0)  // a hole
            a.rings.push_back({{lat + side / 4, lon + side / 4},
                               {lat + side / 4, lon + side / 2},
                               {lat + side / 2, lon + side / 2},
                               {lat + side / 4, lon + side / 4}});
        e.areas.push_back(a);
    }
    return e;
}

class BasemapIndexTest : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_TRUE(m_store->apply_osm_import(test_map(), {"import", "", 1})); }
    TempDir m_dir;
    std::unique_ptr<store::SqliteStore> m_store = store::open_sqlite_store(m_dir.path());
};

TEST_F(BasemapIndexTest, HoldsEachMajorStreetWaterAndParkOnceInIdOrder) {
    auto index = BasemapIndex::build(*m_store);
    ASSERT_TRUE(index);
    EXPECT_EQ(index->version(), m_store->map_version());
    const geo::BBox world{-180, -85, 180, 85};
    std::vector<std::int64_t> streets;
    index->for_each_street(world, [&](const StreetView& s) {
        EXPECT_TRUE(is_major_street(s.highway)) << s.highway;
        EXPECT_EQ(s.points.size(), 3u);
        streets.push_back(s.osm_way_id);
    });
    std::size_t major = 0;
    for (const auto& s : test_map().streets)
        major += is_major_street(s.highway) ? 1 : 0;
    EXPECT_EQ(streets.size(), major);
    EXPECT_EQ(index->street_count(), major);
    EXPECT_TRUE(std::is_sorted(streets.begin(), streets.end()));
    EXPECT_EQ(std::adjacent_find(streets.begin(), streets.end()), streets.end());

    for (auto kind : {model::AreaKind::water, model::AreaKind::park}) {
        std::vector<std::pair<std::int64_t, bool>> areas;
        index->for_each_area(world, kind, [&](const AreaView& a) {
            areas.emplace_back(a.osm_id, a.from_relation);
            EXPECT_GE(a.rings.size(), 1u);
            EXPECT_EQ(a.rings[0].size(), 5u);
        });
        std::size_t expected = 0;
        for (const auto& a : test_map().areas)
            expected += a.kind == kind ? 1 : 0;
        EXPECT_EQ(areas.size(), expected);
        EXPECT_TRUE(std::is_sorted(areas.begin(), areas.end()));
    }
    std::size_t buildings = 0;
    index->for_each_area(world, model::AreaKind::building, [&](const AreaView&) { ++buildings; });
    EXPECT_EQ(buildings, 0u) << "buildings stay in the store";
}

TEST_F(BasemapIndexTest, FindsWhatTouchesTheBoxOnly) {
    auto index = BasemapIndex::build(*m_store);
    ASSERT_TRUE(index);
    const geo::BBox box{20.1, 44.6, 20.2, 44.7};
    std::vector<std::int64_t> from_index;
    index->for_each_street(box, [&](const StreetView& s) { from_index.push_back(s.osm_way_id); });
    std::vector<std::int64_t> from_store;
    m_store->for_each_street(box, [&](const model::Street& s) {
        if (is_major_street(s.highway)) from_store.push_back(s.osm_way_id);
    });
    std::sort(from_store.begin(), from_store.end());
    EXPECT_FALSE(from_index.empty());
    EXPECT_EQ(from_index, from_store);
}

TEST_F(BasemapIndexTest, TilesFromTheSnapshotHaveTheStoresBytes) {
    TileOptions from_store;
    from_store.basemap_index = false;
    from_store.camera_index = false;
    TileService reference(*m_store, *m_store, from_store);
    TileOptions indexed_options;
    indexed_options.camera_index = false;
    TileService indexed(*m_store, *m_store, indexed_options);
    ASSERT_TRUE(indexed.prepare());
    int non_empty = 0;
    std::set<std::string> layers_seen;
    for (int z = 8; z <= 14; ++z)
        for (geo::LatLon at : {geo::LatLon{44.8, 20.4}, geo::LatLon{44.6, 20.1},
                               geo::LatLon{45.0, 20.7}, geo::LatLon{44.75, 20.25}}) {
            auto tile = geo::tile_of(at, z);
            auto a = reference.render_uncached(tile);
            auto b = indexed.render_uncached(tile);
            ASSERT_TRUE(a && b);
            EXPECT_EQ(*a, *b) << "tile " << z << "/" << tile.x << "/" << tile.y;
            non_empty += a->empty() ? 0 : 1;
            for (const auto& layer : testing::decode_tile(*a))
                layers_seen.insert(layer.name);
        }
    EXPECT_GT(non_empty, 15);
    EXPECT_EQ(layers_seen, (std::set<std::string>{"buildings", "parks", "streets", "water"}));
}

TEST_F(BasemapIndexTest, AnImportMakesTheSnapshotStaleAndTilesReadTheStore) {
    TileOptions options;
    options.camera_index = false;
    TileService service(*m_store, *m_store, options);
    ASSERT_TRUE(service.prepare());
    auto tile = geo::tile_of({44.8, 20.4}, 10);
    auto before = service.render_uncached(tile);
    auto extract = test_map();
    for (auto& s : extract.streets)
        s.highway = "primary";
    ASSERT_TRUE(m_store->apply_osm_import(extract, {"import", "", 2}));
    auto after = service.render_uncached(tile);
    ASSERT_TRUE(before && after);
    auto count = [](const std::string& bytes) {
        for (const auto& layer : testing::decode_tile(bytes))
            if (layer.name == "streets") return layer.features.size();
        return std::size_t{0};
    };
    EXPECT_GT(count(*after), count(*before));
}

}  // namespace
}  // namespace sightline::tiles
