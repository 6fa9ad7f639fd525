#pragma once
// The storage interface. SQLite (store/sqlite/) and PostgreSQL (store/postgres/) implement it;
// store/backend.hpp joins it with the other roles. Every method that changes more than one row is
// one transaction: it either happens completely or not at all. Methods are safe to call from
// several threads.
//
// Expected failures (not found, conflict) come back as Result errors; environment failures
// (disk full, corrupt file) throw sightline::Exception; a database server that cannot be reached
// throws store::Unavailable (the HTTP layer answers 503 with Retry-After).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "geo/bbox.hpp"
#include "model/camera.hpp"
#include "model/camera_check.hpp"
#include "model/report.hpp"
#include "model/user.hpp"

namespace sightline::store {

/// The database cannot be reached now (server down, restarting, network): worth retrying.
using Unavailable = sightline::UnavailableError;

/// Who decided and why; becomes an audit event and a camera history entry.
struct Decision {
    std::string actor;    ///< user name
    std::string reason;   ///< may be empty except for reject
    std::int64_t at = 0;  ///< unix seconds
};

/// Filter for camera listings. Unset fields do not filter.
/// Where a camera is and when it last changed, without its tags: what caches derived from
/// cameras compare to find the ones that changed.
struct CameraStamp {
    model::CameraId id;
    std::int64_t updated_at = 0;
    geo::LatLon location;
    bool removed = false;
};

struct CameraQuery {
    std::optional<geo::BBox> bbox;
    std::optional<std::string> kind;  ///< model::camera_kind() value
    std::optional<model::CameraStatus> status;
    bool include_removed =
        false;  ///< removed cameras are hidden unless asked for or filtered by status
    /// Only cameras that were on the map at this moment (unix seconds), removed ones included
    /// when their removal came later: see CameraSpan for what "on the map" means.
    std::optional<std::int64_t> active_at;
    int limit = 1000;
};

/// One stretch of time in which a camera was on the map, from its history: it starts with a
/// "created" (accepted report), "imported" (CSV or OpenStreetMap) or "restored" (back in
/// OpenStreetMap) event and ends with the next "removed" event. A camera whose history has no
/// start event before its first removal (data older than the history table) counts from its
/// first_seen. Confirmations, merges and updates do not start anything. A camera removed and
/// restored has two spans. Location and kind are the camera's current ones.
struct CameraSpan {
    model::CameraId id;
    geo::LatLon location;
    std::string kind;                        ///< model::camera_kind() value
    std::int64_t active_from = 0;            ///< unix seconds
    std::optional<std::int64_t> removed_at;  ///< unix seconds; empty while still on the map
};

/// Filter for report listings, newest first, keyset-paginated by id.
struct ReportQuery {
    std::optional<model::ReportStatus> status;
    int limit = 100;
    std::optional<model::ReportId> before;  ///< only ids smaller than this
};

/// Camera density over the bounds of an imported OpenStreetMap extract (latest import per file).
struct ImportedArea {
    std::string name;   ///< the extract's file name
    std::string place;  ///< its most important settlement ("" when none is known)
    geo::BBox bounds;
    double area_km2 = 0;
    std::int64_t cameras = 0;  ///< non-removed cameras inside the bounds
};

struct Stats {
    std::int64_t cameras_total = 0;  ///< excluding removed
    std::vector<std::pair<std::string, std::int64_t>> cameras_by_status;
    std::vector<std::pair<std::string, std::int64_t>> cameras_by_kind;
    std::vector<std::pair<std::string, std::int64_t>> cameras_by_operator;      ///< top 50
    std::vector<std::pair<std::string, std::int64_t>> cameras_by_manufacturer;  ///< top 50
    std::vector<std::pair<std::string, std::int64_t>> reports_by_status;
    /// Reports per day ("YYYY-MM-DD"), last 365 days with reports.
    std::vector<std::pair<std::string, std::int64_t>> reports_by_day;
    std::vector<ImportedArea> imported_areas;
};

/// One entry of a camera's history with the camera as it is now (Store::camera_events_in).
struct AreaCameraEvent {
    std::int64_t entry_id = 0;  ///< the history entry's own id: unique, never reused
    model::CameraEvent event;
    model::Camera camera;
};

/// Keys of Store::camera_page.
enum class CameraOrder { id, osm_node_id };

class Store {
  public:
    virtual ~Store() = default;

