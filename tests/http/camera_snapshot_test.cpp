// The bbox listing answered from the in-memory camera snapshot (issue 13) is byte for byte the
// store's answer. The store's answer is forced with active_at on a day far in the future: for a
// camera whose history is known (all of these), "on the map at the end of 9999-12-31" is
// exactly "not removed", which is what the listing without active_at shows, but no snapshot
// answers a query with active_at. The gauge sightline_camera_snapshot_current says when the
// snapshot is exact for the store, i.e. when the listing is answered from it.

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <fmt/core.h>

#include "http/api_fixture.hpp"

namespace sightline::testing {
namespace {

// Cameras in a 5 x 5 grid from 45.00 N 16.00 E, 0.05 degrees apart, so that the boxes below
// have cameras exactly on their edges and corners; kinds and statuses vary along the grid.
std::string grid_csv(int first_row, int last_row) {
    std::string csv = "lat,lon,camera_type\n";
    for (int row = first_row; row <= last_row; ++row)
        for (int column = 0; column < 5; ++column)
            csv += fmt::format("45.{:02d},16.{:02d},{}\n", row * 5, column * 5,
                               (row + column) % 2 == 0 ? "dome" : "fixed");
    return csv;
}

class CameraSnapshot : public ApiTest {
  protected:
    void prepare_data() override {
        import_cameras(data_dir(), grid_csv(0, 2), {"--tag", "camera:type=camera_type"});
        import_cameras(data_dir(), grid_csv(3, 3),
                       {"--tag", "camera:type=camera_type", "--status", "reported"});
        // ALPR (surveillance:type) and no type at all ("unknown").
        import_cameras(data_dir(), "lat,lon,type\n45.20,16.00,ALPR\n45.20,16.10,ALPR\n",
                       {"--tag", "surveillance:type=type"});
        import_cameras(data_dir(), "lat,lon\n45.20,16.05\n45.20,16.15\n45.20,16.20\n");
        // Two on the same spot, and one outside every box.
        import_cameras(data_dir(), "lat,lon\n45.05,16.05\n45.60,16.60\n");
    }

    /// Waits until the snapshot is exact for the store's camera version.
    void wait_for_current_snapshot() {
        for (int i = 0; i < 200; ++i) {
            auto metrics = client().get("/metrics");
            ASSERT_EQ(metrics.status, 200);
            if (metrics.body.find("\nsightline_camera_snapshot_current 1\n") != std::string::npos)
                return;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        FAIL() << "the camera snapshot did not become current in 10 s";
    }

    [[nodiscard]] bool snapshot_current() {
        return client().get("/metrics").body.find("\nsightline_camera_snapshot_current 1\n") !=
               std::string::npos;
    }

    /// The listing's body, and the store's body for the same query.
    std::pair<std::string, std::string> both(const std::string& query) {
        auto listed = client().get("/api/v1/cameras?" + query);
        auto stored = client().get("/api/v1/cameras?" + query + "&active_at=9999-12-31");
        EXPECT_EQ(listed.status, 200) << query << ": " << listed.body;
        EXPECT_EQ(stored.status, 200) << query << ": " << stored.body;
        return {listed.body, stored.body};
    }

    /// Compares the two answers for every box, filter and limit below; returns how many
    /// listings had at least one camera.
    int compare_all() {
        const std::vector<std::string> boxes{
            "16.05,45.05,16.15,45.15",      // cameras on all four edges and corners
            "16.05,45.05,16.05,45.05",      // a point: the two cameras on it
            "16.00,45.00,16.20,45.20",      // everything but the far one
            "16.051,45.051,16.149,45.149",  // just inside the edges: only the centre
            "15.95,44.95,16.65,45.65",      // everything
            "16.30,45.30,16.40,45.40",      // nothing
        };
        const std::vector<std::string> filters{
            "",
            "&type=dome",
            "&type=fixed",
            "&type=ALPR",
            "&type=unknown",
            "&type=none-such",
            "&status=verified",
            "&status=reported",
            "&status=verified&type=dome",
            "&status=reported&type=fixed",
        };
        int non_empty = 0;
        for (const auto& box : boxes)
            for (const auto& filter : filters)
                for (const auto* limit : {"", "&limit=1", "&limit=3", "&limit=7", "&limit=10000"}) {
                    auto query = fmt::format("bbox={}{}{}", box, filter, limit);
                    auto [listed, stored] = both(query);
                    EXPECT_EQ(listed, stored) << query;
                    if (listed.find("\"Feature\"") != std::string::npos) ++non_empty;
                }
        return non_empty;
    }

    void remove_camera(std::int64_t id, const Login& mod) {
        ASSERT_EQ(
            client()
                .post(fmt::format("/api/v1/cameras/{}/removal", id), "", mod.cookie_and_csrf())
                .status,
            200);
    }
};

TEST_F(CameraSnapshot, ItsAnswerIsTheStoresByteForByte) {
    // Remove two cameras, one on an edge of the first box: the snapshot leaves them out.
    auto mod = login();
    auto all = cameras_in("16.00,45.00,16.20,45.20");
    auto ids = feature_ids(all);
    ASSERT_EQ(ids.size(), 26u) << all.dump();
    auto edge = feature_ids(cameras_in("16.05,45.05,16.05,45.10"));
    ASSERT_EQ(edge.size(), 3u);
    remove_camera(edge.back(), mod);
    remove_camera(ids.front(), mod);
    EXPECT_EQ(feature_ids(cameras_in("16.00,45.00,16.20,45.20")).size(), 24u);

    wait_for_current_snapshot();
    EXPECT_GT(compare_all(), 100);
    // Nothing changed meanwhile, so every listing above came from the snapshot.
    EXPECT_TRUE(snapshot_current());

    // Removed cameras come from the store (the snapshot does not hold them).
    auto removed = cameras_in("16.00,45.00,16.20,45.20", "&status=removed");
    EXPECT_EQ(feature_ids(removed), (std::vector<std::int64_t>{ids.front(), edge.back()}));
}

TEST_F(CameraSnapshot, AnAcceptedCameraIsListedAtOnceAndAfterTheRebuild) {
    wait_for_current_snapshot();
    const std::string box = "bbox=16.05,45.05,16.15,45.15";
    auto before = feature_ids(client().get("/api/v1/cameras?" + box).json());

    auto report = submit_ok(example_report(45.12, 16.12))["id"].get<std::int64_t>();
    auto accepted = decide_ok(report, {{"action", "accept"}}, login());
    auto camera_id = accepted["camera"]["id"].get<std::int64_t>();

    // At once: the snapshot is stale, so the store answers (and the listing starts a rebuild).
    auto [listed, stored] = both(box);
    EXPECT_EQ(listed, stored);
    auto now = feature_ids(nlohmann::json::parse(listed));
    EXPECT_EQ(now.size(), before.size() + 1);
    EXPECT_EQ(now.back(), camera_id);

    wait_for_current_snapshot();
    EXPECT_GT(compare_all(), 100);
    auto [again, again_stored] = both(box + "&type=dome");
    EXPECT_EQ(again, again_stored);
    auto dome = feature_ids(nlohmann::json::parse(again));
    EXPECT_NE(std::find(dome.begin(), dome.end(), camera_id), dome.end()) << again;
}

}  // namespace
}  // namespace sightline::testing
