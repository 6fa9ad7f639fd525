// Freshness (issue 14): anonymous checks of cameras, their moderation and the re-check list.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include "core/clock.hpp"

#include "store_test_support.hpp"

namespace sightline::store::testing {

namespace {

/// A check time on the hour, a day after the reports of the other tests.
constexpr std::int64_t check_time = report_time + 86'400;

model::NewCheck still_there(std::string note = "") {
    return model::NewCheck{true, std::move(note), {}};
}
model::NewCheck gone(std::string note = "taken down last week") {
    return model::NewCheck{false, std::move(note), {}};
}

}  // namespace

class Checks : public StoreTest {
  protected:
    model::CameraId add_camera() {
        auto camera = store->accept_report(add_report(), decision());
        EXPECT_TRUE(camera) << camera.error().message;
        return camera->id;
    }
};

TEST_F(Checks, StillThereMovesLastVerifiedAndWritesAnAnonymousHistoryEntry) {
    auto id = add_camera();
    auto before = *store->find_camera(id);
    auto version = store->camera_version();

    auto check = store->insert_check(id, still_there("yes, above the bakery"), check_time);
    ASSERT_TRUE(check) << check.error().message;
    EXPECT_EQ(check->status, model::CheckStatus::accepted);
    EXPECT_TRUE(check->present);
    EXPECT_EQ(check->created_at, check_time);
    EXPECT_EQ(check->note, "yes, above the bakery");

    auto after = *store->find_camera(id);
    EXPECT_EQ(after.last_verified, check_time);
    EXPECT_EQ(after.status, before.status);
    EXPECT_EQ(after.confirmations, before.confirmations) << "a check is not a moderated report";
    EXPECT_EQ(after.updated_at, before.updated_at) << "the camera itself did not change";
    EXPECT_GT(store->camera_version(), version) << "tiles show staleness";

    auto history = store->camera_history(id);
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[1].action, "confirmed_present");
    EXPECT_EQ(history[1].actor, "anonymous");
    EXPECT_EQ(history[1].at, check_time);
    EXPECT_EQ(history[1].detail, "") << "the passer-by's note is not public";
}

TEST_F(Checks, StillThereNeverMovesLastVerifiedBackwards) {
    auto id = add_camera();
    ASSERT_TRUE(store->insert_check(id, still_there(), round_down_to_hour(decision_time) - 3600));
    EXPECT_EQ(store->find_camera(id)->last_verified, decision_time);
}

TEST_F(Checks, TimesMustBeWholeHours) {
    auto id = add_camera();
    auto check = store->insert_check(id, still_there(), check_time + 5);
    ASSERT_FALSE(check);
    EXPECT_EQ(check.error().code, Errc::invalid_argument);
}

TEST_F(Checks, GoneWaitsForAModeratorAndChangesNothingYet) {
    auto id = add_camera();
    auto before = *store->find_camera(id);
    auto version = store->camera_version();
    auto check = store->insert_check(id, gone(), check_time);
    ASSERT_TRUE(check) << check.error().message;
    EXPECT_EQ(check->status, model::CheckStatus::pending);
    EXPECT_FALSE(check->present);
    EXPECT_EQ(check->decided_at, 0);

    auto after = *store->find_camera(id);
    EXPECT_EQ(after.status, model::CameraStatus::verified);
    EXPECT_EQ(after.last_verified, before.last_verified);
    EXPECT_EQ(store->camera_history(id).size(), 1u);
    EXPECT_EQ(store->camera_version(), version);

    auto pending = store->list_checks(model::CheckStatus::pending, 10, 0);
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pending[0].id, check->id);
    EXPECT_EQ(pending[0].camera_id, id);
    EXPECT_EQ(pending[0].note, "taken down last week");
}

