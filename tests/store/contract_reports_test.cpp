// Reports, their photos, withdrawal, moderation and checks of cameras (issue 14) on both
// backends, through the store interfaces only. Ported from tests/unit/store/reports_test.cpp,
// photos_test.cpp, moderation_test.cpp and checks_test.cpp, plus what several servers on one
// data set need: two moderators never both decide one report, merges into one camera add up,
// and sweeping unlinked photos never breaks a report being written.
#include <fmt/core.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "contract_fixture.hpp"
#include "core/clock.hpp"

namespace sightline::testing {
namespace {

using store::Decision;

/// Report creation time: 2026-11-26T17:00:00Z, already on the hour.
constexpr std::int64_t report_time = 1795712400;
constexpr std::int64_t decision_time = report_time + 7200 + 123;
/// A check time on the hour, a day after the reports.
constexpr std::int64_t check_time = report_time + 86'400;
const std::string withdraw_hash_a(64, 'a');
const std::string withdraw_hash_b(64, 'b');

model::NewReport belgrade_report(model::Tags extra = {}) {
    model::NewReport r;
    r.location = {44.8125, 20.4612};
    r.accuracy_m = 12.5;
    r.directions_deg = {135, 22.5};
    r.tags = {{"man_made", "surveillance"},
              {"surveillance", "public"},
              {"surveillance:type", "camera"},
              {"camera:type", "dome"},
              {"camera:direction", "135;22.5"}};
    for (auto& [k, v] : extra)
        r.tags.insert_or_assign(k, v);
    r.note = "On the corner, above the bakery.";
    return r;
}

Decision decision(std::string reason = "looks right", std::int64_t at = decision_time) {
    return Decision{"mila", std::move(reason), at};
}

store::ReportQuery report_query(int limit, std::optional<model::ReportStatus> status = {},
                                std::optional<model::ReportId> before = {}) {
    store::ReportQuery q;
    q.limit = limit;
    q.status = status;
    q.before = before;
    return q;
}

model::PhotoRecord photo(char fill, std::uint64_t hash) {
    model::PhotoRecord p;
    p.sha256 = std::string(64, fill);
    p.format = "jpeg";
    p.width = 640;
    p.height = 480;
    p.byte_size = 12345;
    p.faces_blurred = 2;
    p.perceptual_hash = hash;
    return p;
}

model::NewCheck still_there(std::string note = "") {
    return model::NewCheck{true, std::move(note), {}};
}
model::NewCheck gone(std::string note = "taken down last week") {
    return model::NewCheck{false, std::move(note), {}};
}

std::vector<std::string> actions(const std::vector<model::AuditEvent>& events) {
    std::vector<std::string> out;
    for (const auto& e : events)
        out.push_back(e.action);
    return out;
}

std::int64_t count_action(store::Backend& s, std::string_view action) {
    std::int64_t n = 0;
    for (const auto& e : s.list_audit(1000, std::nullopt))
        n += e.action == action ? 1 : 0;
    return n;
}

// Runs `work(i)` on `n` threads that start together; returns when all are done.
template <typename Work>
void together(int n, Work work) {
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i)
        threads.emplace_back([&, i] {
            ++ready;
            while (ready.load() < n)
                std::this_thread::yield();
            try {
                work(i);
            } catch (const std::exception& e) {
                ADD_FAILURE() << "thread " << i << ": " << e.what();
            }
        });
    for (auto& t : threads)
        t.join();
}

model::ReportId add_report(store::Backend& s, model::Tags extra = {}) {
    auto id = s.insert_report(belgrade_report(std::move(extra)), withdraw_hash_a, report_time);
    EXPECT_TRUE(id) << id.error().message;
    return id ? *id : model::ReportId{0};
}

model::CameraId add_camera(store::Backend& s) {
    auto camera = s.accept_report(add_report(s), decision());
    EXPECT_TRUE(camera) << camera.error().message;
    return camera ? camera->id : model::CameraId{0};
}

// --- reports -----------------------------------------------------------------------------

TEST_P(StoreContract, ReportsRoundTripsEveryFieldOfAReport) {
    auto input = belgrade_report({{"operator", "Градски завод"}});
    input.accuracy_m = std::nullopt;
    input.flags = {"far_from_photo_location"};
    auto id = store().insert_report(input, withdraw_hash_a, report_time);
    ASSERT_TRUE(id) << id.error().message;

    auto report = store().find_report(*id);
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(report->id, *id);
    EXPECT_EQ(report->location, input.location);
    EXPECT_EQ(report->accuracy_m, std::nullopt);
    EXPECT_EQ(report->directions_deg, input.directions_deg);
    EXPECT_EQ(report->tags, input.tags);
    EXPECT_EQ(report->note, input.note);
    EXPECT_EQ(report->status, model::ReportStatus::pending);
    EXPECT_EQ(report->camera_id, std::nullopt);
    EXPECT_EQ(report->created_at, report_time);
    EXPECT_EQ(report->decided_at, 0);
    EXPECT_EQ(report->decision_reason, "");
    EXPECT_EQ(report->flags, input.flags);
    EXPECT_TRUE(report->photos.empty());

    auto with_accuracy = store().find_report(add_report(store()));
    ASSERT_TRUE(with_accuracy);
    EXPECT_EQ(with_accuracy->accuracy_m, 12.5);
}

TEST_P(StoreContract, ReportsRefusesBadTimesLocationsHashesAndAccuracies) {
    auto late = store().insert_report(belgrade_report(), withdraw_hash_a, report_time + 59);
    ASSERT_FALSE(late);
    EXPECT_EQ(late.error().code, Errc::invalid_argument);
    auto input = belgrade_report();
    input.location = {91, 0};
    auto nowhere = store().insert_report(input, withdraw_hash_a, report_time);
    ASSERT_FALSE(nowhere);
    EXPECT_EQ(nowhere.error().code, Errc::invalid_argument);
    EXPECT_EQ(store().insert_report(belgrade_report(), "", report_time).error().code,
              Errc::invalid_argument);
    input = belgrade_report();
    input.accuracy_m = -1;
    EXPECT_EQ(store().insert_report(input, withdraw_hash_a, report_time).error().code,
              Errc::invalid_argument);
    EXPECT_TRUE(store().list_reports(report_query(10)).empty());
}

TEST_P(StoreContract, ReportsAnswersNotFoundForAnUnknownReport) {
    auto report = store().find_report(model::ReportId{4242});
    ASSERT_FALSE(report);
    EXPECT_EQ(report.error().code, Errc::not_found);
}

TEST_P(StoreContract, ReportsListsNewestFirstWithKeysetPaginationAndStatusFilter) {
    std::vector<model::ReportId> ids;
    for (int i = 0; i < 7; ++i)
        ids.push_back(add_report(store()));
    ASSERT_TRUE(store().reject_report(ids[1], decision("duplicate photo")));
    ASSERT_TRUE(store().reject_report(ids[4], decision("not a camera")));

    auto first = store().list_reports(report_query(3));
    ASSERT_EQ(first.size(), 3u);
    EXPECT_EQ(first[0].id, ids[6]);
    EXPECT_EQ(first[2].id, ids[4]);
    auto second = store().list_reports(report_query(3, std::nullopt, first.back().id));
    ASSERT_EQ(second.size(), 3u);
    EXPECT_EQ(second[0].id, ids[3]);
    EXPECT_EQ(second[2].id, ids[1]);

    auto pending = store().list_reports(report_query(100, model::ReportStatus::pending));
    ASSERT_EQ(pending.size(), 5u);
    for (const auto& r : pending)
        EXPECT_EQ(r.status, model::ReportStatus::pending);
    auto rejected = store().list_reports(report_query(100, model::ReportStatus::rejected, ids[4]));
    ASSERT_EQ(rejected.size(), 1u);
    EXPECT_EQ(rejected[0].id, ids[1]);

    EXPECT_TRUE(store().list_reports(report_query(0)).empty());
    EXPECT_TRUE(store().list_reports(report_query(-5)).empty());
}

TEST_P(StoreContract, ReportsWithdrawWithTheRightHashErasesTheNote) {
    auto id = add_report(store());
    ASSERT_TRUE(store().withdraw_report(id, withdraw_hash_a));
    auto report = store().find_report(id);
    ASSERT_TRUE(report);
    EXPECT_EQ(report->status, model::ReportStatus::withdrawn);
    EXPECT_EQ(report->note, "");
    EXPECT_GT(report->decided_at, 0);
    EXPECT_EQ(report->decided_at % 3600, 0) << "withdrawal time is as coarse as report time";
}

TEST_P(StoreContract, ReportsWithdrawGivesTheSameAnswerForAWrongHashAndAnUnknownReport) {
    auto id = add_report(store());
    auto wrong = store().withdraw_report(id, withdraw_hash_b);
    auto missing = store().withdraw_report(model::ReportId{id.value + 100}, withdraw_hash_a);
    auto empty = store().withdraw_report(id, "");
    auto prefix = store().withdraw_report(id, withdraw_hash_a.substr(0, 63));
    ASSERT_FALSE(wrong);
    ASSERT_FALSE(missing);
    ASSERT_FALSE(empty);
    ASSERT_FALSE(prefix);
    EXPECT_EQ(wrong.error().code, Errc::not_found);
    EXPECT_EQ(missing.error().code, Errc::not_found);
    EXPECT_EQ(wrong.error().message, missing.error().message);
    EXPECT_EQ(empty.error().message, missing.error().message);
    EXPECT_EQ(prefix.error().message, missing.error().message);
    EXPECT_EQ(store().find_report(id)->status, model::ReportStatus::pending);
    EXPECT_EQ(store().find_report(id)->note, belgrade_report().note);
}

TEST_P(StoreContract, ReportsWithdrawOfADecidedReportIsAConflict) {
    auto id = add_report(store());
    ASSERT_TRUE(store().accept_report(id, decision()));
    auto again = store().withdraw_report(id, withdraw_hash_a);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, Errc::conflict);

