#include "store/sqlite/connection.hpp"

#include <mutex>

#include <fmt/core.h>

namespace sightline::store::sqlite {

Statement::~Statement() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

void Statement::check_bind(int rc, int index) {
    if (rc != SQLITE_OK) m_connection->throw_error(rc, fmt::format("binding parameter {}", index));
}

Statement& Statement::bind(int index, std::int64_t value) {
    check_bind(sqlite3_bind_int64(m_stmt, index, value), index);
    return *this;
}

Statement& Statement::bind(int index, double value) {
    check_bind(sqlite3_bind_double(m_stmt, index, value), index);
    return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
    check_bind(sqlite3_bind_text64(m_stmt, index, value.data(), value.size(), SQLITE_TRANSIENT,
                                   SQLITE_UTF8),
               index);
    return *this;
}

Statement& Statement::bind_unowned(int index, std::string_view value) {
    check_bind(
        sqlite3_bind_text64(m_stmt, index, value.data(), value.size(), SQLITE_STATIC, SQLITE_UTF8),
        index);
    return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
    check_bind(sqlite3_bind_blob64(m_stmt, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT),
               index);
    return *this;
}

Statement& Statement::bind_blob_unowned(int index, std::string_view bytes) {
    check_bind(sqlite3_bind_blob64(m_stmt, index, bytes.data(), bytes.size(), SQLITE_STATIC),
               index);
    return *this;
}

Statement& Statement::bind(int index, std::nullopt_t) {
    check_bind(sqlite3_bind_null(m_stmt, index), index);
    return *this;
}

bool Statement::step() {
    int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    m_connection->throw_error(rc, sqlite3_sql(m_stmt));
}

void Statement::run() {
    while (step()) {
    }
}

void Statement::reset() noexcept {
    sqlite3_reset(m_stmt);
}

bool Statement::is_null(int column) const noexcept {
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

std::int64_t Statement::int64(int column) const noexcept {
    return sqlite3_column_int64(m_stmt, column);
}

double Statement::real(int column) const noexcept {
    return sqlite3_column_double(m_stmt, column);
}

std::string_view Statement::text(int column) const noexcept {
    // sqlite3_column_blob, not _text: _text must NUL-terminate the value, which copies every
    // string that lies in a page into a fresh allocation. The bytes are the same UTF-8.
    const auto* data = static_cast<const char*>(sqlite3_column_blob(m_stmt, column));
    if (data == nullptr) return {};
    return {data, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column))};
}

std::optional<std::int64_t> Statement::optional_int64(int column) const noexcept {
    if (is_null(column)) return std::nullopt;
    return int64(column);
}

std::optional<double> Statement::optional_real(int column) const noexcept {
    if (is_null(column)) return std::nullopt;
    return real(column);
}

namespace {

// Before SQLite's first use in the process: no memory statistics. With them every allocation
// and free takes a global mutex to count bytes that nothing here reads (they were 3 % of an
// import's store thread). Fails harmlessly (SQLITE_MISUSE) if SQLite was already initialised.
void configure_sqlite() {
    static std::once_flag once;
    std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

}  // namespace

Connection::Connection(const std::filesystem::path& path, OpenOptions options) : m_path(path) {
    configure_sqlite();
    // NOMUTEX: every connection is used by one thread at a time (writer mutex or read pool),
    // so SQLite's per-connection mutex is pure overhead on the hot read path.
    int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    flags |= options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (options.create && !options.read_only) flags |= SQLITE_OPEN_CREATE;
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    m_db.reset(raw);  // sqlite3_open_v2 may return a handle even on failure; close it too
    if (rc != SQLITE_OK) {
        std::string text = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
        throw SqliteError(rc, fmt::format("cannot open database {}: {}", path.string(), text));
    }
    sqlite3_extended_result_codes(raw, 1);
}

Connection::~Connection() = default;

StatementHandle Connection::compile(std::string_view sql) {
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(m_db.get(), sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &raw, &tail);
    StatementHandle stmt(raw);
    if (rc != SQLITE_OK) throw_error(rc, sql);
    if (raw == nullptr) throw SqliteError(SQLITE_MISUSE, "empty SQL statement");
    return stmt;
}

Statement Connection::prepare(std::string_view sql) {
    auto found = m_statements.find(sql);
    if (found == m_statements.end())
        found = m_statements.emplace(std::string(sql), compile(sql)).first;
    return Statement(found->second.get(), *this);
}

void Connection::execute(const char* sql) {
    char* message = nullptr;
    int rc = sqlite3_exec(m_db.get(), sql, nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
        std::string text = message ? message : sqlite3_errstr(rc);
        sqlite3_free(message);
        throw SqliteError(rc, fmt::format("database {}: {} (while running: {:.200})",
                                          m_path.string(), text, sql));
    }
}

std::int64_t Connection::query_int64(const char* sql) {
    auto stmt = prepare(sql);
    if (!stmt.step()) throw SqliteError(SQLITE_ERROR, fmt::format("no result from: {}", sql));
    return stmt.int64(0);
}

std::int64_t Connection::last_insert_rowid() const noexcept {
    return sqlite3_last_insert_rowid(m_db.get());
}

int Connection::changes() const noexcept {
    return sqlite3_changes(m_db.get());
}

bool Connection::in_transaction() const noexcept {
    return sqlite3_get_autocommit(m_db.get()) == 0;
}

void Connection::throw_error(int rc, std::string_view context) const {
    throw SqliteError(rc, fmt::format("database {}: {} (while running: {:.200})", m_path.string(),
                                      sqlite3_errmsg(m_db.get()), context));
}

Transaction::Transaction(Connection& connection, Mode mode) : m_connection(connection) {
    m_connection.prepare(mode == Mode::immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED").run();
}

Transaction::~Transaction() {
    // Some errors (SQLITE_FULL, SQLITE_IOERR, ...) roll back by themselves; only roll back what
    // is still open, and never throw from here.
    if (!m_done && m_connection.in_transaction())
        sqlite3_exec(m_connection.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
    m_connection.prepare("COMMIT").run();
    m_done = true;
}

CheckConstraintsOff::CheckConstraintsOff(Connection& connection) : m_connection(connection) {
    m_connection.execute("PRAGMA ignore_check_constraints = ON");
}

CheckConstraintsOff::~CheckConstraintsOff() {
    try {
        m_connection.execute("PRAGMA ignore_check_constraints = OFF");
    } catch (const SqliteError&) {
        // Setting a flag of the connection reads and writes nothing: it does not fail.
    }
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
    // The length of a hex SHA-256 is public; only the contents must not leak through timing.
    std::size_t n = a.size() < b.size() ? a.size() : b.size();
    unsigned diff = a.size() == b.size() ? 0U : 1U;
    for (std::size_t i = 0; i < n; ++i)
        diff |= static_cast<unsigned>(static_cast<unsigned char>(a[i]) ^
                                      static_cast<unsigned char>(b[i]));
    volatile unsigned result = diff;
    return result == 0;
}

}  // namespace sightline::store::sqlite
