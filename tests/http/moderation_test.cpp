// Moderators: logging in, reviewing pending reports, accepting, merging, rejecting, removing
// cameras, the audit log and logging out.

#include <algorithm>

#include <fmt/core.h>

#include "http/api_fixture.hpp"

namespace sightline::testing {
namespace {

class Moderation : public ApiTest {
  protected:
    [[nodiscard]] std::vector<Account> accounts() const override {
        return {{"mod", "moderator"}, {"admin", "admin"}};
    }
};

/// The north-east corner of Zagreb's centre: wide enough for every camera these tests create.
constexpr std::string_view zagreb_bbox = "15.9,45.7,16.1,45.9";

bool lists_report(const nlohmann::json& reports, std::int64_t id) {
    return std::any_of(reports.begin(), reports.end(),
                       [&](const nlohmann::json& r) { return r["id"] == id; });
}

std::vector<std::string> history_actions(const nlohmann::json& feature) {
    std::vector<std::string> actions;
    for (const auto& event : feature["properties"]["history"])
        actions.push_back(event["action"].get<std::string>());
    return actions;
}

TEST_F(Moderation, LoginSetsAnHttpOnlySameSiteStrictCookieAndReturnsACsrfToken) {
    nlohmann::json credentials{{"username", "mod"}, {"password", test_password}};
    auto response = client().post("/api/v1/session", credentials.dump());
    ASSERT_EQ(response.status, 200) << response.body;
    ASSERT_EQ(response.set_cookies.size(), 1u) << response.header("set-cookie");
    const std::string& cookie = response.set_cookies[0];
    EXPECT_TRUE(cookie.starts_with("sightline_session=")) << cookie;
    EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos) << cookie;
    EXPECT_NE(cookie.find("; SameSite=Strict"), std::string::npos) << cookie;
    EXPECT_NE(cookie.find("; Path=/"), std::string::npos) << cookie;
    EXPECT_EQ(cookie.find("Secure"), std::string::npos)
        << "Secure only with --secure-cookies: " << cookie;
    EXPECT_EQ(response.header("cache-control"), "no-store");

    auto body = response.json();
    EXPECT_EQ(body["username"], "mod");
    EXPECT_EQ(body["role"], "moderator");
    ASSERT_TRUE(body["csrf_token"].is_string());
    auto csrf = body["csrf_token"].get<std::string>();
    EXPECT_GE(csrf.size(), 32u);
    auto token = cookie.substr(18, cookie.find(';') - 18);
    EXPECT_NE(csrf, token);
    EXPECT_EQ(response.body.find(token), std::string::npos)
        << "the session token belongs in the HttpOnly cookie only";

