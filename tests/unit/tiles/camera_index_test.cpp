#include "tiles/camera_index.hpp"

#include <random>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.hpp"
#include "support/temp_dir.hpp"

namespace sightline::tiles {
namespace {

// Any bytes do: the listing must pick the same cameras in the same order as the store. These
// name the camera, its position, kind and status, so a failure shows what differs.
void write_test_feature(std::string& out, const model::Camera& c) {
    out += fmt::format("{} {:.9f},{:.9f} {} {}", c.id.value, c.location.lat, c.location.lon,
                       model::camera_kind(c.tags), model::to_string(c.status));
}

std::vector<std::string> store_listing(store::Store& store, const CameraListQuery& q) {
    store::CameraQuery query;
    query.bbox = q.bbox;
    if (q.kind) query.kind = std::string(*q.kind);
    query.status = q.status;
    query.limit = static_cast<int>(q.limit);
    std::vector<std::string> out;
    for (const auto& camera : store.find_cameras(query)) {
        std::string feature;
        write_test_feature(feature, camera);
        out.push_back(std::move(feature));
    }
    return out;
}

std::vector<std::string> index_listing(const CameraIndex& index, const CameraListQuery& q) {
    std::vector<std::string> out;
    for (auto feature : index.list(q))
        out.emplace_back(feature);
    return out;
}

class CameraIndexListing : public ::testing::Test {
  protected:
    void SetUp() override {
        // 2,000 cameras on a 0.001-degree lattice (so that boxes drawn on the same lattice
        // have cameras on their edges), several on the same spot, of four kinds and two
        // statuses; every tenth is then removed.
        std::mt19937 random(7);
        std::uniform_int_distribution<int> step(0, 200);
        std::vector<model::NewCamera> cameras;
        for (int i = 0; i < 2000; ++i) {
            model::NewCamera c;
            c.location = {44.7 + step(random) * 0.001, 20.3 + step(random) * 0.001};
            c.status = i % 3 == 0 ? model::CameraStatus::reported : model::CameraStatus::verified;
            c.tags = {{"man_made", "surveillance"}};
            if (i % 4 == 1) c.tags.emplace("camera:type", "dome");
            if (i % 4 == 2) c.tags.emplace("camera:type", "fixed");
            if (i % 4 == 3) c.tags.emplace("surveillance:type", "ALPR");
            cameras.push_back(std::move(c));
        }
        auto ids = m_store->insert_cameras(cameras, store::Decision{"test", "", 1700000000});
        ASSERT_TRUE(ids);
        for (std::size_t i = 0; i < ids->size(); i += 10)
            ASSERT_TRUE(m_store->remove_camera((*ids)[i], store::Decision{"test", "", 1700000100}));
        m_index = CameraIndex::build(*m_store, {}, write_test_feature);
        ASSERT_TRUE(m_index);
        ASSERT_EQ(m_index->size(), 1800u);
    }

    sightline::testing::TempDir m_dir;
    std::unique_ptr<store::SqliteStore> m_store = store::open_sqlite_store(m_dir.path());
    std::shared_ptr<const CameraIndex> m_index;
};

TEST_F(CameraIndexListing, PicksTheStoresCamerasInTheStoresOrder) {
    std::mt19937 random(11);
    std::uniform_int_distribution<int> corner(-5, 205);
    std::uniform_int_distribution<int> side(0, 60);
    const std::vector<std::optional<std::string_view>> kinds{std::nullopt, "dome",    "fixed",
                                                             "ALPR",       "unknown", "none-such"};
    const std::vector<std::optional<model::CameraStatus>> statuses{
        std::nullopt, model::CameraStatus::verified, model::CameraStatus::reported};
    int compared = 0;
    int non_empty = 0;
    for (int round = 0; round < 300; ++round) {
        const int south = corner(random);
        const int west = corner(random);
        CameraListQuery q;
        q.bbox = {20.3 + west * 0.001, 44.7 + south * 0.001, 20.3 + (west + side(random)) * 0.001,
                  44.7 + (south + side(random)) * 0.001};
        if (round % 7 == 0) q.bbox = {20.0, 44.0, 21.0, 45.0};  // every camera: the id walk
        q.kind = kinds[static_cast<std::size_t>(round) % kinds.size()];
        q.status = statuses[static_cast<std::size_t>(round / 6) % statuses.size()];
        for (std::size_t limit :
             {std::size_t{1}, std::size_t{5}, std::size_t{40}, std::size_t{10000}}) {
            q.limit = limit;
            auto expected = store_listing(*m_store, q);
            EXPECT_EQ(index_listing(*m_index, q), expected) << fmt::format(
                "bbox {:.3f},{:.3f},{:.3f},{:.3f} kind {} status {} limit {}", q.bbox.west,
                q.bbox.south, q.bbox.east, q.bbox.north, q.kind.value_or("*"),
                q.status ? model::to_string(*q.status) : "*", limit);
            ++compared;
            if (!expected.empty()) ++non_empty;
        }
    }
    EXPECT_GT(non_empty, compared / 2);
}

TEST_F(CameraIndexListing, WithoutAFeatureWriterItListsNothing) {
    auto index = CameraIndex::build(*m_store);
    ASSERT_TRUE(index);
    EXPECT_FALSE(index->has_features());
    CameraListQuery q;
    q.bbox = {20.0, 44.0, 21.0, 45.0};
    EXPECT_TRUE(index->list(q).empty());
    EXPECT_LT(index->memory_bytes(), m_index->memory_bytes());
}

}  // namespace
}  // namespace sightline::tiles
