// Moderation: the report state machine, camera history, audit events, camera version, and
// all-or-nothing transactions.
#include <gtest/gtest.h>

#include "store_test_support.hpp"

namespace sightline::store::testing {

using Moderation = StoreTest;

TEST_F(Moderation, AcceptCreatesAVerifiedCameraFromTheReport) {
    auto id = add_report({{"operator", "МУП Србије"}});
    auto version = store->camera_version();
    auto camera = store->accept_report(id, decision("clear photo"));
    ASSERT_TRUE(camera) << camera.error().message;

    EXPECT_EQ(camera->status, model::CameraStatus::verified);
    EXPECT_EQ(camera->confirmations, 1);
    EXPECT_EQ(camera->location, belgrade_report().location);
    EXPECT_EQ(camera->tags, belgrade_report({{"operator", "МУП Србије"}}).tags);
    EXPECT_EQ(camera->first_seen, report_time);
    EXPECT_EQ(camera->last_verified, decision_time);
    EXPECT_EQ(camera->updated_at, decision_time);
    EXPECT_EQ(camera->osm, std::nullopt);
    EXPECT_EQ(camera->report_ids, std::vector<model::ReportId>{id});
    EXPECT_GT(store->camera_version(), version);

    auto found = store->find_camera(camera->id);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->tags, camera->tags);
    EXPECT_EQ(found->report_ids, camera->report_ids);

    auto report = store->find_report(id);
    EXPECT_EQ(report->status, model::ReportStatus::accepted);
    EXPECT_EQ(report->camera_id, camera->id);
    EXPECT_EQ(report->decided_at, decision_time);
    EXPECT_EQ(report->decision_reason, "clear photo");

    auto history = store->camera_history(camera->id);
    ASSERT_EQ(history.size(), 1u);
    EXPECT_EQ(history[0].action, "created");
    EXPECT_EQ(history[0].actor, "mila");
    EXPECT_EQ(history[0].report_id, id);

    auto audit = store->list_audit(10, std::nullopt);
    ASSERT_EQ(audit.size(), 1u);
    EXPECT_EQ(audit[0].action, "accept");
    EXPECT_EQ(audit[0].subject, "report/" + std::to_string(id.value));
    EXPECT_EQ(audit[0].actor, "mila");
    EXPECT_EQ(audit[0].reason, "clear photo");
    EXPECT_EQ(audit[0].at, decision_time);
}

TEST_F(Moderation, MergeAddsAConfirmationAndOnlyTheTagsTheCameraLacks) {
    auto camera = store->accept_report(add_report({{"operator", "City"}}), decision());
    ASSERT_TRUE(camera);
    auto second =
        add_report({{"operator", "Someone else"}, {"height", "4"}, {"camera:type", "fixed"}});
    auto merged =
        store->merge_report(second, camera->id, decision("same pole", decision_time + 60));
    ASSERT_TRUE(merged) << merged.error().message;

    EXPECT_EQ(merged->confirmations, 2);
    EXPECT_EQ(merged->last_verified, decision_time + 60);
    EXPECT_EQ(merged->first_seen, report_time);
    EXPECT_EQ(merged->tags.at("operator"), "City") << "existing tags win";
    EXPECT_EQ(merged->tags.at("camera:type"), "dome");
    EXPECT_EQ(merged->tags.at("height"), "4") << "missing tags are copied";
    EXPECT_EQ(merged->report_ids.size(), 2u);

    auto history = store->camera_history(camera->id);
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[1].action, "confirmed");
    EXPECT_EQ(history[1].report_id, second);
    EXPECT_NE(history[1].detail.find("height=4"), std::string::npos) << history[1].detail;

    auto report = store->find_report(second);
    EXPECT_EQ(report->status, model::ReportStatus::merged);
    EXPECT_EQ(report->camera_id, camera->id);
    EXPECT_EQ(store->list_audit(10, std::nullopt).front().action, "merge");
}

TEST_F(Moderation, RejectsDecisionOnAReportThatIsNoLongerPending) {
    auto id = add_report();
    ASSERT_TRUE(store->reject_report(id, decision("blurry")));
    auto accept = store->accept_report(id, decision());
    ASSERT_FALSE(accept);
    EXPECT_EQ(accept.error().code, Errc::conflict);
    EXPECT_EQ(store->reject_report(id, decision("again")).error().code, Errc::conflict);

    auto camera = store->accept_report(add_report(), decision());
    ASSERT_TRUE(camera);
    EXPECT_EQ(store->merge_report(id, camera->id, decision()).error().code, Errc::conflict);
    EXPECT_EQ(store->list_audit(100, std::nullopt).size(), 2u) << "refusals are not audited";
}