    auto session = client().get("/api/v1/session", {{"Cookie", "sightline_session=" + token}});
    ASSERT_EQ(session.status, 200) << session.body;
    EXPECT_EQ(session.json()["username"], "mod");
    EXPECT_EQ(session.json()["csrf_token"], csrf);
}

TEST_F(Moderation, AnAdminLogsInWithTheAdminRole) {
    auto admin = login("admin");
    auto session = client().get("/api/v1/session", admin.cookie());
    ASSERT_EQ(session.status, 200) << session.body;
    EXPECT_EQ(session.json()["role"], "admin");
}

TEST_F(Moderation, TheCookieJarOfABrowserIsEnoughToStayLoggedIn) {
    client().set_cookie_jar(true);
    nlohmann::json credentials{{"username", "mod"}, {"password", test_password}};
    ASSERT_EQ(client().post("/api/v1/session", credentials.dump()).status, 200);
    EXPECT_EQ(client().get("/api/v1/reports").status, 200);
}

TEST_F(Moderation, ThePendingListShowsANewReport) {
    auto id = submit_ok(example_report())["id"].get<std::int64_t>();
    auto mod = login();
    auto response = client().get("/api/v1/reports?status=pending", mod.cookie());
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(response.header("cache-control"), "no-store");
    auto list = response.json()["reports"];
    ASSERT_EQ(list.size(), 1u) << response.body;
    EXPECT_EQ(list[0]["id"], id);
    EXPECT_EQ(list[0]["status"], "pending");
    EXPECT_EQ(list[0]["tags"]["camera:type"], "dome");
    // pending is the default
    auto by_default = client().get("/api/v1/reports", mod.cookie());
    ASSERT_EQ(by_default.status, 200);
    EXPECT_EQ(by_default.json()["reports"], list);
}

TEST_F(Moderation, DoubtfulReportsCarryTheirFlags) {
    auto plain = submit_ok(example_report())["id"].get<std::int64_t>();
    // The catalogue knows the Huawei IPC6625-Z30 as a panning camera, not a dome.
    auto doubtful_report = example_report();
    doubtful_report["tags"]["camera:manufacturer"] = "Huawei";
    doubtful_report["tags"]["camera:model"] = "IPC6625-Z30";
    auto doubtful = submit_ok(doubtful_report)["id"].get<std::int64_t>();
    // Three more from the same client make five within ten minutes: the fifth is a burst.
    std::int64_t last = 0;
    for (int i = 0; i < 3; ++i)
        last = submit_ok(example_report(45.80 + i * 0.001, 15.97))["id"].get<std::int64_t>();
    auto mod = login();
    EXPECT_EQ(report(mod, plain)["flags"], nlohmann::json::array());
    EXPECT_EQ(report(mod, doubtful)["flags"], nlohmann::json::array({"model_mismatch"}));
    EXPECT_EQ(report(mod, last)["flags"], nlohmann::json::array({"burst"}));
    // A client cannot set flags itself.
    auto sneaky = example_report();
    sneaky["flags"] = {"none"};
    EXPECT_EQ(submit(sneaky).status, 400);
}

TEST_F(Moderation, TheListIsNewestFirstAndPagesWithBefore) {
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 5; ++i)
        ids.push_back(submit_ok(example_report(45.80 + i * 0.01, 15.97))["id"].get<std::int64_t>());
    auto mod = login();
    auto first_page = client().get("/api/v1/reports?limit=2", mod.cookie()).json()["reports"];
    ASSERT_EQ(first_page.size(), 2u);
    EXPECT_EQ(first_page[0]["id"], ids[4]);
    EXPECT_EQ(first_page[1]["id"], ids[3]);
    auto next_page =
        client()
            .get(fmt::format("/api/v1/reports?limit=2&before={}", ids[3]), mod.cookie())
            .json()["reports"];
    ASSERT_EQ(next_page.size(), 2u);
    EXPECT_EQ(next_page[0]["id"], ids[2]);
    EXPECT_EQ(next_page[1]["id"], ids[1]);
}

TEST_F(Moderation, AcceptingAReportCreatesAVerifiedCameraWithOneConfirmation) {
    auto id = submit_ok(example_report())["id"].get<std::int64_t>();
    auto mod = login();
    auto outcome = decide_ok(id, {{"action", "accept"}}, mod);

    EXPECT_EQ(outcome["report"]["id"], id);
    EXPECT_EQ(outcome["report"]["status"], "accepted");
    ASSERT_TRUE(outcome["camera"].is_object()) << outcome.dump();
    const auto& feature = outcome["camera"];
    EXPECT_EQ(feature["type"], "Feature");
    EXPECT_EQ(feature["properties"]["status"], "verified");
    EXPECT_EQ(feature["properties"]["confirmations"], 1);
    EXPECT_EQ(feature["properties"]["kind"], "dome");
    EXPECT_EQ(feature["properties"]["tags"]["operator"], "Grad Zagreb");
    EXPECT_EQ(outcome["report"]["camera_id"], feature["id"]);
    EXPECT_FALSE(outcome["report"]["decided_at"].is_null());
    const auto& coordinates = feature["geometry"]["coordinates"];
    EXPECT_NEAR(coordinates[0].get<double>(), 15.9772, 1e-7) << "GeoJSON is [lon, lat]";
    EXPECT_NEAR(coordinates[1].get<double>(), 45.8129, 1e-7);

    auto stored = camera(feature["id"].get<std::int64_t>());
    EXPECT_EQ(stored["properties"]["status"], "verified");
    EXPECT_EQ(stored["properties"]["confirmations"], 1);
    EXPECT_FALSE(lists_report(reports(mod, "pending"), id));
    EXPECT_TRUE(lists_report(reports(mod, "accepted"), id));
}

