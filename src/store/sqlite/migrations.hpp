#pragma once
// Numbered schema migrations. Migration N takes the schema from version N-1 to N; the version
// is kept in `PRAGMA user_version`. Migrations are only ever appended, never edited.

#include <span>
#include <string_view>

namespace sightline::store::sqlite {

class Connection;

struct Migration {
    int version;
    std::string_view description;
    const char* sql;  ///< one or more statements, run in the migration's transaction
};

/// All migrations, in order; migrations()[i].version == i + 1.
std::span<const Migration> migrations() noexcept;

/// Version of the newest migration this build knows.
int latest_schema_version() noexcept;

/// Applies pending migrations in one immediate transaction (so two processes opening the same
/// database at once cannot both migrate). Throws sightline::Exception if the database is newer
/// than this build or a migration fails; a failed migration leaves the schema unchanged.
void migrate(Connection& connection);

}  // namespace sightline::store::sqlite
