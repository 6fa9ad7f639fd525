// Administrative boundaries read as districts (tests/fixtures/osm/districts.osm).

#include <algorithm>

#include <gtest/gtest.h>

#include "geo/polygon.hpp"
#include "osm_test_support.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace sightline::osm {
namespace {

using testing::fixture;
using testing::read_fixture;
using testing::TempDir;

const model::District* find(const model::OsmExtract& e, std::string_view name) {
    auto it = std::find_if(e.districts.begin(), e.districts.end(),
                           [&](const model::District& d) { return d.name == name; });
    return it == e.districts.end() ? nullptr : &*it;
}

}  // namespace

TEST(Districts, TheFinestLevelPresentIsChosenWithItsNames) {
    auto e = read_fixture("districts.osm");
    EXPECT_EQ(e.district_level, 9);
    ASSERT_EQ(e.districts.size(), 3u);  // Istok, Zapad complete; Cut incomplete; City is level 8
    EXPECT_EQ(e.districts[0].name, "Istok");
    EXPECT_EQ(e.districts[1].name, "Zapad");
    EXPECT_EQ(e.districts[2].name, "Cut");
    const auto* west = find(e, "Zapad");
    ASSERT_NE(west, nullptr);
    EXPECT_TRUE(west->complete);
    EXPECT_TRUE(west->from_relation);
    EXPECT_EQ(west->osm_id, 1001);
    EXPECT_EQ(west->admin_level, 9);
    std::vector<std::pair<std::string, std::string>> names{
        {"en", "West"}, {"sr", "Запад"}, {"sr-Latn", "Zapad"}};
    EXPECT_EQ(west->names, names);
    ASSERT_EQ(west->polygons.size(), 1u);
    EXPECT_TRUE(geo::contains(west->polygons, {44.803, 20.41}));
    EXPECT_FALSE(geo::contains(west->polygons, {44.806, 20.43}));
}

TEST(Districts, ABoundaryCutByTheEdgeIsIncompleteWithoutAnOutline) {
    auto e = read_fixture("districts.osm");
    const auto* cut = find(e, "Cut");
    ASSERT_NE(cut, nullptr);
    EXPECT_FALSE(cut->complete);
    EXPECT_TRUE(cut->polygons.empty());
    EXPECT_EQ(cut->osm_id, 1003);
}

TEST(Districts, TheLevelCanBeChosen) {
    ImportOptions options;
    options.district_level = 8;
    auto e = read_osm_file(fixture("districts.osm"), options);
    ASSERT_TRUE(e) << e.error().message;
    EXPECT_EQ(e->district_level, 8);
    ASSERT_EQ(e->districts.size(), 1u);
    EXPECT_EQ(e->districts[0].name, "City");
    EXPECT_NEAR(geo::area_m2(e->districts[0].polygons) / 1e6, 7.4, 0.3);  // 0.05° x 0.017°
}

TEST(Districts, AnExtractWithoutBoundariesHasNone) {
    auto e = read_fixture("basic.osm");
    EXPECT_EQ(e.district_level, 0);
    EXPECT_TRUE(e.districts.empty());
}

// The import writes with the tables' CHECKs off: a district said to be complete but without an
// outline (which the reader never makes) is stored as incomplete, as the table asks.
TEST(Districts, ADistrictWithoutAnOutlineIsStoredAsIncomplete) {
    auto extract = read_fixture("districts.osm");
    ASSERT_EQ(extract.districts.size(), 3u);
    ASSERT_TRUE(extract.districts[0].complete);
    extract.districts[0].polygons.clear();
    TempDir dir;
    auto store = store::open_sqlite_store(dir.path());
    auto summary = store->apply_osm_import(extract, {"import", "", 1'700'000'000});
    ASSERT_TRUE(summary) << summary.error().message;
    EXPECT_EQ(summary->districts, 1);
    EXPECT_EQ(summary->districts_incomplete, 2);
    for (const auto& d : store->districts(/*with_polygons=*/true))
        EXPECT_EQ(d.complete, !d.polygons.empty()) << d.name;
}

TEST(Districts, TheStoreKeepsThemWithTheirOutlinesAndReplacesThemOnReimport) {
    auto extract = read_fixture("districts.osm");
    ASSERT_EQ(extract.districts.size(), 3u);
    TempDir dir;
    auto store = store::open_sqlite_store(dir.path());
    auto summary = store->apply_osm_import(extract, {"import", "", 1'700'000'000});
    ASSERT_TRUE(summary) << summary.error().message;
    EXPECT_EQ(summary->districts, 2);
    EXPECT_EQ(summary->districts_incomplete, 1);
    EXPECT_EQ(summary->district_level, 9);

    auto stored = store->districts(/*with_polygons=*/true);
    ASSERT_EQ(stored.size(), 3u);
    EXPECT_EQ(stored[0].name, "Istok");
    EXPECT_EQ(stored[1].name, "Zapad");
    EXPECT_EQ(stored[2].name, "Cut");
    EXPECT_FALSE(stored[2].complete);
    EXPECT_TRUE(stored[2].polygons.empty());
    EXPECT_EQ(stored[1].names, extract.districts[1].names);
    // The outline comes back as it went in, to the store's 1e-7 degrees.
    const auto& in = extract.districts[1].polygons;
    const auto& out = stored[1].polygons;
    ASSERT_EQ(out.size(), in.size());
    ASSERT_EQ(out[0].size(), in[0].size());
    ASSERT_EQ(out[0][0].size(), in[0][0].size());
    for (std::size_t i = 0; i < in[0][0].size(); ++i) {
        EXPECT_NEAR(out[0][0][i].lat, in[0][0][i].lat, 1e-7);
        EXPECT_NEAR(out[0][0][i].lon, in[0][0][i].lon, 1e-7);
    }
    EXPECT_TRUE(store->districts(false)[1].polygons.empty());
    auto one = store->find_district(stored[1].id);
    ASSERT_TRUE(one);
    EXPECT_EQ(one->name, "Zapad");
    EXPECT_EQ(one->polygons.size(), 1u);
    EXPECT_FALSE(store->find_district(999'999));

    // The same area again at level 8: the level-9 districts inside its bounds go.
    ImportOptions options;
    options.district_level = 8;
    auto city = read_osm_file(fixture("districts.osm"), options);
    ASSERT_TRUE(city);
    ASSERT_TRUE(store->apply_osm_import(*city, {"import", "", 1'700'000'100}));
    auto after = store->districts(false);
    std::vector<std::string> names;
    for (const auto& d : after)
        if (d.complete) names.push_back(d.name);
    EXPECT_EQ(names, std::vector<std::string>{"City"});
}

}  // namespace sightline::osm