    auto withdrawn = add_report(store());
    ASSERT_TRUE(store().withdraw_report(withdrawn, withdraw_hash_a));
    EXPECT_EQ(store().withdraw_report(withdrawn, withdraw_hash_a).error().code, Errc::conflict);
    EXPECT_EQ(store().accept_report(withdrawn, decision()).error().code, Errc::conflict);
}

TEST_P(StoreContract, ReportsStoresSqlLookingTextVerbatim) {
    const std::string nasty = "'); DROP TABLE cameras;-- $1 ?1";
    auto input = belgrade_report({{"name", nasty}, {nasty, "\" OR 1=1 --"}});
    input.note = nasty + " \\x00 %s %n";
    auto id = store().insert_report(input, nasty, report_time);
    ASSERT_TRUE(id);
    auto report = store().find_report(*id);
    ASSERT_TRUE(report);
    EXPECT_EQ(report->tags, input.tags);
    EXPECT_EQ(report->note, input.note);
    ASSERT_TRUE(store().withdraw_report(*id, nasty));
    EXPECT_TRUE(store().accept_report(add_report(store()), decision()))
        << "the cameras table is there";
}

// --- photos ------------------------------------------------------------------------------

TEST_P(StoreContract, PhotosKeepTheirUploadOrderAndEveryField) {
    auto input = belgrade_report();
    input.photos = {photo('b', 0xF0F0F0F0F0F0F0F0ULL), photo('a', 0x8000000000000001ULL)};
    auto id = store().insert_report(input, withdraw_hash_a, report_time);
    ASSERT_TRUE(id) << id.error().message;
    auto report = store().find_report(*id);
    ASSERT_TRUE(report);
    EXPECT_EQ(report->photos, input.photos) << "the high bit of the hash survives";
    auto listed = store().list_reports({});
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].photos, input.photos);
    auto found = store().find_photo(std::string(64, 'a'));
    ASSERT_TRUE(found);
    EXPECT_EQ(*found, input.photos[1]);
    EXPECT_EQ(store().find_photo(std::string(64, 'c')).error().code, Errc::not_found);
}

TEST_P(StoreContract, PhotosTheSamePictureInTwoReportsIsOneRecord) {
    auto input = belgrade_report();
    input.photos = {photo('a', 1)};
    auto first = store().insert_report(input, withdraw_hash_a, report_time);
    ASSERT_TRUE(first);
    input.photos[0].faces_blurred = 7;  // the first record is kept
    auto second = store().insert_report(input, withdraw_hash_b, report_time);
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_EQ(store().find_photo(std::string(64, 'a'))->faces_blurred, 2);
    EXPECT_EQ(store().find_report(*second)->photos.at(0).faces_blurred, 2);
    ASSERT_TRUE(store().withdraw_report(*first, withdraw_hash_a));
    EXPECT_TRUE(store().delete_unreferenced_photos().empty()) << "the second report links it";
    ASSERT_TRUE(store().withdraw_report(*second, withdraw_hash_b));
    EXPECT_EQ(store().delete_unreferenced_photos(), std::vector<std::string>{std::string(64, 'a')});
}

