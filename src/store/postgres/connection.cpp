#include "store/postgres/connection.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <regex>

#include <fmt/core.h>

#include "store/store.hpp"

namespace sightline::store::postgres {
namespace {

[[noreturn]] void corrupt(std::string_view what, std::string_view value) {
    throw sightline::Exception(fmt::format("corrupt database value: {} '{:.40}'", what, value));
}

std::string first_line(const char* message) {
    std::string text = message ? message : "";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    return text;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

// --- Params ---------------------------------------------------------------------------------

Params& Params::add(std::int64_t value) {
    return add(std::string_view(fmt::format("{}", value)));
}

Params& Params::add(double value) {
    // Shortest text that reads back to the same double.
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    if (ec != std::errc()) throw sightline::Exception("cannot format a number for PostgreSQL");
    return add(std::string_view(buffer, static_cast<std::size_t>(end - buffer)));
}

Params& Params::add(bool value) {
    return add(std::string_view(value ? "t" : "f"));
}

Params& Params::add(std::string_view value) {
    m_values.emplace_back(value);
    m_null.push_back(false);
    m_lengths.push_back(static_cast<int>(value.size()));
    m_formats.push_back(0);
    return *this;
}

Params& Params::add(std::nullopt_t) {
    m_values.emplace_back();
    m_null.push_back(true);
    m_lengths.push_back(0);
    m_formats.push_back(0);
    return *this;
}

Params& Params::add(Bytes value) {
    m_values.emplace_back(value.bytes);
    m_null.push_back(false);
    m_lengths.push_back(static_cast<int>(value.bytes.size()));
    m_formats.push_back(1);
    return *this;
}

std::vector<const char*> Params::values() const {
    std::vector<const char*> out;
    out.reserve(m_values.size());
    for (std::size_t i = 0; i < m_values.size(); ++i)
        out.push_back(m_null[i] ? nullptr : m_values[i].c_str());
    return out;
}

// --- COPY ---------------------------------------------------------------------------------

void CopyRows::separate() {
    if (m_row_started) m_text += '\t';
    m_row_started = true;
}

CopyRows& CopyRows::add(std::int64_t value) {
    separate();
    char buffer[24];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    m_text.append(buffer, end);
    return *this;
}

CopyRows& CopyRows::add(double value) {
    separate();
    // Shortest text that reads back to the same double.
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    if (ec != std::errc()) throw sightline::Exception("cannot format a number for PostgreSQL");
    m_text.append(buffer, end);
    return *this;
}

CopyRows& CopyRows::add(bool value) {
    separate();
    m_text += value ? 't' : 'f';
    return *this;
}

CopyRows& CopyRows::add(std::string_view value) {
    separate();
    for (char c : value) {
        switch (c) {
            case '\\':
                m_text += "\\\\";
                break;
            case '\t':
                m_text += "\\t";
                break;
            case '\n':
                m_text += "\\n";
                break;
            case '\r':
                m_text += "\\r";
                break;
            default:
                m_text += c;
        }
    }
    return *this;
}

CopyRows& CopyRows::add(std::nullopt_t) {
    separate();
    m_text += "\\N";
    return *this;
}

CopyRows& CopyRows::add(Bytes value) {
    separate();
    // bytea's hex input (\x...), its backslash escaped for COPY.
    static constexpr char digits[] = "0123456789abcdef";
    m_text += "\\\\x";
    for (char c : value.bytes) {
        const auto byte = static_cast<unsigned char>(c);
        m_text += digits[byte >> 4];
        m_text += digits[byte & 15];
    }
    return *this;
}

void CopyRows::end_row() {
    m_text += '\n';
    m_row_started = false;
}

void CopySink::write(std::string_view rows) {
    // PQputCopyData takes an int length: send big buffers in pieces.
    constexpr std::size_t piece = 1 << 20;
    while (!rows.empty()) {
        const auto n = std::min(rows.size(), piece);
        if (PQputCopyData(m_conn, rows.data(), static_cast<int>(n)) != 1)
            throw Unavailable(
                fmt::format("PostgreSQL is unreachable: {}", first_line(PQerrorMessage(m_conn))));
        rows.remove_prefix(n);
    }
}

// --- Rows -----------------------------------------------------------------------------------

Rows::Rows(pg_result* result) noexcept : m_result(result) {}
Rows::Rows(Rows&& other) noexcept : m_result(std::exchange(other.m_result, nullptr)) {}
Rows& Rows::operator=(Rows&& other) noexcept {
    if (this != &other) {
        PQclear(m_result);
        m_result = std::exchange(other.m_result, nullptr);
    }
    return *this;
}
Rows::~Rows() {
    PQclear(m_result);
}

int Rows::size() const noexcept {
    return m_result ? PQntuples(m_result) : 0;
}

std::int64_t Rows::affected() const noexcept {
    const char* n = m_result ? PQcmdTuples(m_result) : "";
    std::int64_t value = 0;
    std::from_chars(n, n + std::strlen(n), value);
    return value;
}

bool Rows::is_null(int row, int column) const noexcept {
    return PQgetisnull(m_result, row, column) != 0;
}

std::string_view Rows::text(int row, int column) const noexcept {
    return {PQgetvalue(m_result, row, column),
            static_cast<std::size_t>(PQgetlength(m_result, row, column))};
}

std::int64_t Rows::int64(int row, int column) const {
    auto t = text(row, column);
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
    if (ec != std::errc() || end != t.data() + t.size()) corrupt("integer", t);
    return value;
}

double Rows::real(int row, int column) const {
    auto t = text(row, column);
    double value = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
    if (ec != std::errc() || end != t.data() + t.size()) corrupt("number", t);
    return value;
}

bool Rows::boolean(int row, int column) const noexcept {
    auto t = text(row, column);
    return !t.empty() && t[0] == 't';
}

std::string Rows::bytes(int row, int column) const {
    auto t = text(row, column);
    if (t.size() < 2 || t[0] != '\\' || t[1] != 'x' || t.size() % 2 != 0) corrupt("bytea", t);
    std::string out;
    out.resize((t.size() - 2) / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        int hi = hex_value(t[2 + 2 * i]);
        int lo = hex_value(t[3 + 2 * i]);
        if (hi < 0 || lo < 0) corrupt("bytea", t);
        out[i] = static_cast<char>(hi * 16 + lo);
    }
    return out;
}

std::optional<std::int64_t> Rows::optional_int64(int row, int column) const {
    if (is_null(row, column)) return std::nullopt;
    return int64(row, column);
}

std::optional<double> Rows::optional_real(int row, int column) const {
    if (is_null(row, column)) return std::nullopt;
    return real(row, column);
}

// --- Connection -----------------------------------------------------------------------------

Connection::Connection(const std::string& conninfo) {
    m_conn = PQconnectdb(conninfo.c_str());
    if (!m_conn) throw Unavailable("PostgreSQL: out of memory while connecting");
    if (PQstatus(m_conn) != CONNECTION_OK) {
        std::string message = first_line(PQerrorMessage(m_conn));
        PQfinish(m_conn);
        m_conn = nullptr;
        throw Unavailable(
            fmt::format("cannot connect to {}: {}", redact_conninfo(conninfo), message));
    }
    // Quiet notices (CREATE ... IF NOT EXISTS says "already exists, skipping").
    PQsetNoticeProcessor(
        m_conn, [](void*, const char*) {}, nullptr);
    execute("SET client_min_messages = warning; SET TIME ZONE 'UTC'");
}

Connection::~Connection() {
    if (m_conn) PQfinish(m_conn);
}

bool Connection::ok() const noexcept {
    return m_conn && !m_broken && PQstatus(m_conn) == CONNECTION_OK;
}

bool Connection::reset() noexcept {
    if (!m_conn) return false;
    PQreset(m_conn);
    m_prepared.clear();
    m_broken = false;
    if (PQstatus(m_conn) != CONNECTION_OK) return false;
    PQsetNoticeProcessor(
        m_conn, [](void*, const char*) {}, nullptr);
    try {
        execute("SET client_min_messages = warning; SET TIME ZONE 'UTC'");
    } catch (...) {
        return false;
    }
    return true;
}

bool Connection::in_transaction() const noexcept {
    return m_conn && PQtransactionStatus(m_conn) != PQTRANS_IDLE;
}

void Connection::fail(pg_result* result, std::string_view sql) {
    std::string sqlstate;
    if (result) {
        const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
        if (state) sqlstate = state;
    }
    std::string message = first_line(result ? PQresultErrorMessage(result) : nullptr);
    if (message.empty()) message = first_line(PQerrorMessage(m_conn));
    PQclear(result);
    // Class 08 is "connection exception"; 57P0x are shutdowns (admin, crash, cannot connect now).
    // No SQLSTATE at all means libpq itself failed (the server closed the connection, a broken
    // pipe), which it does not always mark in PQstatus at once.
    if (PQstatus(m_conn) != CONNECTION_OK || sqlstate.empty() || sqlstate.starts_with("08") ||
        sqlstate.starts_with("57P")) {
        m_broken = true;  // reconnected when next borrowed
        throw Unavailable(fmt::format("PostgreSQL is unreachable: {}", message));
    }
    throw PgError(sqlstate, fmt::format("PostgreSQL: {} (in: {:.80})", message, sql));
}

Rows Connection::query(std::string_view sql, const Params& params) {
    if (!ok()) throw Unavailable("PostgreSQL is unreachable: connection lost");
    auto found = m_prepared.find(std::string(sql));
    if (found == m_prepared.end()) {
        std::string name = fmt::format("s{}", m_prepared.size());
        std::string text(sql);
        pg_result* prepared = PQprepare(m_conn, name.c_str(), text.c_str(), 0, nullptr);
        if (PQresultStatus(prepared) != PGRES_COMMAND_OK) fail(prepared, sql);
        PQclear(prepared);
        found = m_prepared.emplace(std::move(text), std::move(name)).first;
    }
    auto values = params.values();
    pg_result* result = PQexecPrepared(m_conn, found->second.c_str(), params.size(), values.data(),
                                       params.lengths(), params.formats(), /*resultFormat=*/0);
    auto status = PQresultStatus(result);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) fail(result, sql);
    return Rows(result);
}

void Connection::execute(std::string_view sql) {
    if (!ok()) throw Unavailable("PostgreSQL is unreachable: connection lost");
    std::string text(sql);
    pg_result* result = PQexec(m_conn, text.c_str());
    auto status = PQresultStatus(result);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) fail(result, sql);
    PQclear(result);
}

void Connection::copy_in(std::string_view copy_sql, const std::function<void(CopySink&)>& fill) {
    if (!ok()) throw Unavailable("PostgreSQL is unreachable: connection lost");
    std::string text(copy_sql);
    pg_result* started = PQexec(m_conn, text.c_str());
    if (PQresultStatus(started) != PGRES_COPY_IN) fail(started, copy_sql);
    PQclear(started);
    auto drain = [this] {
        while (pg_result* rest = PQgetResult(m_conn))
            PQclear(rest);
    };
    CopySink sink(m_conn);
    try {
        fill(sink);
    } catch (...) {
        PQputCopyEnd(m_conn, "cancelled by the client");
        drain();
        throw;
    }
    if (PQputCopyEnd(m_conn, nullptr) != 1)
        throw Unavailable(
            fmt::format("PostgreSQL is unreachable: {}", first_line(PQerrorMessage(m_conn))));
    pg_result* result = PQgetResult(m_conn);
    if (PQresultStatus(result) != PGRES_COMMAND_OK) {
        drain();
        fail(result, copy_sql);
    }
    PQclear(result);
    drain();
}

// --- Transaction ----------------------------------------------------------------------------

Transaction::Transaction(Connection& connection) : m_connection(connection) {
    m_connection.execute("BEGIN");
}

Transaction::~Transaction() {
    if (m_done) return;
    try {
        if (m_connection.ok()) m_connection.execute("ROLLBACK");
    } catch (...) {
        // The connection is gone; the server rolled back.
    }
}

void Transaction::commit() {
    m_connection.execute("COMMIT");
    m_done = true;
}

std::string redact_conninfo(std::string_view conninfo) {
    static const std::regex url_password(R"(^(postgres(?:ql)?://[^:/@]*):[^@]*@)");
    static const std::regex keyword_password(R"((^|\s)password\s*=\s*('[^']*'|\S+))");
    std::string text(conninfo);
    text = std::regex_replace(text, url_password, "$1:***@");
    static const std::regex query_password(R"(([?&])password=[^&]*)");
    text = std::regex_replace(text, keyword_password, "$1password=***");
    text = std::regex_replace(text, query_password, "$1password=***");
    return text;
}

}  // namespace sightline::store::postgres
