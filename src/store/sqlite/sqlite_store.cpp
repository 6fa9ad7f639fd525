// SqliteStore: opening, backup, schema version, users, sessions, audit and statistics.
// Reports and moderation are in moderation.cpp, camera reads and imports in cameras.cpp.
#include "store/sqlite/sqlite_store.hpp"

#include <algorithm>
#include <limits>
#include <system_error>

#include <fmt/core.h>

#include "store/sqlite/connection.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/read_pool.hpp"
#include "store/sqlite/rows.hpp"

namespace sightline::store {

using sqlite::Connection;
using sqlite::Transaction;

namespace {
constexpr const char* database_file_name = "sightline.db";
constexpr int max_audit_page = 1000;
}  // namespace

SqliteStore::SqliteStore(std::filesystem::path database_path, SqliteOptions options)
    : m_path(std::move(database_path)), m_photos(m_path.parent_path() / "photos") {
    std::error_code ec;
    m_rollback_journal = options.rollback_journal_if_new && !std::filesystem::exists(m_path, ec);
    m_writer = std::make_unique<Connection>(
        m_path, sqlite::OpenOptions{.read_only = false, .create = options.create_if_missing});
    sqlite::configure_connection(*m_writer, /*read_only=*/false);
    try {
        // Before anything is written: a new database gets 16 KiB pages, an existing one keeps
        // its own (docs/adr/021: the import writes fewer pages, readers read as fast).
        m_writer->execute("PRAGMA page_size = 16384");
        const std::string_view wanted = m_rollback_journal ? "delete" : "wal";
        auto mode = m_writer->prepare(m_rollback_journal ? "PRAGMA journal_mode = DELETE"
                                                         : "PRAGMA journal_mode = WAL");
        if (!mode.step() || mode.text(0) != wanted)
            throw sightline::Exception(fmt::format(
                "database {}: cannot switch to {} mode (journal_mode is '{}'); is it on a "
                "network file system?",
                m_path.string(), m_rollback_journal ? "rollback journal" : "WAL", mode.text(0)));
    } catch (const sqlite::SqliteError& e) {
        // Switching to WAL waits for every other connection: the first import into a new data
        // folder holds its rollback journal (OpenOptions::rollback_journal_if_new) to the end.
        if (e.primary_code() != SQLITE_BUSY) throw;
        throw sightline::Exception(fmt::format(
            "database {} is busy: another process is writing it (the first import into a new "
            "data folder holds it until it is done); try again then",
            m_path.string()));
    }
    m_writer->execute(options.synchronous_full ? "PRAGMA synchronous = FULL"
                                               : "PRAGMA synchronous = NORMAL");
    // Withdrawn notes and deleted sessions must not linger in free pages. Debian's SQLite turns
    // this on by default; a stock build does not.
    m_writer->execute("PRAGMA secure_delete = ON");
    sqlite::migrate(*m_writer);
    m_readers =
        std::make_unique<sqlite::ReadPool>(m_path, options.read_connections, options.memory_map);
}

SqliteStore::~SqliteStore() {
    if (!m_rollback_journal) return;
    try {
        // Idle connections hold no lock under a rollback journal, the read pool's included.
        auto mode = m_writer->prepare("PRAGMA journal_mode = WAL");
        mode.step();
    } catch (const sqlite::SqliteError&) {
        // Another process holds the database (it opened it meanwhile, and so switched it to
        // WAL or is about to): every open asks for WAL, so the next one switches it.
    }
}

std::unique_ptr<SqliteStore> open_sqlite_store(const std::filesystem::path& data_dir,
                                               SqliteOptions options) {
    std::error_code ec;
    if (options.create_if_missing) {
        std::filesystem::create_directories(data_dir, ec);
        if (ec)
            throw sightline::Exception(fmt::format("cannot create data directory {}: {}",
                                                   data_dir.string(), ec.message()));
    }
    if (!std::filesystem::is_directory(data_dir, ec))
        throw sightline::Exception(fmt::format(
            "data directory {} does not exist or is not a directory", data_dir.string()));
    return std::make_unique<SqliteStore>(data_dir / database_file_name, options);
}

std::filesystem::path SqliteStore::database_path() const {
    return m_path;
}

std::string SqliteStore::describe() const {
    std::error_code ec;
    auto dir = std::filesystem::absolute(m_path.parent_path(), ec);
    return "sqlite:" + (ec ? m_path.parent_path() : dir).string();
}

void SqliteStore::release_read_maps() {
    m_readers->unmap_idle();
}

bool SqliteStore::reachable() noexcept {
    try {
        return schema_version() > 0;
    } catch (...) {
        return false;
    }
}

int SqliteStore::schema_version() {
    auto db = m_readers->acquire();
    return static_cast<int>(db->query_int64("PRAGMA user_version"));
}

std::int64_t SqliteStore::camera_version() {
    auto db = m_readers->acquire();
    return db->query_int64("SELECT value FROM meta WHERE key = 'camera_version'");
}

std::string SqliteStore::data_id() {
    auto db = m_readers->acquire();
    auto stmt = db->prepare("SELECT value FROM meta WHERE key = 'data_id'");
    return stmt.step() ? stmt.string(0) : std::string();
}

Status SqliteStore::backup_to(const std::filesystem::path& destination) {
    std::error_code ec;
    if (std::filesystem::equivalent(destination, m_path, ec))
        return fail(Errc::invalid_argument, "the backup must not replace the live database");
    auto partial = destination;
    partial += ".partial";
    std::filesystem::remove(partial, ec);
    std::unique_ptr<Connection> target;
    try {
        target = std::make_unique<Connection>(partial, sqlite::OpenOptions{.create = true});
    } catch (const sqlite::SqliteError&) {
        return fail(Errc::invalid_argument, "cannot create the backup file");
    }
    struct RemovePartial {
        const std::filesystem::path& path;
        bool keep = false;
        ~RemovePartial() {
            std::error_code ignored;
            if (!keep) std::filesystem::remove(path, ignored);
        }
    } cleanup{partial};

    {
        // A read-only source connection: one backup_step(-1) copies a single snapshot while
        // the writer keeps committing to the WAL.
        auto source = m_readers->acquire();
        sqlite3_backup* backup =
            sqlite3_backup_init(target->handle(), "main", source->handle(), "main");
        if (backup == nullptr)
            target->throw_error(sqlite3_errcode(target->handle()), "sqlite3_backup_init");
        int rc = sqlite3_backup_step(backup, -1);
        sqlite3_backup_finish(backup);
        if (rc != SQLITE_DONE) target->throw_error(rc, "sqlite3_backup_step");
    }
    target.reset();  // close (and so flush) before the rename
    std::filesystem::rename(partial, destination, ec);
    if (ec)
        throw sightline::Exception(fmt::format("cannot move backup {} to {}: {}", partial.string(),
                                               destination.string(), ec.message()));
    cleanup.keep = true;
    return {};
}

// --- users and sessions ----------------------------------------------------------------------

Result<model::UserId> SqliteStore::insert_user(const std::string& name, model::Role role,
                                               const std::string& password_hash,
                                               const Decision& decision) {
    if (auto ok = model::validate_user_name(name); !ok) return std::unexpected(ok.error());
    if (password_hash.empty()) return fail(Errc::invalid_argument, "password hash is empty");
    std::lock_guard lock(m_write_mutex);
    Transaction tx(*m_writer);
    {
        auto exists = m_writer->prepare("SELECT 1 FROM users WHERE name = ?1");
        exists.bind(1, name);
        if (exists.step()) return fail(Errc::conflict, "a user with this name already exists");
    }
    auto insert = m_writer->prepare(
        "INSERT INTO users (name, role, password_hash, disabled, created_at) "
        "VALUES (?1, ?2, ?3, 0, ?4)");
    insert.bind_all(name, model::to_string(role), password_hash, decision.at);
    insert.run();
    model::UserId id{m_writer->last_insert_rowid()};
    sqlite::append_audit(*m_writer, decision.at, decision.actor, "user_add", "user/" + name,
                         decision.reason);
    tx.commit();
    return id;
}

Result<model::User> SqliteStore::find_user(model::UserId id) {
    static const std::string sql = sqlite::user_select() + " WHERE id = ?1";
    auto db = m_readers->acquire();
    auto stmt = db->prepare(sql);
    stmt.bind(1, id.value);
    if (!stmt.step()) return fail(Errc::not_found, "no such user");
    return sqlite::read_user(stmt);
}

Result<model::User> SqliteStore::find_user_by_name(std::string_view name) {
    static const std::string sql = sqlite::user_select() + " WHERE name = ?1";
    auto db = m_readers->acquire();
    auto stmt = db->prepare(sql);
    stmt.bind(1, name);
    if (!stmt.step()) return fail(Errc::not_found, "no such user");
    return sqlite::read_user(stmt);
}

std::vector<model::User> SqliteStore::list_users() {
    static const std::string sql = sqlite::user_select() + " ORDER BY name, id";
    auto db = m_readers->acquire();
    auto stmt = db->prepare(sql);
    std::vector<model::User> users;
    while (stmt.step())
        users.push_back(sqlite::read_user(stmt));
    return users;
}

Status SqliteStore::set_user_disabled(std::string_view name, bool disabled,
                                      const Decision& decision) {
    std::lock_guard lock(m_write_mutex);
    Transaction tx(*m_writer);
    std::int64_t id = 0;
    std::string stored_name;
    {
        auto find = m_writer->prepare("SELECT id, name FROM users WHERE name = ?1");
        find.bind(1, name);
        if (!find.step()) return fail(Errc::not_found, "no such user");
        id = find.int64(0);
        stored_name = find.string(1);
    }
    {
        auto update = m_writer->prepare("UPDATE users SET disabled = ?2 WHERE id = ?1");
        update.bind_all(id, disabled ? 1 : 0);
        update.run();
    }
    if (disabled) {
        auto sessions = m_writer->prepare("DELETE FROM sessions WHERE user_id = ?1");
        sessions.bind(1, id);
        sessions.run();
    }
    sqlite::append_audit(*m_writer, decision.at, decision.actor,
                         disabled ? "user_disable" : "user_enable", "user/" + stored_name,
                         decision.reason);
    tx.commit();
    return {};
}

Status SqliteStore::insert_session(const model::SessionRecord& session) {
    if (session.token_hash.empty()) return fail(Errc::invalid_argument, "session token is empty");
    std::lock_guard lock(m_write_mutex);
    Transaction tx(*m_writer);
    {
        auto user = m_writer->prepare("SELECT 1 FROM users WHERE id = ?1");
        user.bind(1, session.user_id.value);
        if (!user.step()) return fail(Errc::not_found, "no such user");
    }
    {
        auto exists = m_writer->prepare("SELECT 1 FROM sessions WHERE token_hash = ?1");
        exists.bind(1, session.token_hash);
        if (exists.step()) return fail(Errc::conflict, "session already exists");
    }
    auto insert = m_writer->prepare(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at) "
        "VALUES (?1, ?2, ?3, ?4)");
    insert.bind_all(session.token_hash, session.user_id.value, session.csrf_token,
                    session.expires_at);
    insert.run();
    tx.commit();
    return {};
}

