// SqliteStore: checks of cameras by anyone ("still there" / "gone") and the re-check list
// (issue 14). Each change is one write transaction, as in moderation.cpp.
#include <algorithm>
#include <limits>

#include <fmt/core.h>

#include "core/clock.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/read_pool.hpp"
#include "store/sqlite/rows.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace sightline::store {

using sqlite::Transaction;

namespace {

constexpr int max_check_page = 1000;
constexpr int max_recheck_page = 1000;

const std::string& check_select() {
    static const std::string sql =
        "SELECT id, camera_id, present, note, status, created_at, decided_at, decision_reason "
        "FROM camera_checks";
    return sql;
}

model::CameraCheck read_check(const sqlite::Statement& row) {
    model::CameraCheck c;
    c.id = row.int64(0);
    c.camera_id = model::CameraId{row.int64(1)};
    c.present = row.int64(2) != 0;
    c.note = row.string(3);
    auto status = model::parse_check_status(row.text(4));
    if (!status)
        throw sightline::Exception(fmt::format("corrupt database: check status '{}'", row.text(4)));
    c.status = *status;
    c.created_at = row.int64(5);
    c.decided_at = row.int64(6);
    c.decision_reason = row.string(7);
    return c;
}

std::vector<std::string> load_check_photos(sqlite::Connection& db, std::int64_t id) {
    auto stmt = db.prepare("SELECT sha256 FROM check_photos WHERE check_id = ?1 ORDER BY sha256");
    stmt.bind(1, id);
    std::vector<std::string> photos;
    while (stmt.step())
        photos.push_back(stmt.string(0));
    return photos;
}

Result<model::CameraCheck> load_check(sqlite::Connection& db, std::int64_t id) {
    static const std::string sql = check_select() + " WHERE id = ?1";
    model::CameraCheck check;
    {
        auto stmt = db.prepare(sql);
        stmt.bind(1, id);
        if (!stmt.step()) return fail(Errc::not_found, "no such check");
        check = read_check(stmt);
    }
    check.photos = load_check_photos(db, id);
    return check;
}

Result<model::CameraCheck> load_pending_check(sqlite::Connection& db, std::int64_t id) {
    auto check = load_check(db, id);
    if (!check) return check;
    if (check->status != model::CheckStatus::pending)
        return fail(Errc::conflict, fmt::format("check {} is no longer pending (it is {})", id,
                                                model::to_string(check->status)));
    return check;
}

std::string check_subject(std::int64_t id) {
    return fmt::format("check/{}", id);
}

}  // namespace

