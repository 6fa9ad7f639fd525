// Several `sightline serve` on one PostgreSQL database (issue 13, ADR 018): what one server
// accepts, the others answer with (cameras in a box, tiles, routes), a moderator's session works
// on every server, and failed logins count on all of them together. Runs in the suite's
// PostgreSQL pass (CTest prefix pg.); the SQLite pass has one server per data folder and skips.

#include <chrono>
#include <cmath>
#include <thread>

#include <fmt/core.h>

#include "http/api_fixture.hpp"

namespace sightline::testing {
namespace {

// The ladder of tests/fixtures/routing/ladder.osm: footways at y = 0 and y = 40 m from
// (48.0, 11.0) eastwards for 200 m, a camera by the southern one at x = 100 m.
constexpr const char* from_s = "47.99997305,11.0";
constexpr const char* to_e = "47.99997305,11.00268501";
constexpr double north_lat = 48.00038670;  // 3 m north of the northern footway
constexpr double north_lon = 11.00187952;  // x = 140 m
constexpr const char* ladder_bbox = "10.999,47.999,11.004,48.001";

std::string web_mercator_tile(int z, double lat, double lon) {
    const double n = std::exp2(z);
    const double rad = lat * 3.14159265358979323846 / 180.0;
    const int x = static_cast<int>((lon + 180.0) / 360.0 * n);
    const int y =
        static_cast<int>((1.0 - std::asinh(std::tan(rad)) / 3.14159265358979323846) / 2.0 * n);
    return fmt::format("/tiles/{}/{}/{}.mvt", z, x, y);
}

bool route_mentions_camera_near(const nlohmann::json& body, double lat, double lon) {
    for (const auto& route : body.at("routes"))
        for (const auto& camera : route.at("cameras"))
            if (std::abs(camera.at("lat").get<double>() - lat) < 1e-5 &&
                std::abs(camera.at("lon").get<double>() - lon) < 1e-5)
                return true;
    return false;
}

class SeveralServers : public ApiTest {
  protected:
    void SetUp() override {
        if (!testing_on_postgresql())
            GTEST_SKIP() << "several servers share a PostgreSQL database (the pg. run)";
        ApiTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        m_server_b.emplace(work_dir() / "data-b", server_args());
        m_client_b.emplace(m_server_b->port());
    }
    void TearDown() override {
        m_client_b.reset();
        m_server_b.reset();
        ApiTest::TearDown();
    }
    [[nodiscard]] std::vector<Account> accounts() const override { return {{"mod", "moderator"}}; }
    void prepare_data() override {
        auto result = run_cli(
            {"import", SIGHTLINE_FIXTURES "/routing/ladder.osm", "--data", data_dir().string()});
        if (result.exit_code != 0) throw std::runtime_error("import failed: " + result.err);
    }
    HttpClient& client_b() { return *m_client_b; }

    Login login_on_b(const std::string& name) {
        nlohmann::json body{{"username", name}, {"password", test_password}};
        auto response = client_b().post("/api/v1/session", body.dump());
        EXPECT_EQ(response.status, 200) << response.body;
        Login result;
        for (const auto& line : response.set_cookies)
            if (line.starts_with("sightline_session="))
                result.token = line.substr(18, line.find(';') - 18);
        result.csrf = response.json().value("csrf_token", "");
        return result;
    }

  private:
    std::optional<ServerProcess> m_server_b;
    std::optional<HttpClient> m_client_b;
};

// Polls until `done` holds (20 s at most; how long it took is printed, never asserted).
template <typename Predicate>
bool eventually(std::string_view what, Predicate done) {
    const auto start = std::chrono::steady_clock::now();
    while (!done()) {
        if (std::chrono::steady_clock::now() - start > std::chrono::seconds(20)) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::printf("%.*s: seen after %.0f ms\n", static_cast<int>(what.size()), what.data(), ms);
    return true;
}

TEST_F(SeveralServers, AReportAcceptedOnOneServerReachesTheOthersCamerasTilesAndRoutes) {
    const std::string route = fmt::format("/api/v1/route?from={}&to={}", from_s, to_e);
    const std::string tile = web_mercator_tile(16, north_lat, north_lon);
    // Warm A's caches first: the camera snapshot, the tile, the routing graph.
    auto route_before = client().get(route);
    ASSERT_EQ(route_before.status, 200) << route_before.body;
    ASSERT_FALSE(route_mentions_camera_near(route_before.json(), north_lat, north_lon));
    auto tile_before = client().get(tile);
    ASSERT_EQ(tile_before.status, 200);
    const auto cameras_before = cameras_in(ladder_bbox)["features"].size();

    // Reported through A, accepted by a moderator on B.
    auto created = submit_ok(example_report(north_lat, north_lon));
    const auto id = created.at("id").get<std::int64_t>();
    auto mod = login_on_b("mod");
    auto decision = client_b().post(fmt::format("/api/v1/reports/{}/decision", id),
                                    R"({"action":"accept"})", mod.cookie_and_csrf());
    ASSERT_EQ(decision.status, 200) << decision.body;

    EXPECT_TRUE(eventually("cameras in a box on A", [&] {
        return cameras_in(ladder_bbox)["features"].size() == cameras_before + 1;
    }));
    EXPECT_TRUE(
        eventually("tile on A", [&] { return client().get(tile).body != tile_before.body; }));
    EXPECT_TRUE(eventually("route on A", [&] {
        auto response = client().get(route);
        return response.status == 200 &&
               route_mentions_camera_near(response.json(), north_lat, north_lon);
    }));
}

TEST_F(SeveralServers, AModeratorSessionWorksOnEveryServer) {
    auto mod = login();  // on A
    auto on_b = client_b().get("/api/v1/reports?status=pending", mod.cookie());
    EXPECT_EQ(on_b.status, 200) << on_b.body;
    // Logging out on B ends the session on A too.
    auto logout = client_b().request("DELETE", "/api/v1/session", "", mod.cookie_and_csrf());
    EXPECT_LT(logout.status, 300) << logout.body;
    auto on_a = client().get("/api/v1/reports?status=pending", mod.cookie());
    EXPECT_EQ(on_a.status, 401) << on_a.body;
}

TEST_F(SeveralServers, FailedLoginsCountOnEveryServerTogether) {
    // Spread over two servers, a guesser gets no more tries than against one (5 per name).
    constexpr std::string_view wrong = R"({"username":"mod","password":"guess 0123456"})";
    int unauthorized = 0;
    HttpResponse response;
    for (int attempt = 0; attempt < 12; ++attempt) {
        response =
            (attempt % 2 == 0 ? client() : client_b()).post("/api/v1/session", std::string(wrong));
        if (response.status != 401) break;
        ++unauthorized;
    }
    expect_json_error(response, 429, "rate_limited");
    EXPECT_LE(unauthorized, 5) << "each server allowed its own tries";
    EXPECT_GE(unauthorized, 3);
}

}  // namespace
}  // namespace sightline::testing