Result<model::SessionRecord> SqliteStore::find_session(const std::string& token_hash,
                                                       std::int64_t now) {
    auto db = m_readers->acquire();
    auto stmt = db->prepare(
        "SELECT token_hash, user_id, csrf_token, expires_at FROM sessions "
        "WHERE token_hash = ?1 AND expires_at > ?2");
    stmt.bind_all(token_hash, now);
    if (!stmt.step()) return fail(Errc::not_found, "no such session");
    return model::SessionRecord{stmt.string(0), model::UserId{stmt.int64(1)}, stmt.string(2),
                                stmt.int64(3)};
}

Status SqliteStore::delete_session(const std::string& token_hash) {
    std::lock_guard lock(m_write_mutex);
    auto stmt = m_writer->prepare("DELETE FROM sessions WHERE token_hash = ?1");
    stmt.bind(1, token_hash);
    stmt.run();
    return {};
}

void SqliteStore::delete_expired_sessions(std::int64_t now) {
    std::lock_guard lock(m_write_mutex);
    auto stmt = m_writer->prepare("DELETE FROM sessions WHERE expires_at <= ?1");
    stmt.bind(1, now);
    stmt.run();
}

// --- audit and statistics --------------------------------------------------------------------

std::vector<model::AuditEvent> SqliteStore::list_audit(int limit,
                                                       std::optional<std::int64_t> before_id) {
    std::vector<model::AuditEvent> events;
    if (limit <= 0) return events;
    auto db = m_readers->acquire();
    auto stmt = db->prepare(
        "SELECT id, at, actor, action, subject, reason FROM audit_events "
        "WHERE id < ?1 ORDER BY id DESC LIMIT ?2");
    stmt.bind_all(before_id.value_or(std::numeric_limits<std::int64_t>::max()),
                  std::min(limit, max_audit_page));
    while (stmt.step())
        events.push_back(model::AuditEvent{stmt.int64(0), stmt.int64(1), stmt.string(2),
                                           stmt.string(3), stmt.string(4), stmt.string(5)});
    return events;
}

