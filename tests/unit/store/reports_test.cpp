// Reports: insert, find, list, withdraw.
#include <gtest/gtest.h>

#include "store_test_support.hpp"

namespace sightline::store::testing {

using Reports = StoreTest;

TEST_F(Reports, RoundTripsEveryFieldOfAReport) {
    auto input = belgrade_report({{"operator", "Градски завод"}});
    input.accuracy_m = std::nullopt;
    auto id = store->insert_report(input, withdraw_hash_a, report_time);
    ASSERT_TRUE(id) << id.error().message;

    auto report = store->find_report(*id);
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

    auto with_accuracy = store->find_report(add_report());
    ASSERT_TRUE(with_accuracy);
    EXPECT_EQ(with_accuracy->accuracy_m, 12.5);
}

TEST_F(Reports, RefusesACreationTimeThatIsNotRoundedToTheHour) {
    auto id = store->insert_report(belgrade_report(), withdraw_hash_a, report_time + 59);
    ASSERT_FALSE(id);
    EXPECT_EQ(id.error().code, Errc::invalid_argument);
    EXPECT_EQ(count("SELECT count(*) FROM reports"), 0);
}

TEST_F(Reports, RefusesAnInvalidLocation) {
    auto input = belgrade_report();
    input.location = {91, 0};
    auto id = store->insert_report(input, withdraw_hash_a, report_time);
    ASSERT_FALSE(id);
    EXPECT_EQ(id.error().code, Errc::invalid_argument);
}

TEST_F(Reports, ReportsNotFoundForAnUnknownId) {
    auto report = store->find_report(model::ReportId{4242});
    ASSERT_FALSE(report);
    EXPECT_EQ(report.error().code, Errc::not_found);
}

TEST_F(Reports, ListsNewestFirstWithKeysetPaginationAndStatusFilter) {
    std::vector<model::ReportId> ids;
    for (int i = 0; i < 7; ++i)
        ids.push_back(add_report());
    ASSERT_TRUE(store->reject_report(ids[1], decision("duplicate photo")));
    ASSERT_TRUE(store->reject_report(ids[4], decision("not a camera")));

    auto first = store->list_reports(report_query(3));
    ASSERT_EQ(first.size(), 3u);
    EXPECT_EQ(first[0].id, ids[6]);
    EXPECT_EQ(first[2].id, ids[4]);
    auto second = store->list_reports(report_query(3, std::nullopt, first.back().id));
    ASSERT_EQ(second.size(), 3u);
    EXPECT_EQ(second[0].id, ids[3]);
    EXPECT_EQ(second[2].id, ids[1]);

    auto pending = store->list_reports(report_query(100, model::ReportStatus::pending));
    ASSERT_EQ(pending.size(), 5u);
    for (const auto& r : pending)
        EXPECT_EQ(r.status, model::ReportStatus::pending);
    auto rejected = store->list_reports(report_query(100, model::ReportStatus::rejected, ids[4]));
    ASSERT_EQ(rejected.size(), 1u);
    EXPECT_EQ(rejected[0].id, ids[1]);

    EXPECT_TRUE(store->list_reports(report_query(0)).empty());
    EXPECT_TRUE(store->list_reports(report_query(-5)).empty());
}

TEST_F(Reports, WithdrawWithTheRightHashErasesTheNote) {
    auto id = add_report();
    ASSERT_TRUE(store->withdraw_report(id, withdraw_hash_a));
    auto report = store->find_report(id);
    ASSERT_TRUE(report);
    EXPECT_EQ(report->status, model::ReportStatus::withdrawn);
    EXPECT_EQ(report->note, "");
    EXPECT_GT(report->decided_at, 0);
    EXPECT_EQ(report->decided_at % 3600, 0) << "withdrawal time is as coarse as report time";
}

TEST_F(Reports, WithdrawGivesTheSameAnswerForAWrongHashAndAnUnknownReport) {
    auto id = add_report();
    auto wrong = store->withdraw_report(id, withdraw_hash_b);
    auto missing = store->withdraw_report(model::ReportId{id.value + 100}, withdraw_hash_a);
    auto empty = store->withdraw_report(id, "");
    ASSERT_FALSE(wrong);
    ASSERT_FALSE(missing);
    ASSERT_FALSE(empty);
    EXPECT_EQ(wrong.error().code, Errc::not_found);
    EXPECT_EQ(missing.error().code, Errc::not_found);
    EXPECT_EQ(wrong.error().message, missing.error().message);
    EXPECT_EQ(empty.error().message, missing.error().message);
    EXPECT_EQ(store->find_report(id)->status, model::ReportStatus::pending);
    EXPECT_EQ(store->find_report(id)->note, belgrade_report().note);
}

TEST_F(Reports, WithdrawOfADecidedReportIsAConflict) {
    auto id = add_report();
    ASSERT_TRUE(store->accept_report(id, decision()));
    auto again = store->withdraw_report(id, withdraw_hash_a);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, Errc::conflict);

    auto withdrawn = add_report();
    ASSERT_TRUE(store->withdraw_report(withdrawn, withdraw_hash_a));
    EXPECT_EQ(store->withdraw_report(withdrawn, withdraw_hash_a).error().code, Errc::conflict);
}

TEST_F(Reports, StoresSqlLookingTextVerbatim) {
    const std::string nasty = "'); DROP TABLE cameras;--";
    auto input = belgrade_report({{"name", nasty}, {nasty, "\" OR 1=1 --"}});
    input.note = nasty + " \\x00 %s %n";
    auto id = store->insert_report(input, nasty, report_time);
    ASSERT_TRUE(id);
    auto report = store->find_report(*id);
    ASSERT_TRUE(report);
    EXPECT_EQ(report->tags, input.tags);
    EXPECT_EQ(report->note, input.note);
    ASSERT_TRUE(store->withdraw_report(*id, nasty));
    EXPECT_EQ(count("SELECT count(*) FROM sqlite_master WHERE name = 'cameras'"), 1);
}

TEST_F(Reports, StoresNoClientIdentityAnywhereInTheSchema) {
    RawDb db(store->database_path());
    for (const char* word : {"ip", "addr", "agent", "client", "email", "host"}) {
        auto hits = db.count(
            "SELECT count(*) FROM sqlite_master AS m, pragma_table_info(m.name) AS c "
            "WHERE m.type = 'table' AND lower(c.name) LIKE '%" +
            std::string(word) + "%'");
        EXPECT_EQ(hits, 0) << "a column name contains '" << word << "'";
    }
}

}  // namespace sightline::store::testing