TEST_F(Checks, AcceptingGoneRemovesTheCameraWithItsHistory) {
    auto id = add_camera();
    auto first = store->insert_check(id, gone(), check_time);
    auto second = store->insert_check(id, gone("not there"), check_time + 3600);
    ASSERT_TRUE(first && second);
    auto version = store->camera_version();

    auto camera =
        store->accept_check(first->id, decision("confirmed on street view", check_time + 7200));
    ASSERT_TRUE(camera) << camera.error().message;
    EXPECT_EQ(camera->status, model::CameraStatus::removed);
    EXPECT_EQ(camera->updated_at, check_time + 7200);
    EXPECT_GT(store->camera_version(), version);
    ASSERT_TRUE(store->find_camera(id)) << "removed, never deleted";

    auto history = store->camera_history(id);
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[1].action, "removed");
    EXPECT_EQ(history[1].actor, "mila");
    EXPECT_NE(history[1].detail.find(fmt::format("check {}", first->id)), std::string::npos);

    EXPECT_EQ(store->find_check(first->id)->status, model::CheckStatus::accepted);
    EXPECT_EQ(store->find_check(second->id)->status, model::CheckStatus::accepted)
        << "the other pending 'gone' checks of the camera said the same";
    EXPECT_TRUE(store->list_checks(model::CheckStatus::pending, 10, 0).empty());
    EXPECT_EQ(count("SELECT count(*) FROM audit_events WHERE action = 'accept_check'"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM audit_events WHERE action = 'remove_camera'"), 1);

    auto again = store->accept_check(first->id, decision());
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, Errc::conflict);
}

TEST_F(Checks, RejectingGoneChangesNothing) {
    auto id = add_camera();
    auto check = store->insert_check(id, gone(), check_time);
    ASSERT_TRUE(check);
    auto before = *store->find_camera(id);
    auto version = store->camera_version();

    auto rejected = store->reject_check(check->id, decision("still on the photo from today"));
    ASSERT_TRUE(rejected) << rejected.error().message;
    EXPECT_EQ(rejected->status, model::CheckStatus::rejected);
    EXPECT_EQ(rejected->decision_reason, "still on the photo from today");

    auto after = *store->find_camera(id);
    EXPECT_EQ(after.status, before.status);
    EXPECT_EQ(after.last_verified, before.last_verified);
    EXPECT_EQ(after.updated_at, before.updated_at);
    EXPECT_EQ(store->camera_version(), version);
    EXPECT_EQ(store->camera_history(id).size(), 1u);
    EXPECT_EQ(count("SELECT count(*) FROM audit_events WHERE action = 'reject_check'"), 1);
    EXPECT_EQ(store->reject_check(check->id, decision()).error().code, Errc::conflict);
}

TEST_F(Checks, ARemovedCameraRefusesChecksAndUnknownOnesAreNotFound) {
    auto id = add_camera();
    ASSERT_TRUE(store->remove_camera(id, decision("gone")));
    for (bool present : {true, false}) {
        auto check = store->insert_check(id, {present, "", {}}, check_time);
        ASSERT_FALSE(check);
        EXPECT_EQ(check.error().code, Errc::conflict);
    }
    auto unknown = store->insert_check(model::CameraId{id.value + 100}, still_there(), check_time);
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, Errc::not_found);
    EXPECT_EQ(count("SELECT count(*) FROM camera_checks"), 0);
    EXPECT_EQ(store->accept_check(12345, decision()).error().code, Errc::not_found);
}

TEST_F(Checks, AcceptingGoneForACameraRemovedMeanwhileLeavesItAsItIs) {
    auto id = add_camera();
    auto check = store->insert_check(id, gone(), check_time);
    ASSERT_TRUE(check);
    ASSERT_TRUE(store->remove_camera(id, decision("seen gone", check_time)));
    auto camera = store->accept_check(check->id, decision("", check_time + 3600));
    ASSERT_TRUE(camera) << camera.error().message;
    EXPECT_EQ(camera->status, model::CameraStatus::removed);
    EXPECT_EQ(camera->updated_at, check_time) << "not removed twice";
    EXPECT_EQ(store->camera_history(id).size(), 2u);
}

