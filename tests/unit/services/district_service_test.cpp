// DistrictService over a real SQLite store: three square districts 2 km apart, a street across
// each. After a camera change only the districts within its reach are measured again, and what
// they say equals a measurement of everything from scratch.

#include <cmath>
#include <filesystem>
#include <numbers>
#include <random>

#include <gtest/gtest.h>

#include "services/analysis_service.hpp"
#include "services/district_service.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace sightline::services {
namespace {

constexpr double lat0 = 44.8;
const double metres_per_lon = 111'320.0 * std::cos(lat0 * std::numbers::pi / 180.0);

geo::LatLon at(double x_m, double y_m) {
    return {lat0 + y_m / 111'320.0, 20.4 + x_m / metres_per_lon};
}

model::NewCamera dome_at(geo::LatLon where, int range_m = 40) {
    model::NewCamera camera;
    camera.location = where;
    camera.status = model::CameraStatus::verified;
    camera.tags = {{"man_made", "surveillance"},
                   {"camera:type", "dome"},
                   {"sightline:range_m", std::to_string(range_m)},
                   {"sightline:hfov_deg", "360"}};
    return camera;
}

class DistrictServiceTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::random_device rd;
        m_dir = std::filesystem::temp_directory_path() /
                ("sightline-districts-" + std::to_string(rd()));
        m_store = store::open_sqlite_store(m_dir);
        model::OsmExtract extract;
        extract.source_name = "three";
        extract.bounds =
            geo::BBox{at(-500, -500).lon, at(-500, -500).lat, at(5500, 500).lon, at(5500, 500).lat};
        extract.district_level = 9;
        for (int i = 0; i < 3; ++i) {
            const double x = i * 2500.0;  // 1.5 km of nothing between neighbours
            model::District d;
            d.osm_id = 100 + i;
            d.admin_level = 9;
            d.name = std::string("District ") + static_cast<char>('A' + i);
            d.polygons = {{{at(x - 500, -500), at(x + 500, -500), at(x + 500, 500),
                            at(x - 500, 500), at(x - 500, -500)}}};
            extract.districts.push_back(d);
            extract.streets.push_back(
                {i + 1, "residential", "", {at(x - 400, 0), at(x, 0), at(x + 400, 0)}});
        }
        ASSERT_TRUE(m_store->apply_osm_import(extract, {"import", "", 1}));
        for (int i = 0; i < 3; ++i)
            add(dome_at(at(i * 2500.0, 5)));
    }
    void TearDown() override {
        m_store.reset();
        std::filesystem::remove_all(m_dir);
    }
    model::CameraId add(const model::NewCamera& camera) {
        auto ids = m_store->insert_cameras({camera}, {"test", "", 2});
        EXPECT_TRUE(ids) << ids.error().message;
        return ids->front();
    }
    // Every figure of a table measured from scratch by a new service.
    void expect_same_as_from_scratch(const DistrictTable& table) {
        AnalysisService analysis(*m_store, *m_store);
        DistrictService fresh(*m_store, *m_store, analysis);
        auto full = fresh.table();
        ASSERT_TRUE(full);
        ASSERT_EQ((*full)->districts.size(), table.districts.size());
        for (std::size_t i = 0; i < table.districts.size(); ++i) {
            const auto& want = (*full)->districts[i];
            const auto& got = table.districts[i];
            EXPECT_EQ(got.district.name, want.district.name);
            EXPECT_EQ(got.cameras, want.cameras) << want.district.name;
            EXPECT_NEAR(got.street_m, want.street_m, 1e-6) << want.district.name;
            for (std::size_t level = 0; level < want.watched_m.size(); ++level)
                EXPECT_NEAR(got.watched_m[level], want.watched_m[level], 1e-6)
                    << want.district.name << " level " << level;
        }
    }

    std::filesystem::path m_dir;
    std::unique_ptr<store::SqliteStore> m_store;
};

TEST_F(DistrictServiceTest, ACameraChangeMeasuresOnlyTheDistrictsWithinItsReach) {
    AnalysisService analysis(*m_store, *m_store);
    DistrictService districts(*m_store, *m_store, analysis);
    auto first = districts.table();
    ASSERT_TRUE(first);
    EXPECT_EQ((*first)->measured, 3u);
    ASSERT_EQ((*first)->districts.size(), 3u);
    EXPECT_EQ((*first)->districts[1].district.name, "District B") << "by name";
    const double watched_before = (*first)->districts[1].watched_m[0];

    add(dome_at(at(2500 + 200, 5), 60));  // in B, far from A and C
    auto second = districts.table();
    ASSERT_TRUE(second);
    EXPECT_EQ((*second)->measured, 1u);
    EXPECT_EQ((*second)->districts[1].cameras, 2);
    EXPECT_GT((*second)->districts[1].watched_m[0], watched_before + 50);
    expect_same_as_from_scratch(**second);

    // One camera removed in A and one added in C: both are measured again, not B.
    ASSERT_TRUE(m_store->remove_camera(model::CameraId{1}, {"moderator", "gone", 5}));
    add(dome_at(at(5000 - 100, 5)));
    auto third = districts.table();
    ASSERT_TRUE(third);
    EXPECT_EQ((*third)->measured, 2u);
    EXPECT_EQ((*third)->districts[0].cameras, 0);
    EXPECT_EQ((*third)->districts[2].cameras, 2);
    expect_same_as_from_scratch(**third);
}

TEST_F(DistrictServiceTest, ManyChangesMeasureEverythingAgain) {
    AnalysisService analysis(*m_store, *m_store);
    DistrictService districts(*m_store, *m_store, analysis);
    ASSERT_TRUE(districts.table());
    std::vector<model::NewCamera> many;
    for (std::size_t i = 0; i <= DistrictService::max_incremental_cameras; ++i)
        many.push_back(dome_at(at(-300 + static_cast<double>(i % 600), -300), 5));
    ASSERT_TRUE(m_store->insert_cameras(many, {"test", "", 3}));
    auto table = districts.table();
    ASSERT_TRUE(table);
    EXPECT_EQ((*table)->measured, 3u);
    expect_same_as_from_scratch(**table);
}

}  // namespace
}  // namespace sightline::services

namespace sightline::services {
namespace {

TEST_F(DistrictServiceTest, AStoppedServiceGivesUpInsteadOfMeasuring) {
    AnalysisService analysis(*m_store, *m_store);
    DistrictService districts(*m_store, *m_store, analysis);
    districts.stop();
    auto table = districts.table();
    ASSERT_FALSE(table);
    EXPECT_EQ(table.error().code, Errc::unavailable);
}

}  // namespace
}  // namespace sightline::services
