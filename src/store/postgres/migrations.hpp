#pragma once
// Numbered schema migrations of the PostgreSQL store; the applied ones are rows of
// `schema_migrations`. Each backend numbers its own (docs/adr/018).

#include <span>
#include <string_view>
#include <vector>

namespace sightline::store::postgres {

class Connection;

struct Migration {
    int version;
    std::string_view description;
    const char* sql;  ///< one or more statements, run in the migration's transaction
};

std::span<const Migration> migrations() noexcept;
int latest_schema_version() noexcept;
/// 0 for an empty database.
int current_schema_version(Connection& db);

/// Applies pending migrations in one transaction under an advisory lock (two servers starting
/// at once migrate one after the other); returns the versions applied. Throws
/// sightline::Exception if the database is newer than this build or a migration fails; a
/// failed migration leaves the schema unchanged.
std::vector<int> migrate(Connection& db);

}  // namespace sightline::store::postgres
