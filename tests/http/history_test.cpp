// Change over time through the real server: GET /api/v1/stats/history after reports accepted,
// merged and a camera removed through the API, and GET /api/v1/cameras?active_at=. (The
// counting at known past times is tested in tests/unit/services/history_stats_test.cpp: here
// every decision happens now.)

#include <fmt/core.h>

#include "core/clock.hpp"
#include "http/api_fixture.hpp"

namespace sightline::testing {
namespace {

constexpr std::string_view zagreb_bbox = "15.9,45.7,16.1,45.9";

std::string day_of(std::int64_t unix_s) {
    return format_utc(unix_s).substr(0, 10);
}

class History : public ApiTest {
  protected:
    // Three reports; two accepted (cameras A and B), the third merged into A; B removed.
    void accept_merge_remove() {
        auto mod = login();
        auto a = submit_ok(example_report())["id"].get<std::int64_t>();
        auto b = submit_ok(example_report(45.8200, 15.9900))["id"].get<std::int64_t>();
        auto c = submit_ok(example_report())["id"].get<std::int64_t>();
        m_kept = decide_ok(a, {{"action", "accept"}}, mod)["camera"]["id"].get<std::int64_t>();
        m_removed = decide_ok(b, {{"action", "accept"}}, mod)["camera"]["id"].get<std::int64_t>();
        decide_ok(c, {{"action", "merge"}, {"camera_id", m_kept}}, mod);
        auto removal = client().post(fmt::format("/api/v1/cameras/{}/removal", m_removed), "",
                                     mod.cookie_and_csrf());
        ASSERT_EQ(removal.status, 200) << removal.body;
    }
    nlohmann::json history(std::string_view query) {
        auto response = client().get(fmt::format("/api/v1/stats/history{}", query));
        EXPECT_EQ(response.status, 200) << response.body;
        EXPECT_EQ(response.header("content-type"), "application/json");
        return response.json();
    }
    std::int64_t m_kept = 0;
    std::int64_t m_removed = 0;
};

std::int64_t sum(const nlohmann::json& periods, const char* key) {
    std::int64_t total = 0;
    for (const auto& p : periods)
        total += p[key].get<std::int64_t>();
    return total;
}

TEST_F(History, CountsCamerasAddedRemovedAndReportsUpToNow) {
    accept_merge_remove();
    auto h = history("");
    EXPECT_EQ(h["interval"], "month");
    EXPECT_TRUE(h["bbox"].is_null());
    const auto& periods = h["periods"];
    ASSERT_FALSE(periods.empty());
    // Everything happened now: one period, or two when the test ran across a month's end.
    EXPECT_LE(periods.size(), 2u);
    EXPECT_EQ(periods.back()["period"], format_utc(unix_now()).substr(0, 7));
    EXPECT_EQ(sum(periods, "added"), 2) << "the merge is not a new camera";
    EXPECT_EQ(sum(periods, "removed"), 1);
    EXPECT_EQ(sum(periods, "reports"), 3);
    EXPECT_EQ(periods.back()["active"], 1);
    const auto& by_kind = periods.back()["active_by_kind"];
    std::int64_t active_by_kind = 0;
    for (const auto& [kind, n] : by_kind.items())
        active_by_kind += n.get<std::int64_t>();
    EXPECT_EQ(active_by_kind, 1);

    auto yearly = history(fmt::format("?interval=year&bbox={}", zagreb_bbox));
    EXPECT_EQ(yearly["interval"], "year");
    EXPECT_EQ(yearly["bbox"].size(), 4u);
    EXPECT_EQ(yearly["periods"].back()["period"], format_utc(unix_now()).substr(0, 4));
    EXPECT_EQ(yearly["periods"].back()["active"], 1);

    auto elsewhere = history("?bbox=20.0,44.0,21.0,45.0");
    EXPECT_TRUE(elsewhere["periods"].empty());
    EXPECT_TRUE(elsewhere["first_event"].is_null());
}

TEST_F(History, ListsTheCamerasActiveAtTheEndOfADay) {
    accept_merge_remove();
    auto today = day_of(unix_now());
    auto yesterday = day_of(unix_now() - 86400);
    // Removed today: not active at the end of today; nothing was there yesterday.
    EXPECT_EQ(feature_ids(cameras_in(zagreb_bbox, "&active_at=" + today)),
              std::vector<std::int64_t>{m_kept});
    EXPECT_TRUE(cameras_in(zagreb_bbox, "&active_at=" + yesterday)["features"].empty());
    EXPECT_EQ(feature_ids(cameras_in(zagreb_bbox, "&status=removed&active_at=" + today)),
              std::vector<std::int64_t>{});
}

TEST_F(History, RefusesBadIntervalsBoxesAndDates) {
    expect_json_error(client().get("/api/v1/stats/history?interval=week"), 400, "invalid_argument");
    expect_json_error(client().get("/api/v1/stats/history?bbox=16,45,15,46"), 400,
                      "invalid_argument");
    expect_json_error(client().get("/api/v1/stats/history?bbox=abc"), 400, "invalid_argument");
    for (auto bad : {"2024-02-30", "yesterday", "2024-1-5", "2024-01-05T10:00:00Z", ""})
        expect_json_error(
            client().get(fmt::format("/api/v1/cameras?bbox={}&active_at={}", zagreb_bbox, bad)),
            400, "invalid_argument");
}

}  // namespace
}  // namespace sightline::testing
