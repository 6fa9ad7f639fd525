// Anonymous reporters: submitting a report, withdrawing it with its secret token, the per-client
// rate limit.

#include <fmt/core.h>

#include "http/api_fixture.hpp"

namespace sightline::testing {
namespace {

using Reports = ApiTest;

HttpResponse withdraw(HttpClient& client, std::int64_t id, std::string_view token) {
    return client.request("DELETE", fmt::format("/api/v1/reports/{}", id), "",
                          {{"X-Withdraw-Token", std::string(token)}});
}

TEST_F(Reports, ASubmittedReportGets201WithAnIdAndAWithdrawToken) {
    auto response = submit(example_report());
    ASSERT_EQ(response.status, 201) << response.body;
    EXPECT_TRUE(response.header("content-type").starts_with("application/json"));
    EXPECT_EQ(response.header("cache-control"), "no-store");
    auto body = response.json();
    ASSERT_TRUE(body["id"].is_number_integer()) << response.body;
    auto id = body["id"].get<std::int64_t>();
    EXPECT_GT(id, 0);
    EXPECT_EQ(body["status"], "pending");
    ASSERT_TRUE(body["withdraw_token"].is_string());
    EXPECT_GE(body["withdraw_token"].get<std::string>().size(), 32u)
        << "a withdraw token must be hard to guess";
    EXPECT_TRUE(body["likely_duplicates"].is_array());
    EXPECT_TRUE(body["likely_duplicates"].empty()) << "no camera exists yet";
    EXPECT_EQ(response.header("location"), fmt::format("/api/v1/reports/{}", id));
}

TEST_F(Reports, EachReportGetsItsOwnIdAndToken) {
    auto first = submit_ok(example_report());
    auto second = submit_ok(example_report(45.80, 15.97));
    EXPECT_NE(first["id"], second["id"]);
    EXPECT_NE(first["withdraw_token"], second["withdraw_token"]);
}

TEST_F(Reports, AModeratorSeesTheReportAsSentWithItsTimeRoundedToTheHour) {
    auto id = submit_ok(example_report())["id"].get<std::int64_t>();
    auto stored = report(login(), id);
    EXPECT_EQ(stored["status"], "pending");
    EXPECT_NEAR(stored["location"]["lat"].get<double>(), 45.8129, 1e-7);
    EXPECT_NEAR(stored["location"]["lon"].get<double>(), 15.9772, 1e-7);
    EXPECT_EQ(stored["accuracy_m"], 8.0);
    EXPECT_EQ(stored["directions_deg"], nlohmann::json::array({135.0}));
    EXPECT_EQ(stored["tags"]["camera:type"], "dome");
    EXPECT_EQ(stored["tags"]["operator"], "Grad Zagreb");
    EXPECT_EQ(stored["tags"]["man_made"], "surveillance") << "added by validation";
    EXPECT_EQ(stored["tags"]["camera:direction"], "135") << "filled from directions_deg";
    EXPECT_EQ(stored["note"], "On the lamp post at the tram stop");
    EXPECT_TRUE(stored["camera_id"].is_null());
    EXPECT_TRUE(stored["decided_at"].is_null());
    auto created = stored["created_at"].get<std::string>();
    EXPECT_TRUE(created.ends_with(":00:00Z")) << "report times are kept to the hour: " << created;
    EXPECT_FALSE(stored.contains("withdraw_token"));
    EXPECT_FALSE(stored.contains("withdraw_hash"));
}

TEST_F(Reports, WithdrawingWithTheRightTokenAnswers204AndErasesTheNote) {
    auto body = submit_ok(example_report());
    auto id = body["id"].get<std::int64_t>();
    auto response = withdraw(client(), id, body["withdraw_token"].get<std::string>());
    EXPECT_EQ(response.status, 204) << response.body;
    EXPECT_TRUE(response.body.empty());

    auto stored = report(login(), id);
    EXPECT_EQ(stored["status"], "withdrawn");
    EXPECT_EQ(stored["note"], "");
}

TEST_F(Reports, WithdrawingWithAWrongTokenAnswers404AndKeepsTheReport) {
    auto body = submit_ok(example_report());
    auto id = body["id"].get<std::int64_t>();
    std::string wrong = body["withdraw_token"].get<std::string>();
    wrong.back() = wrong.back() == 'a' ? 'b' : 'a';

    expect_json_error(withdraw(client(), id, wrong), 404, "not_found");
    expect_json_error(withdraw(client(), id, "x"), 404, "not_found");
    expect_json_error(withdraw(client(), id, std::string(300, 'a')), 404, "not_found");
    EXPECT_EQ(report(login(), id)["status"], "pending");
}

TEST_F(Reports, AWrongTokenAndAnUnknownIdGiveTheSameAnswer) {
    auto body = submit_ok(example_report());
    auto id = body["id"].get<std::int64_t>();
    auto wrong_token = withdraw(client(), id, std::string(48, 'f'));
    auto unknown_id = withdraw(client(), id + 1000, body["withdraw_token"].get<std::string>());
    expect_json_error(wrong_token, 404, "not_found");
    expect_json_error(unknown_id, 404, "not_found");
    EXPECT_EQ(wrong_token.json()["error"], unknown_id.json()["error"])
        << "the answer must not tell whether a report id exists";
}

TEST_F(Reports, WithdrawingWithoutATokenHeaderIsUnauthorized) {
    auto id = submit_ok(example_report())["id"].get<std::int64_t>();
    expect_json_error(client().request("DELETE", fmt::format("/api/v1/reports/{}", id)), 401,
                      "unauthorized");
    EXPECT_EQ(report(login(), id)["status"], "pending");
}

TEST_F(Reports, WithdrawingTwiceIsAConflict) {
    auto body = submit_ok(example_report());
    auto id = body["id"].get<std::int64_t>();
    auto token = body["withdraw_token"].get<std::string>();
    ASSERT_EQ(withdraw(client(), id, token).status, 204);
    expect_json_error(withdraw(client(), id, token), 409, "conflict");
}

TEST_F(Reports, ADecidedReportCanNoLongerBeWithdrawn) {
    auto body = submit_ok(example_report());
    auto id = body["id"].get<std::int64_t>();
    auto mod = login();
    decide_ok(id, {{"action", "accept"}}, mod);
    expect_json_error(withdraw(client(), id, body["withdraw_token"].get<std::string>()), 409,
                      "conflict");
    EXPECT_EQ(report(mod, id)["status"], "accepted");
}

TEST_F(Reports, AMinimalReportWithOnlyALocationIsAccepted) {
    auto response = submit({{"location", {{"lat", -33.8688}, {"lon", 151.2093}}}});
    ASSERT_EQ(response.status, 201) << response.body;
    auto stored = report(login(), response.json()["id"].get<std::int64_t>());
    EXPECT_TRUE(stored["accuracy_m"].is_null());
    EXPECT_TRUE(stored["directions_deg"].empty());
    EXPECT_EQ(stored["tags"], (nlohmann::json{{"man_made", "surveillance"}}));
    EXPECT_EQ(stored["note"], "");
}

TEST_F(Reports, CoordinatesOnTheEdgesOfTheWorldAreAccepted) {
    for (auto [lat, lon] :
         {std::pair{90.0, 180.0}, std::pair{-90.0, -180.0}, std::pair{0.0, 0.0}}) {
        auto response = submit({{"location", {{"lat", lat}, {"lon", lon}}}});
        EXPECT_EQ(response.status, 201) << lat << "," << lon << ": " << response.body;
    }
}

TEST_F(Reports, UnicodeInTagsAndNoteIsKeptExactly) {
    auto input = example_report();
    input["tags"]["addr:full"] = "Трг бана Јелачића 1, Zagreb – ☂ 😀";
    input["note"] = "Камера над улазом\nзвоно лево\t(второ)";
    auto id = submit_ok(input)["id"].get<std::int64_t>();
    auto stored = report(login(), id);
    EXPECT_EQ(stored["tags"]["addr:full"], input["tags"]["addr:full"]);
    EXPECT_EQ(stored["note"], input["note"]) << "line breaks and tabs are allowed in notes";
}

class ReportRateLimit : public ApiTest {
  protected:
    [[nodiscard]] std::vector<std::string> server_args() const override {
        return {"--report-rate", "3"};
    }
};

TEST_F(ReportRateLimit, TheFourthReportFromOneClientGets429AndIsNotStored) {
    for (int i = 0; i < 3; ++i) {
        auto response = submit(example_report(45.81 + i * 0.001, 15.97));
        ASSERT_EQ(response.status, 201) << "report " << i + 1 << ": " << response.body;
    }
    for (int i = 3; i < 6; ++i) {
        auto response = submit(example_report(45.81 + i * 0.001, 15.97));
        expect_json_error(response, 429, "rate_limited");
        EXPECT_FALSE(response.header("retry-after").empty()) << "report " << i + 1;
    }
    EXPECT_EQ(report_count(login()), 3u);
}

TEST_F(ReportRateLimit, InvalidReportsDoNotUseUpTheLimit) {
    // Invalid reports are refused before they take a token: a client fixing its input is not
    // locked out by its own mistakes.
    for (int i = 0; i < 5; ++i) {
        auto response = submit({{"location", {{"lat", 91}, {"lon", 0}}}});
        expect_json_error(response, 400, "invalid_argument");
    }
    EXPECT_EQ(submit(example_report()).status, 201);
}

// Behind a reverse proxy every request comes from the proxy: only with --trusted-proxy are its
// X-Forwarded-For headers believed, so each user gets their own allowance; without it, a
// client cannot choose its own rate-limit key by sending the header itself.
class ReportRateLimitBehindAProxy : public ReportRateLimit {
  protected:
    [[nodiscard]] std::vector<std::string> server_args() const override {
        return {"--report-rate", "3", "--trusted-proxy", "127.0.0.0/8"};
    }
};

TEST_F(ReportRateLimitBehindAProxy, EachForwardedClientHasItsOwnAllowance) {
    const auto from = [&](std::string_view address, int i) {
        return client().post("/api/v1/reports", example_report(45.81 + i * 0.001, 15.97).dump(),
                             {{"X-Forwarded-For", std::string(address)}});
    };
    for (int i = 0; i < 3; ++i)
        ASSERT_EQ(from("203.0.113.5", i).status, 201) << i;
    EXPECT_EQ(from("203.0.113.5", 3).status, 429);
    EXPECT_EQ(from("203.0.113.6", 4).status, 201) << "another user behind the same proxy";
    EXPECT_EQ(from("203.0.113.99, 203.0.113.5", 5).status, 429)
        << "what the client wrote left of the proxy's entry proves nothing";
}

TEST_F(ReportRateLimit, ForwardedHeadersFromAnUntrustedPeerAreIgnored) {
    for (int i = 0; i < 3; ++i)
        ASSERT_EQ(submit(example_report(45.81 + i * 0.001, 15.97)).status, 201);
    auto spoofed =
        client().post("/api/v1/reports", example_report(45.82, 15.97).dump(),
                      {{"X-Forwarded-For", "203.0.113.77"}, {"Forwarded", "for=203.0.113.78"}});
    EXPECT_EQ(spoofed.status, 429);
}

}  // namespace
}  // namespace sightline::testing