TEST_F(Moderation, AReportFiveMetresFromACameraListsItAsALikelyDuplicate) {
    auto mod = login();
    auto first = submit_ok(example_report())["id"].get<std::int64_t>();
    auto camera_id = decide_ok(first, {{"action", "accept"}}, mod)["camera"]["id"];

    auto second = submit_ok(example_report(45.8129 + 5.0 / metres_per_degree_lat, 15.9772));
    ASSERT_EQ(second["likely_duplicates"].size(), 1u) << second.dump();
    const auto& duplicate = second["likely_duplicates"][0];
    EXPECT_EQ(duplicate["camera_id"], camera_id);
    EXPECT_NEAR(duplicate["distance_m"].get<double>(), 5.0, 0.5);
    EXPECT_EQ(duplicate["same_kind"], true);
    EXPECT_GT(duplicate["score"].get<double>(), 0.5);

    auto pending = reports(mod, "pending");
    ASSERT_EQ(pending.size(), 1u);
    ASSERT_EQ(pending[0]["likely_duplicates"].size(), 1u) << pending.dump();
    EXPECT_EQ(pending[0]["likely_duplicates"][0]["camera_id"], camera_id);
}

TEST_F(Moderation, AReportFarFromEveryCameraHasNoLikelyDuplicates) {
    auto mod = login();
    auto first = submit_ok(example_report())["id"].get<std::int64_t>();
    decide_ok(first, {{"action", "accept"}}, mod);
    auto far = submit_ok(example_report(45.8129 + 200.0 / metres_per_degree_lat, 15.9772));
    EXPECT_TRUE(far["likely_duplicates"].empty()) << far.dump();
}

TEST_F(Moderation, MergingAReportAddsAConfirmationAndTheTagsTheCameraLacked) {
    auto mod = login();
    auto first = submit_ok(example_report())["id"].get<std::int64_t>();
    auto camera_id = decide_ok(first, {{"action", "accept"}}, mod)["camera"]["id"];
    auto input = example_report(45.8129 + 5.0 / metres_per_degree_lat, 15.9772);
    input["tags"]["height"] = "4";
    auto second = submit_ok(input)["id"].get<std::int64_t>();

    auto outcome = decide_ok(second, {{"action", "merge"}, {"camera_id", camera_id}}, mod);
    EXPECT_EQ(outcome["report"]["status"], "merged");
    EXPECT_EQ(outcome["report"]["camera_id"], camera_id);
    EXPECT_EQ(outcome["camera"]["id"], camera_id);
    EXPECT_EQ(outcome["camera"]["properties"]["confirmations"], 2);

    auto stored = camera(camera_id.get<std::int64_t>());
    EXPECT_EQ(stored["properties"]["confirmations"], 2);
    EXPECT_EQ(stored["properties"]["tags"]["height"], "4");
    EXPECT_NEAR(stored["geometry"]["coordinates"][1].get<double>(), 45.8129, 1e-7)
        << "a merge does not move the camera";
    EXPECT_EQ(cameras_in(zagreb_bbox)["features"].size(), 1u) << "a merge creates no camera";
}

