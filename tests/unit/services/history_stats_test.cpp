// Change over time: the counting of services/history_stats over histories built in a real
// SQLite store with moderators' decisions at known times, and over hand-made spans.

#include "services/history_stats.hpp"

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.hpp"
#include "support/temp_dir.hpp"

namespace sightline::services {
namespace {

std::int64_t at(std::string_view day, std::int64_t hour = 12) {
    auto start = parse_iso_day(day);
    EXPECT_TRUE(start) << day;
    return start.value_or(0) + hour * 3600;
}

model::NewReport report_at(geo::LatLon where, std::string camera_type) {
    model::NewReport r;
    r.location = where;
    r.tags = {{"man_made", "surveillance"}, {"camera:type", std::move(camera_type)}};
    return r;
}

constexpr geo::LatLon belgrade{44.8125, 20.4612};
constexpr geo::LatLon zagreb{45.8129, 15.9772};

class HistoryStats : public ::testing::Test {
  protected:
    testing::TempDir dir{"sightline-history"};
    std::unique_ptr<store::SqliteStore> store = store::open_sqlite_store(dir.path());

    model::ReportId report(geo::LatLon where, std::string type, std::string_view day) {
        auto id = store->insert_report(report_at(where, std::move(type)), std::string(64, 'a'),
                                       at(day, 9));
        EXPECT_TRUE(id) << id.error().message;
        return *id;
    }
    static store::Decision on(std::string_view day) { return {"mila", "", at(day)}; }

