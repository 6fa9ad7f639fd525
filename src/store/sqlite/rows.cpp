#include "store/sqlite/rows.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "store/encoding/json_columns.hpp"

namespace sightline::store::sqlite {
using encoding::read_directions;
using encoding::read_tags;
using encoding::write_tags;

namespace {

[[noreturn]] void corrupt(std::string_view what, std::string_view value) {
    throw sightline::Exception(fmt::format("corrupt database row: {} '{:.40}'", what, value));
}

model::CameraStatus camera_status_from(std::string_view text) {
    // The CHECK constraint keeps this set closed; anything else is a corrupt row.
    auto status = model::parse_camera_status(text);
    if (!status) corrupt("camera status", text);
    return *status;
}

std::vector<model::ReportId> parse_id_list(std::string_view text) {
    auto ids = encoding::read_id_list(text);
    if (!ids) corrupt("report id list", text);
    return std::move(*ids);
}

}  // namespace

const std::string& camera_columns() {
    // report_ids come from a correlated subquery, skipped for cameras without confirmations
    // (imported ones): only accept and merge link reports, and both add a confirmation.
    static const std::string sql =
        "SELECT c.id, c.lat, c.lon, c.status, c.confirmations, c.first_seen, c.last_verified, "
        "c.updated_at, c.osm_type, c.osm_id, c.osm_version, c.osm_timestamp, c.tags, "
        "CASE WHEN c.confirmations > 0 THEN (SELECT group_concat(cr.report_id) "
        "FROM camera_reports AS cr WHERE cr.camera_id = c.id) END";
    return sql;
}

model::Camera read_camera(const Statement& row) {
    model::Camera c;
    c.id = model::CameraId{row.int64(0)};
    c.location = {row.real(1), row.real(2)};
    c.status = camera_status_from(row.text(3));
    c.confirmations = static_cast<int>(row.int64(4));
    c.first_seen = row.int64(5);
    c.last_verified = row.int64(6);
    c.updated_at = row.int64(7);
    if (!row.is_null(9)) {
        c.osm = model::OsmProvenance{row.string(8), row.int64(9), static_cast<int>(row.int64(10)),
                                     row.int64(11)};
    }
    c.tags = read_tags(row.text(12));
    if (!row.is_null(13)) c.report_ids = parse_id_list(row.text(13));
    return c;
}

const std::string& report_select() {
    static const std::string sql =
        "SELECT id, lat, lon, accuracy_m, directions, tags, note, status, camera_id, created_at, "
        "decided_at, decision_reason, flags FROM reports";
    return sql;
}

model::Report read_report(const Statement& row) {
    model::Report r;
    r.id = model::ReportId{row.int64(0)};
    r.location = {row.real(1), row.real(2)};
    r.accuracy_m = row.optional_real(3);
    r.directions_deg = read_directions(row.text(4));
    r.tags = read_tags(row.text(5));
    r.note = row.string(6);
    auto status = model::parse_report_status(row.text(7));
    if (!status) corrupt("report status", row.text(7));
    r.status = *status;
    if (auto camera = row.optional_int64(8)) r.camera_id = model::CameraId{*camera};
    r.created_at = row.int64(9);
    r.decided_at = row.int64(10);
    r.decision_reason = row.string(11);
    for (const auto& flag : nlohmann::json::parse(row.text(12), nullptr, false))
        if (flag.is_string()) r.flags.push_back(flag.get<std::string>());
    return r;
}

std::vector<model::PhotoRecord> load_report_photos(Connection& db, model::ReportId id) {
    auto stmt = db.prepare(
        "SELECT p.sha256, p.format, p.width, p.height, p.byte_size, p.faces_blurred, "
        "p.perceptual_hash FROM report_photos AS rp JOIN photos AS p ON p.sha256 = rp.sha256 "
        "WHERE rp.report_id = ?1 ORDER BY rp.position");
    stmt.bind(1, id.value);
    std::vector<model::PhotoRecord> photos;
    while (stmt.step()) {
        model::PhotoRecord p;
        p.sha256 = stmt.string(0);
        p.format = stmt.string(1);
        p.width = static_cast<int>(stmt.int64(2));
        p.height = static_cast<int>(stmt.int64(3));
        p.byte_size = stmt.int64(4);
        p.faces_blurred = static_cast<int>(stmt.int64(5));
        p.perceptual_hash = static_cast<std::uint64_t>(stmt.int64(6));
        photos.push_back(std::move(p));
    }
    return photos;
}

const std::string& user_select() {
    static const std::string sql =
        "SELECT id, name, role, disabled, password_hash, created_at FROM users";
    return sql;
}

model::User read_user(const Statement& row) {
    model::User u;
    u.id = model::UserId{row.int64(0)};
    u.name = row.string(1);
    auto role = model::parse_role(row.text(2));
    if (!role) corrupt("user role", row.text(2));
    u.role = *role;
    u.disabled = row.int64(3) != 0;
    u.password_hash = row.string(4);
    u.created_at = row.int64(5);
    return u;
}

Result<model::Camera> load_camera(Connection& db, model::CameraId id) {
    static const std::string sql = camera_columns() + " FROM cameras AS c WHERE c.id = ?1";
    auto stmt = db.prepare(sql);
    stmt.bind(1, id.value);
    if (!stmt.step()) return fail(Errc::not_found, "no such camera");
    return read_camera(stmt);
}

Result<model::Report> load_report(Connection& db, model::ReportId id) {
    static const std::string sql = report_select() + " WHERE id = ?1";
    auto stmt = db.prepare(sql);
    stmt.bind(1, id.value);
    if (!stmt.step()) return fail(Errc::not_found, "no such report");
    auto report = read_report(stmt);
    report.photos = load_report_photos(db, id);
    return report;
}

model::CameraId insert_camera_row(Connection& db, const model::Camera& c) {
    auto insert = db.prepare(
        "INSERT INTO cameras (lat, lon, status, kind, confirmations, first_seen, last_verified, "
        "updated_at, osm_type, osm_id, osm_version, osm_timestamp, tags) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
    insert.bind_all(c.location.lat, c.location.lon, model::to_string(c.status),
                    model::camera_kind(c.tags), c.confirmations, c.first_seen, c.last_verified,
                    c.updated_at);
    if (c.osm) {
        insert.bind(9, c.osm->type).bind(10, c.osm->id).bind(11, c.osm->version);
        insert.bind(12, c.osm->timestamp);
    }
    insert.bind(13, write_tags(c.tags));
    insert.run();
    model::CameraId id{db.last_insert_rowid()};
    auto index = db.prepare(
        "INSERT INTO camera_index (id, min_lat, max_lat, min_lon, max_lon) "
        "VALUES (?1, ?2, ?2, ?3, ?3)");
    index.bind_all(id.value, c.location.lat, c.location.lon);
    index.run();
    return id;
}

void append_history(Connection& db, model::CameraId camera, const model::CameraEvent& event) {
    auto stmt = db.prepare(
        "INSERT INTO camera_history (camera_id, at, action, actor, detail, report_id) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    std::optional<std::int64_t> report;
    if (event.report_id) report = event.report_id->value;
    stmt.bind_all(camera.value, event.at, event.action, event.actor, event.detail, report);
    stmt.run();
}

void append_audit(Connection& db, std::int64_t at, std::string_view actor, std::string_view action,
                  std::string_view subject, std::string_view reason) {
    auto stmt = db.prepare(
        "INSERT INTO audit_events (at, actor, action, subject, reason) "
        "VALUES (?1, ?2, ?3, ?4, ?5)");
    stmt.bind_all(at, actor, action, subject, reason);
    stmt.run();
}

void bump_camera_version(Connection& db) {
    auto stmt = db.prepare("UPDATE meta SET value = value + 1 WHERE key = 'camera_version'");
    stmt.run();
}

void mark_camera_removed(Connection& db, model::CameraId id, std::int64_t at,
                         std::string_view actor, std::string_view reason) {
    // The R*Tree entry stays: removed cameras are still listed when asked for.
    auto update = db.prepare(
        "UPDATE cameras SET status = 'removed', updated_at = ?2, "
        "locally_modified_at = CASE WHEN osm_id IS NOT NULL THEN ?2 "
        "ELSE locally_modified_at END WHERE id = ?1");
    update.bind_all(id.value, at);
    update.run();
    append_history(db, id, {at, "removed", std::string(actor), std::string(reason), std::nullopt});
    append_audit(db, at, actor, "remove_camera", fmt::format("camera/{}", id.value), reason);
    bump_camera_version(db);
}

}  // namespace sightline::store::sqlite
