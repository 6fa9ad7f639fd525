// The store reads behind the change-over-time figures: camera_spans, report_times and
// CameraQuery::active_at, on histories written through the moderation methods at known times.

#include <set>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "store_test_support.hpp"

namespace sightline::store::testing {
namespace {

constexpr std::int64_t day = 86400;
constexpr std::int64_t t_accept = report_time + 10 * day;
constexpr std::int64_t t_merge = t_accept + 20 * day;
constexpr std::int64_t t_remove = t_merge + 30 * day;

class History : public StoreTest {
  protected:
    // Accepted at t_accept, confirmed by a second report at t_merge, removed at t_remove.
    model::CameraId accept_merge_remove() {
        auto first = add_report();
        auto second = add_report();
        auto camera = store->accept_report(first, decision("ok", t_accept));
        EXPECT_TRUE(camera);
        EXPECT_TRUE(store->merge_report(second, camera->id, decision("same", t_merge)));
        EXPECT_TRUE(store->remove_camera(camera->id, decision("gone", t_remove)));
        return camera->id;
    }
    std::vector<std::int64_t> active_ids(std::int64_t at) {
        CameraQuery q = bbox_query({20.0, 44.0, 21.0, 45.0});
        q.active_at = at;
        std::vector<std::int64_t> ids;
        for (const auto& c : store->find_cameras(q))
            ids.push_back(c.id.value);
        return ids;
    }
};

TEST_F(History, AConfirmationDoesNotStartASpanAndARemovalEndsIt) {
    auto id = accept_merge_remove();
    auto spans = store->camera_spans(std::nullopt);
    ASSERT_EQ(spans.size(), 1u);
    EXPECT_EQ(spans[0].id, id);
    EXPECT_EQ(spans[0].kind, "dome");
    EXPECT_EQ(spans[0].active_from, t_accept);
    EXPECT_EQ(spans[0].removed_at, t_remove);
    EXPECT_DOUBLE_EQ(spans[0].location.lat, 44.8125);
}

TEST_F(History, ImportedCamerasStartAtTheImport) {
    model::NewCamera camera;
    camera.location = {44.80, 20.45};
    camera.tags = {{"man_made", "surveillance"}, {"surveillance:type", "ALPR"}};
    ASSERT_TRUE(store->insert_cameras({camera}, decision("csv", t_merge)));
    auto spans = store->camera_spans(std::nullopt);
    ASSERT_EQ(spans.size(), 1u);
    EXPECT_EQ(spans[0].kind, "ALPR");
    EXPECT_EQ(spans[0].active_from, t_merge);
    EXPECT_FALSE(spans[0].removed_at);
}

TEST_F(History, ACameraWithoutHistoryCountsFromFirstSeen) {
    // Rows older than the history table (written here behind the store's back).
    RawDb(store->database_path())
        .exec(
            "INSERT INTO cameras (id, lat, lon, status, kind, first_seen, updated_at) "
            "VALUES (7, 44.81, 20.46, 'verified', 'fixed', 1000, 1000);"
            "INSERT INTO camera_index VALUES (7, 44.81, 44.81, 20.46, 20.46);");
    auto spans = store->camera_spans(std::nullopt);
    ASSERT_EQ(spans.size(), 1u);
    EXPECT_EQ(spans[0].active_from, 1000);
    EXPECT_FALSE(spans[0].removed_at);
    EXPECT_EQ(active_ids(999), std::vector<std::int64_t>{});
    EXPECT_EQ(active_ids(1000), std::vector<std::int64_t>{7});
}

TEST_F(History, TheBoxFiltersSpansAndReports) {
    accept_merge_remove();
    auto far = belgrade_report();
    far.location = {45.81, 15.97};  // Zagreb
    ASSERT_TRUE(store->insert_report(far, withdraw_hash_b, report_time + 3600));
    geo::BBox belgrade{20.0, 44.0, 21.0, 45.0};
    geo::BBox zagreb{15.0, 45.0, 16.5, 46.0};
    EXPECT_EQ(store->camera_spans(belgrade).size(), 1u);
    EXPECT_EQ(store->camera_spans(zagreb).size(), 0u);
    EXPECT_EQ(store->report_times(std::nullopt),
              (std::vector<std::int64_t>{report_time, report_time, report_time + 3600}));
    EXPECT_EQ(store->report_times(zagreb), std::vector<std::int64_t>{report_time + 3600});
    EXPECT_EQ(store->report_times(belgrade).size(), 2u);
}

TEST_F(History, ActiveAtListsARemovedCameraUntilItsRemoval) {
    auto id = accept_merge_remove().value;
    EXPECT_EQ(active_ids(t_accept - 1), std::vector<std::int64_t>{});
    EXPECT_EQ(active_ids(t_accept), std::vector<std::int64_t>{id});
    EXPECT_EQ(active_ids(t_remove - 1), std::vector<std::int64_t>{id});
    EXPECT_EQ(active_ids(t_remove), std::vector<std::int64_t>{});
    // Without active_at the removed camera stays hidden.
    EXPECT_TRUE(store->find_cameras(bbox_query({20.0, 44.0, 21.0, 45.0})).empty());
}

TEST_F(History, ActiveAtAndTheSpansAgreeOnEveryKindOfHistory) {
    // 1: accepted, merged, removed. 2: imported, removed, restored (OpenStreetMap again).
    // 3: a row older than the history table with only its removal recorded. 4: no history.
    accept_merge_remove();
    model::NewCamera imported;
    imported.location = {44.80, 20.45};
    ASSERT_TRUE(store->insert_cameras({imported}, decision("csv", t_accept + day)));
    ASSERT_TRUE(store->remove_camera(model::CameraId{2}, decision("gone", t_merge)));
    RawDb(store->database_path())
        .exec(fmt::format(
            "INSERT INTO camera_history (camera_id, at, action, actor) VALUES (2, {}, 'restored', "
            "'import');"
            "INSERT INTO cameras (id, lat, lon, status, kind, first_seen, updated_at) VALUES "
            "(3, 44.81, 20.46, 'removed', 'fixed', {}, {}), "
            "(4, 44.82, 20.47, 'removed', 'fixed', {}, {});"
            "INSERT INTO camera_index VALUES (3, 44.81, 44.81, 20.46, 20.46), "
            "(4, 44.82, 44.82, 20.47, 20.47);"
            "INSERT INTO camera_history (camera_id, at, action, actor) VALUES (3, {}, 'removed', "
            "'mila');",
            t_remove + day, report_time, t_merge, report_time, t_accept, t_merge + day));
    auto spans = store->camera_spans(std::nullopt);
    ASSERT_EQ(spans.size(), 5u);  // camera 2 has two
    EXPECT_EQ(spans[1].active_from, t_accept + day);
    EXPECT_EQ(spans[1].removed_at, t_merge);
    EXPECT_EQ(spans[2].active_from, t_remove + day);
    EXPECT_FALSE(spans[2].removed_at);
    EXPECT_EQ(spans[3].active_from, report_time);
    EXPECT_EQ(spans[3].removed_at, t_merge + day);
    EXPECT_EQ(spans[4].removed_at, t_accept);  // no history: removed at updated_at
    std::set<std::int64_t> moments;
    for (const auto& span : spans)
        for (auto t : {span.active_from, span.removed_at.value_or(span.active_from)})
            for (auto dt : {-1, 0, 1})
                moments.insert(t + dt);
    for (auto t : moments) {
        std::vector<std::int64_t> from_spans;
        for (const auto& span : spans)
            if (span.active_from <= t && (!span.removed_at || t < *span.removed_at))
                from_spans.push_back(span.id.value);
        EXPECT_EQ(active_ids(t), from_spans) << "at " << t;
    }
}

}  // namespace
}  // namespace sightline::store::testing
