// Opening a store, its identity, photo storage, and what several servers on one data set need:
// a change made through one handle is seen through another.
#include <chrono>
#include <thread>

#include "contract_fixture.hpp"
#include "store/open_store.hpp"

namespace sightline::testing {
namespace {

model::NewCamera camera_at(double lat, double lon) {
    model::NewCamera c;
    c.location = {lat, lon};
    c.status = model::CameraStatus::verified;
    c.tags = {{"man_made", "surveillance"}, {"camera:type", "dome"}};
    return c;
}

// Waits (up to a generous limit, never asserting a time) until `done` holds.
template <typename Predicate>
bool eventually(Predicate done) {
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!done()) {
        if (std::chrono::steady_clock::now() > give_up) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

TEST_P(StoreContract, OpensMigratedAndEmpty) {
    EXPECT_GE(store().schema_version(), 1);
    EXPECT_TRUE(store().reachable());
    EXPECT_EQ(store().camera_version(), 0);
    EXPECT_EQ(store().map_version(), 0);
    EXPECT_EQ(store().survey_version(), 0);
    EXPECT_FALSE(store().data_id().empty());
    EXPECT_EQ(store().describe().starts_with(is_postgresql() ? "postgresql://" : "sqlite:/"), true)
        << store().describe();
}

TEST_P(StoreContract, DescribeNeverShowsAPassword) {
    if (!is_postgresql()) GTEST_SKIP() << "PostgreSQL URLs only";
    auto url = store::parse_store_url("postgresql://alice:s3cret@db.example:5433/x?password=x2");
    ASSERT_TRUE(url);
    // Not connected: only the redaction of the message is checked.
    try {
        store::OpenOptions options;
        options.connections = 1;
        auto ignored = store::open_store(
            *store::parse_store_url("postgresql://alice:s3cret@127.0.0.1:1/x?password=x2"),
            options);
        FAIL() << "connected to port 1";
    } catch (const std::exception& e) {
        std::string message = e.what();
        EXPECT_EQ(message.find("s3cret"), std::string::npos) << message;
        EXPECT_EQ(message.find("x2"), std::string::npos) << message;
        EXPECT_NE(message.find("127.0.0.1"), std::string::npos) << message;
    }
}

TEST_P(StoreContract, ReopeningKeepsDataAndIdentity) {
    store::Decision decision{"admin", "", 1'700'000'000};
    auto ids = store().insert_cameras({camera_at(44.81, 20.46), camera_at(44.82, 20.47)}, decision);
    ASSERT_TRUE(ids) << ids.error().message;
    const auto id = store().data_id();
    auto again = open_again();
    EXPECT_EQ(again->data_id(), id);
    EXPECT_EQ(again->find_cameras({}).size(), 2u);
    EXPECT_EQ(again->schema_version(), store().schema_version());
}

TEST_P(StoreContract, AChangeThroughOneHandleIsSeenThroughAnother) {
    // Two servers on one data set: B's caches key on camera_version, so B must see A's change.
    auto server_b = open_again();
    const auto before = server_b->camera_version();
    store::Decision decision{"admin", "", 1'700'000'000};
    ASSERT_TRUE(store().insert_cameras({camera_at(44.81, 20.46)}, decision));
    EXPECT_GT(store().camera_version(), before) << "the writer reads its own write at once";
    EXPECT_TRUE(eventually([&] { return server_b->camera_version() == store().camera_version(); }))
        << "B still at " << server_b->camera_version();
    EXPECT_EQ(server_b->find_cameras({}).size(), 1u);
}

TEST_P(StoreContract, PhotoBytesRoundTripAndOrphansAreSwept) {
    auto& photos = store().photo_storage();
    const std::string hash(64, 'a');
    const std::string image = std::string("\xff\xd8\xff\x00 jpeg bytes", 15);
    photos.write(hash, "jpg", image, "webp bytes");
    EXPECT_EQ(photos.read(hash, "jpg", store::PhotoVariant::image), image);
    EXPECT_EQ(photos.read(hash, "jpg", store::PhotoVariant::thumbnail), "webp bytes");
    EXPECT_FALSE(photos.read(hash, "png", store::PhotoVariant::image));
    photos.write(hash, "jpg", image, "webp bytes");  // same hash again: kept, no error
    photos.remove(hash, "jpg");
    EXPECT_FALSE(photos.read(hash, "jpg", store::PhotoVariant::image));
    EXPECT_FALSE(photos.read(hash, "jpg", store::PhotoVariant::thumbnail));
}

}  // namespace
}  // namespace sightline::testing
