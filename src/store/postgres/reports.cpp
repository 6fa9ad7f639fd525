// PostgresStore: reports and their photo records (see postgres_store.hpp). Same rules, errors
// and orders as store/sqlite/moderation.cpp; where SQLite relied on its single writer, rows are
// locked (the report to withdraw, the photo records being linked or swept).
#include <algorithm>
#include <limits>

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "store/encoding/json_columns.hpp"
#include "store/postgres/connection.hpp"
#include "store/postgres/pool.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/postgres/rows.hpp"

namespace sightline::store {

using postgres::Transaction;

namespace {

constexpr int max_report_page = 1000;
// One message for "no such report" and "wrong token", so the answer reveals nothing.
constexpr const char* withdraw_refused = "no such report, or wrong withdraw token";

// As store/sqlite's: the length of a hex SHA-256 is public; only the contents must not leak
// through timing.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
    std::size_t n = a.size() < b.size() ? a.size() : b.size();
    unsigned diff = a.size() == b.size() ? 0U : 1U;
    for (std::size_t i = 0; i < n; ++i)
        diff |= static_cast<unsigned>(static_cast<unsigned char>(a[i]) ^
                                      static_cast<unsigned char>(b[i]));
    volatile unsigned result = diff;
    return result == 0;
}

model::PhotoRecord read_photo(const postgres::Rows& rows, int row) {
    model::PhotoRecord p;
    p.sha256 = rows.string(row, 0);
    p.format = rows.string(row, 1);
    p.width = static_cast<int>(rows.int64(row, 2));
    p.height = static_cast<int>(rows.int64(row, 3));
    p.byte_size = rows.int64(row, 4);
    p.faces_blurred = static_cast<int>(rows.int64(row, 5));
    p.perceptual_hash = static_cast<std::uint64_t>(rows.int64(row, 6));
    return p;
}

}  // namespace

Result<model::ReportId> PostgresStore::insert_report(const model::NewReport& report,
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

    auto db = m_pool->acquire();
    Transaction tx(*db);
    auto inserted = db->run(
        "INSERT INTO reports (lat, lon, accuracy_m, directions, tags, note, status, "
        "withdraw_hash, created_at, flags) VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, "
        "$9) RETURNING id",
        report.location.lat, report.location.lon, report.accuracy_m,
        encoding::write_directions(report.directions_deg), encoding::write_tags(report.tags),
        report.note, withdraw_hash, created_at, nlohmann::json(report.flags).dump());
    model::ReportId id{inserted.int64(0, 0)};
    int position = 0;
    for (const auto& photo : report.photos) {
        postgres::record_photo(*db, photo);
        db->run("INSERT INTO report_photos (report_id, position, sha256) VALUES ($1, $2, $3)",
                id.value, position++, photo.sha256);
    }
    tx.commit();
    return id;
}

Result<model::PhotoRecord> PostgresStore::find_photo(std::string_view sha256) {
    auto db = m_pool->acquire();
    auto rows = db->run(
        "SELECT sha256, format, width, height, byte_size, faces_blurred, perceptual_hash "
        "FROM photos WHERE sha256 = $1",
        sha256);
    if (rows.empty()) return fail(Errc::not_found, "no such photo");
    return read_photo(rows, 0);
}

bool PostgresStore::photo_is_public(std::string_view sha256) {
    auto db = m_pool->acquire();
    auto rows = db->run(
        "SELECT EXISTS (SELECT 1 FROM report_photos p JOIN reports r ON r.id = p.report_id "
        "WHERE p.sha256 = $1 AND r.status IN ('accepted', 'merged'))",
        sha256);
    return !rows.empty() && rows.boolean(0, 0);
}

std::vector<model::CameraPhoto> PostgresStore::camera_photos(model::CameraId id) {
    auto db = m_pool->acquire();
    auto rows = db->run(
        "SELECT p.sha256, r.id, r.created_at FROM camera_reports AS cr "
        "JOIN reports AS r ON r.id = cr.report_id "
        "JOIN report_photos AS p ON p.report_id = r.id "
        "WHERE cr.camera_id = $1 AND r.status IN ('accepted', 'merged') "
        "ORDER BY r.created_at DESC, r.id DESC, p.position",
        id.value);
    std::vector<model::CameraPhoto> photos;
    photos.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i)
        photos.push_back({rows.string(i, 0), model::ReportId{rows.int64(i, 1)}, rows.int64(i, 2)});
    return photos;
}

