// PostgresStore: checks of cameras by anyone ("still there" / "gone") and the re-check list
// (issue 14), as store/sqlite/checks.cpp. Each change is one transaction; the camera's row is
// locked before the check's (in every method that takes both), so two moderators accepting two
// "gone" checks of one camera are served one after the other and never deadlock.
#include <algorithm>

#include <fmt/core.h>

#include "core/clock.hpp"
#include "store/postgres/connection.hpp"
#include "store/postgres/pool.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/postgres/rows.hpp"

namespace sightline::store {

using postgres::Connection;
using postgres::Transaction;

namespace {

constexpr int max_check_page = 1000;
constexpr int max_recheck_page = 1000;

const std::string& check_select() {
    static const std::string sql =
        "SELECT id, camera_id, present, note, status, created_at, decided_at, decision_reason "
        "FROM camera_checks";
    return sql;
}

model::CameraCheck read_check(const postgres::Rows& rows, int row) {
    model::CameraCheck c;
    c.id = rows.int64(row, 0);
    c.camera_id = model::CameraId{rows.int64(row, 1)};
    c.present = rows.boolean(row, 2);
    c.note = rows.string(row, 3);
    auto status = model::parse_check_status(rows.text(row, 4));
    if (!status) postgres::corrupt("check status", rows.text(row, 4));
    c.status = *status;
    c.created_at = rows.int64(row, 5);
    c.decided_at = rows.int64(row, 6);
    c.decision_reason = rows.string(row, 7);
    return c;
}

std::vector<std::string> load_check_photos(Connection& db, std::int64_t id) {
    auto rows = db.run("SELECT sha256 FROM check_photos WHERE check_id = $1 ORDER BY sha256", id);
    std::vector<std::string> photos;
    photos.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i)
        photos.push_back(rows.string(i, 0));
    return photos;
}

// `lock` appends a row lock (" FOR UPDATE") to the read.
Result<model::CameraCheck> load_check(Connection& db, std::int64_t id, bool lock = false) {
    static const std::string plain = check_select() + " WHERE id = $1";
    static const std::string locked = plain + " FOR UPDATE";
    auto rows = db.run(lock ? locked : plain, id);
    if (rows.empty()) return fail(Errc::not_found, "no such check");
    auto check = read_check(rows, 0);
    check.photos = load_check_photos(db, id);
    return check;
}

// Locks the camera of check `id`, then the check, and returns it if it is still pending.
Result<model::CameraCheck> lock_pending_check(Connection& db, std::int64_t id) {
    // A check's camera never changes, so it can be read before anything is locked.
    auto camera = db.run("SELECT camera_id FROM camera_checks WHERE id = $1", id);
    if (camera.empty()) return fail(Errc::not_found, "no such check");
    db.run("SELECT 1 FROM cameras WHERE id = $1 FOR NO KEY UPDATE", camera.int64(0, 0));
    auto check = load_check(db, id, /*lock=*/true);
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

Result<model::CameraCheck> PostgresStore::insert_check(model::CameraId id,
                                                       const model::NewCheck& check,
                                                       std::int64_t created_at) {
    if (created_at != round_down_to_hour(created_at))
        return fail(Errc::invalid_argument, "created_at must be rounded down to the hour");
    auto db = m_pool->acquire();
    Transaction tx(*db);
    // Locked so a removal on another server cannot slip between the check and the write.
    if (db->run("SELECT 1 FROM cameras WHERE id = $1 FOR NO KEY UPDATE", id.value).empty())
        return fail(Errc::not_found, "no such camera");
    auto camera = postgres::load_camera(*db, id);
    if (!camera) return std::unexpected(camera.error());
    if (camera->status == model::CameraStatus::removed)
        return fail(Errc::conflict, "this camera was removed; report it anew if it is back");
    auto status = check.present ? model::CheckStatus::accepted : model::CheckStatus::pending;
    auto inserted = db->run(
        "INSERT INTO camera_checks (camera_id, present, note, status, created_at, decided_at) "
        "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        id.value, check.present, check.note, model::to_string(status), created_at,
        check.present ? created_at : std::int64_t{0});
    auto check_id = inserted.int64(0, 0);
    for (const auto& photo : check.photos) {
        if (!model::is_sha256_hex(photo.sha256) || photo.width <= 0 || photo.height <= 0 ||
            photo.byte_size <= 0)
            return fail(Errc::invalid_argument, "incomplete photo record");
        // The same picture sent with a report too is one record.
        postgres::record_photo(*db, photo);
        db->run(
            "INSERT INTO check_photos (check_id, sha256) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            check_id, photo.sha256);
    }
    if (check.present) {
        // Never backwards: a moderator's merge an hour ago is newer than this hour's start.
        db->run("UPDATE cameras SET last_verified = GREATEST(last_verified, $2) WHERE id = $1",
                id.value, created_at);
        // The note is the passer-by's own words: kept for moderators with the check, not put
        // into the public history.
        postgres::append_history(*db, id,
                                 {created_at, "confirmed_present", "anonymous", "", std::nullopt});
        // Tiles draw stale cameras faded, and their cache is keyed by the camera version.
        postgres::bump_camera_version(*db);
    }
    auto stored = load_check(*db, check_id);
    tx.commit();
    if (check.present) saw_change(*db);
    return stored;
}

Result<model::CameraCheck> PostgresStore::find_check(std::int64_t id) {
    auto db = m_pool->acquire();
    return load_check(*db, id);
}

std::vector<model::CameraCheck> PostgresStore::list_checks(std::optional<model::CheckStatus> status,
                                                           int limit, std::int64_t after_id) {
    std::vector<model::CameraCheck> checks;
    if (limit <= 0) return checks;
    static const std::string any_status = check_select() + " WHERE id > $1 ORDER BY id LIMIT $2";
    static const std::string by_status =
        check_select() + " WHERE status = $3 AND id > $1 ORDER BY id LIMIT $2";
    const int page = std::min(limit, max_check_page);
    auto db = m_pool->acquire();
    auto rows = status ? db->run(by_status, after_id, page, model::to_string(*status))
                       : db->run(any_status, after_id, page);
    checks.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i)
        checks.push_back(read_check(rows, i));
    for (auto& check : checks)
        check.photos = load_check_photos(*db, check.id);
    return checks;
}

Result<model::Camera> PostgresStore::accept_check(std::int64_t id, const Decision& decision) {
    auto db = m_pool->acquire();
    Transaction tx(*db);
    auto check = lock_pending_check(*db, id);
    if (!check) return std::unexpected(check.error());
    auto camera = postgres::load_camera(*db, check->camera_id);
    if (!camera) return std::unexpected(camera.error());
    // Every pending "gone" check of this camera said the same: all are settled by this.
    db->run(
        "UPDATE camera_checks SET status = 'accepted', decided_at = $2, decision_reason = $3 "
        "WHERE camera_id = $1 AND status = 'pending'",
        check->camera_id.value, decision.at, decision.reason);
    postgres::append_audit(*db, decision.at, decision.actor, "accept_check", check_subject(id),
                           decision.reason);
    const bool remove = camera->status != model::CameraStatus::removed;
    if (remove) {
        std::string reason = fmt::format("reported gone (check {})", id);
        if (!decision.reason.empty()) reason += "; " + decision.reason;
        postgres::mark_camera_removed(*db, check->camera_id, decision.at, decision.actor, reason);
    }
    auto stored = postgres::load_camera(*db, check->camera_id);
    tx.commit();
    if (remove) saw_change(*db);
    return stored;
}

Result<model::CameraCheck> PostgresStore::reject_check(std::int64_t id, const Decision& decision) {
    auto db = m_pool->acquire();
    Transaction tx(*db);
    auto check = lock_pending_check(*db, id);
    if (!check) return std::unexpected(check.error());
    db->run(
        "UPDATE camera_checks SET status = 'rejected', decided_at = $2, decision_reason = $3 "
        "WHERE id = $1",
        id, decision.at, decision.reason);
    postgres::append_audit(*db, decision.at, decision.actor, "reject_check", check_subject(id),
                           decision.reason);
    auto stored = load_check(*db, id);
    tx.commit();
    return stored;
}

std::vector<model::Camera> PostgresStore::cameras_to_recheck(std::optional<geo::BBox> bbox,
                                                             int limit) {
    std::vector<model::Camera> cameras;
    if (limit <= 0) return cameras;
    // Without a box the partial index (last_verified, id) is walked in order; with one, the
    // GiST index finds the box's cameras. The exact comparisons after && keep the box's edges
    // as SQLite has them (&& compares float4 boxes).
    static const std::string everywhere =
        postgres::camera_columns() +
        " FROM cameras AS c WHERE c.status <> 'removed' ORDER BY c.last_verified, c.id LIMIT $1";
    static const std::string in_box = postgres::camera_columns() +
                                      " FROM cameras AS c WHERE c.status <> 'removed'"
                                      " AND c.geom && ST_MakeEnvelope($2, $3, $4, $5, 4326)"
                                      " AND c.lon BETWEEN $2 AND $4 AND c.lat BETWEEN $3 AND $5"
                                      " ORDER BY c.last_verified, c.id LIMIT $1";
    const int page = std::min(limit, max_recheck_page);
    auto db = m_pool->acquire();
    auto rows = bbox ? db->run(in_box, page, bbox->west, bbox->south, bbox->east, bbox->north)
                     : db->run(everywhere, page);
    cameras.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i)
        cameras.push_back(postgres::read_camera(rows, i));
    return cameras;
}

}  // namespace sightline::store
