#pragma once
// Column lists and row decoders shared by the PostgreSQL store's queries, plus the small writes
// every moderation transaction repeats (history, audit, version bump). The same columns, in the
// same order, as store/sqlite/rows.hpp, so both backends decode alike.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "model/camera.hpp"
#include "model/report.hpp"
#include "model/source.hpp"
#include "model/user.hpp"
#include "store/postgres/connection.hpp"

namespace sightline::store::postgres {

/// `SELECT <columns>` of `cameras AS c` (the caller adds FROM); 14 columns, read with
/// read_camera().
const std::string& camera_columns();
model::Camera read_camera(const Rows& rows, int row);

/// `SELECT <columns> FROM reports` prefix; 13 columns, read with read_report().
const std::string& report_select();
model::Report read_report(const Rows& rows, int row);

/// `SELECT <columns> FROM users` prefix; read with read_user().
const std::string& user_select();
model::User read_user(const Rows& rows, int row);

Result<model::Camera> load_camera(Connection& db, model::CameraId id);
/// A report with its photos.
Result<model::Report> load_report(Connection& db, model::ReportId id);
/// The photos of a report, in upload order.
std::vector<model::PhotoRecord> load_report_photos(Connection& db, model::ReportId id);
/// Inserts a photo record unless one with its hash exists (then that one is kept), and locks it
/// until commit so delete_unreferenced_photos cannot take it before the caller links it.
void record_photo(Connection& db, const model::PhotoRecord& photo);

/// Inserts a camera row (its point and GiST entry follow from lat/lon); returns the new id.
model::CameraId insert_camera_row(Connection& db, const model::Camera& camera);
void append_history(Connection& db, model::CameraId camera, const model::CameraEvent& event);
void append_audit(Connection& db, std::int64_t at, std::string_view actor, std::string_view action,
                  std::string_view subject, std::string_view reason);
/// camera_version + 1 (its trigger notifies every server at commit). After the commit, the
/// store calls saw_change() so this process reads its own write.
void bump_camera_version(Connection& db);
/// camera -> removed with history "removed", audit "remove_camera" and a new camera version,
/// as store/sqlite/rows.hpp's mark_camera_removed. The caller checked it is not removed.
void mark_camera_removed(Connection& db, model::CameraId id, std::int64_t at,
                         std::string_view actor, std::string_view reason);

/// Throws sightline::Exception naming a corrupt value.
[[noreturn]] void corrupt(std::string_view what, std::string_view value);

}  // namespace sightline::store::postgres