namespace {
std::vector<std::pair<std::string, std::int64_t>> counts(Connection& db, const char* sql) {
    std::vector<std::pair<std::string, std::int64_t>> out;
    auto stmt = db.prepare(sql);
    while (stmt.step())
        out.emplace_back(stmt.string(0), stmt.int64(1));
    return out;
}
}  // namespace

Stats SqliteStore::stats() {
    auto db = m_readers->acquire();
    Transaction snapshot(*db, Transaction::Mode::deferred);  // all counts from one snapshot
    Stats s;
    s.cameras_total = db->query_int64("SELECT count(*) FROM cameras WHERE status <> 'removed'");
    s.cameras_by_status =
        counts(*db, "SELECT status, count(*) FROM cameras GROUP BY status ORDER BY 2 DESC, 1");
    s.cameras_by_kind = counts(*db,
                               "SELECT kind, count(*) FROM cameras WHERE status <> 'removed' "
                               "GROUP BY kind ORDER BY 2 DESC, 1");
    s.cameras_by_operator = counts(
        *db,
        "SELECT v, count(*) FROM (SELECT json_extract(tags, '$.operator') AS v FROM cameras "
        "WHERE status <> 'removed') WHERE v IS NOT NULL GROUP BY v ORDER BY 2 DESC, 1 LIMIT 50");
    s.cameras_by_manufacturer = counts(
        *db,
        "SELECT v, count(*) FROM (SELECT json_extract(tags, '$.manufacturer') AS v FROM cameras "
        "WHERE status <> 'removed') WHERE v IS NOT NULL GROUP BY v ORDER BY 2 DESC, 1 LIMIT 50");
    s.reports_by_status =
        counts(*db, "SELECT status, count(*) FROM reports GROUP BY status ORDER BY 2 DESC, 1");
    s.reports_by_day = counts(*db,
                              "SELECT strftime('%Y-%m-%d', created_at, 'unixepoch') AS day, "
                              "count(*) FROM reports GROUP BY day ORDER BY day DESC LIMIT 365");
    std::reverse(s.reports_by_day.begin(), s.reports_by_day.end());  // oldest first
    {
        auto areas = db->prepare(
            "SELECT source_name, west, south, east, north, place FROM import_runs WHERE id IN "
            "(SELECT max(id) FROM import_runs GROUP BY source_name) ORDER BY id");
        while (areas.step()) {
            ImportedArea area;
            area.name = areas.string(0);
            area.bounds = {areas.real(1), areas.real(2), areas.real(3), areas.real(4)};
            area.place = areas.string(5);
            area.area_km2 = area.bounds.area_km2();
            s.imported_areas.push_back(std::move(area));
        }
        for (auto& area : s.imported_areas) {
            auto count = db->prepare(
                "SELECT count(*) FROM camera_index AS i JOIN cameras AS c ON c.id = i.id "
                "WHERE i.max_lat >= ?1 AND i.min_lat <= ?2 AND i.max_lon >= ?3 AND "
                "i.min_lon <= ?4 AND c.status <> 'removed'");
            count.bind_all(area.bounds.south, area.bounds.north, area.bounds.west,
                           area.bounds.east);
            if (count.step()) area.cameras = count.int64(0);
        }
    }
    snapshot.commit();
    return s;
}

}  // namespace sightline::store