TEST_P(StoreContract, PhotosAFailedInsertLeavesNeitherReportNorPhotoRows) {
    auto input = belgrade_report();
    input.photos = {photo('a', 1)};
    input.photos[0].width = 0;  // incomplete record
    EXPECT_EQ(store().insert_report(input, withdraw_hash_a, report_time).error().code,
              Errc::invalid_argument);
    input.photos = {photo('a', 1)};
    input.photos[0].sha256 = std::string(64, 'A');  // not lowercase hex
    EXPECT_EQ(store().insert_report(input, withdraw_hash_a, report_time).error().code,
              Errc::invalid_argument);
    input.photos = {photo('a', 1), photo('b', 2), photo('c', 3), photo('d', 4), photo('e', 5)};
    EXPECT_EQ(store().insert_report(input, withdraw_hash_a, report_time).error().code,
              Errc::too_large);
    EXPECT_TRUE(store().list_reports(report_query(10)).empty());
    for (char fill : {'a', 'b', 'e'})
        EXPECT_EQ(store().find_photo(std::string(64, fill)).error().code, Errc::not_found);
    EXPECT_TRUE(store().delete_unreferenced_photos().empty());
}

TEST_P(StoreContract, PhotosWithdrawalUnlinksAndCleanUpDeletesOnlyUnreferencedOnes) {
    auto first = belgrade_report();
    first.photos = {photo('c', 1), photo('a', 2), photo('b', 3)};
    auto second = belgrade_report();
    second.photos = {photo('b', 3)};
    auto id = store().insert_report(first, withdraw_hash_a, report_time);
    ASSERT_TRUE(id);
    ASSERT_TRUE(store().insert_report(second, withdraw_hash_b, report_time));
    EXPECT_TRUE(store().delete_unreferenced_photos().empty());

    ASSERT_TRUE(store().withdraw_report(*id, withdraw_hash_a));
    EXPECT_TRUE(store().find_report(*id)->photos.empty());
    auto deleted = store().delete_unreferenced_photos();
    EXPECT_EQ(deleted, (std::vector<std::string>{std::string(64, 'a'), std::string(64, 'c')}))
        << "'b' is still used; the hashes come in order";
    EXPECT_EQ(store().find_photo(std::string(64, 'a')).error().code, Errc::not_found);
    EXPECT_TRUE(store().find_photo(std::string(64, 'b')));
    EXPECT_TRUE(store().delete_unreferenced_photos().empty());
}

TEST_P(StoreContract, PhotosSimilarAreOtherReportsPicturesClosestFirst) {
    auto a = belgrade_report();
    a.photos = {photo('a', 0)};
    auto b = belgrade_report();
    b.photos = {photo('b', 0b111), photo('d', 0b1)};  // distances 3 and 1
    auto c = belgrade_report();
    c.photos = {photo('c', 0xFFFFFFFFULL)};  // distance 32
    auto e = belgrade_report();
    e.photos = {photo('e', 0b100)};  // distance 1, a newer report than b
    auto f = belgrade_report();
    f.photos = {photo('f', 0xFFFFFFFFFFFFFFFFULL)};  // distance 64: the sign bit counts
    auto id_a = *store().insert_report(a, withdraw_hash_a, report_time);
    auto id_b = *store().insert_report(b, withdraw_hash_a, report_time);
    ASSERT_TRUE(store().insert_report(c, withdraw_hash_a, report_time));
    auto id_e = *store().insert_report(e, withdraw_hash_a, report_time);
    auto id_f = *store().insert_report(f, withdraw_hash_a, report_time);

    auto similar = store().similar_photos(0, model::similar_photo_max_distance, id_a, 10);
    ASSERT_EQ(similar.size(), 3u);
    EXPECT_EQ(similar[0].report_id, id_e) << "same distance: the newer report first";
    EXPECT_EQ(similar[0].distance, 1);
    EXPECT_EQ(similar[1].report_id, id_b);
    EXPECT_EQ(similar[1].sha256, std::string(64, 'd'));
    EXPECT_EQ(similar[1].distance, 1);
    EXPECT_EQ(similar[2].sha256, std::string(64, 'b'));
    EXPECT_EQ(similar[2].distance, 3);
    EXPECT_EQ(similar[2].similar_to, "");
    EXPECT_EQ(store().similar_photos(0, 2, id_a, 10).size(), 2u);
    EXPECT_EQ(store().similar_photos(0, 10, id_a, 1).size(), 1u);
    EXPECT_TRUE(store().similar_photos(0, 10, id_a, 0).empty());
    EXPECT_TRUE(store().similar_photos(0, -1, id_a, 10).empty());
    auto all = store().similar_photos(0, 64, id_a, 10);
    ASSERT_EQ(all.size(), 5u);
    EXPECT_EQ(all.back().report_id, id_f);
    EXPECT_EQ(all.back().distance, 64);
    // The excluded report's own pictures never come back; another's identical one does.
    EXPECT_TRUE(store().similar_photos(0b1, 0, id_b, 10).empty());
    auto same = store().similar_photos(0b1, 0, id_e, 10);
    ASSERT_EQ(same.size(), 1u);
    EXPECT_EQ(same[0].report_id, id_b);
    EXPECT_EQ(same[0].distance, 0);
}

