#include "http/api_fixture.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include <fmt/core.h>

namespace sightline::testing {

namespace {

[[noreturn]] void fail_with(const std::string& what, const HttpResponse& response) {
    throw std::runtime_error(
        fmt::format("{}: got HTTP {} with body {}", what, response.status, response.body));
}

std::string session_cookie_value(const HttpResponse& response) {
    constexpr std::string_view prefix = "sightline_session=";
    for (const auto& line : response.set_cookies) {
        if (!line.starts_with(prefix)) continue;
        auto end = line.find(';');
        return line.substr(prefix.size(), end == std::string::npos ? end : end - prefix.size());
    }
    return {};
}

}  // namespace

HttpClient::Headers Login::cookie() const {
    return {{"Cookie", "sightline_session=" + token}};
}

HttpClient::Headers Login::cookie_and_csrf() const {
    return {{"Cookie", "sightline_session=" + token}, {"X-CSRF-Token", csrf}};
}

void add_user(const std::filesystem::path& data_dir, const std::string& name,
              const std::string& role) {
    auto result = run_cli(
        {"user", "add", name, "--role", role, "--data", data_dir.string(), "--password-stdin"},
        std::string(test_password) + "\n");
    if (result.exit_code != 0)
        throw std::runtime_error(fmt::format("sightline user add {} exited {}: {}{}", name,
                                             result.exit_code, result.out, result.err));
}

void import_cameras(const std::filesystem::path& data_dir, const std::string& csv_text,
                    const std::vector<std::string>& extra_args) {
    static int counter = 0;
    auto file = data_dir.parent_path() / fmt::format("import-{}.csv", counter++);
    {
        std::ofstream out(file, std::ios::binary);
        out << csv_text;
    }
    std::vector<std::string> args{"import-csv", file.string(), "--data", data_dir.string()};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    auto result = run_cli(args);
    if (result.exit_code != 0)
        throw std::runtime_error(fmt::format("sightline import-csv exited {}: {}{}",
                                             result.exit_code, result.out, result.err));
}

nlohmann::json example_report(double lat, double lon) {
    return {
        {"location", {{"lat", lat}, {"lon", lon}}},
        {"accuracy_m", 8},
        {"directions_deg", {135}},
        {"tags",
         {{"surveillance", "public"},
          {"surveillance:type", "camera"},
          {"camera:type", "dome"},
          {"operator", "Grad Zagreb"}}},
        {"note", "On the lamp post at the tram stop"},
    };
}

void expect_json_error(const HttpResponse& response, int status, std::string_view code) {
    EXPECT_EQ(response.status, status) << response.body;
    EXPECT_TRUE(response.header("content-type").starts_with("application/json"))
        << "Content-Type: " << response.header("content-type");
    nlohmann::json body;
    try {
        body = response.json();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "error body is not JSON (" << e.what() << "): " << response.body;
        return;
    }
    ASSERT_TRUE(body.is_object() && body.contains("error") && body["error"].is_object())
        << response.body;
    const auto& error = body["error"];
    ASSERT_TRUE(error.contains("code") && error["code"].is_string()) << response.body;
    ASSERT_TRUE(error.contains("message") && error["message"].is_string()) << response.body;
    EXPECT_EQ(error["code"].get<std::string>(), code) << response.body;
    EXPECT_FALSE(error["message"].get<std::string>().empty()) << response.body;
}

bool testing_on_postgresql() {
    const char* backend = std::getenv("SIGHTLINE_TEST_BACKEND");
    return backend && std::string_view(backend) == "postgresql";
}

void ApiTest::SetUp() {
    m_data = m_tmp.path() / "data";
    if (testing_on_postgresql()) {
        // The suite's second run (CTest prefix "pg."): every command and the server find the
        // store through SIGHTLINE_STORE, which the child processes inherit; --data DIR stays
        // the servers' local folder for caches.
        auto admin = PgDatabase::admin_url();
        if (!admin) {
            const char* ci = std::getenv("CI");
            if (ci && std::string_view(ci) == "true")
                FAIL() << PgDatabase::missing_reason() << " (CI=true)";
            GTEST_SKIP() << PgDatabase::missing_reason();
        }
        m_database.emplace(*admin);
        ::setenv("SIGHTLINE_STORE", m_database->url().c_str(), 1);
    }
    for (const auto& account : accounts())
        add_user(m_data, account.name, account.role);
    prepare_data();
    start_server();
}

void ApiTest::TearDown() {
    m_client.reset();
    m_server.reset();
    if (m_database) {
        ::unsetenv("SIGHTLINE_STORE");
        m_database.reset();
    }
}

std::vector<std::filesystem::path> ApiTest::store_disk_dirs() const {
    std::vector<std::filesystem::path> dirs{m_data};
    if (!m_database) return dirs;
    m_database->execute("CHECKPOINT");
    std::filesystem::path cluster;  // tests/support/pg_cluster.sh names it in DIR/cluster
    std::ifstream(std::filesystem::path(std::getenv("SIGHTLINE_TEST_PG_DIR")) / "cluster") >>
        cluster;
    const auto oid =
        m_database->query_number("SELECT oid FROM pg_database WHERE datname = current_database()");
    dirs.push_back(cluster / "data" / "base" / std::to_string(oid));
    dirs.push_back(cluster / "data" / "pg_wal");
    return dirs;
}

void ApiTest::start_server() {
    m_client.reset();
    m_server.reset();
    m_server.emplace(m_data, server_args());
    m_client.emplace(m_server->port());
}

Login ApiTest::login(const std::string& name, std::string_view password) {
    nlohmann::json body{{"username", name}, {"password", password}};
    auto response = client().post("/api/v1/session", body.dump());
    if (response.status != 200) fail_with("login as " + name, response);
    Login result;
    result.token = session_cookie_value(response);
    result.csrf = response.json().value("csrf_token", "");
    if (result.token.empty() || result.csrf.empty())
        fail_with("login without a session cookie or csrf_token", response);
    return result;
}

HttpResponse ApiTest::submit(const nlohmann::json& report) {
    return client().post("/api/v1/reports", report.dump());
}

nlohmann::json ApiTest::submit_ok(const nlohmann::json& report) {
    auto response = submit(report);
    if (response.status != 201) fail_with("POST /api/v1/reports", response);
    return response.json();
}

HttpResponse ApiTest::decide(std::int64_t report_id, const nlohmann::json& decision,
                             const Login& who) {
    return client().post(fmt::format("/api/v1/reports/{}/decision", report_id), decision.dump(),
                         who.cookie_and_csrf());
}

nlohmann::json ApiTest::decide_ok(std::int64_t report_id, const nlohmann::json& decision,
                                  const Login& who) {
    auto response = decide(report_id, decision, who);
    if (response.status != 200) fail_with("decision " + decision.dump(), response);
    return response.json();
}

nlohmann::json ApiTest::reports(const Login& who, std::string_view status) {
    auto response =
        client().get(fmt::format("/api/v1/reports?status={}&limit=500", status), who.cookie());
    if (response.status != 200) fail_with("GET /api/v1/reports", response);
    return response.json().at("reports");
}

std::size_t ApiTest::report_count(const Login& who) {
    return reports(who, "all").size();
}

std::int64_t ApiTest::report_count_from_stats() {
    auto response = client().get("/api/v1/stats");
    if (response.status != 200) fail_with("GET /api/v1/stats", response);
    std::int64_t total = 0;
    auto stats = response.json();
    for (const auto& [status, count] : stats.at("reports_by_status").items())
        total += count.get<std::int64_t>();
    return total;
}

nlohmann::json ApiTest::report(const Login& who, std::int64_t id) {
    auto response = client().get(fmt::format("/api/v1/reports/{}", id), who.cookie());
    if (response.status != 200) fail_with(fmt::format("GET /api/v1/reports/{}", id), response);
    return response.json();
}

nlohmann::json ApiTest::camera(std::int64_t id) {
    auto response = client().get(fmt::format("/api/v1/cameras/{}", id));
    if (response.status != 200) fail_with(fmt::format("GET /api/v1/cameras/{}", id), response);
    return response.json();
}

nlohmann::json ApiTest::cameras_in(std::string_view bbox, std::string_view extra_query) {
    auto target = fmt::format("/api/v1/cameras?bbox={}{}", bbox, extra_query);
    auto response = client().get(target);
    if (response.status != 200) fail_with("GET " + target, response);
    return response.json();
}

std::vector<std::int64_t> feature_ids(const nlohmann::json& collection) {
    std::vector<std::int64_t> ids;
    for (const auto& feature : collection.at("features"))
        ids.push_back(feature.at("id").get<std::int64_t>());
    return ids;
}

}  // namespace sightline::testing
