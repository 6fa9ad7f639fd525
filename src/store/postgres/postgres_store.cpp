// PostgresStore: opening, migrations, the change counters, and what Backend asks of every store.
// The roles' methods are in the other files of this folder (see postgres_store.hpp).
#include "store/postgres/postgres_store.hpp"

#include <fmt/core.h>

#include "store/postgres/change_follower.hpp"
#include "store/postgres/connection.hpp"
#include "store/postgres/login_table.hpp"
#include "store/postgres/migrations.hpp"
#include "store/postgres/photo_table.hpp"
#include "store/postgres/pool.hpp"

namespace sightline::store {

using postgres::Connection;

PostgresStore::PostgresStore(std::string conninfo, PostgresOptions options)
    : m_conninfo(std::move(conninfo)) {
    m_pool = std::make_unique<postgres::Pool>(m_conninfo, options.connections);
    {
        auto db = m_pool->acquire();
        if (options.migrate) {
            auto available =
                db->run("SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'");
            if (available.int64(0, 0) == 0 && postgres::current_schema_version(*db) == 0)
                throw sightline::Exception(
                    fmt::format("{}: the PostGIS extension is not installed on the database server "
                                "(Debian: apt-get install postgresql-15-postgis-3)",
                                postgres::redact_conninfo(m_conninfo)));
            postgres::migrate(*db);
        } else if (postgres::current_schema_version(*db) == 0) {
            throw sightline::Exception(
                fmt::format("{} has no Sightline schema; run `sightline migrate --store URL`",
                            postgres::redact_conninfo(m_conninfo)));
        }
    }
    m_photos = std::make_unique<postgres::PhotoTable>(*m_pool);
    m_logins = std::make_unique<postgres::LoginTable>(*m_pool);
    m_follower = std::make_unique<postgres::ChangeFollower>(m_conninfo, options.poll);
}

PostgresStore::~PostgresStore() = default;

std::unique_ptr<PostgresStore> open_postgres_store(const std::string& conninfo,
                                                   PostgresOptions options) {
    return std::make_unique<PostgresStore>(conninfo, options);
}

std::string PostgresStore::describe() const {
    return postgres::redact_conninfo(m_conninfo);
}

int PostgresStore::schema_version() {
    auto db = m_pool->acquire();
    return postgres::current_schema_version(*db);
}

bool PostgresStore::reachable() noexcept {
    try {
        auto db = m_pool->acquire(std::chrono::seconds(2));
        db->run("SELECT 1");
        return true;
    } catch (...) {
        return false;
    }
}

PhotoStorage& PostgresStore::photo_storage() {
    return *m_photos;
}

LoginCounters* PostgresStore::shared_login_counters() {
    return m_logins.get();
}

std::optional<std::string> PostgresStore::shared_client_key_secret() {
    auto db = m_pool->acquire();
    auto rows = db->run("SELECT value FROM meta WHERE key = 'client_key_secret'");
    if (rows.empty()) return std::nullopt;
    return rows.string(0, 0);
}

void PostgresStore::saw_change(Connection& db) {
    m_follower->refresh(db);
}

std::int64_t PostgresStore::camera_version() {
    return m_follower->counters().camera_version;
}

std::int64_t PostgresStore::map_version() {
    return m_follower->counters().map_version;
}

std::int64_t PostgresStore::survey_version() {
    return m_follower->counters().survey_version;
}

std::string PostgresStore::data_id() {
    auto db = m_pool->acquire();
    auto rows = db->run("SELECT value FROM meta WHERE key = 'data_id'");
    return rows.empty() ? std::string() : rows.string(0, 0);
}

}  // namespace sightline::store
