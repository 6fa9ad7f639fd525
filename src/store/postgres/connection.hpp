#pragma once
// RAII wrappers around libpq: a connection with a cache of prepared statements, the rows of a
// result, and a transaction that rolls back unless committed. Only code in store/postgres/
// includes this header (libpq types stay inside the folder).
//
// Parameters are sent as text ($1, $2, ... in the SQL), bytes (`Bytes`) as binary; results come
// back as text and are parsed by Rows. A query on a connection that the server dropped throws
// store::Unavailable (the caller answers 503); any other failure throws PgError with the
// SQLSTATE, so a unique violation ("23505") can become a conflict.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"

struct pg_conn;
struct pg_result;

namespace sightline::store::postgres {

/// A failed statement. `sqlstate()` is PostgreSQL's five-character error code.
class PgError : public sightline::Exception {
  public:
    PgError(std::string sqlstate, const std::string& message)
        : sightline::Exception(message), m_sqlstate(std::move(sqlstate)) {}
    [[nodiscard]] const std::string& sqlstate() const noexcept { return m_sqlstate; }
    [[nodiscard]] bool is_unique_violation() const noexcept { return m_sqlstate == "23505"; }

  private:
    std::string m_sqlstate;
};

/// Bytes bound as a binary bytea parameter.
struct Bytes {
    std::string_view bytes;
};

/// Parameters of one statement, in order ($1, $2, ...).
class Params {
  public:
    Params& add(std::int64_t value);
    Params& add(int value) { return add(static_cast<std::int64_t>(value)); }
    Params& add(double value);
    Params& add(bool value);
    Params& add(std::string_view value);
    Params& add(const std::string& value) { return add(std::string_view(value)); }
    Params& add(const char* value) { return add(std::string_view(value)); }
    Params& add(std::nullopt_t);
    Params& add(Bytes value);
    template <typename T>
    Params& add(const std::optional<T>& value) {
        return value ? add(*value) : add(std::nullopt);
    }

    [[nodiscard]] int size() const noexcept { return static_cast<int>(m_values.size()); }
    /// Pointers for libpq; valid while this object lives and is not changed.
    [[nodiscard]] std::vector<const char*> values() const;
    [[nodiscard]] const int* lengths() const noexcept { return m_lengths.data(); }
    [[nodiscard]] const int* formats() const noexcept { return m_formats.data(); }

  private:
    std::vector<std::string> m_values;
    std::vector<bool> m_null;
    std::vector<int> m_lengths;
    std::vector<int> m_formats;
};

/// The rows of one result (text format). Row and column indexes are 0-based.
class Rows {
  public:
    explicit Rows(pg_result* result) noexcept;
    Rows(Rows&&) noexcept;
    Rows& operator=(Rows&&) noexcept;
    Rows(const Rows&) = delete;
    Rows& operator=(const Rows&) = delete;
    ~Rows();

    [[nodiscard]] int size() const noexcept;
    [[nodiscard]] bool empty() const noexcept { return size() == 0; }
    /// Rows changed by an INSERT, UPDATE or DELETE.
    [[nodiscard]] std::int64_t affected() const noexcept;

    [[nodiscard]] bool is_null(int row, int column) const noexcept;
    [[nodiscard]] std::string_view text(int row, int column) const noexcept;
    [[nodiscard]] std::string string(int row, int column) const {
        return std::string(text(row, column));
    }
    /// Throws sightline::Exception if the value is not an integer (a corrupt row).
    [[nodiscard]] std::int64_t int64(int row, int column) const;
    [[nodiscard]] double real(int row, int column) const;
    [[nodiscard]] bool boolean(int row, int column) const noexcept;
    /// A bytea column (hex text) decoded to its bytes.
    [[nodiscard]] std::string bytes(int row, int column) const;
    [[nodiscard]] std::optional<std::int64_t> optional_int64(int row, int column) const;
    [[nodiscard]] std::optional<double> optional_real(int row, int column) const;

