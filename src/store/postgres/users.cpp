// PostgresStore: users, sessions, audit and statistics (see postgres_store.hpp). The same
// results as store/sqlite/sqlite_store.cpp. User names are unique case-insensitively through the
// unique index on lower(name), as SQLite's COLLATE NOCASE (names are ASCII:
// model::validate_user_name); text orderings use COLLATE "C" to sort by bytes like SQLite.
#include <algorithm>
#include <limits>

#include <fmt/core.h>

#include "store/postgres/connection.hpp"
#include "store/postgres/pool.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/postgres/rows.hpp"

namespace sightline::store {

using postgres::Connection;
using postgres::Transaction;

namespace {
constexpr int max_audit_page = 1000;
}  // namespace

// --- users and sessions ----------------------------------------------------------------------

Result<model::UserId> PostgresStore::insert_user(const std::string& name, model::Role role,
                                                 const std::string& password_hash,
                                                 const Decision& decision) {
    if (auto ok = model::validate_user_name(name); !ok) return std::unexpected(ok.error());
    if (password_hash.empty()) return fail(Errc::invalid_argument, "password hash is empty");
    auto db = m_pool->acquire();
    Transaction tx(*db);
    // ON CONFLICT (the unique index on lower(name)) instead of a check first: two servers adding
    // the same name at once get one user and one conflict, and the transaction stays usable.
    auto inserted = db->run(
        "INSERT INTO users (name, role, password_hash, disabled, created_at) "
        "VALUES ($1, $2, $3, false, $4) ON CONFLICT DO NOTHING RETURNING id",
        name, model::to_string(role), password_hash, decision.at);
    if (inserted.empty()) return fail(Errc::conflict, "a user with this name already exists");
    model::UserId id{inserted.int64(0, 0)};
    postgres::append_audit(*db, decision.at, decision.actor, "user_add", "user/" + name,
                           decision.reason);
    tx.commit();
    return id;
}

Result<model::User> PostgresStore::find_user(model::UserId id) {
    static const std::string sql = postgres::user_select() + " WHERE id = $1";
    auto db = m_pool->acquire();
    auto rows = db->run(sql, id.value);
    if (rows.empty()) return fail(Errc::not_found, "no such user");
    return postgres::read_user(rows, 0);
}

Result<model::User> PostgresStore::find_user_by_name(std::string_view name) {
    static const std::string sql = postgres::user_select() + " WHERE lower(name) = lower($1)";
    auto db = m_pool->acquire();
    auto rows = db->run(sql, name);
    if (rows.empty()) return fail(Errc::not_found, "no such user");
    return postgres::read_user(rows, 0);
}

std::vector<model::User> PostgresStore::list_users() {
    // SQLite orders the NOCASE column case-insensitively, byte by byte.
    static const std::string sql =
        postgres::user_select() + " ORDER BY lower(name) COLLATE \"C\", id";
    auto db = m_pool->acquire();
    auto rows = db->run(sql);
    std::vector<model::User> users;
    users.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i)
        users.push_back(postgres::read_user(rows, i));
    return users;
}

Status PostgresStore::set_user_disabled(std::string_view name, bool disabled,
                                        const Decision& decision) {
    auto db = m_pool->acquire();
    Transaction tx(*db);
    auto found =
        db->run("SELECT id, name FROM users WHERE lower(name) = lower($1) FOR UPDATE", name);
    if (found.empty()) return fail(Errc::not_found, "no such user");
    std::int64_t id = found.int64(0, 0);
    std::string stored_name = found.string(0, 1);
    db->run("UPDATE users SET disabled = $2 WHERE id = $1", id, disabled);
    if (disabled) db->run("DELETE FROM sessions WHERE user_id = $1", id);
    postgres::append_audit(*db, decision.at, decision.actor,
                           disabled ? "user_disable" : "user_enable", "user/" + stored_name,
                           decision.reason);
    tx.commit();
    return {};
}

Status PostgresStore::insert_session(const model::SessionRecord& session) {
    if (session.token_hash.empty()) return fail(Errc::invalid_argument, "session token is empty");
    auto db = m_pool->acquire();
    Transaction tx(*db);
    // KEY SHARE: the user cannot be deleted before the session row refers to it.
    if (db->run("SELECT 1 FROM users WHERE id = $1 FOR KEY SHARE", session.user_id.value).empty())
        return fail(Errc::not_found, "no such user");
    auto inserted = db->run(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at) "
        "VALUES ($1, $2, $3, $4) ON CONFLICT (token_hash) DO NOTHING RETURNING 1",
        session.token_hash, session.user_id.value, session.csrf_token, session.expires_at);
    if (inserted.empty()) return fail(Errc::conflict, "session already exists");
    tx.commit();
    return {};
}

Result<model::SessionRecord> PostgresStore::find_session(const std::string& token_hash,
                                                         std::int64_t now) {
    auto db = m_pool->acquire();
    auto rows = db->run(
        "SELECT token_hash, user_id, csrf_token, expires_at FROM sessions "
        "WHERE token_hash = $1 AND expires_at > $2",
        token_hash, now);
    if (rows.empty()) return fail(Errc::not_found, "no such session");
    return model::SessionRecord{rows.string(0, 0), model::UserId{rows.int64(0, 1)},
                                rows.string(0, 2), rows.int64(0, 3)};
}

