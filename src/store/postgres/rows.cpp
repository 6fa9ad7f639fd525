#include "store/postgres/rows.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "store/encoding/json_columns.hpp"

namespace sightline::store::postgres {

using encoding::read_directions;
using encoding::read_tags;
using encoding::write_tags;

void corrupt(std::string_view what, std::string_view value) {
    throw sightline::Exception(fmt::format("corrupt database row: {} '{:.40}'", what, value));
}

namespace {

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
    // report_ids only for cameras with confirmations: only accept and merge link reports, and
    // both add one.
    static const std::string sql =
        "SELECT c.id, c.lat, c.lon, c.status, c.confirmations, c.first_seen, c.last_verified, "
        "c.updated_at, c.osm_type, c.osm_id, c.osm_version, c.osm_timestamp, c.tags, "
        "CASE WHEN c.confirmations > 0 THEN (SELECT string_agg(cr.report_id::text, ',') "
        "FROM camera_reports AS cr WHERE cr.camera_id = c.id) END";
    return sql;
}

model::Camera read_camera(const Rows& rows, int row) {
    model::Camera c;
    c.id = model::CameraId{rows.int64(row, 0)};
    c.location = {rows.real(row, 1), rows.real(row, 2)};
    c.status = camera_status_from(rows.text(row, 3));
    c.confirmations = static_cast<int>(rows.int64(row, 4));
    c.first_seen = rows.int64(row, 5);
    c.last_verified = rows.int64(row, 6);
    c.updated_at = rows.int64(row, 7);
    if (!rows.is_null(row, 9)) {
        c.osm = model::OsmProvenance{rows.string(row, 8), rows.int64(row, 9),
                                     static_cast<int>(rows.int64(row, 10)), rows.int64(row, 11)};
    }
    c.tags = read_tags(rows.text(row, 12));
    if (!rows.is_null(row, 13)) c.report_ids = parse_id_list(rows.text(row, 13));
    return c;
}

const std::string& report_select() {
    static const std::string sql =
        "SELECT id, lat, lon, accuracy_m, directions, tags, note, status, camera_id, created_at, "
        "decided_at, decision_reason, flags FROM reports";
    return sql;
}

model::Report read_report(const Rows& rows, int row) {
    model::Report r;
    r.id = model::ReportId{rows.int64(row, 0)};
    r.location = {rows.real(row, 1), rows.real(row, 2)};
    r.accuracy_m = rows.optional_real(row, 3);
    r.directions_deg = read_directions(rows.text(row, 4));
    r.tags = read_tags(rows.text(row, 5));
    r.note = rows.string(row, 6);
    auto status = model::parse_report_status(rows.text(row, 7));
    if (!status) corrupt("report status", rows.text(row, 7));
    r.status = *status;
    if (auto camera = rows.optional_int64(row, 8)) r.camera_id = model::CameraId{*camera};
    r.created_at = rows.int64(row, 9);
    r.decided_at = rows.int64(row, 10);
    r.decision_reason = rows.string(row, 11);
    for (const auto& flag : nlohmann::json::parse(rows.text(row, 12), nullptr, false))
        if (flag.is_string()) r.flags.push_back(flag.get<std::string>());
    return r;
}

std::vector<model::PhotoRecord> load_report_photos(Connection& db, model::ReportId id) {
    auto rows = db.run(
        "SELECT p.sha256, p.format, p.width, p.height, p.byte_size, p.faces_blurred, "
        "p.perceptual_hash FROM report_photos AS rp JOIN photos AS p ON p.sha256 = rp.sha256 "
        "WHERE rp.report_id = $1 ORDER BY rp.position",
        id.value);
    std::vector<model::PhotoRecord> photos;
    for (int i = 0; i < rows.size(); ++i) {
        model::PhotoRecord p;
        p.sha256 = rows.string(i, 0);
        p.format = rows.string(i, 1);
        p.width = static_cast<int>(rows.int64(i, 2));
        p.height = static_cast<int>(rows.int64(i, 3));
        p.byte_size = rows.int64(i, 4);
        p.faces_blurred = static_cast<int>(rows.int64(i, 5));
        p.perceptual_hash = static_cast<std::uint64_t>(rows.int64(i, 6));
        photos.push_back(std::move(p));
    }
    return photos;
}

void record_photo(Connection& db, const model::PhotoRecord& photo) {
    // The same picture sent twice (or in two reports) is one record. DO UPDATE rather than DO
    // NOTHING so an existing record is locked until commit: a concurrent
    // delete_unreferenced_photos skips it (or, if it locked the record first, this waits and
    // inserts it anew), so the caller's link never names a record deleted meanwhile. The values
    // stay those of the first record, as SQLite's INSERT OR IGNORE keeps them.
    db.run(
        "INSERT INTO photos (sha256, format, width, height, byte_size, faces_blurred, "
        "perceptual_hash) VALUES ($1, $2, $3, $4, $5, $6, $7) "
        "ON CONFLICT (sha256) DO UPDATE SET format = photos.format",
        photo.sha256, photo.format, photo.width, photo.height, photo.byte_size, photo.faces_blurred,
        static_cast<std::int64_t>(photo.perceptual_hash));
}

const std::string& user_select() {
    static const std::string sql =
        "SELECT id, name, role, disabled, password_hash, created_at FROM users";
    return sql;
}

model::User read_user(const Rows& rows, int row) {
    model::User u;
    u.id = model::UserId{rows.int64(row, 0)};
    u.name = rows.string(row, 1);
    auto role = model::parse_role(rows.text(row, 2));
    if (!role) corrupt("user role", rows.text(row, 2));
    u.role = *role;
    u.disabled = rows.boolean(row, 3);
    u.password_hash = rows.string(row, 4);
    u.created_at = rows.int64(row, 5);
    return u;
}

Result<model::Camera> load_camera(Connection& db, model::CameraId id) {
    static const std::string sql = camera_columns() + " FROM cameras AS c WHERE c.id = $1";
    auto rows = db.run(sql, id.value);
    if (rows.empty()) return fail(Errc::not_found, "no such camera");
    return read_camera(rows, 0);
}

Result<model::Report> load_report(Connection& db, model::ReportId id) {
    static const std::string sql = report_select() + " WHERE id = $1";
    auto rows = db.run(sql, id.value);
    if (rows.empty()) return fail(Errc::not_found, "no such report");
    auto report = read_report(rows, 0);
    report.photos = load_report_photos(db, id);
    return report;
}

model::CameraId insert_camera_row(Connection& db, const model::Camera& c) {
    std::optional<std::string> osm_type;
    std::optional<std::int64_t> osm_id, osm_version, osm_timestamp;
    if (c.osm) {
        osm_type = c.osm->type;
        osm_id = c.osm->id;
        osm_version = c.osm->version;
        osm_timestamp = c.osm->timestamp;
    }
    auto rows = db.run(
        "INSERT INTO cameras (lat, lon, status, kind, confirmations, first_seen, last_verified, "
        "updated_at, osm_type, osm_id, osm_version, osm_timestamp, tags) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        c.location.lat, c.location.lon, model::to_string(c.status), model::camera_kind(c.tags),
        c.confirmations, c.first_seen, c.last_verified, c.updated_at, osm_type, osm_id, osm_version,
        osm_timestamp, write_tags(c.tags));
    return model::CameraId{rows.int64(0, 0)};
}

void append_history(Connection& db, model::CameraId camera, const model::CameraEvent& event) {
    std::optional<std::int64_t> report;
    if (event.report_id) report = event.report_id->value;
    db.run(
        "INSERT INTO camera_history (camera_id, at, action, actor, detail, report_id) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        camera.value, event.at, event.action, event.actor, event.detail, report);
}

void append_audit(Connection& db, std::int64_t at, std::string_view actor, std::string_view action,
                  std::string_view subject, std::string_view reason) {
    db.run(
        "INSERT INTO audit_events (at, actor, action, subject, reason) "
        "VALUES ($1, $2, $3, $4, $5)",
        at, actor, action, subject, reason);
}

void bump_camera_version(Connection& db) {
    db.run("UPDATE counters SET value = value + 1 WHERE name = 'camera_version'");
}

void mark_camera_removed(Connection& db, model::CameraId id, std::int64_t at,
                         std::string_view actor, std::string_view reason) {
    db.run(
        "UPDATE cameras SET status = 'removed', updated_at = $2, "
        "locally_modified_at = CASE WHEN osm_id IS NOT NULL THEN $2 "
        "ELSE locally_modified_at END WHERE id = $1",
        id.value, at);
    append_history(db, id, {at, "removed", std::string(actor), std::string(reason), std::nullopt});
    append_audit(db, at, actor, "remove_camera", fmt::format("camera/{}", id.value), reason);
    bump_camera_version(db);
}

}  // namespace sightline::store::postgres
