// Finding 2 and 3: wrong passwords for a moderator's name locked the moderator out, and behind a
// reverse proxy every user was one client. Now the throttle keys on (client, name) and client,
// the client is taken from proxy headers only from trusted proxies, and a 429 says when to retry.

#include <fmt/core.h>

#include "http/api_fixture.hpp"

namespace sightline::testing {
namespace {

constexpr std::string_view wrong_password = R"({"username":"mod","password":"guess 0123456"})";

class BehindAProxy : public ApiTest {
  protected:
    std::vector<std::string> server_args() const override {
        return {"--report-rate", "0", "--trusted-proxy", "127.0.0.1/32"};
    }
};

TEST_F(BehindAProxy, AnAttackerGuessingAModeratorsPasswordDoesNotLockTheModeratorOut) {
    const HttpClient::Headers attacker{{"X-Forwarded-For", "203.0.113.9"}};
    HttpResponse last;
    for (int attempt = 0; attempt < 30; ++attempt)
        last = client().post("/api/v1/session", std::string(wrong_password), attacker);
    expect_json_error(last, 429, "rate_limited");
    EXPECT_FALSE(last.header("retry-after").empty()) << "a 429 says when to come back";

    // The moderator, from another address behind the same proxy, logs in.
    nlohmann::json right{{"username", "mod"}, {"password", test_password}};
    auto response =
        client().post("/api/v1/session", right.dump(), {{"X-Forwarded-For", "198.51.100.20"}});
    EXPECT_EQ(response.status, 200) << response.body;
}

TEST_F(BehindAProxy, EachForwardedClientHasItsOwnLimit) {
    // Other users behind the proxy are not throttled by one client's failures.
    for (int attempt = 0; attempt < 30; ++attempt)
        client().post("/api/v1/session", std::string(wrong_password),
                      {{"X-Forwarded-For", "203.0.113.9"}});
    auto other =
        client().post("/api/v1/session", R"({"username":"nobody","password":"guess 0123456"})",
                      {{"X-Forwarded-For", "192.0.2.77"}});
    EXPECT_EQ(other.status, 401) << "checked, not throttled: " << other.body;
}

using NoProxy = ApiTest;

TEST_F(NoProxy, ForwardedHeadersFromAnUntrustedPeerAreIgnored) {
    // Without --trusted-proxy an attacker cannot pose as new clients by inventing the header.
    HttpResponse last;
    for (int attempt = 0; attempt < 30; ++attempt)
        last = client().post("/api/v1/session", std::string(wrong_password),
                             {{"X-Forwarded-For", fmt::format("203.0.113.{}", attempt + 1)},
                              {"Forwarded", fmt::format("for=198.51.100.{}", attempt + 1)}});
    expect_json_error(last, 429, "rate_limited");
}

}  // namespace
}  // namespace sightline::testing