TEST_P(StoreContract, PhotosArePublicOnlyOnceTheirReportBecamePartOfACamera) {
    auto with = [](std::vector<model::PhotoRecord> photos) {
        auto r = belgrade_report();
        r.photos = std::move(photos);
        return r;
    };
    auto accepted =
        *store().insert_report(with({photo('a', 1), photo('b', 2)}), withdraw_hash_a, report_time);
    auto merged =
        *store().insert_report(with({photo('c', 3)}), withdraw_hash_a, report_time + 3600);
    auto rejected = *store().insert_report(with({photo('d', 4)}), withdraw_hash_a, report_time);
    auto pending = *store().insert_report(with({photo('e', 5)}), withdraw_hash_a, report_time);
    for (char fill : {'a', 'c', 'd', 'e'})
        EXPECT_FALSE(store().photo_is_public(std::string(64, fill))) << fill;

    auto camera = store().accept_report(accepted, decision());
    ASSERT_TRUE(camera);
    ASSERT_TRUE(store().merge_report(merged, camera->id, decision()));
    ASSERT_TRUE(store().reject_report(rejected, decision("blurry")));
    for (char fill : {'a', 'b', 'c'})
        EXPECT_TRUE(store().photo_is_public(std::string(64, fill))) << fill;
    for (char fill : {'d', 'e', 'z'})
        EXPECT_FALSE(store().photo_is_public(std::string(64, fill))) << fill;

    // Newest report first, each report's photos in upload order.
    auto photos = store().camera_photos(camera->id);
    ASSERT_EQ(photos.size(), 3u);
    EXPECT_EQ(photos[0], (model::CameraPhoto{std::string(64, 'c'), merged, report_time + 3600}));
    EXPECT_EQ(photos[1], (model::CameraPhoto{std::string(64, 'a'), accepted, report_time}));
    EXPECT_EQ(photos[2], (model::CameraPhoto{std::string(64, 'b'), accepted, report_time}));
    EXPECT_TRUE(store().camera_photos(model::CameraId{camera->id.value + 100}).empty());
    (void)pending;
}

// Several servers: one keeps sending reports with the same picture and withdrawing them while
// another sweeps unlinked photo records. No report may fail, and no linked record may go.
TEST_P(StoreContract, PhotosSweepingNeverBreaksAReportBeingWritten) {
    auto other = open_again();
    auto input = belgrade_report();
    input.photos = {photo('a', 1)};
    constexpr int rounds = 150;
    std::atomic<bool> writing{true};
    std::atomic<int> failures{0};
    together(2, [&](int i) {
        if (i == 0) {
            struct Done {
                std::atomic<bool>& flag;
                ~Done() { flag = false; }  // also when a store call throws
            } done{writing};
            for (int n = 0; n < rounds && failures == 0; ++n) {
                auto id = other->insert_report(input, withdraw_hash_a, report_time);
                if (!id || other->find_report(*id)->photos != input.photos ||
                    !other->withdraw_report(*id, withdraw_hash_a))
                    ++failures;
            }
        } else {
            try {
                while (writing)
                    store().delete_unreferenced_photos();
            } catch (...) {
                ++failures;  // the writer stops too
                throw;
            }
        }
    });
    EXPECT_EQ(failures.load(), 0);
    auto last = store().insert_report(input, withdraw_hash_a, report_time);
    ASSERT_TRUE(last);
    EXPECT_TRUE(store().delete_unreferenced_photos().empty());
    EXPECT_EQ(store().find_report(*last)->photos, input.photos);
}

// --- moderation --------------------------------------------------------------------------

TEST_P(StoreContract, ModerationAcceptCreatesAVerifiedCameraFromTheReport) {
    auto id = add_report(store(), {{"operator", "МУП Србије"}});
    auto version = store().camera_version();
    auto camera = store().accept_report(id, decision("clear photo"));
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
    EXPECT_GT(store().camera_version(), version) << "the writer reads its own write at once";

    auto found = store().find_camera(camera->id);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->tags, camera->tags);
    EXPECT_EQ(found->report_ids, camera->report_ids);

    auto report = store().find_report(id);
    EXPECT_EQ(report->status, model::ReportStatus::accepted);
    EXPECT_EQ(report->camera_id, camera->id);
    EXPECT_EQ(report->decided_at, decision_time);
    EXPECT_EQ(report->decision_reason, "clear photo");

    auto history = store().camera_history(camera->id);
    ASSERT_EQ(history.size(), 1u);
    EXPECT_EQ(history[0].action, "created");
    EXPECT_EQ(history[0].actor, "mila");
    EXPECT_EQ(history[0].report_id, id);

    auto audit = store().list_audit(10, std::nullopt);
    ASSERT_EQ(audit.size(), 1u);
    EXPECT_EQ(audit[0].action, "accept");
    EXPECT_EQ(audit[0].subject, "report/" + std::to_string(id.value));
    EXPECT_EQ(audit[0].actor, "mila");
    EXPECT_EQ(audit[0].reason, "clear photo");
    EXPECT_EQ(audit[0].at, decision_time);
}

TEST_P(StoreContract, ModerationMergeAddsAConfirmationAndOnlyTheTagsTheCameraLacks) {
    auto camera = store().accept_report(add_report(store(), {{"operator", "City"}}), decision());
    ASSERT_TRUE(camera);
    auto second = add_report(
        store(), {{"operator", "Someone else"}, {"height", "4"}, {"camera:type", "fixed"}});
    auto version = store().camera_version();
    auto merged =
        store().merge_report(second, camera->id, decision("same pole", decision_time + 60));
    ASSERT_TRUE(merged) << merged.error().message;

    EXPECT_EQ(merged->confirmations, 2);
    EXPECT_EQ(merged->last_verified, decision_time + 60);
    EXPECT_EQ(merged->updated_at, decision_time + 60);
    EXPECT_EQ(merged->first_seen, report_time);
    EXPECT_EQ(merged->tags.at("operator"), "City") << "existing tags win";
    EXPECT_EQ(merged->tags.at("camera:type"), "dome");
    EXPECT_EQ(merged->tags.at("height"), "4") << "missing tags are copied";
    EXPECT_EQ(merged->report_ids, (std::vector<model::ReportId>{camera->report_ids[0], second}));
    EXPECT_GT(store().camera_version(), version);
    EXPECT_EQ(store().find_camera(camera->id)->tags, merged->tags);

    auto history = store().camera_history(camera->id);
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[1].action, "confirmed");
    EXPECT_EQ(history[1].report_id, second);
    EXPECT_EQ(history[1].detail, "same pole; added tags: height=4");

    auto report = store().find_report(second);
    EXPECT_EQ(report->status, model::ReportStatus::merged);
    EXPECT_EQ(report->camera_id, camera->id);
    EXPECT_EQ(store().list_audit(10, std::nullopt).front().action, "merge");
}

