#pragma once
// A PostgreSQL database of its own for one test, made from the test cluster's template
// (tests/support/pg_cluster.sh, CTest fixture "postgres") and dropped when the object goes away.

#include <optional>
#include <string>
#include <vector>

namespace sightline::testing {

class PgDatabase {
  public:
    /// The URL of the test cluster's "postgres" database, read from $SIGHTLINE_TEST_PG_DIR/url;
    /// nullopt when there is no test cluster.
    static std::optional<std::string> admin_url();
    /// Why admin_url() is empty, for the skip message.
    static std::string missing_reason();

    /// Creates a database named sightline_t<pid>_<n> from template sightline_template. Throws
    /// std::runtime_error with PostgreSQL's message if it cannot.
    explicit PgDatabase(const std::string& admin_url);
    ~PgDatabase();
    PgDatabase(const PgDatabase&) = delete;
    PgDatabase& operator=(const PgDatabase&) = delete;

    /// postgresql://... of the new database (the admin URL with its name).
    [[nodiscard]] const std::string& url() const noexcept { return m_url; }
    [[nodiscard]] const std::string& name() const noexcept { return m_name; }
    /// Runs SQL on the new database (test setup only: the store is tested through its
    /// interfaces). Throws std::runtime_error.
    void execute(const std::string& sql) const;
    /// Every row of a query, each value as text ("" for NULL).
    [[nodiscard]] std::vector<std::vector<std::string>> query_rows(const std::string& sql) const;
    /// The first column of the first row of a query, as a number.
    [[nodiscard]] long long query_number(const std::string& sql) const;

  private:
    std::string m_admin_url;
    std::string m_name;
    std::string m_url;
};

}  // namespace sightline::testing