Result<model::CameraCheck> SqliteStore::insert_check(model::CameraId id,
                                                     const model::NewCheck& check,
                                                     std::int64_t created_at) {
    if (created_at != round_down_to_hour(created_at))
        return fail(Errc::invalid_argument, "created_at must be rounded down to the hour");
    std::lock_guard lock(m_write_mutex);
    auto& db = *m_writer;
    Transaction tx(db);
    auto camera = sqlite::load_camera(db, id);
    if (!camera) return std::unexpected(camera.error());
    if (camera->status == model::CameraStatus::removed)
        return fail(Errc::conflict, "this camera was removed; report it anew if it is back");
    auto insert = db.prepare(
        "INSERT INTO camera_checks (camera_id, present, note, status, created_at, decided_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    auto status = check.present ? model::CheckStatus::accepted : model::CheckStatus::pending;
    insert.bind_all(id.value, check.present ? 1 : 0, check.note, model::to_string(status),
                    created_at, check.present ? created_at : 0);
    insert.run();
    auto check_id = db.last_insert_rowid();
    for (const auto& photo : check.photos) {
        if (!model::is_sha256_hex(photo.sha256) || photo.width <= 0 || photo.height <= 0 ||
            photo.byte_size <= 0)
            return fail(Errc::invalid_argument, "incomplete photo record");
        // The same picture sent with a report too is one record.
        auto record = db.prepare(
            "INSERT OR IGNORE INTO photos (sha256, format, width, height, byte_size, "
            "faces_blurred, perceptual_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        record.bind_all(photo.sha256, photo.format, photo.width, photo.height, photo.byte_size,
                        photo.faces_blurred, static_cast<std::int64_t>(photo.perceptual_hash));
        record.run();
        auto link =
            db.prepare("INSERT OR IGNORE INTO check_photos (check_id, sha256) VALUES (?1, ?2)");
        link.bind_all(check_id, photo.sha256);
        link.run();
    }
    if (check.present) {
        // Never backwards: a moderator's merge an hour ago is newer than this hour's start.
        auto update =
            db.prepare("UPDATE cameras SET last_verified = max(last_verified, ?2) WHERE id = ?1");
        update.bind_all(id.value, created_at);
        update.run();
        // The note is the passer-by's own words: kept for moderators with the check, not put
        // into the public history.
        sqlite::append_history(db, id,
                               {created_at, "confirmed_present", "anonymous", "", std::nullopt});
        // Tiles draw stale cameras faded, and their cache is keyed by the camera version.
        sqlite::bump_camera_version(db);
    }
    auto stored = load_check(db, check_id);
    tx.commit();
    return stored;
}

Result<model::CameraCheck> SqliteStore::find_check(std::int64_t id) {
    auto db = m_readers->acquire();
    return load_check(*db, id);
}

std::vector<model::CameraCheck> SqliteStore::list_checks(std::optional<model::CheckStatus> status,
                                                         int limit, std::int64_t after_id) {
    std::vector<model::CameraCheck> checks;
    if (limit <= 0) return checks;
    static const std::string any_status = check_select() + " WHERE id > ?2 ORDER BY id LIMIT ?3";
    static const std::string by_status =
        check_select() + " WHERE status = ?1 AND id > ?2 ORDER BY id LIMIT ?3";
    auto db = m_readers->acquire();
    auto stmt = db->prepare(status ? by_status : any_status);
    if (status) stmt.bind(1, model::to_string(*status));
    stmt.bind(2, after_id);
    stmt.bind(3, std::min(limit, max_check_page));
    while (stmt.step())
        checks.push_back(read_check(stmt));
    for (auto& check : checks)
        check.photos = load_check_photos(*db, check.id);
    return checks;
}

Result<model::Camera> SqliteStore::accept_check(std::int64_t id, const Decision& decision) {
    std::lock_guard lock(m_write_mutex);
    auto& db = *m_writer;
    Transaction tx(db);
    auto check = load_pending_check(db, id);
    if (!check) return std::unexpected(check.error());
    auto camera = sqlite::load_camera(db, check->camera_id);
    if (!camera) return std::unexpected(camera.error());
    {
        // Every pending "gone" check of this camera said the same: all are settled by this.
        auto update = db.prepare(
            "UPDATE camera_checks SET status = 'accepted', decided_at = ?2, "
            "decision_reason = ?3 WHERE camera_id = ?1 AND status = 'pending'");
        update.bind_all(check->camera_id.value, decision.at, decision.reason);
        update.run();
    }
    sqlite::append_audit(db, decision.at, decision.actor, "accept_check", check_subject(id),
                         decision.reason);
    if (camera->status != model::CameraStatus::removed) {
        std::string reason = fmt::format("reported gone (check {})", id);
        if (!decision.reason.empty()) reason += "; " + decision.reason;
        sqlite::mark_camera_removed(db, check->camera_id, decision.at, decision.actor, reason);
    }
    auto stored = sqlite::load_camera(db, check->camera_id);
    tx.commit();
    return stored;
}

Result<model::CameraCheck> SqliteStore::reject_check(std::int64_t id, const Decision& decision) {
    std::lock_guard lock(m_write_mutex);
    auto& db = *m_writer;
    Transaction tx(db);
    auto check = load_pending_check(db, id);
    if (!check) return std::unexpected(check.error());
    auto update = db.prepare(
        "UPDATE camera_checks SET status = 'rejected', decided_at = ?2, decision_reason = ?3 "
        "WHERE id = ?1");
    update.bind_all(id, decision.at, decision.reason);
    update.run();
    sqlite::append_audit(db, decision.at, decision.actor, "reject_check", check_subject(id),
                         decision.reason);
    auto stored = load_check(db, id);
    tx.commit();
    return stored;
}

std::vector<model::Camera> SqliteStore::cameras_to_recheck(std::optional<geo::BBox> bbox,
                                                           int limit) {
    std::vector<model::Camera> cameras;
    if (limit <= 0) return cameras;
    // Without a box the partial index (last_verified, id) is walked in order and stops after
    // `limit` rows; with one, the R*Tree finds the box's cameras and they are sorted.
    static const std::string everywhere =
        sqlite::camera_columns() +
        " FROM cameras AS c WHERE c.status <> 'removed' ORDER BY c.last_verified, c.id LIMIT ?5";
    static const std::string in_box =
        sqlite::camera_columns() +
        " FROM cameras AS c WHERE c.id IN (SELECT id FROM camera_index"
        " WHERE max_lat >= ?1 AND min_lat <= ?2 AND max_lon >= ?3 AND min_lon <= ?4)"
        " AND c.lat BETWEEN ?1 AND ?2 AND c.lon BETWEEN ?3 AND ?4 AND +c.status <> 'removed'"
        " ORDER BY c.last_verified, c.id LIMIT ?5";
    auto db = m_readers->acquire();
    auto stmt = db->prepare(bbox ? in_box : everywhere);
    if (bbox) {
        stmt.bind(1, bbox->south).bind(2, bbox->north);
        stmt.bind(3, bbox->west).bind(4, bbox->east);
    }
    stmt.bind(5, std::min(limit, max_recheck_page));
    while (stmt.step())
        cameras.push_back(sqlite::read_camera(stmt));
    return cameras;
}

}  // namespace sightline::store