TEST_P(StoreContract, ModerationRefusesDecisionsOnAReportThatIsNoLongerPending) {
    auto id = add_report(store());
    ASSERT_TRUE(store().reject_report(id, decision("blurry")));
    auto accept = store().accept_report(id, decision());
    ASSERT_FALSE(accept);
    EXPECT_EQ(accept.error().code, Errc::conflict);
    EXPECT_EQ(accept.error().message,
              fmt::format("report {} is no longer pending (it is rejected)", id.value));
    EXPECT_EQ(store().reject_report(id, decision("again")).error().code, Errc::conflict);

    auto camera = store().accept_report(add_report(store()), decision());
    ASSERT_TRUE(camera);
    EXPECT_EQ(store().merge_report(id, camera->id, decision()).error().code, Errc::conflict);
    EXPECT_EQ(store().list_audit(100, std::nullopt).size(), 2u) << "refusals are not audited";
    EXPECT_EQ(store().find_camera(camera->id)->confirmations, 1);
}

TEST_P(StoreContract, ModerationAnswersNotFoundForUnknownReportsAndCameras) {
    model::ReportId nobody{999};
    EXPECT_EQ(store().accept_report(nobody, decision()).error().code, Errc::not_found);
    EXPECT_EQ(store().reject_report(nobody, decision()).error().code, Errc::not_found);
    EXPECT_EQ(store().remove_camera(model::CameraId{5}, decision()).error().code, Errc::not_found);
    auto pending = add_report(store());
    EXPECT_EQ(store().merge_report(pending, model::CameraId{5}, decision()).error().code,
              Errc::not_found);
    EXPECT_EQ(store().merge_report(nobody, model::CameraId{5}, decision()).error().code,
              Errc::not_found);
    EXPECT_EQ(store().find_report(pending)->status, model::ReportStatus::pending);
    EXPECT_TRUE(store().list_audit(10, std::nullopt).empty());
}

TEST_P(StoreContract, ModerationRejectNeedsAReason) {
    auto id = add_report(store());
    for (const char* blank : {"", "   ", "\n\t"}) {
        auto result = store().reject_report(id, decision(blank));
        ASSERT_FALSE(result);
        EXPECT_EQ(result.error().code, Errc::invalid_argument);
    }
    auto version = store().camera_version();
    auto rejected = store().reject_report(id, decision("no camera visible"));
    ASSERT_TRUE(rejected);
    EXPECT_EQ(rejected->status, model::ReportStatus::rejected);
    EXPECT_EQ(rejected->decision_reason, "no camera visible");
    EXPECT_EQ(rejected->decided_at, decision_time);
    EXPECT_EQ(rejected->camera_id, std::nullopt);
    EXPECT_EQ(rejected->note, belgrade_report().note);
    EXPECT_EQ(store().camera_version(), version) << "no camera changed";
    EXPECT_EQ(actions(store().list_audit(10, std::nullopt)), std::vector<std::string>{"reject"});
}

TEST_P(StoreContract, ModerationRemovingACameraKeepsItWithItsHistoryAndRefusesMerges) {
    auto camera = store().accept_report(add_report(store()), decision());
    ASSERT_TRUE(camera);
    auto version = store().camera_version();
    auto removed = store().remove_camera(camera->id, decision("taken down", decision_time + 86400));
    ASSERT_TRUE(removed);
    EXPECT_EQ(removed->status, model::CameraStatus::removed);
    EXPECT_EQ(removed->updated_at, decision_time + 86400);
    EXPECT_EQ(removed->confirmations, 1);
    EXPECT_GT(store().camera_version(), version);

    EXPECT_EQ(store().remove_camera(camera->id, decision()).error().code, Errc::conflict);
    auto late = add_report(store());
    auto merge = store().merge_report(late, camera->id, decision());
    ASSERT_FALSE(merge);
    EXPECT_EQ(merge.error().code, Errc::conflict);
    EXPECT_EQ(store().find_report(late)->status, model::ReportStatus::pending);

    auto history = store().camera_history(camera->id);
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[1].action, "removed");
    EXPECT_EQ(history[1].detail, "taken down");
    EXPECT_EQ(store().find_camera(camera->id)->status, model::CameraStatus::removed);
    EXPECT_EQ(actions(store().list_audit(10, std::nullopt)),
              (std::vector<std::string>{"remove_camera", "accept"}));
}

TEST_P(StoreContract, ModerationCameraVersionIncreasesWithEveryCameraChangeOnly) {
    auto v0 = store().camera_version();
    auto id = add_report(store());
    EXPECT_EQ(store().camera_version(), v0) << "a pending report changes no camera";
    auto camera = store().accept_report(id, decision());
    ASSERT_TRUE(camera);
    auto v1 = store().camera_version();
    EXPECT_GT(v1, v0);
    ASSERT_TRUE(store().merge_report(add_report(store()), camera->id, decision()));
    auto v2 = store().camera_version();
    EXPECT_GT(v2, v1);
    ASSERT_TRUE(store().reject_report(add_report(store()), decision("no")));
    ASSERT_TRUE(store().withdraw_report(add_report(store()), withdraw_hash_a));
    EXPECT_EQ(store().camera_version(), v2);
    ASSERT_TRUE(store().remove_camera(camera->id, decision()));
    EXPECT_GT(store().camera_version(), v2);
}

// Two moderators on two servers press "accept" on the same report at the same moment (and a
// third rejects it, and the reporter withdraws it): exactly one of them wins, the others are
// told it is no longer pending, and there is one camera.
TEST_P(StoreContract, ModerationTwoServersNeverBothDecideOneReport) {
    auto other = open_again();
    constexpr int reports = 12;
    std::vector<model::ReportId> ids;
    for (int i = 0; i < reports; ++i)
        ids.push_back(add_report(store()));
    for (const auto id : ids) {
        std::atomic<int> won{0};
        std::atomic<int> refused{0};
        together(4, [&](int i) {
            store::Backend& s = i % 2 == 0 ? store() : *other;
            bool ok = false;
            Errc code = Errc::conflict;
            switch (i) {
                case 0:
                case 1:
                    if (auto r = s.accept_report(id, decision()); r)
                        ok = true;
                    else
                        code = r.error().code;
                    break;
                case 2:
                    if (auto r = s.reject_report(id, decision("duplicate")); r)
                        ok = true;
                    else
                        code = r.error().code;
                    break;
                default:
                    if (auto r = s.withdraw_report(id, withdraw_hash_a); r)
                        ok = true;
                    else
                        code = r.error().code;
            }
            if (ok)
                ++won;
            else if (code == Errc::conflict)
                ++refused;
        });
        EXPECT_EQ(won.load(), 1) << "report " << id.value;
        EXPECT_EQ(refused.load(), 3) << "report " << id.value;
    }
    std::size_t accepted = 0;
    for (const auto& r : store().list_reports(report_query(100)))
        accepted += r.status == model::ReportStatus::accepted ? 1 : 0;
    store::CameraQuery all;
    all.include_removed = true;
    EXPECT_EQ(store().find_cameras(all).size(), accepted) << "one camera per accepted report";
    EXPECT_EQ(static_cast<std::size_t>(count_action(store(), "accept")), accepted);
}