  private:
    pg_result* m_result;
};

/// Rows for `COPY ... FROM STDIN` in PostgreSQL's text format, built in memory: fields
/// separated by tabs, one row a line, \N for NULL, backslash escapes in text, bytea as \\x hex.
class CopyRows {
  public:
    CopyRows& add(std::int64_t value);
    CopyRows& add(int value) { return add(static_cast<std::int64_t>(value)); }
    CopyRows& add(double value);
    CopyRows& add(bool value);
    CopyRows& add(std::string_view value);
    CopyRows& add(const std::string& value) { return add(std::string_view(value)); }
    CopyRows& add(const char* value) { return add(std::string_view(value)); }
    CopyRows& add(std::nullopt_t);
    CopyRows& add(Bytes value);
    /// Ends the current row.
    void end_row();

    /// The complete rows so far (valid until the next change).
    [[nodiscard]] std::string_view text() const noexcept { return m_text; }
    [[nodiscard]] std::size_t size() const noexcept { return m_text.size(); }
    [[nodiscard]] bool empty() const noexcept { return m_text.empty(); }
    void clear() noexcept {
        m_text.clear();
        m_row_started = false;
    }

  private:
    void separate();

    std::string m_text;
    bool m_row_started = false;
};

/// Where Connection::copy_in() sends rows while a COPY runs.
class CopySink {
  public:
    explicit CopySink(pg_conn* connection) noexcept : m_conn(connection) {}
    /// Sends complete rows in COPY text format. Throws store::Unavailable if the connection
    /// fails (the server's verdict on the rows comes when the COPY ends).
    void write(std::string_view rows);
    /// Sends and clears `rows`.
    void write(CopyRows& rows) {
        write(rows.text());
        rows.clear();
    }

  private:
    pg_conn* m_conn;
};

/// One libpq connection. Not thread-safe: the owner serialises use (the pool hands each
/// connection to one thread at a time).
class Connection {
  public:
    /// Connects with a libpq connection string or URL (PG* environment variables fill in what
    /// it leaves out). Throws store::Unavailable with libpq's message if the server cannot be
    /// reached or refuses.
    explicit Connection(const std::string& conninfo);
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection();

    /// Runs one statement with parameters through a cached prepared statement (prepared on
    /// first use on this connection). `sql` must not contain values: pass them as parameters.
    Rows query(std::string_view sql, const Params& params = {});
    template <typename... Args>
    Rows run(std::string_view sql, const Args&... args) {
        Params params;
        (params.add(args), ...);
        return query(sql, params);
    }
    /// Runs SQL text without parameters, possibly several statements (schema, SET, LISTEN).
    void execute(std::string_view sql);
    /// Runs `copy_sql` (a `COPY table (columns) FROM STDIN`, text format) and sends what `fill`
    /// writes to the sink as its rows. If `fill` throws, the COPY is cancelled (no row of it
    /// stays) and the exception goes on; a row the server refuses throws PgError. Either
    /// failure leaves a surrounding transaction aborted.
    void copy_in(std::string_view copy_sql, const std::function<void(CopySink&)>& fill);

    /// True when the connection is up (as far as libpq knows without a round trip).
    [[nodiscard]] bool ok() const noexcept;
    /// Tries once to reconnect a dropped connection; prepared statements are forgotten.
    bool reset() noexcept;
    [[nodiscard]] bool in_transaction() const noexcept;
    [[nodiscard]] pg_conn* handle() const noexcept { return m_conn; }

  private:
    [[noreturn]] void fail(pg_result* result, std::string_view sql);

    pg_conn* m_conn = nullptr;
    bool m_broken = false;  // a communication failure was seen: reset before reuse
    std::unordered_map<std::string, std::string> m_prepared;  // SQL text -> statement name
};

/// A transaction; rolls back in its destructor unless commit() was called.
class Transaction {
  public:
    explicit Transaction(Connection& connection);
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();
    void commit();

  private:
    Connection& m_connection;
    bool m_done = false;
};

/// The URL with its password replaced by "***", for logs and messages.
std::string redact_conninfo(std::string_view conninfo);

}  // namespace sightline::store::postgres