TEST_F(Moderation, AMergeNeedsAnExistingCamera) {
    auto mod = login();
    auto id = submit_ok(example_report())["id"].get<std::int64_t>();
    expect_json_error(decide(id, {{"action", "merge"}}, mod), 400, "invalid_argument");
    expect_json_error(decide(id, {{"action", "merge"}, {"camera_id", 4242}}, mod), 404,
                      "not_found");
    expect_json_error(decide(id, {{"action", "merge"}, {"camera_id", "1"}}, mod), 400,
                      "invalid_argument");
    EXPECT_EQ(report(mod, id)["status"], "pending");
}

TEST_F(Moderation, RejectingNeedsAReason) {
    auto mod = login();
    auto id = submit_ok(example_report())["id"].get<std::int64_t>();
    expect_json_error(decide(id, {{"action", "reject"}}, mod), 400, "invalid_argument");
    expect_json_error(decide(id, {{"action", "reject"}, {"reason", ""}}, mod), 400,
                      "invalid_argument");
    expect_json_error(decide(id, {{"action", "reject"}, {"reason", "  \n "}}, mod), 400,
                      "invalid_argument");
    EXPECT_EQ(report(mod, id)["status"], "pending");

    auto outcome = decide_ok(id, {{"action", "reject"}, {"reason", "a doorbell camera"}}, mod);
    EXPECT_EQ(outcome["report"]["status"], "rejected");
    EXPECT_EQ(outcome["report"]["decision_reason"], "a doorbell camera");
    EXPECT_TRUE(outcome["camera"].is_null());
    EXPECT_TRUE(outcome["report"]["camera_id"].is_null());
    EXPECT_TRUE(cameras_in(zagreb_bbox)["features"].empty());
    EXPECT_TRUE(lists_report(reports(mod, "rejected"), id));
}

TEST_F(Moderation, AReasonOverAThousandCharactersIsRefused) {
    auto mod = login();
    auto id = submit_ok(example_report())["id"].get<std::int64_t>();
    expect_json_error(decide(id, {{"action", "reject"}, {"reason", std::string(1001, 'x')}}, mod),
                      400, "invalid_argument");
    EXPECT_EQ(report(mod, id)["status"], "pending");
}

TEST_F(Moderation, DecidingTwiceIsAConflict) {
    auto mod = login();
    auto id = submit_ok(example_report())["id"].get<std::int64_t>();
    decide_ok(id, {{"action", "accept"}}, mod);
    expect_json_error(decide(id, {{"action", "accept"}}, mod), 409, "conflict");
    expect_json_error(decide(id, {{"action", "reject"}, {"reason", "changed my mind"}}, mod), 409,
                      "conflict");
    EXPECT_EQ(report(mod, id)["status"], "accepted");
    EXPECT_EQ(cameras_in(zagreb_bbox)["features"].size(), 1u) << "the second accept made none";
}

TEST_F(Moderation, AWithdrawnReportCannotBeDecided) {
    auto mod = login();
    auto body = submit_ok(example_report());
    auto id = body["id"].get<std::int64_t>();
    ASSERT_EQ(client()
                  .request("DELETE", fmt::format("/api/v1/reports/{}", id), "",
                           {{"X-Withdraw-Token", body["withdraw_token"].get<std::string>()}})
                  .status,
              204);
    expect_json_error(decide(id, {{"action", "accept"}}, mod), 409, "conflict");
    EXPECT_TRUE(cameras_in(zagreb_bbox)["features"].empty());
    EXPECT_TRUE(lists_report(reports(mod, "withdrawn"), id));
    EXPECT_FALSE(lists_report(reports(mod, "pending"), id));
}

TEST_F(Moderation, AnUnknownActionOrReportIsRefused) {
    auto mod = login();
    auto id = submit_ok(example_report())["id"].get<std::int64_t>();
    expect_json_error(decide(id, {{"action", "approve"}}, mod), 400, "invalid_argument");
    expect_json_error(decide(id, nlohmann::json::object(), mod), 400, "invalid_argument");
    expect_json_error(decide(id, {{"action", "accept"}, {"comment", "x"}}, mod), 400,
                      "invalid_argument");
    expect_json_error(decide(id + 100, {{"action", "accept"}}, mod), 404, "not_found");
    EXPECT_EQ(report(mod, id)["status"], "pending");
}

