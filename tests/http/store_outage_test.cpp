// The PostgreSQL server restarts while four clients send reports (issue 13): every answer is 201
// or 503 with Retry-After, every report that got a 201 is in the database afterwards, and the
// server recovers without a restart. Runs in the suite's PostgreSQL pass, on a cluster of its
// own (tests/support/pg_cluster.sh), so that stopping it disturbs no other test.

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <fmt/core.h>

#include "http/api_fixture.hpp"

namespace sightline::testing {
namespace {

const std::string cluster_script = SIGHTLINE_FIXTURES "/../support/pg_cluster.sh";

int run_script(const std::string& command) {
    int rc = std::system(command.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

struct Tally {
    std::mutex mutex;
    std::vector<std::int64_t> acknowledged;  // ids of reports answered 201
    int unavailable = 0;                     // 503 with Retry-After
    std::vector<std::string> unexpected;     // anything else
};

TEST(StoreOutage, ReportsDuringADatabaseRestartAreKeptOrRefusedWith503) {
    if (!testing_on_postgresql()) GTEST_SKIP() << "needs PostgreSQL (the pg. pass)";
    TempDir tmp("sightline-outage");
    const std::string cluster = (tmp.path() / "pg").string();
    const int started = run_script(cluster_script + " start " + cluster);
    if (started == 77) GTEST_SKIP() << "PostgreSQL is not installed";
    ASSERT_EQ(started, 0) << "could not start a PostgreSQL cluster";
    struct StopCluster {
        std::string command;
        ~StopCluster() { run_script(command); }
    } stop_cluster{cluster_script + " stop " + cluster};

    std::string admin;
    {
        std::ifstream in(cluster + "/url");
        std::getline(in, admin);
    }
    PgDatabase database(admin);
    ServerProcess server(tmp.path() / "data", {"--report-rate", "0"},
                         {{"SIGHTLINE_STORE", database.url()}});

    Tally tally;
    std::atomic<bool> stop{false};
    std::atomic<int> after_restart{-1};  // 201s counted once the database is back
    std::vector<std::thread> clients;
    for (int c = 0; c < 4; ++c) {
        clients.emplace_back([&, c] {
            HttpClient client(server.port());
            client.set_timeout(std::chrono::seconds(30));
            for (int i = 0; !stop; ++i) {
                auto report = example_report(44.80 + c * 0.001, 20.46 + i * 1e-5);
                HttpResponse response;
                try {
                    response = client.post("/api/v1/reports", report.dump());
                } catch (const std::exception& e) {
                    std::lock_guard lock(tally.mutex);
                    tally.unexpected.push_back(std::string("connection: ") + e.what());
                    continue;
                }
                std::lock_guard lock(tally.mutex);
                if (response.status == 201) {
                    tally.acknowledged.push_back(response.json().at("id").get<std::int64_t>());
                    if (after_restart >= 0) ++after_restart;
                } else if (response.status == 503 && !response.header("retry-after").empty()) {
                    ++tally.unavailable;
                } else {
                    tally.unexpected.push_back(
                        fmt::format("{} {}", response.status, response.body));
                }
            }
        });
    }
    auto wait_until = [&](auto done) {
        auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (!done() && std::chrono::steady_clock::now() < give_up)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        return done();
    };
    EXPECT_TRUE(wait_until([&] {
        std::lock_guard lock(tally.mutex);
        return tally.acknowledged.size() >= 20;
    }));
    // Down for two seconds, then back (an immediate stop: what a crash or failover looks like).
    ::setenv("PG_DOWN_SECONDS", "2", 1);
    EXPECT_EQ(run_script(cluster_script + " restart " + cluster), 0);
    ::unsetenv("PG_DOWN_SECONDS");
    after_restart = 0;
    const bool recovered = wait_until([&] { return after_restart >= 40; });
    stop = true;
    for (auto& t : clients)
        t.join();

    EXPECT_TRUE(recovered) << "the server did not get back to 201s after the restart";
    EXPECT_TRUE(tally.unexpected.empty())
        << tally.unexpected.size() << " unexpected answers, first: " << tally.unexpected.front()
        << "\nserver log:\n"
        << [&] {
               std::string failed;
               std::istringstream lines(server.log_text());
               for (std::string line; std::getline(lines, line);)
                   if (line.find("failed") != std::string::npos) failed += line + "\n";
               return failed;
           }();
    EXPECT_GT(tally.unavailable, 0) << "no request met the outage";
    ASSERT_FALSE(tally.acknowledged.empty());
    std::string ids;
    for (auto id : tally.acknowledged) {
        if (!ids.empty()) ids += ',';
        ids += std::to_string(id);
    }
    EXPECT_EQ(database.query_number("SELECT count(*) FROM reports WHERE id IN (" + ids + ")"),
              static_cast<long long>(tally.acknowledged.size()))
        << "a report that got 201 is missing";
    HttpClient client(server.port());
    EXPECT_EQ(client.get("/healthz").status, 200);
    std::printf("201: %zu, 503: %d\n", tally.acknowledged.size(), tally.unavailable);
}

}  // namespace
}  // namespace sightline::testing