// Moderators on two servers merge different reports into one camera at once: every merge
// counts and every report's new tags arrive.
TEST_P(StoreContract, ModerationConcurrentMergesIntoOneCameraAllCount) {
    auto other = open_again();
    auto camera = store().accept_report(add_report(store()), decision());
    ASSERT_TRUE(camera);
    constexpr int merges = 8;
    std::vector<model::ReportId> ids;
    for (int i = 0; i < merges; ++i)
        ids.push_back(add_report(store(), {{fmt::format("note:{}", i), "x"}}));
    std::atomic<int> failures{0};
    together(merges, [&](int i) {
        store::Backend& s = i % 2 == 0 ? store() : *other;
        if (!s.merge_report(ids[static_cast<std::size_t>(i)], camera->id, decision())) ++failures;
    });
    EXPECT_EQ(failures.load(), 0);
    auto after = store().find_camera(camera->id);
    ASSERT_TRUE(after);
    EXPECT_EQ(after->confirmations, 1 + merges);
    for (int i = 0; i < merges; ++i)
        EXPECT_EQ(after->tags.count(fmt::format("note:{}", i)), 1u) << i;
    EXPECT_EQ(after->report_ids.size(), static_cast<std::size_t>(1 + merges));
}

TEST_P(StoreContract, ModerationEveryActionAppendsExactlyOneAuditEvent) {
    auto a = add_report(store());
    auto b = add_report(store());
    auto c = add_report(store());
    auto camera = store().accept_report(a, decision());
    ASSERT_TRUE(camera);
    ASSERT_TRUE(store().merge_report(b, camera->id, decision()));
    ASSERT_TRUE(store().reject_report(c, decision("spam")));
    ASSERT_TRUE(store().remove_camera(camera->id, decision("gone")));
    ASSERT_TRUE(store().withdraw_report(add_report(store()), withdraw_hash_a));
    EXPECT_EQ(actions(store().list_audit(100, std::nullopt)),
              (std::vector<std::string>{"remove_camera", "reject", "merge", "accept"}))
        << "a withdrawal is the reporter's, not a moderator's";
}

// --- checks of cameras (issue 14) --------------------------------------------------------

TEST_P(StoreContract, ChecksStillThereMovesLastVerifiedAndWritesAnAnonymousHistoryEntry) {
    auto id = add_camera(store());
    auto before = *store().find_camera(id);
    auto version = store().camera_version();

    auto check = store().insert_check(id, still_there("yes, above the bakery"), check_time);
    ASSERT_TRUE(check) << check.error().message;
    EXPECT_EQ(check->status, model::CheckStatus::accepted);
    EXPECT_TRUE(check->present);
    EXPECT_EQ(check->camera_id, id);
    EXPECT_EQ(check->created_at, check_time);
    EXPECT_EQ(check->decided_at, check_time);
    EXPECT_EQ(check->note, "yes, above the bakery");

    auto after = *store().find_camera(id);
    EXPECT_EQ(after.last_verified, check_time);
    EXPECT_EQ(after.status, before.status);
    EXPECT_EQ(after.confirmations, before.confirmations) << "a check is not a moderated report";
    EXPECT_EQ(after.updated_at, before.updated_at) << "the camera itself did not change";
    EXPECT_GT(store().camera_version(), version) << "tiles show staleness";

    auto history = store().camera_history(id);
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[1].action, "confirmed_present");
    EXPECT_EQ(history[1].actor, "anonymous");
    EXPECT_EQ(history[1].at, check_time);
    EXPECT_EQ(history[1].detail, "") << "the passer-by's note is not public";
    EXPECT_EQ(store().find_check(check->id)->note, "yes, above the bakery");
}

TEST_P(StoreContract, ChecksStillThereNeverMovesLastVerifiedBackwards) {
    auto id = add_camera(store());
    ASSERT_TRUE(store().insert_check(id, still_there(), round_down_to_hour(decision_time) - 3600));
    EXPECT_EQ(store().find_camera(id)->last_verified, decision_time);
}

TEST_P(StoreContract, ChecksTimesMustBeWholeHours) {
    auto id = add_camera(store());
    auto check = store().insert_check(id, still_there(), check_time + 5);
    ASSERT_FALSE(check);
    EXPECT_EQ(check.error().code, Errc::invalid_argument);
    EXPECT_TRUE(store().list_checks(std::nullopt, 10, 0).empty());
}

TEST_P(StoreContract, ChecksGoneWaitsForAModeratorAndChangesNothingYet) {
    auto id = add_camera(store());
    auto before = *store().find_camera(id);
    auto version = store().camera_version();
    auto check = store().insert_check(id, gone(), check_time);
    ASSERT_TRUE(check) << check.error().message;
    EXPECT_EQ(check->status, model::CheckStatus::pending);
    EXPECT_FALSE(check->present);
    EXPECT_EQ(check->decided_at, 0);

    auto after = *store().find_camera(id);
    EXPECT_EQ(after.status, model::CameraStatus::verified);
    EXPECT_EQ(after.last_verified, before.last_verified);
    EXPECT_EQ(store().camera_history(id).size(), 1u);
    EXPECT_EQ(store().camera_version(), version);

    auto pending = store().list_checks(model::CheckStatus::pending, 10, 0);
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pending[0].id, check->id);
    EXPECT_EQ(pending[0].camera_id, id);
    EXPECT_EQ(pending[0].note, "taken down last week");
    EXPECT_EQ(store().find_check(check->id)->status, model::CheckStatus::pending);
    EXPECT_EQ(store().find_check(check->id + 100).error().code, Errc::not_found);
}