TEST_F(Moderation, ACameraKeepsItsHistory) {
    auto mod = login();
    auto first = submit_ok(example_report())["id"].get<std::int64_t>();
    auto camera_id =
        decide_ok(first, {{"action", "accept"}, {"reason", "seen it"}}, mod)["camera"]["id"]
            .get<std::int64_t>();
    auto second = submit_ok(example_report(45.8129 + 5.0 / metres_per_degree_lat, 15.9772));
    decide_ok(second["id"].get<std::int64_t>(), {{"action", "merge"}, {"camera_id", camera_id}},
              mod);

    auto stored = camera(camera_id);
    EXPECT_TRUE(client()
                    .get(fmt::format("/api/v1/cameras/{}", camera_id))
                    .header("content-type")
                    .starts_with("application/geo+json"));
    const auto& history = stored["properties"]["history"];
    ASSERT_TRUE(history.is_array()) << stored.dump();
    ASSERT_EQ(history.size(), 2u) << history.dump();
    EXPECT_EQ(history_actions(stored), (std::vector<std::string>{"created", "confirmed"}));
    EXPECT_EQ(history[0]["actor"], "moderator") << "the public sees the role, not the name";
    EXPECT_EQ(stored.dump().find("\"mod\""), std::string::npos) << stored.dump();
    EXPECT_EQ(history[0]["report_id"], first);
    EXPECT_EQ(history[0]["detail"], "seen it");
    EXPECT_EQ(history[1]["report_id"], second["id"]);
    EXPECT_EQ(stored["properties"]["report_ids"].size(), 2u);
}

TEST_F(Moderation, ARemovedCameraIsHiddenFromTheMapButKeptWithItsHistory) {
    auto mod = login();
    auto first = submit_ok(example_report())["id"].get<std::int64_t>();
    auto camera_id =
        decide_ok(first, {{"action", "accept"}}, mod)["camera"]["id"].get<std::int64_t>();
    ASSERT_EQ(feature_ids(cameras_in(zagreb_bbox)), std::vector<std::int64_t>{camera_id});

    auto response = client().post(fmt::format("/api/v1/cameras/{}/removal", camera_id),
                                  R"({"reason":"taken down in March"})", mod.cookie_and_csrf());
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(response.json()["properties"]["status"], "removed");

    EXPECT_TRUE(cameras_in(zagreb_bbox)["features"].empty()) << "hidden by default";
    EXPECT_EQ(feature_ids(cameras_in(zagreb_bbox, "&status=removed")),
              std::vector<std::int64_t>{camera_id});
    auto stored = camera(camera_id);
    EXPECT_EQ(stored["properties"]["status"], "removed");
    EXPECT_EQ(history_actions(stored), (std::vector<std::string>{"created", "removed"}));
    EXPECT_EQ(stored["properties"]["history"][1]["detail"], "taken down in March");

    expect_json_error(client().post(fmt::format("/api/v1/cameras/{}/removal", camera_id), "",
                                    mod.cookie_and_csrf()),
                      409, "conflict");
    auto next = submit_ok(example_report())["id"].get<std::int64_t>();
    expect_json_error(decide(next, {{"action", "merge"}, {"camera_id", camera_id}}, mod), 409,
                      "conflict");
}

TEST_F(Moderation, RemovingAnUnknownCameraIsNotFound) {
    auto mod = login();
    expect_json_error(client().post("/api/v1/cameras/777/removal", "", mod.cookie_and_csrf()), 404,
                      "not_found");
}