TEST_F(Checks, RecheckListsTheLeastRecentlyConfirmedFirstWithoutRemovedOnes) {
    // Three cameras verified at different times, one removed, one never verified (CSV).
    std::vector<model::CameraId> ids;
    for (std::int64_t at : {decision_time + 300, decision_time + 100, decision_time + 200}) {
        auto camera = store->accept_report(add_report(), decision("ok", at));
        ASSERT_TRUE(camera);
        ids.push_back(camera->id);
    }
    auto removed = store->accept_report(add_report(), decision("ok", decision_time));
    ASSERT_TRUE(removed && store->remove_camera(removed->id, decision("gone")));
    model::NewCamera csv;
    csv.location = {44.81, 20.46};
    csv.status = model::CameraStatus::reported;
    auto never = store->insert_cameras({csv}, decision("csv"));
    ASSERT_TRUE(never);

    auto order = [](const std::vector<model::Camera>& cameras) {
        std::vector<std::int64_t> out;
        for (const auto& c : cameras)
            out.push_back(c.id.value);
        return out;
    };
    EXPECT_EQ(
        order(store->cameras_to_recheck(std::nullopt, 10)),
        (std::vector<std::int64_t>{(*never)[0].value, ids[1].value, ids[2].value, ids[0].value}));
    EXPECT_EQ(order(store->cameras_to_recheck(std::nullopt, 2)),
              (std::vector<std::int64_t>{(*never)[0].value, ids[1].value}));
    // A check moves a camera to the end.
    ASSERT_TRUE(store->insert_check(ids[1], still_there(), check_time));
    EXPECT_EQ(order(store->cameras_to_recheck(std::nullopt, 10)).back(), ids[1].value);
    // Only the box's cameras: the CSV one is outside this small box around the reports.
    geo::BBox box{20.4610, 44.8124, 20.4614, 44.8126};
    EXPECT_EQ(order(store->cameras_to_recheck(box, 10)),
              (std::vector<std::int64_t>{ids[2].value, ids[0].value, ids[1].value}));
}

TEST_F(Checks, APhotoOfACheckIsKeptWithItAndNotSweptAway) {
    auto id = add_camera();
    model::PhotoRecord photo;
    photo.sha256 = std::string(64, 'c');
    photo.format = "jpeg";
    photo.width = 640;
    photo.height = 480;
    photo.byte_size = 12345;
    auto check = store->insert_check(id, {false, "see the photo", {photo}}, check_time);
    ASSERT_TRUE(check) << check.error().message;
    EXPECT_EQ(check->photos, std::vector<std::string>{photo.sha256});
    EXPECT_EQ(store->list_checks(model::CheckStatus::pending, 10, 0).at(0).photos,
              std::vector<std::string>{photo.sha256});
    EXPECT_TRUE(store->delete_unreferenced_photos().empty()) << "the check still links it";
    EXPECT_TRUE(store->find_photo(photo.sha256));
    EXPECT_FALSE(store->photo_is_public(photo.sha256)) << "for moderators only";
}

TEST_F(Checks, ListingPagesByIdAndFiltersByStatus) {
    auto id = add_camera();
    auto a = store->insert_check(id, still_there(), check_time);
    auto b = store->insert_check(id, gone(), check_time);
    auto c = store->insert_check(id, gone(), check_time);
    ASSERT_TRUE(a && b && c);
    EXPECT_EQ(store->list_checks(std::nullopt, 10, 0).size(), 3u);
    auto page = store->list_checks(std::nullopt, 2, 0);
    ASSERT_EQ(page.size(), 2u);
    EXPECT_EQ(page[0].id, a->id);
    auto next = store->list_checks(std::nullopt, 2, page.back().id);
    ASSERT_EQ(next.size(), 1u);
    EXPECT_EQ(next[0].id, c->id);
    EXPECT_EQ(store->list_checks(model::CheckStatus::pending, 10, 0).size(), 2u);
    EXPECT_EQ(store->list_checks(model::CheckStatus::rejected, 10, 0).size(), 0u);
}

}  // namespace sightline::store::testing
