// SqliteStore: reports and their moderation. Every decision is one write transaction holding
// the writer mutex: it reads the current state, checks it, writes the change, the camera
// history, one audit event and the camera version, and commits - or rolls back on any failure.
#include <algorithm>
#include <limits>

#include <fmt/core.h>

#include <nlohmann/json.hpp>
#include "core/clock.hpp"
#include "store/sqlite/connection.hpp"

#include "store/encoding/json_columns.hpp"
#include "store/sqlite/read_pool.hpp"
#include "store/sqlite/rows.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace sightline::store {

using sqlite::Transaction;

namespace {

constexpr int max_report_page = 1000;
// One message for "no such report" and "wrong token", so the answer reveals nothing.
constexpr const char* withdraw_refused = "no such report, or wrong withdraw token";

// Only pending reports can be decided or withdrawn.
Status check_pending(const model::Report& report) {
    if (report.status == model::ReportStatus::pending) return {};
    return fail(Errc::conflict, fmt::format("report {} is no longer pending (it is {})",
                                            report.id.value, model::to_string(report.status)));
}

// Every decision starts here: the report must exist (not_found) and still be pending (conflict).
Result<model::Report> load_pending_report(sqlite::Connection& db, model::ReportId id) {
    auto report = sqlite::load_report(db, id);
    if (!report) return report;
    if (auto ok = check_pending(*report); !ok) return std::unexpected(ok.error());
    return report;
}

bool is_blank(std::string_view text) {
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::string report_subject(model::ReportId id) {
    return fmt::format("report/{}", id.value);
}

void mark_decided(sqlite::Connection& db, model::ReportId id, model::ReportStatus status,
                  std::optional<model::CameraId> camera, const Decision& decision) {
    auto update = db.prepare(
        "UPDATE reports SET status = ?2, camera_id = ?3, decided_at = ?4, decision_reason = ?5 "
        "WHERE id = ?1");
    std::optional<std::int64_t> camera_id;
    if (camera) camera_id = camera->value;
    update.bind_all(id.value, model::to_string(status), camera_id, decision.at, decision.reason);
    update.run();
}

void link_report(sqlite::Connection& db, model::CameraId camera, model::ReportId report) {
    auto link = db.prepare("INSERT INTO camera_reports (camera_id, report_id) VALUES (?1, ?2)");
    link.bind_all(camera.value, report.value);
    link.run();
}

}  // namespace

Result<model::ReportId> SqliteStore::insert_report(const model::NewReport& report,
                                                   const std::string& withdraw_hash,
                                                   std::int64_t created_at) {
    if (!report.location.is_valid())
        return fail(Errc::invalid_argument,
                    "location must have lat in -90..90 and lon in -180..180");
    if (created_at != round_down_to_hour(created_at))
        return fail(Errc::invalid_argument, "created_at must be rounded down to the hour");
    if (withdraw_hash.empty()) return fail(Errc::invalid_argument, "withdraw hash is empty");
    if (report.accuracy_m && !(*report.accuracy_m >= 0))
        return fail(Errc::invalid_argument, "accuracy_m must not be negative");

    if (report.photos.size() > model::max_photos_per_report)
        return fail(Errc::too_large, "too many photos for one report");
    for (const auto& photo : report.photos)
        if (!model::is_sha256_hex(photo.sha256) || photo.width <= 0 || photo.height <= 0 ||
            photo.byte_size <= 0)
            return fail(Errc::invalid_argument, "incomplete photo record");

    std::lock_guard lock(m_write_mutex);
    Transaction tx(*m_writer);
    auto insert = m_writer->prepare(
        "INSERT INTO reports (lat, lon, accuracy_m, directions, tags, note, status, "
        "withdraw_hash, created_at, flags) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?8, "
        "?9)");
    insert.bind_all(report.location.lat, report.location.lon, report.accuracy_m,
                    encoding::write_directions(report.directions_deg),
                    encoding::write_tags(report.tags), report.note, withdraw_hash, created_at,
                    nlohmann::json(report.flags).dump());
    insert.run();
    model::ReportId id{m_writer->last_insert_rowid()};
    int position = 0;
    for (const auto& photo : report.photos) {
        // The same picture sent twice (or in two reports) is one record.
        auto record = m_writer->prepare(
            "INSERT OR IGNORE INTO photos (sha256, format, width, height, byte_size, "
            "faces_blurred, perceptual_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        record.bind_all(photo.sha256, photo.format, photo.width, photo.height, photo.byte_size,
                        photo.faces_blurred, static_cast<std::int64_t>(photo.perceptual_hash));
        record.run();
        auto link = m_writer->prepare(
            "INSERT INTO report_photos (report_id, position, sha256) VALUES (?1, ?2, ?3)");
        link.bind_all(id.value, position++, photo.sha256);
        link.run();
    }
    tx.commit();
    return id;
}

Result<model::PhotoRecord> SqliteStore::find_photo(std::string_view sha256) {
    auto db = m_readers->acquire();
    auto stmt = db->prepare(
        "SELECT sha256, format, width, height, byte_size, faces_blurred, perceptual_hash "
        "FROM photos WHERE sha256 = ?1");
    stmt.bind(1, sha256);
    if (!stmt.step()) return fail(Errc::not_found, "no such photo");
    model::PhotoRecord p;
    p.sha256 = stmt.string(0);
    p.format = stmt.string(1);
    p.width = static_cast<int>(stmt.int64(2));
    p.height = static_cast<int>(stmt.int64(3));
    p.byte_size = stmt.int64(4);
    p.faces_blurred = static_cast<int>(stmt.int64(5));
    p.perceptual_hash = static_cast<std::uint64_t>(stmt.int64(6));
    return p;
}

bool SqliteStore::photo_is_public(std::string_view sha256) {
    auto db = m_readers->acquire();
    auto stmt = db->prepare(
        "SELECT EXISTS (SELECT 1 FROM report_photos p JOIN reports r ON r.id = p.report_id "
        "WHERE p.sha256 = ?1 AND r.status IN ('accepted', 'merged'))");
    stmt.bind(1, sha256);
    return stmt.step() && stmt.int64(0) != 0;
}

std::vector<model::CameraPhoto> SqliteStore::camera_photos(model::CameraId id) {
    auto db = m_readers->acquire();
    auto stmt = db->prepare(
        "SELECT p.sha256, r.id, r.created_at FROM camera_reports AS cr "
        "JOIN reports AS r ON r.id = cr.report_id "
        "JOIN report_photos AS p ON p.report_id = r.id "
        "WHERE cr.camera_id = ?1 AND r.status IN ('accepted', 'merged') "
        "ORDER BY r.created_at DESC, r.id DESC, p.position");
    stmt.bind(1, id.value);
    std::vector<model::CameraPhoto> photos;
    while (stmt.step())
        photos.push_back({stmt.string(0), model::ReportId{stmt.int64(1)}, stmt.int64(2)});
    return photos;
}

std::vector<model::SimilarPhoto> SqliteStore::similar_photos(std::uint64_t hash, int max_distance,
                                                             model::ReportId exclude, int limit) {
    std::vector<model::SimilarPhoto> found;
    if (limit <= 0) return found;
    auto db = m_readers->acquire();
    auto stmt = db->prepare(
        "SELECT rp.report_id, p.sha256, p.perceptual_hash FROM photos AS p "
        "JOIN report_photos AS rp ON rp.sha256 = p.sha256 WHERE rp.report_id <> ?1");
    stmt.bind(1, exclude.value);
    while (stmt.step()) {
        int distance = model::hamming_distance(hash, static_cast<std::uint64_t>(stmt.int64(2)));
        if (distance > max_distance) continue;
        found.push_back({model::ReportId{stmt.int64(0)}, stmt.string(1), "", distance});
    }
    std::ranges::sort(found, [](const auto& a, const auto& b) {
        return a.distance != b.distance ? a.distance < b.distance
                                        : a.report_id.value > b.report_id.value;
    });
    if (found.size() > static_cast<std::size_t>(limit)) found.resize(limit);
    return found;
}

std::vector<std::string> SqliteStore::delete_unreferenced_photos() {
    std::lock_guard lock(m_write_mutex);
    Transaction tx(*m_writer);
    std::vector<std::string> hashes;
    {
        auto find = m_writer->prepare(
            "SELECT sha256 FROM photos WHERE NOT EXISTS "
            "(SELECT 1 FROM report_photos AS rp WHERE rp.sha256 = photos.sha256) AND NOT EXISTS "
            "(SELECT 1 FROM check_photos AS cp WHERE cp.sha256 = photos.sha256)");
        while (find.step())
            hashes.push_back(find.string(0));
    }
    for (const auto& hash : hashes) {
        auto remove = m_writer->prepare("DELETE FROM photos WHERE sha256 = ?1");
        remove.bind(1, hash);
        remove.run();
    }
    tx.commit();
    return hashes;
}

Result<model::Report> SqliteStore::find_report(model::ReportId id) {
    auto db = m_readers->acquire();
    return sqlite::load_report(*db, id);
}

std::vector<model::Report> SqliteStore::list_reports(const ReportQuery& query) {
    std::vector<model::Report> reports;
    if (query.limit <= 0) return reports;
    // Two statements rather than `(?1 IS NULL OR status = ?1)`, so SQLite can walk the
    // (status, id) index backwards from `before` instead of scanning.
    static const std::string any_status =
        sqlite::report_select() + " WHERE id < ?2 ORDER BY id DESC LIMIT ?3";
    static const std::string by_status =
        sqlite::report_select() + " WHERE status = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3";
    auto db = m_readers->acquire();
    auto stmt = db->prepare(query.status ? by_status : any_status);
    if (query.status) stmt.bind(1, model::to_string(*query.status));
    stmt.bind(2, query.before ? query.before->value : std::numeric_limits<std::int64_t>::max());
    stmt.bind(3, std::min(query.limit, max_report_page));
    while (stmt.step())
        reports.push_back(sqlite::read_report(stmt));
    for (auto& report : reports)
        report.photos = sqlite::load_report_photos(*db, report.id);
    return reports;
}

Status SqliteStore::withdraw_report(model::ReportId id, const std::string& withdraw_hash) {
    std::lock_guard lock(m_write_mutex);
    Transaction tx(*m_writer);
    std::string stored_hash;
    std::string status;
    bool found = false;
    {
        auto find = m_writer->prepare("SELECT withdraw_hash, status FROM reports WHERE id = ?1");
        find.bind(1, id.value);
        if (find.step()) {
            found = true;
            stored_hash = find.string(0);
            status = find.string(1);
        }
    }
    // Compare even when the report is missing so both refusals take the same time.
    bool matches = sqlite::constant_time_equal(found ? stored_hash : withdraw_hash, withdraw_hash);
    if (!found || !matches || withdraw_hash.empty()) return fail(Errc::not_found, withdraw_refused);
    if (status != model::to_string(model::ReportStatus::pending))
        return fail(Errc::conflict, "this report is no longer pending");
    auto update = m_writer->prepare(
        "UPDATE reports SET status = 'withdrawn', note = '', decided_at = ?2 WHERE id = ?1");
    // Withdrawal time is kept as coarse as the report time (see DESIGN.md, privacy).
    update.bind_all(id.value, round_down_to_hour(unix_now()));
    update.run();
    // The reporter takes the photos back as well; unreferenced files go with
    // delete_unreferenced_photos().
    auto unlink = m_writer->prepare("DELETE FROM report_photos WHERE report_id = ?1");
    unlink.bind(1, id.value);
    unlink.run();
    tx.commit();
    return {};
}

Result<model::Camera> SqliteStore::accept_report(model::ReportId id, const Decision& decision) {
    std::lock_guard lock(m_write_mutex);
    auto& db = *m_writer;
    Transaction tx(db);
    auto report = load_pending_report(db, id);
    if (!report) return std::unexpected(report.error());

    model::Camera camera;
    camera.location = report->location;
    camera.status = model::CameraStatus::verified;
    camera.confirmations = 1;
    camera.tags = report->tags;
    camera.first_seen = report->created_at;
    camera.last_verified = decision.at;
    camera.updated_at = decision.at;
    auto camera_id = sqlite::insert_camera_row(db, camera);
    link_report(db, camera_id, id);
    sqlite::append_history(db, camera_id,
                           {decision.at, "created", decision.actor, decision.reason, id});
    mark_decided(db, id, model::ReportStatus::accepted, camera_id, decision);
    sqlite::append_audit(db, decision.at, decision.actor, "accept", report_subject(id),
                         decision.reason);
    sqlite::bump_camera_version(db);
    auto stored = sqlite::load_camera(db, camera_id);
    tx.commit();
    return stored;
}

Result<model::Camera> SqliteStore::merge_report(model::ReportId id, model::CameraId camera_id,
                                                const Decision& decision) {
    std::lock_guard lock(m_write_mutex);
    auto& db = *m_writer;
    Transaction tx(db);
    auto report = sqlite::load_report(db, id);
    if (!report) return std::unexpected(report.error());
    auto camera = sqlite::load_camera(db, camera_id);
    if (!camera) return std::unexpected(camera.error());
    if (auto ok = check_pending(*report); !ok) return std::unexpected(ok.error());
    if (camera->status == model::CameraStatus::removed)
        return fail(Errc::conflict, "cannot merge into a removed camera");

    std::string added;
    for (const auto& [key, value] : report->tags) {
        if (camera->tags.try_emplace(key, value).second)
            added += fmt::format("{}{}={}", added.empty() ? "" : ", ", key, value);
    }
    {
        auto update = db.prepare(
            "UPDATE cameras SET confirmations = confirmations + 1, last_verified = ?2, "
            "updated_at = ?2, tags = ?3, kind = ?4, locally_modified_at = CASE WHEN "
            "osm_id IS NOT NULL AND ?5 THEN ?2 ELSE locally_modified_at END WHERE id = ?1");
        // Added tags change what OpenStreetMap has: mark the OSM camera locally modified (a
        // bare confirmation does not; OSM keeps no confirmations).
        update.bind_all(camera_id.value, decision.at, encoding::write_tags(camera->tags),
                        model::camera_kind(camera->tags), added.empty() ? 0 : 1);
        update.run();
    }
    link_report(db, camera_id, id);
    std::string detail = decision.reason;
    if (!added.empty())
        detail += fmt::format("{}added tags: {}", detail.empty() ? "" : "; ", added);
    sqlite::append_history(db, camera_id, {decision.at, "confirmed", decision.actor, detail, id});
    mark_decided(db, id, model::ReportStatus::merged, camera_id, decision);
    sqlite::append_audit(db, decision.at, decision.actor, "merge", report_subject(id),
                         decision.reason);
    sqlite::bump_camera_version(db);
    auto stored = sqlite::load_camera(db, camera_id);
    tx.commit();
    return stored;
}

Result<model::Report> SqliteStore::reject_report(model::ReportId id, const Decision& decision) {
    if (is_blank(decision.reason)) return fail(Errc::invalid_argument, "reject needs a reason");
    std::lock_guard lock(m_write_mutex);
    auto& db = *m_writer;
    Transaction tx(db);
    auto report = load_pending_report(db, id);
    if (!report) return std::unexpected(report.error());
    mark_decided(db, id, model::ReportStatus::rejected, std::nullopt, decision);
    sqlite::append_audit(db, decision.at, decision.actor, "reject", report_subject(id),
                         decision.reason);
    auto stored = sqlite::load_report(db, id);
    tx.commit();
    return stored;
}

Result<model::Camera> SqliteStore::remove_camera(model::CameraId id, const Decision& decision) {
    std::lock_guard lock(m_write_mutex);
    auto& db = *m_writer;
    Transaction tx(db);
    auto camera = sqlite::load_camera(db, id);
    if (!camera) return std::unexpected(camera.error());
    if (camera->status == model::CameraStatus::removed)
        return fail(Errc::conflict, "camera is already removed");
    sqlite::mark_camera_removed(db, id, decision.at, decision.actor, decision.reason);
    auto stored = sqlite::load_camera(db, id);
    tx.commit();
    return stored;
}

}  // namespace sightline::store