TEST_F(Moderation, TheAuditLogListsDecisionsToAdminsOnly) {
    auto mod = login();
    auto a = submit_ok(example_report())["id"].get<std::int64_t>();
    auto b = submit_ok(example_report(45.70, 15.90))["id"].get<std::int64_t>();
    auto camera_id = decide_ok(a, {{"action", "accept"}}, mod)["camera"]["id"].get<std::int64_t>();
    decide_ok(b, {{"action", "reject"}, {"reason", "private property"}}, mod);
    ASSERT_EQ(
        client()
            .post(fmt::format("/api/v1/cameras/{}/removal", camera_id), "", mod.cookie_and_csrf())
            .status,
        200);

    expect_json_error(client().get("/api/v1/audit"), 401, "unauthorized");
    expect_json_error(client().get("/api/v1/audit", mod.cookie()), 403, "forbidden");

    auto admin = login("admin");
    auto response = client().get("/api/v1/audit", admin.cookie());
    ASSERT_EQ(response.status, 200) << response.body;
    auto events = response.json()["events"];
    auto find = [&](std::string_view action) -> nlohmann::json {
        for (const auto& e : events)
            if (e["action"] == action) return e;
        return nullptr;
    };
    auto accept = find("accept");
    ASSERT_TRUE(accept.is_object()) << events.dump();
    EXPECT_EQ(accept["actor"], "mod");
    EXPECT_EQ(accept["subject"], fmt::format("report/{}", a));
    auto reject = find("reject");
    ASSERT_TRUE(reject.is_object()) << events.dump();
    EXPECT_EQ(reject["subject"], fmt::format("report/{}", b));
    EXPECT_EQ(reject["reason"], "private property");
    auto removal = find("remove_camera");
    ASSERT_TRUE(removal.is_object()) << events.dump();
    EXPECT_EQ(removal["subject"], fmt::format("camera/{}", camera_id));
    // newest first
    ASSERT_GE(events.size(), 3u);
    EXPECT_EQ(events[0]["action"], "remove_camera");
    for (std::size_t i = 1; i < events.size(); ++i)
        EXPECT_GT(events[i - 1]["id"].get<std::int64_t>(), events[i]["id"].get<std::int64_t>());
}

TEST_F(Moderation, TheAuditLogRefusesBadPaging) {
    auto admin = login("admin");
    for (std::string query : {"?limit=0", "?limit=1001", "?limit=x", "?before=0", "?before=x"}) {
        SCOPED_TRACE(query);
        expect_json_error(client().get("/api/v1/audit" + query, admin.cookie()), 400,
                          "invalid_argument");
    }
    EXPECT_EQ(client().get("/api/v1/audit?limit=1000", admin.cookie()).status, 200);
}

TEST_F(Moderation, LoggingOutEndsTheSession) {
    auto mod = login();
    auto response = client().request("DELETE", "/api/v1/session", "", mod.cookie_and_csrf());
    ASSERT_EQ(response.status, 204) << response.body;
    ASSERT_EQ(response.set_cookies.size(), 1u);
    EXPECT_NE(response.set_cookies[0].find("Max-Age=0"), std::string::npos)
        << "the browser should drop the cookie: " << response.set_cookies[0];

    expect_json_error(client().get("/api/v1/session", mod.cookie()), 401, "unauthorized");
    expect_json_error(client().get("/api/v1/reports", mod.cookie()), 401, "unauthorized");
    auto id = submit_ok(example_report())["id"].get<std::int64_t>();
    expect_json_error(decide(id, {{"action", "accept"}}, mod), 401, "unauthorized");
}

TEST_F(Moderation, LoggingOutNeedsTheCsrfToken) {
    auto mod = login();
    expect_json_error(client().request("DELETE", "/api/v1/session", "", mod.cookie()), 403,
                      "forbidden");
    EXPECT_EQ(client().get("/api/v1/session", mod.cookie()).status, 200)
        << "a refused logout leaves the session alive";
}

}  // namespace
}  // namespace sightline::testing
