// sightline stats history: the figures of GET /api/v1/stats/history as CSV and as a table, on a
// data folder seeded through the store with decisions at known times, and its option errors.

#include <fmt/core.h>
#include <fmt/ranges.h>

#include "cli/cli_fixture.hpp"
#include "core/clock.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace sightline::testing {
namespace {

constexpr std::int64_t jan_10_2024 = 1704877200;  // 2024-01-10T09:00:00Z
constexpr std::int64_t day = 86400;

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (auto end = text.find('\n'); end != std::string::npos; end = text.find('\n', start)) {
        out.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

// Months from January 2024 to now.
std::size_t months_since_2024() {
    auto now = format_utc(unix_now());
    return static_cast<std::size_t>((std::stoi(now.substr(0, 4)) - 2024) * 12 +
                                    std::stoi(now.substr(5, 2)));
}

class StatsHistory : public CliTest {
  protected:
    void SetUp() override {
        // A dome reported 2024-01-10, accepted 2024-01-15, confirmed 2024-02-14, removed
        // 2024-04-09; a fixed camera reported 2024-03-10 and accepted 2024-03-15.
        auto store = store::open_sqlite_store(data());
        auto report = [&](std::string type, std::int64_t at, geo::LatLon where) {
            model::NewReport r;
            r.location = where;
            r.tags = {{"man_made", "surveillance"}, {"camera:type", std::move(type)}};
            auto id = store->insert_report(r, std::string(64, 'a'), at);
            EXPECT_TRUE(id);
            return *id;
        };
        auto on = [](std::int64_t at) { return store::Decision{"mila", "", at}; };
        auto dome = store->accept_report(report("dome", jan_10_2024, {44.81, 20.46}),
                                         on(jan_10_2024 + 5 * day));
        ASSERT_TRUE(dome);
        ASSERT_TRUE(store->merge_report(report("dome", jan_10_2024 + 35 * day, {44.81, 20.46}),
                                        dome->id, on(jan_10_2024 + 35 * day)));
        ASSERT_TRUE(store->accept_report(report("fixed", jan_10_2024 + 60 * day, {45.81, 15.97}),
                                         on(jan_10_2024 + 65 * day)));
        ASSERT_TRUE(store->remove_camera(dome->id, on(jan_10_2024 + 90 * day)));
    }
};

TEST_F(StatsHistory, CsvHasOneLinePerMonthFromTheFirstReportToNow) {
    auto result = sightline({"stats", "history", "--csv"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    auto rows = lines(result.out);
    ASSERT_EQ(rows.size(), 1 + months_since_2024()) << result.out;
    EXPECT_EQ(std::vector<std::string>(rows.begin(), rows.begin() + 6),
              (std::vector<std::string>{
                  "period,start,active,added,removed,reports,active:dome,active:fixed",
                  "2024-01,2024-01-01,1,1,0,1,1,0", "2024-02,2024-02-01,1,0,0,1,1,0",
                  "2024-03,2024-03-01,2,1,0,1,1,1", "2024-04,2024-04-01,1,0,1,0,0,1",
                  "2024-05,2024-05-01,1,0,0,0,0,1"}));
    EXPECT_EQ(rows.back(), fmt::format("{},{}-01,1,0,0,0,0,1", format_utc(unix_now()).substr(0, 7),
                                       format_utc(unix_now()).substr(0, 7)));
}

TEST_F(StatsHistory, YearsInABoxAsATable) {
    auto result = sightline({"stats", "history", "--interval", "year", "--bbox", "20,44,21,45"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    auto rows = lines(result.out);
    ASSERT_GE(rows.size(), 3u) << result.out;
    EXPECT_EQ(rows[0], "PERIOD  ACTIVE  ADDED  REMOVED  REPORTS  dome");
    EXPECT_EQ(rows[1], "2024         0      1        1        2     0");
}

TEST_F(StatsHistory, RefusesBadOptions) {
    for (auto args :
         std::vector<std::vector<std::string>>{{"stats"},
                                               {"stats", "growth"},
                                               {"stats", "history", "extra"},
                                               {"stats", "history", "--interval", "week"},
                                               {"stats", "history", "--bbox", "21,44,20,45"},
                                               {"stats", "history", "--bbox"},
                                               {"stats", "history", "--colour"}}) {
        auto result = sightline(args);
        EXPECT_NE(result.exit_code, 0) << fmt::format("{}", fmt::join(args, " "));
        EXPECT_NE(result.err.find("sightline"), std::string::npos) << describe(result);
        EXPECT_TRUE(result.out.empty()) << describe(result);
    }
}

}  // namespace
}  // namespace sightline::testing