    // Belgrade dome: reported and accepted in January 2024, confirmed by a second report in
    // February (not new), removed in April. Zagreb fixed: reported and accepted in March.
    void build() {
        auto dome = store->accept_report(report(belgrade, "dome", "2024-01-10"), on("2024-01-15"));
        ASSERT_TRUE(dome);
        ASSERT_TRUE(store->merge_report(report(belgrade, "dome", "2024-02-01"), dome->id,
                                        on("2024-02-10")));
        ASSERT_TRUE(store->accept_report(report(zagreb, "fixed", "2024-03-01"), on("2024-03-05")));
        ASSERT_TRUE(store->remove_camera(dome->id, on("2024-04-20")));
    }
};

struct Row {
    std::string period;
    std::int64_t active, added, removed, reports;
    friend bool operator==(const Row&, const Row&) = default;
};
std::ostream& operator<<(std::ostream& os, const Row& r) {
    return os << r.period << " active " << r.active << " +" << r.added << " -" << r.removed
              << " reports " << r.reports;
}
std::vector<Row> rows(const History& h) {
    std::vector<Row> out;
    for (const auto& p : h.periods)
        out.push_back({p.period, p.active, p.added, p.removed, p.reports});
    return out;
}

TEST_F(HistoryStats, CountsMonthsFromTheFirstEventToNowWithEmptyMonthsAsZeros) {
    build();
    auto h = load_history(*store, std::nullopt, HistoryInterval::month, at("2024-06-10"));
    EXPECT_EQ(rows(h), (std::vector<Row>{{"2024-01", 1, 1, 0, 1},
                                         {"2024-02", 1, 0, 0, 1},  // the merge is not new
                                         {"2024-03", 2, 1, 0, 1},
                                         {"2024-04", 1, 0, 1, 0},
                                         {"2024-05", 1, 0, 0, 0},
                                         {"2024-06", 1, 0, 0, 0}}));
    ASSERT_EQ(h.kinds, (std::vector<std::string>{"dome", "fixed"}));
    EXPECT_EQ(h.periods[2].active_by_kind, (std::vector<std::int64_t>{1, 1}));
    EXPECT_EQ(h.periods[3].active_by_kind, (std::vector<std::int64_t>{0, 1}));
    EXPECT_EQ(h.first_event, at("2024-01-10", 9));
    EXPECT_EQ(h.periods_left_out, 0);
}

TEST_F(HistoryStats, ARemovedCameraIsActiveUntilTheMonthOfItsRemoval) {
    build();
    geo::BBox around_belgrade{20.0, 44.0, 21.0, 45.0};
    auto h = load_history(*store, around_belgrade, HistoryInterval::month, at("2024-05-01"));
    EXPECT_EQ(rows(h), (std::vector<Row>{{"2024-01", 1, 1, 0, 1},
                                         {"2024-02", 1, 0, 0, 1},
                                         {"2024-03", 1, 0, 0, 0},
                                         {"2024-04", 0, 0, 1, 0},
                                         {"2024-05", 0, 0, 0, 0}}));
}

TEST_F(HistoryStats, CountsYears) {
    build();
    auto h = load_history(*store, std::nullopt, HistoryInterval::year, at("2025-02-01"));
    EXPECT_EQ(rows(h), (std::vector<Row>{{"2024", 1, 2, 1, 3}, {"2025", 1, 0, 0, 0}}));
    EXPECT_EQ(h.periods[0].start, at("2024-01-01", 0));
    EXPECT_EQ(h.periods[0].end, at("2025-01-01", 0));
}

TEST_F(HistoryStats, WritesJsonAndCsv) {
    build();
    auto h = load_history(*store, geo::BBox{15.0, 44.0, 21.0, 46.0}, HistoryInterval::year,
                          at("2024-12-31"));
    EXPECT_EQ(history_json(h),
              R"({"interval":"year","bbox":[15.000000,44.000000,21.000000,46.000000],)"
              R"("now":"2024-12-31T12:00:00Z","first_event":"2024-01-10T09:00:00Z",)"
              R"("kinds":["dome","fixed"],"periods_left_out":0,"periods":[{"period":"2024",)"
              R"("start":"2024-01-01","end":"2025-01-01","active":1,"added":2,"removed":1,)"
              R"("active_by_kind":{"dome":0,"fixed":1},"reports":3}]})");
    EXPECT_EQ(history_csv(h),
              "period,start,active,added,removed,reports,active:dome,active:fixed\n"
              "2024,2024-01-01,1,2,1,3,0,1\n");
}

TEST_F(HistoryStats, TheCacheAnswersAgainUntilACameraChangesOrTheAnswerIsOld) {
    build();
    HistoryCache cache(60);
    auto now = at("2024-06-10");
    auto first = cache.json(*store, std::nullopt, HistoryInterval::year, now);
    // A report alone does not change the cameras: the cached answer stays for max_age.
    report(zagreb, "fixed", "2024-06-09");
    EXPECT_EQ(cache.json(*store, std::nullopt, HistoryInterval::year, now + 59), first);
    EXPECT_NE(cache.json(*store, std::nullopt, HistoryInterval::year, now + 60), first)
        << "older than max_age: counted again, with the new report";
    auto second = cache.json(*store, std::nullopt, HistoryInterval::year, now + 60);
    ASSERT_TRUE(store->accept_report(report(zagreb, "dome", "2024-06-09"), on("2024-06-10")));
    auto third = cache.json(*store, std::nullopt, HistoryInterval::year, now + 61);
    EXPECT_NE(third, second) << "a camera changed: counted again";
    EXPECT_EQ(third,
              history_json(load_history(*store, std::nullopt, HistoryInterval::year, now + 61)));
    EXPECT_NE(
        cache.json(*store, geo::BBox{20.0, 44.0, 21.0, 45.0}, HistoryInterval::year, now + 61),
        third)
        << "another area is another answer";
}

TEST(HistoryCount, NothingYetIsNoPeriods) {
    auto h = count_history({}, {}, HistoryInterval::month, at("2024-05-01"));
    EXPECT_TRUE(h.periods.empty());
    EXPECT_FALSE(h.first_event);
}

TEST(HistoryCount, KeepsTheLatestPeriodsAndCarriesEarlierCameras) {
    std::vector<store::CameraSpan> spans{
        {model::CameraId{1}, belgrade, "fixed", at("1900-01-01"), std::nullopt},
        {model::CameraId{2}, belgrade, "fixed", at("1901-06-01"), at("2024-03-01")},
        {model::CameraId{3}, belgrade, "dome", at("2024-04-02"), std::nullopt}};
    auto h = count_history(spans, {at("1950-01-01")}, HistoryInterval::month, at("2024-05-01"));
    ASSERT_EQ(h.periods.size(), max_history_periods);
    EXPECT_EQ(h.periods_left_out, (2024 - 1900) * 12 + 5 - 600);
    EXPECT_EQ(h.periods.back().period, "2024-05");
    EXPECT_EQ(h.periods.front().period, "1974-06");
    EXPECT_EQ(rows(h).front(), (Row{"1974-06", 2, 0, 0, 0}));
    EXPECT_EQ(rows(h)[597], (Row{"2024-03", 1, 0, 1, 0}));
    EXPECT_EQ(rows(h)[598], (Row{"2024-04", 2, 1, 0, 0}));
}

TEST(HistoryCount, ACameraAddedAndRemovedInOnePeriodIsNotActiveAtItsEnd) {
    std::vector<store::CameraSpan> spans{
        {model::CameraId{1}, belgrade, "fixed", at("2024-04-02"), at("2024-04-20")}};
    auto h = count_history(spans, {}, HistoryInterval::month, at("2024-04-25"));
    EXPECT_EQ(rows(h), (std::vector<Row>{{"2024-04", 0, 1, 1, 0}}));
}

TEST(HistoryParse, IntervalsAndDays) {
    EXPECT_EQ(parse_history_interval("year"), HistoryInterval::year);
    EXPECT_FALSE(parse_history_interval("week"));
    EXPECT_EQ(parse_iso_day("1970-01-02"), 86400);
    for (auto bad : {"2024-02-30", "2024-13-01", "2024-1-01", "2024-01-01T00", "20240101xx", ""})
        EXPECT_FALSE(parse_iso_day(bad)) << bad;
}

}  // namespace
}  // namespace sightline::services