std::vector<model::SimilarPhoto> PostgresStore::similar_photos(std::uint64_t hash, int max_distance,
                                                               model::ReportId exclude, int limit) {
    std::vector<model::SimilarPhoto> found;
    if (limit <= 0) return found;
    // The Hamming distance in the server (bit_count, PostgreSQL 14+), so only the matches cross
    // the wire. Order as SQLite's: closest first, then the newest report; a report's photos at
    // the same distance in upload order.
    auto db = m_pool->acquire();
    auto rows = db->run(
        "SELECT report_id, sha256, distance FROM (SELECT rp.report_id, rp.position, p.sha256, "
        "bit_count((p.perceptual_hash # $1::bigint)::bit(64))::int AS distance "
        "FROM photos AS p JOIN report_photos AS rp ON rp.sha256 = p.sha256 "
        "WHERE rp.report_id <> $2) AS d WHERE distance <= $3 "
        "ORDER BY distance, report_id DESC, position LIMIT $4",
        static_cast<std::int64_t>(hash), exclude.value, max_distance, limit);
    found.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i)
        found.push_back({model::ReportId{rows.int64(i, 0)}, rows.string(i, 1), "",
                         static_cast<int>(rows.int64(i, 2))});
    return found;
}

std::vector<std::string> PostgresStore::delete_unreferenced_photos() {
    auto db = m_pool->acquire();
    Transaction tx(*db);
    // Lock the candidates, skipping records a report or check being written links right now
    // (its foreign key check holds a share lock). Then delete each one that is still unlinked
    // as seen by a new statement: a link committed between the two reads keeps its record.
    static const std::string unlinked =
        "NOT EXISTS (SELECT 1 FROM report_photos AS rp WHERE rp.sha256 = photos.sha256) AND "
        "NOT EXISTS (SELECT 1 FROM check_photos AS cp WHERE cp.sha256 = photos.sha256)";
    static const std::string find =
        "SELECT sha256 FROM photos WHERE " + unlinked + " ORDER BY sha256 FOR UPDATE SKIP LOCKED";
    static const std::string remove = "DELETE FROM photos WHERE sha256 = $1 AND " + unlinked;
    auto candidates = db->run(find);
    std::vector<std::string> hashes;
    for (int i = 0; i < candidates.size(); ++i) {
        auto hash = candidates.string(i, 0);
        if (db->run(remove, hash).affected() == 1) hashes.push_back(std::move(hash));
    }
    tx.commit();
    return hashes;
}

Result<model::Report> PostgresStore::find_report(model::ReportId id) {
    auto db = m_pool->acquire();
    return postgres::load_report(*db, id);
}

std::vector<model::Report> PostgresStore::list_reports(const ReportQuery& query) {
    std::vector<model::Report> reports;
    if (query.limit <= 0) return reports;
    static const std::string any_status =
        postgres::report_select() + " WHERE id < $1 ORDER BY id DESC LIMIT $2";
    static const std::string by_status =
        postgres::report_select() + " WHERE status = $3 AND id < $1 ORDER BY id DESC LIMIT $2";
    const std::int64_t before =
        query.before ? query.before->value : std::numeric_limits<std::int64_t>::max();
    const int limit = std::min(query.limit, max_report_page);
    auto db = m_pool->acquire();
    auto rows = query.status ? db->run(by_status, before, limit, model::to_string(*query.status))
                             : db->run(any_status, before, limit);
    reports.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i)
        reports.push_back(postgres::read_report(rows, i));
    for (auto& report : reports)
        report.photos = postgres::load_report_photos(*db, report.id);
    return reports;
}

Status PostgresStore::withdraw_report(model::ReportId id, const std::string& withdraw_hash) {
    auto db = m_pool->acquire();
    Transaction tx(*db);
    // Locked: a moderator deciding the report on another server waits, then sees it withdrawn.
    auto rows = db->run("SELECT withdraw_hash, status FROM reports WHERE id = $1 FOR NO KEY UPDATE",
                        id.value);
    const bool found = !rows.empty();
    std::string stored_hash = found ? rows.string(0, 0) : std::string();
    std::string status = found ? rows.string(0, 1) : std::string();
    // Compare even when the report is missing so both refusals take the same time.
    bool matches = constant_time_equal(found ? stored_hash : withdraw_hash, withdraw_hash);
    if (!found || !matches || withdraw_hash.empty()) return fail(Errc::not_found, withdraw_refused);
    if (status != model::to_string(model::ReportStatus::pending))
        return fail(Errc::conflict, "this report is no longer pending");
    // Withdrawal time is kept as coarse as the report time (see DESIGN.md, privacy).
    db->run("UPDATE reports SET status = 'withdrawn', note = '', decided_at = $2 WHERE id = $1",
            id.value, round_down_to_hour(unix_now()));
    // The reporter takes the photos back as well; unreferenced records go with
    // delete_unreferenced_photos().
    db->run("DELETE FROM report_photos WHERE report_id = $1", id.value);
    tx.commit();
    return {};
}

}  // namespace sightline::store