Status PostgresStore::delete_session(const std::string& token_hash) {
    auto db = m_pool->acquire();
    db->run("DELETE FROM sessions WHERE token_hash = $1", token_hash);
    return {};
}

void PostgresStore::delete_expired_sessions(std::int64_t now) {
    auto db = m_pool->acquire();
    db->run("DELETE FROM sessions WHERE expires_at <= $1", now);
}

// --- audit and statistics --------------------------------------------------------------------

std::vector<model::AuditEvent> PostgresStore::list_audit(int limit,
                                                         std::optional<std::int64_t> before_id) {
    std::vector<model::AuditEvent> events;
    if (limit <= 0) return events;
    auto db = m_pool->acquire();
    auto rows = db->run(
        "SELECT id, at, actor, action, subject, reason FROM audit_events "
        "WHERE id < $1 ORDER BY id DESC LIMIT $2",
        before_id.value_or(std::numeric_limits<std::int64_t>::max()),
        std::min(limit, max_audit_page));
    events.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i)
        events.push_back(model::AuditEvent{rows.int64(i, 0), rows.int64(i, 1), rows.string(i, 2),
                                           rows.string(i, 3), rows.string(i, 4),
                                           rows.string(i, 5)});
    return events;
}

namespace {
std::vector<std::pair<std::string, std::int64_t>> counts(Connection& db, const char* sql) {
    std::vector<std::pair<std::string, std::int64_t>> out;
    auto rows = db.run(sql);
    out.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i)
        out.emplace_back(rows.string(i, 0), rows.int64(i, 1));
    return out;
}
}  // namespace

Stats PostgresStore::stats() {
    auto db = m_pool->acquire();
    Transaction snapshot(*db);
    db->execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");  // one snapshot
    Stats s;
    s.cameras_total = db->run("SELECT count(*) FROM cameras WHERE status <> 'removed'").int64(0, 0);
    // Ties in name order by bytes (COLLATE "C"), as SQLite's BINARY.
    s.cameras_by_status = counts(*db,
                                 "SELECT status, count(*) FROM cameras GROUP BY status "
                                 "ORDER BY count(*) DESC, status COLLATE \"C\"");
    s.cameras_by_kind = counts(*db,
                               "SELECT kind, count(*) FROM cameras WHERE status <> 'removed' "
                               "GROUP BY kind ORDER BY count(*) DESC, kind COLLATE \"C\"");
    s.cameras_by_operator =
        counts(*db,
               "SELECT v, count(*) FROM (SELECT tags::json ->> 'operator' AS v FROM cameras "
               "WHERE status <> 'removed') AS t WHERE v IS NOT NULL GROUP BY v "
               "ORDER BY count(*) DESC, v COLLATE \"C\" LIMIT 50");
    s.cameras_by_manufacturer =
        counts(*db,
               "SELECT v, count(*) FROM (SELECT tags::json ->> 'manufacturer' AS v FROM cameras "
               "WHERE status <> 'removed') AS t WHERE v IS NOT NULL GROUP BY v "
               "ORDER BY count(*) DESC, v COLLATE \"C\" LIMIT 50");
    s.reports_by_status = counts(*db,
                                 "SELECT status, count(*) FROM reports GROUP BY status "
                                 "ORDER BY count(*) DESC, status COLLATE \"C\"");
    s.reports_by_day = counts(*db,
                              "SELECT to_char(to_timestamp(created_at) AT TIME ZONE 'UTC', "
                              "'YYYY-MM-DD') AS day, count(*) FROM reports GROUP BY day "
                              "ORDER BY day DESC LIMIT 365");
    std::reverse(s.reports_by_day.begin(), s.reports_by_day.end());  // oldest first
    {
        auto areas = db->run(
            "SELECT source_name, west, south, east, north, place FROM import_runs WHERE id IN "
            "(SELECT max(id) FROM import_runs GROUP BY source_name) ORDER BY id");
        for (int i = 0; i < areas.size(); ++i) {
            ImportedArea area;
            area.name = areas.string(i, 0);
            area.bounds = {areas.real(i, 1), areas.real(i, 2), areas.real(i, 3), areas.real(i, 4)};
            area.place = areas.string(i, 5);
            area.area_km2 = area.bounds.area_km2();
            s.imported_areas.push_back(std::move(area));
        }
    }
    for (auto& area : s.imported_areas) {
        // The index's boxes alone, like SQLite's count over its R*Tree.
        area.cameras =
            db->run(
                  "SELECT count(*) FROM cameras AS c WHERE c.geom && "
                  "ST_MakeEnvelope($1, $2, $3, $4, 4326) AND c.status <> 'removed'",
                  area.bounds.west, area.bounds.south, area.bounds.east, area.bounds.north)
                .int64(0, 0);
    }
    snapshot.commit();
    return s;
}

}  // namespace sightline::store