    // --- reports ------------------------------------------------------------------------
    /// Stores a validated report as pending, with its photo records (the files must already be
    /// written) in the same transaction. `withdraw_hash` is the hex SHA-256 of the secret
    /// withdraw token; `created_at` must already be rounded to the hour.
    virtual Result<model::ReportId> insert_report(const model::NewReport& report,
                                                  const std::string& withdraw_hash,
                                                  std::int64_t created_at) = 0;
    virtual Result<model::Report> find_report(model::ReportId id) = 0;
    virtual std::vector<model::Report> list_reports(const ReportQuery& query) = 0;
    /// Withdraws a pending report when `withdraw_hash` matches (constant-time compare); its note
    /// is erased. not_found if no such report or the hash does not match (no oracle);
    /// conflict if it is no longer pending. Its photo links are removed too.
    virtual Status withdraw_report(model::ReportId id, const std::string& withdraw_hash) = 0;

    // --- photos ---------------------------------------------------------------------------
    virtual Result<model::PhotoRecord> find_photo(std::string_view sha256) = 0;
    /// True when a report that became part of a camera (accepted or merged) links to the photo:
    /// only those are public; photos of pending, rejected or withdrawn reports are not.
    virtual bool photo_is_public(std::string_view sha256) = 0;
    /// The photos of the reports that became part of camera `id` (accepted or merged into it),
    /// newest report first, in each report's order. Exactly the photos photo_is_public allows.
    virtual std::vector<model::CameraPhoto> camera_photos(model::CameraId id) = 0;
    /// Photos of other reports whose perceptual hash is within `max_distance` of `hash`,
    /// closest first. Linear in the number of photos (a Hamming query has no useful index).
    virtual std::vector<model::SimilarPhoto> similar_photos(std::uint64_t hash, int max_distance,
                                                            model::ReportId exclude, int limit) = 0;
    /// Deletes photo records no report links to, and returns their hashes (so the files can
    /// be deleted): after a withdrawal, or a report insert that failed after writing files.
    virtual std::vector<std::string> delete_unreferenced_photos() = 0;

    // --- moderation: each is one transaction that also appends an audit event -------------
    /// pending report -> accepted; creates a camera from it (status verified, 1 confirmation).
    virtual Result<model::Camera> accept_report(model::ReportId id, const Decision& decision) = 0;
    /// pending report -> merged into `camera`: confirmations + 1, last_verified = now; tags of the
    /// report that the camera lacks are added. conflict if the camera is removed.
    virtual Result<model::Camera> merge_report(model::ReportId id, model::CameraId camera,
                                               const Decision& decision) = 0;
    /// pending report -> rejected with a reason.
    virtual Result<model::Report> reject_report(model::ReportId id, const Decision& decision) = 0;
    /// camera -> removed (kept with its history). conflict if already removed.
    virtual Result<model::Camera> remove_camera(model::CameraId id, const Decision& decision) = 0;

    // --- freshness: checks of cameras by anyone (issue 14) ---------------------------------
    /// Records an anonymous check of camera `id`; `created_at` must be rounded to the hour.
    /// present: accepted at once, last_verified = max(last_verified, created_at), history
    /// "confirmed_present" by "anonymous" (updated_at stays: the camera did not change).
    /// gone: stored as pending for moderators; the camera is unchanged.
    /// not_found if no such camera; conflict if it is removed.
    virtual Result<model::CameraCheck> insert_check(model::CameraId id,
                                                    const model::NewCheck& check,
                                                    std::int64_t created_at) = 0;
    virtual Result<model::CameraCheck> find_check(std::int64_t id) = 0;
    /// Checks with the given status (all when unset), oldest first, keyset-paginated by id.
    virtual std::vector<model::CameraCheck> list_checks(std::optional<model::CheckStatus> status,
                                                        int limit, std::int64_t after_id) = 0;
    /// pending "gone" check -> accepted, and its camera -> removed exactly as remove_camera does
    /// (history, audit, camera version); a camera removed meanwhile stays as it is. The other
    /// pending "gone" checks of the camera are accepted with it. Returns the camera.
    /// not_found / conflict (not pending).
    virtual Result<model::Camera> accept_check(std::int64_t id, const Decision& decision) = 0;
    /// pending check -> rejected (audit event); the camera is unchanged. not_found / conflict.
    virtual Result<model::CameraCheck> reject_check(std::int64_t id, const Decision& decision) = 0;
    /// Non-removed cameras (inside `bbox` when given), least recently verified first (never
    /// verified = 0 first), then by id; at most `limit`.
    virtual std::vector<model::Camera> cameras_to_recheck(std::optional<geo::BBox> bbox,
                                                          int limit) = 0;