TEST_P(StoreContract, ChecksAcceptingGoneRemovesTheCameraWithItsHistory) {
    auto id = add_camera(store());
    auto other_camera = add_camera(store());
    auto first = store().insert_check(id, gone(), check_time);
    auto second = store().insert_check(id, gone("not there"), check_time + 3600);
    auto elsewhere = store().insert_check(other_camera, gone(), check_time);
    ASSERT_TRUE(first && second && elsewhere);
    auto version = store().camera_version();

    auto camera =
        store().accept_check(first->id, decision("confirmed on street view", check_time + 7200));
    ASSERT_TRUE(camera) << camera.error().message;
    EXPECT_EQ(camera->id, id);
    EXPECT_EQ(camera->status, model::CameraStatus::removed);
    EXPECT_EQ(camera->updated_at, check_time + 7200);
    EXPECT_GT(store().camera_version(), version);
    ASSERT_TRUE(store().find_camera(id)) << "removed, never deleted";

    auto history = store().camera_history(id);
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[1].action, "removed");
    EXPECT_EQ(history[1].actor, "mila");
    EXPECT_EQ(history[1].detail,
              fmt::format("reported gone (check {}); confirmed on street view", first->id));

    auto accepted = store().find_check(first->id);
    EXPECT_EQ(accepted->status, model::CheckStatus::accepted);
    EXPECT_EQ(accepted->decided_at, check_time + 7200);
    EXPECT_EQ(accepted->decision_reason, "confirmed on street view");
    EXPECT_EQ(store().find_check(second->id)->status, model::CheckStatus::accepted)
        << "the other pending 'gone' checks of the camera said the same";
    auto pending = store().list_checks(model::CheckStatus::pending, 10, 0);
    ASSERT_EQ(pending.size(), 1u) << "another camera's check waits";
    EXPECT_EQ(pending[0].id, elsewhere->id);
    EXPECT_EQ(count_action(store(), "accept_check"), 1);
    EXPECT_EQ(count_action(store(), "remove_camera"), 1);

    auto again = store().accept_check(first->id, decision());
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, Errc::conflict);
    EXPECT_EQ(store().reject_check(second->id, decision()).error().code, Errc::conflict);
}

TEST_P(StoreContract, ChecksRejectingGoneChangesNothing) {
    auto id = add_camera(store());
    auto check = store().insert_check(id, gone(), check_time);
    ASSERT_TRUE(check);
    auto before = *store().find_camera(id);
    auto version = store().camera_version();

    auto rejected = store().reject_check(check->id, decision("still on the photo from today"));
    ASSERT_TRUE(rejected) << rejected.error().message;
    EXPECT_EQ(rejected->status, model::CheckStatus::rejected);
    EXPECT_EQ(rejected->decision_reason, "still on the photo from today");
    EXPECT_EQ(rejected->decided_at, decision_time);

    auto after = *store().find_camera(id);
    EXPECT_EQ(after.status, before.status);
    EXPECT_EQ(after.last_verified, before.last_verified);
    EXPECT_EQ(after.updated_at, before.updated_at);
    EXPECT_EQ(store().camera_version(), version);
    EXPECT_EQ(store().camera_history(id).size(), 1u);
    EXPECT_EQ(count_action(store(), "reject_check"), 1);
    EXPECT_EQ(store().reject_check(check->id, decision()).error().code, Errc::conflict);
    EXPECT_EQ(store().accept_check(check->id, decision()).error().code, Errc::conflict);
    EXPECT_EQ(store().reject_check(check->id + 100, decision()).error().code, Errc::not_found);
}

TEST_P(StoreContract, ChecksARemovedCameraRefusesChecksAndUnknownOnesAreNotFound) {
    auto id = add_camera(store());
    ASSERT_TRUE(store().remove_camera(id, decision("gone")));
    for (bool present : {true, false}) {
        auto check = store().insert_check(id, {present, "", {}}, check_time);
        ASSERT_FALSE(check);
        EXPECT_EQ(check.error().code, Errc::conflict);
    }
    auto unknown = store().insert_check(model::CameraId{id.value + 100}, still_there(), check_time);
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, Errc::not_found);
    EXPECT_TRUE(store().list_checks(std::nullopt, 10, 0).empty());
    EXPECT_EQ(store().accept_check(12345, decision()).error().code, Errc::not_found);
}

TEST_P(StoreContract, ChecksAcceptingGoneForACameraRemovedMeanwhileLeavesItAsItIs) {
    auto id = add_camera(store());
    auto check = store().insert_check(id, gone(), check_time);
    ASSERT_TRUE(check);
    ASSERT_TRUE(store().remove_camera(id, decision("seen gone", check_time)));
    auto version = store().camera_version();
    auto camera = store().accept_check(check->id, decision("", check_time + 3600));
    ASSERT_TRUE(camera) << camera.error().message;
    EXPECT_EQ(camera->status, model::CameraStatus::removed);
    EXPECT_EQ(camera->updated_at, check_time) << "not removed twice";
    EXPECT_EQ(store().camera_history(id).size(), 2u);
    EXPECT_EQ(store().camera_version(), version);
    EXPECT_EQ(count_action(store(), "remove_camera"), 1);
    EXPECT_EQ(count_action(store(), "accept_check"), 1);
}

