#pragma once
// The store contract (ADR 018): every TEST_P(StoreContract, Name) runs once on SQLite (a fresh
// data folder) and once on PostgreSQL (a fresh database from the test cluster's template), as
// Backends/StoreContract.Name/sqlite and .../postgresql. Tests check behaviour only through the
// store interfaces. Without a test cluster the PostgreSQL runs skip, except under CI=true,
// where they fail.

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "store/backend.hpp"
#include "support/pg_database.hpp"
#include "support/temp_dir.hpp"

namespace sightline::testing {

enum class BackendKind { sqlite, postgresql };

class StoreContract : public ::testing::TestWithParam<BackendKind> {
  protected:
    void SetUp() override;
    void TearDown() override;

    [[nodiscard]] store::Backend& store() { return *m_store; }
    /// Another handle on the same data: what a second server (or a CLI command) opens.
    [[nodiscard]] std::unique_ptr<store::Backend> open_again() const;
    /// The store's URL (sqlite:DIR or postgresql://...).
    [[nodiscard]] const std::string& url() const noexcept { return m_url; }
    [[nodiscard]] bool is_postgresql() const noexcept {
        return GetParam() == BackendKind::postgresql;
    }

  private:
    std::optional<TempDir> m_dir;
    std::optional<PgDatabase> m_database;
    std::string m_url;
    std::unique_ptr<store::Backend> m_store;
};

}  // namespace sightline::testing
