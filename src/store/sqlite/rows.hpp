#pragma once
// Column lists and row decoders shared by the SQLite store's queries, plus the small writes
// every moderation transaction repeats (history, audit, version bump).

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "model/camera.hpp"
#include "model/report.hpp"
#include "model/source.hpp"
#include "model/user.hpp"
#include "store/sqlite/connection.hpp"

namespace sightline::store::sqlite {

/// `SELECT <columns>` of `cameras AS c` (the caller adds FROM); read rows with read_camera().
const std::string& camera_columns();
model::Camera read_camera(const Statement& row);

/// `SELECT <columns> FROM reports` prefix; read rows with read_report().
const std::string& report_select();
model::Report read_report(const Statement& row);

/// `SELECT <columns> FROM users` prefix; read rows with read_user().
const std::string& user_select();
model::User read_user(const Statement& row);

Result<model::Camera> load_camera(Connection& db, model::CameraId id);
/// A report with its photos.
Result<model::Report> load_report(Connection& db, model::ReportId id);
/// The photos of a report, in upload order.
std::vector<model::PhotoRecord> load_report_photos(Connection& db, model::ReportId id);

/// Inserts a camera row and its R*Tree entry; returns the new id.
model::CameraId insert_camera_row(Connection& db, const model::Camera& camera);
void append_history(Connection& db, model::CameraId camera, const model::CameraEvent& event);
void append_audit(Connection& db, std::int64_t at, std::string_view actor, std::string_view action,
                  std::string_view subject, std::string_view reason);
void bump_camera_version(Connection& db);
/// Where the cameras first..last are known from (SourceStore::camera_sources_between).
std::vector<std::pair<model::CameraId, model::CameraSource>> load_camera_sources(
    Connection& db, model::CameraId first, model::CameraId last);

}  // namespace sightline::store::sqlite