    // --- cameras --------------------------------------------------------------------------
    virtual Result<model::Camera> find_camera(model::CameraId id) = 0;
    virtual std::vector<model::CameraEvent> camera_history(model::CameraId id) = 0;
    /// Cameras matching the query, at most query.limit, ordered by id.
    virtual std::vector<model::Camera> find_cameras(const CameraQuery& query) = 0;
    /// Non-removed cameras within `radius_m` of a point, nearest first.
    virtual std::vector<model::Camera> cameras_near(geo::LatLon centre, double radius_m,
                                                    int limit) = 0;
    /// Every camera's stamp (removed too), ordered by id: one light read (no tags).
    virtual std::vector<CameraStamp> camera_stamps() = 0;
    /// Calls `visit` for every camera (removed too), ordered by id, without loading all at once.
    virtual void for_each_camera(const std::function<void(const model::Camera&)>& visit) = 0;
    /// One keyset page of cameras (removed too): at most `limit` whose key is greater than
    /// `after`, in key order. CameraOrder::id keys on the camera id; CameraOrder::osm_node_id
    /// returns only cameras that are OSM nodes, keyed on the node id. Nothing stays open
    /// between pages, so a slow reader holds no transaction.
    virtual std::vector<model::Camera> camera_page(CameraOrder order, std::int64_t after,
                                                   int limit) = 0;
    /// Calls `visit` for every span in which a camera was on the map (see CameraSpan), of the
    /// cameras inside `bbox` (all when empty), ordered by camera id and then time: one statement,
    /// no tags, nothing kept (1M cameras in about 2 s). `visit` runs while the statement is open
    /// and must not call the store.
    virtual void for_each_camera_span(const std::optional<geo::BBox>& bbox,
                                      const std::function<void(const CameraSpan&)>& visit) = 0;
    /// for_each_camera_span collected into a vector (tests, small areas).
    std::vector<CameraSpan> camera_spans(const std::optional<geo::BBox>& bbox) {
        std::vector<CameraSpan> spans;
        for_each_camera_span(bbox, [&](const CameraSpan& span) { spans.push_back(span); });
        return spans;
    }
    /// Creation times (unix seconds, whole hours) of every report inside `bbox` (all when
    /// empty), whatever became of it, ascending.
    virtual std::vector<std::int64_t> report_times(const std::optional<geo::BBox>& bbox) = 0;
    /// Inserts cameras in one transaction (CSV import); all or nothing. One audit event.
    virtual Result<std::vector<model::CameraId>> insert_cameras(
        const std::vector<model::NewCamera>& cameras, const Decision& decision) = 0;
    /// Monotonic counter bumped by every camera change (for caches and ETags).
    virtual std::int64_t camera_version() = 0;
    /// When the cameras last changed: the time of the newest camera history entry (every change
    /// appends one), unix seconds; 0 when there is none. One indexed read (Last-Modified).
    virtual std::int64_t cameras_changed_at() = 0;
    /// The newest `limit` camera history entries (created, confirmed, imported, updated,
    /// removed, ...) of cameras whose position is inside `box`, newest first. Removed cameras
    /// count too (their removal is news).
    virtual std::vector<AreaCameraEvent> camera_events_in(const geo::BBox& box, int limit) = 0;

    // --- users and sessions -----------------------------------------------------------------
    /// conflict if the name exists.
    virtual Result<model::UserId> insert_user(const std::string& name, model::Role role,
                                              const std::string& password_hash,
                                              const Decision& decision) = 0;
    virtual Result<model::User> find_user(model::UserId id) = 0;
    virtual Result<model::User> find_user_by_name(std::string_view name) = 0;
    virtual std::vector<model::User> list_users() = 0;
    /// Disables or enables a user; disabling also deletes their sessions.
    virtual Status set_user_disabled(std::string_view name, bool disabled,
                                     const Decision& decision) = 0;
    virtual Status insert_session(const model::SessionRecord& session) = 0;
    /// not_found if missing or expired at `now`.
    virtual Result<model::SessionRecord> find_session(const std::string& token_hash,
                                                      std::int64_t now) = 0;
    virtual Status delete_session(const std::string& token_hash) = 0;
    virtual void delete_expired_sessions(std::int64_t now) = 0;

    /// False when the database cannot be reached now (GET /healthz); one round trip, never
    /// throws.
    virtual bool reachable() noexcept = 0;

    // --- audit and statistics ---------------------------------------------------------------
    /// Newest first; keyset pagination by id.
    virtual std::vector<model::AuditEvent> list_audit(int limit,
                                                      std::optional<std::int64_t> before_id) = 0;
    virtual Stats stats() = 0;
};

}  // namespace sightline::store
