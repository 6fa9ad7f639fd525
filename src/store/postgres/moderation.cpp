// PostgresStore: moderation (see postgres_store.hpp). Every decision is one transaction that
// locks the rows it decides on (the report, the camera) before reading them, so moderators on
// several servers are served one after the other, as SQLite's single writer serves them: the
// second to accept a report finds it no longer pending. Same errors, history entries and audit
// events as store/sqlite/moderation.cpp. Locks are taken report first, then camera.
#include <fmt/core.h>

#include "store/encoding/json_columns.hpp"
#include "store/postgres/connection.hpp"
#include "store/postgres/pool.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/postgres/rows.hpp"

namespace sightline::store {

using postgres::Connection;
using postgres::Transaction;

namespace {

// Only pending reports can be decided or withdrawn.
Status check_pending(const model::Report& report) {
    if (report.status == model::ReportStatus::pending) return {};
    return fail(Errc::conflict, fmt::format("report {} is no longer pending (it is {})",
                                            report.id.value, model::to_string(report.status)));
}

// Locks the report's row until commit (NO KEY UPDATE: what an UPDATE of it takes; it does not
// hold back rows that merely refer to it). not_found if there is none.
Status lock_report(Connection& db, model::ReportId id) {
    if (db.run("SELECT 1 FROM reports WHERE id = $1 FOR NO KEY UPDATE", id.value).empty())
        return fail(Errc::not_found, "no such report");
    return {};
}

Status lock_camera(Connection& db, model::CameraId id) {
    if (db.run("SELECT 1 FROM cameras WHERE id = $1 FOR NO KEY UPDATE", id.value).empty())
        return fail(Errc::not_found, "no such camera");
    return {};
}

// Every decision starts here: the report must exist (not_found) and still be pending (conflict).
Result<model::Report> lock_pending_report(Connection& db, model::ReportId id) {
    if (auto locked = lock_report(db, id); !locked) return std::unexpected(locked.error());
    auto report = postgres::load_report(db, id);
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

void mark_decided(Connection& db, model::ReportId id, model::ReportStatus status,
                  std::optional<model::CameraId> camera, const Decision& decision) {
    std::optional<std::int64_t> camera_id;
    if (camera) camera_id = camera->value;
    db.run(
        "UPDATE reports SET status = $2, camera_id = $3, decided_at = $4, decision_reason = $5 "
        "WHERE id = $1",
        id.value, model::to_string(status), camera_id, decision.at, decision.reason);
}

void link_report(Connection& db, model::CameraId camera, model::ReportId report) {
    db.run("INSERT INTO camera_reports (camera_id, report_id) VALUES ($1, $2)", camera.value,
           report.value);
}

}  // namespace

Result<model::Camera> PostgresStore::accept_report(model::ReportId id, const Decision& decision) {
    auto db = m_pool->acquire();
    Transaction tx(*db);
    auto report = lock_pending_report(*db, id);
    if (!report) return std::unexpected(report.error());

    model::Camera camera;
    camera.location = report->location;
    camera.status = model::CameraStatus::verified;
    camera.confirmations = 1;
    camera.tags = report->tags;
    camera.first_seen = report->created_at;
    camera.last_verified = decision.at;
    camera.updated_at = decision.at;
    auto camera_id = postgres::insert_camera_row(*db, camera);
    link_report(*db, camera_id, id);
    postgres::append_history(*db, camera_id,
                             {decision.at, "created", decision.actor, decision.reason, id});
    mark_decided(*db, id, model::ReportStatus::accepted, camera_id, decision);
    postgres::append_audit(*db, decision.at, decision.actor, "accept", report_subject(id),
                           decision.reason);
    postgres::bump_camera_version(*db);
    auto stored = postgres::load_camera(*db, camera_id);
    tx.commit();
    saw_change(*db);
    return stored;
}

Result<model::Camera> PostgresStore::merge_report(model::ReportId id, model::CameraId camera_id,
                                                  const Decision& decision) {
    auto db = m_pool->acquire();
    Transaction tx(*db);
    // Both locked before either is read: a merge into the same camera on another server would
    // otherwise add its tags to a camera read before this one's, and lose this one's.
    if (auto locked = lock_report(*db, id); !locked) return std::unexpected(locked.error());
    if (auto locked = lock_camera(*db, camera_id); !locked) return std::unexpected(locked.error());
    auto report = postgres::load_report(*db, id);
    if (!report) return std::unexpected(report.error());
    auto camera = postgres::load_camera(*db, camera_id);
    if (!camera) return std::unexpected(camera.error());
    if (auto ok = check_pending(*report); !ok) return std::unexpected(ok.error());
    if (camera->status == model::CameraStatus::removed)
        return fail(Errc::conflict, "cannot merge into a removed camera");

    std::string added;
    for (const auto& [key, value] : report->tags) {
        if (camera->tags.try_emplace(key, value).second)
            added += fmt::format("{}{}={}", added.empty() ? "" : ", ", key, value);
    }
    // Added tags change what OpenStreetMap has: mark the OSM camera locally modified (a bare
    // confirmation does not; OSM keeps no confirmations).
    db->run(
        "UPDATE cameras SET confirmations = confirmations + 1, last_verified = $2, "
        "updated_at = $2, tags = $3, kind = $4, locally_modified_at = CASE WHEN "
        "osm_id IS NOT NULL AND $5 THEN $2 ELSE locally_modified_at END WHERE id = $1",
        camera_id.value, decision.at, encoding::write_tags(camera->tags),
        model::camera_kind(camera->tags), !added.empty());
    link_report(*db, camera_id, id);
    std::string detail = decision.reason;
    if (!added.empty())
        detail += fmt::format("{}added tags: {}", detail.empty() ? "" : "; ", added);
    postgres::append_history(*db, camera_id,
                             {decision.at, "confirmed", decision.actor, detail, id});
    mark_decided(*db, id, model::ReportStatus::merged, camera_id, decision);
    postgres::append_audit(*db, decision.at, decision.actor, "merge", report_subject(id),
                           decision.reason);
    postgres::bump_camera_version(*db);
    auto stored = postgres::load_camera(*db, camera_id);
    tx.commit();
    saw_change(*db);
    return stored;
}

Result<model::Report> PostgresStore::reject_report(model::ReportId id, const Decision& decision) {
    if (is_blank(decision.reason)) return fail(Errc::invalid_argument, "reject needs a reason");
    auto db = m_pool->acquire();
    Transaction tx(*db);
    auto report = lock_pending_report(*db, id);
    if (!report) return std::unexpected(report.error());
    mark_decided(*db, id, model::ReportStatus::rejected, std::nullopt, decision);
    postgres::append_audit(*db, decision.at, decision.actor, "reject", report_subject(id),
                           decision.reason);
    auto stored = postgres::load_report(*db, id);
    tx.commit();
    return stored;
}

Result<model::Camera> PostgresStore::remove_camera(model::CameraId id, const Decision& decision) {
    auto db = m_pool->acquire();
    Transaction tx(*db);
    if (auto locked = lock_camera(*db, id); !locked) return std::unexpected(locked.error());
    auto camera = postgres::load_camera(*db, id);
    if (!camera) return std::unexpected(camera.error());
    if (camera->status == model::CameraStatus::removed)
        return fail(Errc::conflict, "camera is already removed");
    postgres::mark_camera_removed(*db, id, decision.at, decision.actor, decision.reason);
    auto stored = postgres::load_camera(*db, id);
    tx.commit();
    saw_change(*db);
    return stored;
}

}  // namespace sightline::store
