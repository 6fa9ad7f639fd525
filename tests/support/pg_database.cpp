#include "support/pg_database.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include <fmt/core.h>

namespace sightline::testing {
namespace {

std::string run_sql(const std::string& url, const std::string& sql) {
    PGconn* conn = PQconnectdb(url.c_str());
    if (PQstatus(conn) != CONNECTION_OK) {
        std::string message = PQerrorMessage(conn);
        PQfinish(conn);
        throw std::runtime_error("test PostgreSQL: " + message);
    }
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);  // "does not exist, skipping"
    PGresult* result = PQexec(conn, sql.c_str());
    auto status = PQresultStatus(result);
    std::string message = PQresultErrorMessage(result);
    std::string first =
        status == PGRES_TUPLES_OK && PQntuples(result) > 0 ? PQgetvalue(result, 0, 0) : "";
    PQclear(result);
    PQfinish(conn);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        throw std::runtime_error("test PostgreSQL: " + message + " in " + sql);
    return first;
}

// postgresql:///postgres?host=... -> postgresql:///NAME?host=...
std::string with_database(const std::string& admin_url, const std::string& name) {
    auto slash = admin_url.find("/postgres");
    if (slash == std::string::npos) throw std::runtime_error("unexpected admin URL " + admin_url);
    return admin_url.substr(0, slash + 1) + name + admin_url.substr(slash + 9);
}

}  // namespace

std::optional<std::string> PgDatabase::admin_url() {
    const char* dir = std::getenv("SIGHTLINE_TEST_PG_DIR");
    if (!dir || !*dir) return std::nullopt;
    std::ifstream in(std::string(dir) + "/url");
    std::string url;
    if (!std::getline(in, url) || url.empty()) return std::nullopt;
    return url;
}

std::string PgDatabase::missing_reason() {
    const char* dir = std::getenv("SIGHTLINE_TEST_PG_DIR");
    if (!dir || !*dir)
        return "SIGHTLINE_TEST_PG_DIR is not set (ctest sets it; by hand: "
               "tests/support/pg_cluster.sh start DIR)";
    return fmt::format("no test PostgreSQL cluster at {} (postgres_start skipped or failed)", dir);
}

PgDatabase::PgDatabase(const std::string& admin_url) : m_admin_url(admin_url) {
    static std::atomic<int> counter{0};
    m_name = fmt::format("sightline_t{}_{}", ::getpid(), counter.fetch_add(1));
    run_sql(m_admin_url, fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", m_name));
    run_sql(m_admin_url, fmt::format("CREATE DATABASE {} TEMPLATE sightline_template", m_name));
    m_url = with_database(m_admin_url, m_name);
}

PgDatabase::~PgDatabase() {
    try {
        run_sql(m_admin_url, fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", m_name));
    } catch (...) {
        // The cluster is gone (a fault test stopped it): it is deleted as a whole at the end.
    }
}

void PgDatabase::execute(const std::string& sql) const {
    run_sql(m_url, sql);
}

std::vector<std::vector<std::string>> PgDatabase::query_rows(const std::string& sql) const {
    PGconn* conn = PQconnectdb(m_url.c_str());
    if (PQstatus(conn) != CONNECTION_OK) {
        std::string message = PQerrorMessage(conn);
        PQfinish(conn);
        throw std::runtime_error("test PostgreSQL: " + message);
    }
    PGresult* result = PQexec(conn, sql.c_str());
    if (PQresultStatus(result) != PGRES_TUPLES_OK) {
        std::string message = PQresultErrorMessage(result);
        PQclear(result);
        PQfinish(conn);
        throw std::runtime_error("test PostgreSQL: " + message + " in " + sql);
    }
    std::vector<std::vector<std::string>> rows;
    for (int r = 0; r < PQntuples(result); ++r) {
        auto& row = rows.emplace_back();
        for (int c = 0; c < PQnfields(result); ++c)
            row.emplace_back(PQgetvalue(result, r, c));
    }
    PQclear(result);
    PQfinish(conn);
    return rows;
}

long long PgDatabase::query_number(const std::string& sql) const {
    return std::stoll(run_sql(m_url, sql));
}

}  // namespace sightline::testing