TEST_F(Moderation, AnswersNotFoundForUnknownReportsAndCameras) {
    model::ReportId nobody{999};
    EXPECT_EQ(store->accept_report(nobody, decision()).error().code, Errc::not_found);
    EXPECT_EQ(store->reject_report(nobody, decision()).error().code, Errc::not_found);
    EXPECT_EQ(store->remove_camera(model::CameraId{5}, decision()).error().code, Errc::not_found);
    EXPECT_EQ(store->find_camera(model::CameraId{5}).error().code, Errc::not_found);
    auto pending = add_report();
    EXPECT_EQ(store->merge_report(pending, model::CameraId{5}, decision()).error().code,
              Errc::not_found);
    EXPECT_EQ(store->merge_report(nobody, model::CameraId{5}, decision()).error().code,
              Errc::not_found);
    EXPECT_EQ(store->find_report(pending)->status, model::ReportStatus::pending);
    EXPECT_TRUE(store->camera_history(model::CameraId{5}).empty());
}

TEST_F(Moderation, RejectNeedsAReason) {
    auto id = add_report();
    for (const char* blank : {"", "   ", "\n\t"}) {
        auto result = store->reject_report(id, decision(blank));
        ASSERT_FALSE(result);
        EXPECT_EQ(result.error().code, Errc::invalid_argument);
    }
    auto rejected = store->reject_report(id, decision("no camera visible"));
    ASSERT_TRUE(rejected);
    EXPECT_EQ(rejected->status, model::ReportStatus::rejected);
    EXPECT_EQ(rejected->decision_reason, "no camera visible");
    EXPECT_EQ(rejected->camera_id, std::nullopt);
}

TEST_F(Moderation, RemovingACameraKeepsItWithItsHistoryAndRefusesMerges) {
    auto camera = store->accept_report(add_report(), decision());
    ASSERT_TRUE(camera);
    auto version = store->camera_version();
    auto removed = store->remove_camera(camera->id, decision("taken down", decision_time + 86400));
    ASSERT_TRUE(removed);
    EXPECT_EQ(removed->status, model::CameraStatus::removed);
    EXPECT_EQ(removed->updated_at, decision_time + 86400);
    EXPECT_GT(store->camera_version(), version);

    EXPECT_EQ(store->remove_camera(camera->id, decision()).error().code, Errc::conflict);
    auto merge = store->merge_report(add_report(), camera->id, decision());
    ASSERT_FALSE(merge);
    EXPECT_EQ(merge.error().code, Errc::conflict);

    auto history = store->camera_history(camera->id);
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[1].action, "removed");
    EXPECT_EQ(history[1].detail, "taken down");
    EXPECT_EQ(store->find_camera(camera->id)->status, model::CameraStatus::removed);
}

TEST_F(Moderation, EveryModerationActionAppendsExactlyOneAuditEvent) {
    auto a = add_report();
    auto b = add_report();
    auto c = add_report();
    auto camera = store->accept_report(a, decision());
    ASSERT_TRUE(camera);
    ASSERT_TRUE(store->merge_report(b, camera->id, decision()));
    ASSERT_TRUE(store->reject_report(c, decision("spam")));
    ASSERT_TRUE(store->remove_camera(camera->id, decision("gone")));
    ASSERT_TRUE(
        store->insert_cameras({{{44.8, 20.4}, model::CameraStatus::reported, {}}}, decision()));
    ASSERT_TRUE(store->insert_user("mila", model::Role::admin, "$argon2id$x", decision()));
    ASSERT_TRUE(store->set_user_disabled("mila", true, decision()));

    auto audit = store->list_audit(100, std::nullopt);
    std::vector<std::string> actions;
    for (const auto& e : audit)
        actions.push_back(e.action);
    EXPECT_EQ(actions, (std::vector<std::string>{"user_disable", "user_add", "import_csv",
                                                 "remove_camera", "reject", "merge", "accept"}));
    auto page = store->list_audit(3, audit[2].id);
    ASSERT_EQ(page.size(), 3u);
    EXPECT_EQ(page[0].action, "remove_camera");
    EXPECT_TRUE(store->list_audit(0, std::nullopt).empty());
}

TEST_F(Moderation, AuditAndHistoryAreAppendOnly) {
    ASSERT_TRUE(store->accept_report(add_report(), decision()));
    RawDb db(store->database_path());
    EXPECT_THROW(db.exec("UPDATE audit_events SET reason = 'rewritten'"), std::runtime_error);
    EXPECT_THROW(db.exec("DELETE FROM audit_events"), std::runtime_error);
    EXPECT_THROW(db.exec("DELETE FROM camera_history"), std::runtime_error);
    EXPECT_EQ(store->list_audit(10, std::nullopt).front().reason, "looks right");
}

