#pragma once
// The fixture every HTTP test starts from: a fresh data folder holding a moderator "mod" (and an
// admin "admin" for suites that ask for one), created with the real CLI before the server
// starts; the real server on 127.0.0.1:0 and a client talking to it. Helpers for the requests
// most tests repeat.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/pg_database.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace sightline::testing {

/// Password of every account the fixture creates.
inline constexpr std::string_view test_password = "correct horse battery";

/// A logged-in account: the session cookie value and the CSRF token the login returned.
struct Login {
    std::string token;
    std::string csrf;

    /// Cookie header only (reads).
    [[nodiscard]] HttpClient::Headers cookie() const;
    /// Cookie and X-CSRF-Token headers (state-changing requests).
    [[nodiscard]] HttpClient::Headers cookie_and_csrf() const;
};

/// `sightline user add NAME --role ROLE --data DIR --password-stdin`; throws if it fails.
void add_user(const std::filesystem::path& data_dir, const std::string& name,
              const std::string& role);

/// `sightline import-csv` of `csv_text` into `data_dir` (written to a file beside it first);
/// throws if it fails.
void import_cameras(const std::filesystem::path& data_dir, const std::string& csv_text,
                    const std::vector<std::string>& extra_args = {});

/// A report as the OpenAPI document describes it (NewReport), at the given position.
nlohmann::json example_report(double lat = 45.8129, double lon = 15.9772);

/// Metres of latitude per degree (for "5 m north of" positions).
inline constexpr double metres_per_degree_lat = 111'195.0;

/// Checks the documented error shape {"error": {"code", "message"}} with the given status and
/// code, and a non-empty message.
void expect_json_error(const HttpResponse& response, int status, std::string_view code);

/// An account the fixture creates before the server starts.
struct Account {
    std::string name;
    std::string role;  ///< moderator or admin
};

/// True in the suite's PostgreSQL run (SIGHTLINE_TEST_BACKEND=postgresql): tests that look
/// inside the SQLite file or the photo folder skip there.
bool testing_on_postgresql();

class ApiTest : public ::testing::Test {
  protected:
    void SetUp() override;
    void TearDown() override;

    /// Accounts to create (each costs an argon2id hash, ~0.3 s). Default: moderator "mod".
    [[nodiscard]] virtual std::vector<Account> accounts() const { return {{"mod", "moderator"}}; }

    /// Arguments for `serve` besides --data and --listen. Default: no report rate limit.
    [[nodiscard]] virtual std::vector<std::string> server_args() const {
        return {"--report-rate", "0"};
    }
    /// Runs before the server starts (after the users are created): import data, etc.
    virtual void prepare_data() {}

    /// Starts (or restarts) the server on the data folder and connects a new client.
    void start_server();
    HttpClient& client() { return *m_client; }
    ServerProcess& server() { return *m_server; }
    [[nodiscard]] const std::filesystem::path& data_dir() const { return m_data; }
    [[nodiscard]] const std::filesystem::path& work_dir() const { return m_tmp.path(); }
    /// This test's PostgreSQL database in the suite's PostgreSQL run; null with SQLite.
    [[nodiscard]] const PgDatabase* database() const { return m_database ? &*m_database : nullptr; }
    /// Where the store's bytes are on disk: the data folder; with PostgreSQL also the files of
    /// this test's database and the cluster's write-ahead log (after a checkpoint, so that what
    /// is committed is in them).
    [[nodiscard]] std::vector<std::filesystem::path> store_disk_dirs() const;

    /// POST /api/v1/session; throws unless it answers 200 with a session cookie.
    Login login(const std::string& name = "mod", std::string_view password = test_password);

    HttpResponse submit(const nlohmann::json& report);
    /// submit() that must answer 201; returns the body.
    nlohmann::json submit_ok(const nlohmann::json& report);
    HttpResponse decide(std::int64_t report_id, const nlohmann::json& decision, const Login& who);
    /// decide() that must answer 200; returns the body.
    nlohmann::json decide_ok(std::int64_t report_id, const nlohmann::json& decision,
                             const Login& who);
    /// GET /api/v1/reports?status=STATUS&limit=500 as `who`; returns the "reports" array.
    nlohmann::json reports(const Login& who, std::string_view status = "all");
    /// Number of stored reports of any status, as a moderator sees them.
    std::size_t report_count(const Login& who);
    /// Number of stored reports of any status, from the public statistics.
    std::int64_t report_count_from_stats();
    /// GET /api/v1/reports/{id} as `who`; must answer 200.
    nlohmann::json report(const Login& who, std::int64_t id);
    /// GET /api/v1/cameras/{id}; must answer 200.
    nlohmann::json camera(std::int64_t id);
    /// GET /api/v1/cameras?bbox=...; must answer 200.
    nlohmann::json cameras_in(std::string_view bbox, std::string_view extra_query = "");

  private:
    TempDir m_tmp{"sightline-http"};
    std::optional<PgDatabase> m_database;  // the PostgreSQL run: this test's database
    std::filesystem::path m_data;
    std::optional<ServerProcess> m_server;
    std::optional<HttpClient> m_client;
};

/// Ids of the features of a FeatureCollection.
std::vector<std::int64_t> feature_ids(const nlohmann::json& collection);

}  // namespace sightline::testing