TEST_P(StoreContract, ChecksRecheckListsTheLeastRecentlyConfirmedFirstWithoutRemovedOnes) {
    // Three cameras verified at different times, one removed, one never verified (CSV).
    std::vector<model::CameraId> ids;
    for (std::int64_t at : {decision_time + 300, decision_time + 100, decision_time + 200}) {
        auto camera = store().accept_report(add_report(store()), decision("ok", at));
        ASSERT_TRUE(camera);
        ids.push_back(camera->id);
    }
    auto removed = store().accept_report(add_report(store()), decision("ok", decision_time));
    ASSERT_TRUE(removed && store().remove_camera(removed->id, decision("gone")));
    model::NewCamera csv;
    csv.location = {44.81, 20.46};
    csv.status = model::CameraStatus::reported;
    auto never = store().insert_cameras({csv}, decision("csv"));
    ASSERT_TRUE(never);

    auto order = [](const std::vector<model::Camera>& cameras) {
        std::vector<std::int64_t> out;
        for (const auto& c : cameras)
            out.push_back(c.id.value);
        return out;
    };
    EXPECT_EQ(
        order(store().cameras_to_recheck(std::nullopt, 10)),
        (std::vector<std::int64_t>{(*never)[0].value, ids[1].value, ids[2].value, ids[0].value}));
    EXPECT_EQ(order(store().cameras_to_recheck(std::nullopt, 2)),
              (std::vector<std::int64_t>{(*never)[0].value, ids[1].value}));
    EXPECT_TRUE(store().cameras_to_recheck(std::nullopt, 0).empty());
    // A check moves a camera to the end.
    ASSERT_TRUE(store().insert_check(ids[1], still_there(), check_time));
    EXPECT_EQ(order(store().cameras_to_recheck(std::nullopt, 10)).back(), ids[1].value);
    // Only the box's cameras: the CSV one is outside this small box around the reports.
    geo::BBox box{20.4610, 44.8124, 20.4614, 44.8126};
    EXPECT_EQ(order(store().cameras_to_recheck(box, 10)),
              (std::vector<std::int64_t>{ids[2].value, ids[0].value, ids[1].value}));
    auto listed = store().cameras_to_recheck(box, 1);
    ASSERT_EQ(listed.size(), 1u);
    auto stored = store().find_camera(ids[2]);
    ASSERT_TRUE(stored);
    EXPECT_EQ(listed[0].id, ids[2]);
    EXPECT_EQ(listed[0].location, stored->location);
    EXPECT_EQ(listed[0].tags, stored->tags) << "the whole camera";
    EXPECT_EQ(listed[0].last_verified, decision_time + 200);
    EXPECT_EQ(listed[0].report_ids, stored->report_ids);
    // Edges are inside; a hair outside is not.
    geo::BBox edge{20.4612, 44.8125, 20.4612, 44.8125};
    EXPECT_EQ(store().cameras_to_recheck(edge, 10).size(), 3u);
    geo::BBox beside{20.46120001, 44.8125, 20.4613, 44.8126};
    EXPECT_TRUE(store().cameras_to_recheck(beside, 10).empty());
}

TEST_P(StoreContract, ChecksAPhotoOfACheckIsKeptWithItAndNotSweptAway) {
    auto id = add_camera(store());
    model::PhotoRecord photo;
    photo.sha256 = std::string(64, 'c');
    photo.format = "jpeg";
    photo.width = 640;
    photo.height = 480;
    photo.byte_size = 12345;
    auto check = store().insert_check(id, {false, "see the photo", {photo}}, check_time);
    ASSERT_TRUE(check) << check.error().message;
    EXPECT_EQ(check->photos, std::vector<std::string>{photo.sha256});
    EXPECT_EQ(store().list_checks(model::CheckStatus::pending, 10, 0).at(0).photos,
              std::vector<std::string>{photo.sha256});
    EXPECT_EQ(store().find_check(check->id)->photos, std::vector<std::string>{photo.sha256});
    EXPECT_TRUE(store().delete_unreferenced_photos().empty()) << "the check still links it";
    EXPECT_TRUE(store().find_photo(photo.sha256));
    EXPECT_FALSE(store().photo_is_public(photo.sha256)) << "for moderators only";

    auto bad = photo;
    bad.byte_size = 0;
    auto refused = store().insert_check(id, {false, "", {bad}}, check_time);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::invalid_argument);
    EXPECT_EQ(store().list_checks(std::nullopt, 10, 0).size(), 1u) << "nothing half-written";
}

TEST_P(StoreContract, ChecksListingPagesByIdAndFiltersByStatus) {
    auto id = add_camera(store());
    auto a = store().insert_check(id, still_there(), check_time);
    auto b = store().insert_check(id, gone(), check_time);
    auto c = store().insert_check(id, gone(), check_time);
    ASSERT_TRUE(a && b && c);
    EXPECT_EQ(store().list_checks(std::nullopt, 10, 0).size(), 3u);
    auto page = store().list_checks(std::nullopt, 2, 0);
    ASSERT_EQ(page.size(), 2u);
    EXPECT_EQ(page[0].id, a->id);
    EXPECT_EQ(page[1].id, b->id);
    auto next = store().list_checks(std::nullopt, 2, page.back().id);
    ASSERT_EQ(next.size(), 1u);
    EXPECT_EQ(next[0].id, c->id);
    EXPECT_EQ(store().list_checks(model::CheckStatus::pending, 10, 0).size(), 2u);
    auto after_b = store().list_checks(model::CheckStatus::pending, 10, b->id);
    ASSERT_EQ(after_b.size(), 1u);
    EXPECT_EQ(after_b[0].id, c->id);
    EXPECT_EQ(store().list_checks(model::CheckStatus::accepted, 10, 0).size(), 1u);
    EXPECT_EQ(store().list_checks(model::CheckStatus::rejected, 10, 0).size(), 0u);
    EXPECT_TRUE(store().list_checks(std::nullopt, 0, 0).empty());
}

// Two moderators accept two "gone" checks of one camera at once, on two servers: the camera is
// removed once, both checks end accepted, and neither moderator gets an error other than
// "no longer pending".
TEST_P(StoreContract, ChecksTwoServersAcceptingGoneChecksOfOneCameraRemoveItOnce) {
    auto other = open_again();
    for (int round = 0; round < 10; ++round) {
        auto id = add_camera(store());
        auto first = store().insert_check(id, gone(), check_time);
        auto second = store().insert_check(id, gone(), check_time);
        ASSERT_TRUE(first && second);
        std::atomic<int> accepted{0};
        std::atomic<int> refused{0};
        together(2, [&](int i) {
            auto result = i == 0 ? store().accept_check(first->id, decision())
                                 : other->accept_check(second->id, decision());
            if (result)
                ++accepted;
            else if (result.error().code == Errc::conflict)
                ++refused;
        });
        EXPECT_EQ(accepted.load(), 1) << "the first accepts both checks";
        EXPECT_EQ(refused.load(), 1);
        EXPECT_EQ(store().find_camera(id)->status, model::CameraStatus::removed);
        EXPECT_EQ(store().camera_history(id).size(), 2u) << "removed once";
        EXPECT_EQ(store().find_check(first->id)->status, model::CheckStatus::accepted);
        EXPECT_EQ(store().find_check(second->id)->status, model::CheckStatus::accepted);
    }
    EXPECT_EQ(count_action(store(), "remove_camera"), 10);
}

}  // namespace
}  // namespace sightline::testing
