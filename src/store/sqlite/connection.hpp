#pragma once
// RAII wrappers around the SQLite C API: one for a connection (with a per-connection cache of
// prepared statements), one for a borrowed statement, and a transaction that rolls back unless
// committed. Only code in store/sqlite/ includes this header.

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/error.hpp"

namespace sightline::store::sqlite {

/// A failed SQLite call. `code()` is the extended result code (SQLITE_CONSTRAINT_UNIQUE, ...).
/// The message names the database file and SQLite's error text: for logs, never for clients.
class SqliteError : public sightline::Exception {
  public:
    SqliteError(int code, const std::string& message)
        : sightline::Exception(message), m_code(code) {}
    [[nodiscard]] int code() const noexcept { return m_code; }
    [[nodiscard]] int primary_code() const noexcept { return m_code & 0xff; }

  private:
    int m_code;
};

struct SqliteCloser {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
using SqliteHandle = std::unique_ptr<sqlite3, SqliteCloser>;

struct StatementFinalizer {
    void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};
using StatementHandle = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

class Connection;

/// A prepared statement borrowed from a Connection's cache. Parameters are 1-based; bound text
/// is copied (SQLITE_TRANSIENT), so temporaries are safe to bind. The destructor resets the
/// statement and clears its bindings so the next borrower starts clean.
class Statement {
  public:
    Statement(sqlite3_stmt* stmt, Connection& connection) noexcept
        : m_stmt(stmt), m_connection(&connection) {}
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement();

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, double value);
    Statement& bind(int index, std::string_view value);
    Statement& bind(int index, const std::string& value) {
        return bind(index, std::string_view(value));
    }
    Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
    /// Binds text without copying it: it must stay unchanged until this Statement is destroyed
    /// (which resets the statement and clears its bindings). For bulk inserts of long text.
    Statement& bind_unowned(int index, std::string_view value);
    Statement& bind(int index, std::nullopt_t);
    /// Binds raw bytes as a BLOB (copied). Read blobs back with text().
    Statement& bind_blob(int index, std::string_view bytes);
    /// Binds a BLOB without copying it, under bind_unowned's rule.
    Statement& bind_blob_unowned(int index, std::string_view bytes);
    template <typename T>
    Statement& bind(int index, const std::optional<T>& value) {
        return value ? bind(index, *value) : bind(index, std::nullopt);
    }

    /// Binds the arguments to parameters 1..N in order.
    template <typename... Args>
    Statement& bind_all(const Args&... args) {
        int index = 0;
        (bind(++index, args), ...);
        return *this;
    }

    /// Advances to the next row: true if there is one, false when done. Throws SqliteError.
    bool step();
    /// Steps a statement that returns no rows (INSERT, UPDATE, DELETE).
    void run();
    /// Makes the statement ready to run again; its bindings stay (rebind what changes).
    void reset() noexcept;

    [[nodiscard]] bool is_null(int column) const noexcept;
    [[nodiscard]] std::int64_t int64(int column) const noexcept;
    [[nodiscard]] double real(int column) const noexcept;
    /// Text of a column; valid until the next step() or the Statement's destruction.
    [[nodiscard]] std::string_view text(int column) const noexcept;
    [[nodiscard]] std::string string(int column) const { return std::string(text(column)); }
    [[nodiscard]] std::optional<std::int64_t> optional_int64(int column) const noexcept;
    [[nodiscard]] std::optional<double> optional_real(int column) const noexcept;

  private:
    void check_bind(int rc, int index);

    sqlite3_stmt* m_stmt;
    Connection* m_connection;
};

/// How a connection is opened.
struct OpenOptions {
    bool read_only = false;
    bool create = false;
};

/// One sqlite3 connection. Not thread-safe: the owner serialises use (writer mutex, read pool).
class Connection {
  public:
    /// Opens `path`. Throws SqliteError naming the path if it cannot be opened.
    Connection(const std::filesystem::path& path, OpenOptions options);
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection();

    /// A cached prepared statement for `sql` (prepared on first use, kept for the connection's
    /// lifetime). `sql` must be one statement and must not contain values: bind them.
    Statement prepare(std::string_view sql);
    /// A prepared statement of the caller's own, outside the cache (a writer of many rows that
    /// keeps its statements and skips the cache's lookup). Wrap it in a Statement to use it.
    StatementHandle compile(std::string_view sql);
    /// Runs SQL text without results (schema, pragmas). Throws SqliteError.
    void execute(const char* sql);
    /// Runs a pragma or query that returns one integer.
    std::int64_t query_int64(const char* sql);

    [[nodiscard]] std::int64_t last_insert_rowid() const noexcept;
    [[nodiscard]] int changes() const noexcept;
    [[nodiscard]] bool in_transaction() const noexcept;
    [[nodiscard]] sqlite3* handle() const noexcept { return m_db.get(); }
    [[nodiscard]] const std::filesystem::path& path() const noexcept { return m_path; }

    /// Throws SqliteError for result code `rc` with the connection's error text and `context`.
    [[noreturn]] void throw_error(int rc, std::string_view context) const;

  private:
    std::filesystem::path m_path;
    SqliteHandle m_db;  // declared before the cache so cached statements are finalised first
    struct SqlHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view sql) const noexcept {
            return std::hash<std::string_view>{}(sql);
        }
    };
    std::unordered_map<std::string, StatementHandle, SqlHash, std::equal_to<>> m_statements;
};

/// A transaction on one connection; rolls back in its destructor unless commit() was called.
/// `immediate` takes the write lock at BEGIN, so a busy database waits (busy_timeout) there
/// rather than failing halfway; read snapshots use `deferred`.
class Transaction {
  public:
    enum class Mode { deferred, immediate };
    explicit Transaction(Connection& connection, Mode mode = Mode::immediate);
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();
    void commit();

  private:
    Connection& m_connection;
    bool m_done = false;
};

/// Turns a connection's CHECK constraints off while it lives (PRAGMA ignore_check_constraints)
/// and back on at its end. For bulk writers whose every value is made from typed values that
/// already satisfy the checks: SQLite evaluates `x IN ('a', 'b', 'c')` by building and dropping
/// a temporary B-tree for each row, which made the check the costliest part of such an insert.
/// Setting the flag reads and writes nothing, so it cannot fail halfway.
class CheckConstraintsOff {
  public:
    explicit CheckConstraintsOff(Connection& connection);
    CheckConstraintsOff(const CheckConstraintsOff&) = delete;
    CheckConstraintsOff& operator=(const CheckConstraintsOff&) = delete;
    ~CheckConstraintsOff();

  private:
    Connection& m_connection;
};

/// Compares two strings in time that depends only on their lengths, not their contents.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

}  // namespace sightline::store::sqlite
