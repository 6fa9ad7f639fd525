// The server process: acknowledged writes survive SIGKILL, SIGTERM stops it cleanly, restarts
// find everything, connections are kept alive.

#include <algorithm>
#include <atomic>
#include <csignal>
#include <thread>

#include <fmt/core.h>

#include "http/api_fixture.hpp"

namespace sightline::testing {
namespace {

using Lifecycle = ApiTest;

TEST_F(Lifecycle, AnAcknowledgedReportSurvivesSigkill) {
    auto input = example_report();
    input["note"] = "written just before the crash";
    auto body = submit_ok(input);
    auto id = body["id"].get<std::int64_t>();

    EXPECT_EQ(server().kill_hard(), 128 + SIGKILL);
    start_server();

    auto stored = report(login(), id);
    EXPECT_EQ(stored["status"], "pending");
    EXPECT_EQ(stored["note"], "written just before the crash");
    EXPECT_EQ(stored["tags"]["camera:type"], "dome");
    auto withdraw =
        client().request("DELETE", fmt::format("/api/v1/reports/{}", id), "",
                         {{"X-Withdraw-Token", body["withdraw_token"].get<std::string>()}});
    EXPECT_EQ(withdraw.status, 204) << "the withdraw token still works after the restart";
}

TEST_F(Lifecycle, EveryAcknowledgedReportOfABurstSurvivesSigkill) {
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 25; ++i)
        ids.push_back(
            submit_ok(example_report(45.80 + i * 0.001, 15.97))["id"].get<std::int64_t>());
    server().kill_hard();
    start_server();
    auto stored = reports(login(), "pending");
    std::vector<std::int64_t> stored_ids;
    for (const auto& r : stored)
        stored_ids.push_back(r["id"].get<std::int64_t>());
    std::sort(stored_ids.begin(), stored_ids.end());
    EXPECT_EQ(stored_ids, ids);
}

TEST_F(Lifecycle, AnAcknowledgedDecisionSurvivesSigkill) {
    auto mod = login();
    auto id = submit_ok(example_report())["id"].get<std::int64_t>();
    auto camera_id = decide_ok(id, {{"action", "accept"}}, mod)["camera"]["id"].get<std::int64_t>();
    server().kill_hard();
    start_server();
    EXPECT_EQ(camera(camera_id)["properties"]["status"], "verified");
    EXPECT_EQ(report(login(), id)["status"], "accepted");
}

TEST_F(Lifecycle, SigtermStopsTheServerWithExitStatus0) {
    submit_ok(example_report());
    ASSERT_EQ(client().get("/healthz").status, 200);  // leaves a kept-alive connection open
    EXPECT_EQ(server().stop(), 0) << server().log_text();
    EXPECT_FALSE(server().running());
    EXPECT_ANY_THROW(client().get("/healthz")) << "nobody listens any more";
}

TEST_F(Lifecycle, ARestartFindsTheDataAndTheSessions) {
    auto mod = login();
    auto id = submit_ok(example_report())["id"].get<std::int64_t>();
    ASSERT_EQ(server().stop(), 0);
    start_server();
    EXPECT_EQ(client().get("/api/v1/session", mod.cookie()).status, 200)
        << "sessions are stored, so a restart does not log moderators out";
    EXPECT_EQ(report(mod, id)["status"], "pending");
}

TEST_F(Lifecycle, HealthzAnswersOk) {
    auto response = client().get("/healthz");
    ASSERT_EQ(response.status, 200);
    EXPECT_EQ(response.json()["status"], "ok");
}

TEST_F(Lifecycle, OneConnectionServesManyRequests) {
    for (int i = 0; i < 5; ++i)
        ASSERT_EQ(client().get("/healthz").status, 200);
    submit_ok(example_report());
    EXPECT_EQ(client().get("/api/v1/cameras?bbox=15.9,45.7,16.1,45.9").status, 200);
    EXPECT_EQ(client().connections_opened(), 1) << "keep-alive";
}

TEST_F(Lifecycle, AnErrorAnswerKeepsTheConnectionUsable) {
    expect_json_error(client().post("/api/v1/reports", "{broken"), 400, "invalid_argument");
    expect_json_error(client().get("/api/v1/nothing"), 404, "not_found");
    EXPECT_EQ(client().get("/healthz").status, 200);
    EXPECT_EQ(client().connections_opened(), 1);
}

TEST_F(Lifecycle, ChunkedAndExpectContinueBodiesAreAccepted) {
    using namespace std::chrono_literals;
    std::string body = example_report().dump();
    auto chunked = HttpClient::raw_exchange(
        server().port(),
        fmt::format("POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "{:x}\r\n{}\r\n{:x}\r\n{}\r\n0\r\n\r\n",
                    10, body.substr(0, 10), body.size() - 10, body.substr(10)),
        10s);
    EXPECT_TRUE(chunked.starts_with("HTTP/1.1 201")) << chunked;
    // curl sends "Expect: 100-continue" for larger bodies and waits for the interim answer.
    auto expect = HttpClient::raw_exchange(
        server().port(),
        fmt::format("POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    "Content-Type: application/json\r\nExpect: 100-continue\r\n"
                    "Content-Length: {}\r\n\r\n{}",
                    body.size(), body),
        10s);
    EXPECT_TRUE(expect.starts_with("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201")) << expect;
    EXPECT_EQ(report_count_from_stats(), 2);
}

TEST_F(Lifecycle, ManyClientsAtOnceAreAllServed) {
    std::vector<std::thread> threads;
    std::atomic<int> created{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            HttpClient own(server().port());
            for (int i = 0; i < 10; ++i) {
                auto r =
                    own.post("/api/v1/reports", example_report(45.0 + t, 15.0 + i * 0.01).dump());
                if (r.status == 201) ++created;
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    EXPECT_EQ(created.load(), 40);
    EXPECT_EQ(report_count(login()), 40u);
}

}  // namespace
}  // namespace sightline::testing