TEST_F(Moderation, CameraVersionIncreasesWithEveryCameraChangeOnly) {
    auto v0 = store->camera_version();
    auto id = add_report();
    EXPECT_EQ(store->camera_version(), v0) << "a pending report changes no camera";
    auto camera = store->accept_report(id, decision());
    auto v1 = store->camera_version();
    EXPECT_GT(v1, v0);
    ASSERT_TRUE(store->merge_report(add_report(), camera->id, decision()));
    auto v2 = store->camera_version();
    EXPECT_GT(v2, v1);
    ASSERT_TRUE(store->reject_report(add_report(), decision("no")));
    EXPECT_EQ(store->camera_version(), v2);
    ASSERT_TRUE(
        store->insert_cameras({{{44.8, 20.4}, model::CameraStatus::verified, {}}}, decision()));
    auto v3 = store->camera_version();
    EXPECT_GT(v3, v2);
    ASSERT_TRUE(store->remove_camera(camera->id, decision()));
    EXPECT_GT(store->camera_version(), v3);
}

TEST_F(Moderation, AFailureInsideAcceptLeavesNothingHalfWritten) {
    auto id = add_report();
    auto version = store->camera_version();
    // The audit insert is the last write of accept_report; make it fail from outside.
    RawDb(store->database_path())
        .exec(
            "CREATE TRIGGER fail_audit BEFORE INSERT ON audit_events "
            "BEGIN SELECT RAISE(ABORT, 'injected failure'); END");

    EXPECT_THROW(store->accept_report(id, decision()), sightline::Exception);

    EXPECT_EQ(store->find_report(id)->status, model::ReportStatus::pending);
    EXPECT_EQ(store->find_report(id)->camera_id, std::nullopt);
    EXPECT_EQ(count("SELECT count(*) FROM cameras"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM camera_index"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM camera_history"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM camera_reports"), 0);
    EXPECT_EQ(store->camera_version(), version);
    EXPECT_TRUE(store->find_cameras({}).empty());

    // The writer connection is usable again once the fault is gone.
    RawDb(store->database_path()).exec("DROP TRIGGER fail_audit");
    auto camera = store->accept_report(id, decision());
    ASSERT_TRUE(camera) << camera.error().message;
    EXPECT_EQ(count("SELECT count(*) FROM cameras"), 1);
}

TEST_F(Moderation, AFailureInsideAnImportLeavesNoCamera) {
    RawDb(store->database_path())
        .exec(
            "CREATE TRIGGER fail_third BEFORE INSERT ON cameras WHEN "
            "(SELECT count(*) FROM cameras) >= 2 BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    std::vector<model::NewCamera> batch(5, {{44.8, 20.4}, model::CameraStatus::reported, {}});
    EXPECT_THROW(store->insert_cameras(batch, decision()), sightline::Exception);
    EXPECT_EQ(count("SELECT count(*) FROM cameras"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM camera_index"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM audit_events"), 0);
}

TEST_F(Moderation, AFailureInsideMergeKeepsTheCameraAsItWas) {
    auto camera = store->accept_report(add_report(), decision());
    ASSERT_TRUE(camera);
    auto second = add_report({{"height", "5"}});
    RawDb(store->database_path())
        .exec(
            "CREATE TRIGGER fail_version BEFORE UPDATE ON meta "
            "BEGIN SELECT RAISE(ABORT, 'injected'); END");
    EXPECT_THROW(store->merge_report(second, camera->id, decision()), sightline::Exception);
    auto after = store->find_camera(camera->id);
    EXPECT_EQ(after->confirmations, 1);
    EXPECT_EQ(after->tags, camera->tags);
    EXPECT_EQ(after->report_ids.size(), 1u);
    EXPECT_EQ(store->find_report(second)->status, model::ReportStatus::pending);
    EXPECT_EQ(store->camera_history(camera->id).size(), 1u);
}

TEST_F(Moderation, AnExceptionWhileReadingInsideMergeRollsBackToo) {
    auto camera = store->accept_report(add_report(), decision());
    ASSERT_TRUE(camera);
    auto second = add_report();
    // A corrupt tags column makes the decoder throw halfway through the transaction.
    RawDb(store->database_path())
        .exec("UPDATE cameras SET tags = '{not json' WHERE id = " +
              std::to_string(camera->id.value));
    EXPECT_THROW(store->merge_report(second, camera->id, decision()), sightline::Exception);
    EXPECT_EQ(store->find_report(second)->status, model::ReportStatus::pending);
    EXPECT_EQ(count("SELECT confirmations FROM cameras"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM camera_reports"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM audit_events"), 1);
}

}  // namespace sightline::store::testing
