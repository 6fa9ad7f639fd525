// Sessions and security: authentication, CSRF, login throttling, disabled accounts.

#include <sqlite3.h>

#include <fmt/core.h>

#include "http/api_fixture.hpp"

namespace sightline::testing {
namespace {

class Security : public ApiTest {
  protected:
    [[nodiscard]] std::vector<Account> accounts() const override {
        return {{"mod", "moderator"}, {"admin", "admin"}};
    }
};

struct Call {
    std::string method;
    std::string target;
    std::string body;
};

TEST_F(Security, ModeratorEndpointsRefuseAnonymousRequests) {
    auto id = submit_ok(example_report())["id"].get<std::int64_t>();
    const std::vector<Call> calls{
        {"GET", "/api/v1/reports", ""},
        {"GET", "/api/v1/reports?status=all", ""},
        {"GET", fmt::format("/api/v1/reports/{}", id), ""},
        {"POST", fmt::format("/api/v1/reports/{}/decision", id), R"({"action":"accept"})"},
        {"POST", "/api/v1/cameras/1/removal", ""},
        {"GET", "/api/v1/audit", ""},
        {"GET", "/api/v1/session", ""},
        {"DELETE", "/api/v1/session", ""},
    };
    for (const auto& call : calls) {
        SCOPED_TRACE(call.method + " " + call.target);
        expect_json_error(client().request(call.method, call.target, call.body), 401,
                          "unauthorized");
    }
    EXPECT_EQ(report(login(), id)["status"], "pending");
}

TEST_F(Security, ADecisionWithoutTheCsrfTokenIsForbiddenAndChangesNothing) {
    auto id = submit_ok(example_report())["id"].get<std::int64_t>();
    auto mod = login();
    auto response = client().post(fmt::format("/api/v1/reports/{}/decision", id),
                                  R"({"action":"accept"})", mod.cookie());
    expect_json_error(response, 403, "forbidden");
    EXPECT_EQ(report(mod, id)["status"], "pending");
}

TEST_F(Security, ADecisionWithAForgedCsrfTokenIsForbiddenAndChangesNothing) {
    auto id = submit_ok(example_report())["id"].get<std::int64_t>();
    auto mod = login();
    std::string flipped = mod.csrf;
    flipped[0] = flipped[0] == '0' ? '1' : '0';
    for (const std::string& forged : {flipped, std::string(mod.csrf.size(), '0'), mod.token,
                                      mod.csrf.substr(0, 10), std::string{}}) {
        SCOPED_TRACE("X-CSRF-Token: " + forged);
        auto response =
            client().post(fmt::format("/api/v1/reports/{}/decision", id), R"({"action":"accept"})",
                          {{"Cookie", "sightline_session=" + mod.token}, {"X-CSRF-Token", forged}});
        expect_json_error(response, 403, "forbidden");
    }
    EXPECT_EQ(report(mod, id)["status"], "pending");
}

TEST_F(Security, RemovingACameraNeedsTheCsrfTokenToo) {
    auto mod = login();
    auto id = submit_ok(example_report())["id"].get<std::int64_t>();
    auto camera_id = decide_ok(id, {{"action", "accept"}}, mod)["camera"]["id"].get<std::int64_t>();
    expect_json_error(
        client().post(fmt::format("/api/v1/cameras/{}/removal", camera_id), "", mod.cookie()), 403,
        "forbidden");
    EXPECT_EQ(camera(camera_id)["properties"]["status"], "verified");
}

TEST_F(Security, TheCsrfTokenOfOneSessionDoesNotWorkWithAnother) {
    auto first = login();
    auto second = login();
    EXPECT_NE(first.token, second.token);
    EXPECT_NE(first.csrf, second.csrf);
    auto id = submit_ok(example_report())["id"].get<std::int64_t>();
    auto response = client().post(
        fmt::format("/api/v1/reports/{}/decision", id), R"({"action":"accept"})",
        {{"Cookie", "sightline_session=" + first.token}, {"X-CSRF-Token", second.csrf}});
    expect_json_error(response, 403, "forbidden");
    EXPECT_EQ(report(first, id)["status"], "pending");
}

TEST_F(Security, AnUnknownOrMalformedSessionCookieIsUnauthorized) {
    login();  // a real session exists; the forged ones must still fail
    for (const std::string& cookie :
         {"sightline_session=" + std::string(64, 'a'), std::string("sightline_session="),
          std::string("sightline_session=../../etc/passwd"),
          std::string("other=1; sightline_session=deadbeef"), std::string("sightline_session")}) {
        SCOPED_TRACE("Cookie: " + cookie);
        expect_json_error(client().get("/api/v1/session", {{"Cookie", cookie}}), 401,
                          "unauthorized");
        expect_json_error(client().get("/api/v1/reports", {{"Cookie", cookie}}), 401,
                          "unauthorized");
    }
}

/// Moves the expiry of every session into the past, as the clock would after 12 hours: the
/// server reads the same database file (WAL mode allows a second writer between its writes).
void expire_all_sessions(const std::filesystem::path& data_dir) {
    sqlite3* db = nullptr;
    auto path = (data_dir / "sightline.db").string();
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        throw std::runtime_error("cannot open " + path);
    }
    sqlite3_busy_timeout(db, 10'000);
    char* error = nullptr;
    int rc = sqlite3_exec(db, "UPDATE sessions SET expires_at = 1", nullptr, nullptr, &error);
    std::string message = error ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    if (rc != SQLITE_OK) throw std::runtime_error("expiring sessions: " + message);
}

TEST_F(Security, AnExpiredSessionIsUnauthorized) {
    auto mod = login();
    auto id = submit_ok(example_report())["id"].get<std::int64_t>();
    ASSERT_EQ(client().get("/api/v1/session", mod.cookie()).status, 200);
    if (database())
        database()->execute("UPDATE sessions SET expires_at = 1");
    else
        expire_all_sessions(data_dir());
    expect_json_error(client().get("/api/v1/session", mod.cookie()), 401, "unauthorized");
    expect_json_error(client().get("/api/v1/reports", mod.cookie()), 401, "unauthorized");
    expect_json_error(decide(id, {{"action", "accept"}}, mod), 401, "unauthorized");
    EXPECT_EQ(report(login(), id)["status"], "pending") << "a new login works";
}

TEST_F(Security, TheSessionCookieIsFoundAmongOtherCookies) {
    auto mod = login();
    auto response =
        client().get("/api/v1/session",
                     {{"Cookie", "theme=dark; sightline_session=" + mod.token + "; lang=hr"}});
    EXPECT_EQ(response.status, 200) << response.body;
}

TEST_F(Security, AWrongPasswordAndAnUnknownUserGetTheSameUnauthorizedAnswer) {
    auto wrong_password =
        client().post("/api/v1/session", R"({"username":"mod","password":"not the password"})");
    auto unknown_user =
        client().post("/api/v1/session", R"({"username":"nobody","password":"not the password"})");
    expect_json_error(wrong_password, 401, "unauthorized");
    expect_json_error(unknown_user, 401, "unauthorized");
    EXPECT_EQ(wrong_password.json()["error"], unknown_user.json()["error"])
        << "the answer must not tell which user names exist";
    EXPECT_TRUE(wrong_password.set_cookies.empty());
}

TEST_F(Security, LoginNeedsBothFieldsAsStrings) {
    expect_json_error(client().post("/api/v1/session", R"({"username":"mod"})"), 400,
                      "invalid_argument");
    expect_json_error(client().post("/api/v1/session", R"({"username":"mod","password":42})"), 400,
                      "invalid_argument");
    expect_json_error(
        client().post("/api/v1/session",
                      R"({"username":"mod","password":"correct horse battery","remember":true})"),
        400, "invalid_argument");
}

TEST_F(Security, RepeatedFailedLoginsAreThrottled) {
    constexpr std::string_view wrong = R"({"username":"mod","password":"guess 0123456"})";
    int unauthorized = 0;
    HttpResponse response;
    for (int attempt = 0; attempt < 10; ++attempt) {
        response = client().post("/api/v1/session", std::string(wrong));
        if (response.status != 401) break;
        ++unauthorized;
    }
    expect_json_error(response, 429, "rate_limited");
    EXPECT_GE(unauthorized, 3) << "a few typos must be allowed";
    EXPECT_LE(unauthorized, 5);
    const auto retry_after = response.header("retry-after");
    ASSERT_FALSE(retry_after.empty()) << "a 429 says when to come back";
    EXPECT_GE(std::stoi(retry_after), 1);

    // While throttled, even the right password is refused for this name from this client (from
    // any other, it works: tests/unit/services/login_throttle_test.cpp)...
    nlohmann::json right{{"username", "mod"}, {"password", test_password}};
    expect_json_error(client().post("/api/v1/session", right.dump()), 429, "rate_limited");
    // ...but another account from the same client can still log in.
    EXPECT_NO_THROW(login("admin"));
}

TEST_F(Security, TheLoginThrottleCannotBeDodgedByChangingTheCaseOfTheName) {
    // User names are case-insensitive ("MOD" logs in as mod), so the throttle must be too.
    nlohmann::json right{{"username", "MOD"}, {"password", test_password}};
    ASSERT_EQ(client().post("/api/v1/session", right.dump()).status, 200)
        << "names are case-insensitive";
    for (int attempt = 0; attempt < 5; ++attempt)
        client().post("/api/v1/session", R"({"username":"mod","password":"guess 0123456"})");
    ASSERT_EQ(
        client().post("/api/v1/session", R"({"username":"mod","password":"guess 0123456"})").status,
        429);
    for (std::string variant : {"Mod", "mOd", "MOD"}) {
        SCOPED_TRACE(variant);
        nlohmann::json guess{{"username", variant}, {"password", "guess 0123456"}};
        expect_json_error(client().post("/api/v1/session", guess.dump()), 429, "rate_limited");
    }
    expect_json_error(client().post("/api/v1/session", right.dump()), 429, "rate_limited");
}

TEST_F(Security, ADisabledUserCanNoLongerUseTheirSession) {
    auto mod = login();
    auto id = submit_ok(example_report())["id"].get<std::int64_t>();
    ASSERT_EQ(client().get("/api/v1/session", mod.cookie()).status, 200);

    auto disabled = run_cli({"user", "disable", "mod", "--data", data_dir().string()});
    ASSERT_EQ(disabled.exit_code, 0) << disabled.out << disabled.err;

    expect_json_error(client().get("/api/v1/session", mod.cookie()), 401, "unauthorized");
    expect_json_error(client().get("/api/v1/reports", mod.cookie()), 401, "unauthorized");
    expect_json_error(decide(id, {{"action", "accept"}}, mod), 401, "unauthorized");
    nlohmann::json credentials{{"username", "mod"}, {"password", test_password}};
    expect_json_error(client().post("/api/v1/session", credentials.dump()), 401, "unauthorized");

    auto enabled = run_cli({"user", "enable", "mod", "--data", data_dir().string()});
    ASSERT_EQ(enabled.exit_code, 0) << enabled.out << enabled.err;
    {
        SCOPED_TRACE("disabling ended the old session for good");
        expect_json_error(client().get("/api/v1/session", mod.cookie()), 401, "unauthorized");
    }
    auto again = login();
    EXPECT_EQ(report(again, id)["status"], "pending");
}

TEST_F(Security, AModeratorCannotReadTheAuditLog) {
    auto mod = login();
    expect_json_error(client().get("/api/v1/audit", mod.cookie()), 403, "forbidden");
}

TEST_F(Security, EveryResponseCarriesARequestIdAndNosniff) {
    for (std::string target : {"/healthz", "/api/v1/reports", "/nowhere"}) {
        SCOPED_TRACE(target);
        auto response = client().get(target);
        EXPECT_FALSE(response.header("x-request-id").empty());
        EXPECT_EQ(response.header("x-content-type-options"), "nosniff");
    }
    auto a = client().get("/healthz").header("x-request-id");
    auto b = client().get("/healthz").header("x-request-id");
    EXPECT_NE(a, b);
}

class SecureCookies : public ApiTest {
  protected:
    [[nodiscard]] std::vector<std::string> server_args() const override {
        return {"--report-rate", "0", "--secure-cookies"};
    }
};

TEST_F(SecureCookies, TheSessionCookieIsMarkedSecure) {
    nlohmann::json credentials{{"username", "mod"}, {"password", test_password}};
    auto response = client().post("/api/v1/session", credentials.dump());
    ASSERT_EQ(response.status, 200) << response.body;
    ASSERT_EQ(response.set_cookies.size(), 1u);
    EXPECT_NE(response.set_cookies[0].find("; Secure"), std::string::npos)
        << response.set_cookies[0];
}

}  // namespace
}  // namespace sightline::testing
