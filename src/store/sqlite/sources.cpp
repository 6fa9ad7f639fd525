// SqliteStore: official lists (sources, source_entries) and every camera's sources.
#include <algorithm>
#include <charconv>

#include <fmt/core.h>

#include "core/clock.hpp"
#include "store/encoding/json_columns.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/read_pool.hpp"
#include "store/sqlite/rows.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace sightline::store {

using sqlite::Transaction;

namespace {

constexpr const char* source_columns =
    "SELECT s.id, s.name, s.file_name, s.imported_at, s.max_distance_m, s.max_angle_deg, "
    "s.unplaced_rows, s.matched_version, (SELECT count(*) FROM source_entries AS e "
    "WHERE e.source_id = s.id) FROM sources AS s";

model::Source read_source(const sqlite::Statement& row) {
    model::Source s;
    s.id = model::SourceId{row.int64(0)};
    s.name = row.string(1);
    s.file_name = row.string(2);
    s.imported_at = row.int64(3);
    s.max_distance_m = row.real(4);
    s.max_angle_deg = row.real(5);
    s.unplaced_rows = row.int64(6);
    s.matched_version = row.int64(7);
    s.entries = row.int64(8);
    return s;
}

std::string write_ids(const std::vector<model::CameraId>& ids) {
    std::string out;
    for (auto id : ids)
        out += fmt::format("{}{}", out.empty() ? "" : ",", id.value);
    return out;
}

std::vector<model::CameraId> read_ids(std::string_view text) {
    std::vector<model::CameraId> ids;
    const char* p = text.data();
    const char* end = text.data() + text.size();
    while (p < end) {
        std::int64_t value = 0;
        auto [next, ec] = std::from_chars(p, end, value);
        if (ec != std::errc{})
            throw sightline::Exception(
                fmt::format("corrupt database row: candidates '{:.40}'", text));
        ids.push_back(model::CameraId{value});
        p = next;
        if (p < end && *p == ',') ++p;
    }
    return ids;
}

std::optional<std::int64_t> camera_value(const std::optional<model::CameraId>& id) {
    if (id) return id->value;
    return std::nullopt;
}

}  // namespace

std::vector<std::pair<model::CameraId, model::CameraSource>> sqlite::load_camera_sources(
    Connection& db, model::CameraId first, model::CameraId last) {
    // Reports: since they were made (the hour, as public as the photos' reported_at); the
    // OpenStreetMap object: since it was first imported; CSV imports: their history event
    // ("import-csv" before lists were named, "import-csv: NAME" since); official lists: since
    // the entry was first matched with this camera. Ties (an import and a list matched in the
    // same second) in that order. One query for a range of ids: the exports read them a page
    // at a time (one query per camera made a 100,000-camera export 4 times slower).
    auto stmt = db.prepare(
        "SELECT cr.camera_id, 'report', 'report ' || r.id, r.created_at, r.id, 0 "
        "FROM camera_reports AS cr JOIN reports AS r ON r.id = cr.report_id "
        "WHERE cr.camera_id BETWEEN ?1 AND ?2 "
        "UNION ALL SELECT c.id, 'osm', c.osm_type || '/' || c.osm_id, c.first_seen, 0, 1 "
        "FROM cameras AS c WHERE c.id BETWEEN ?1 AND ?2 AND c.osm_id IS NOT NULL "
        "UNION ALL SELECT h.camera_id, 'list', CASE WHEN h.detail LIKE 'import-csv: %' "
        "THEN substr(h.detail, 13) ELSE '' END, h.at, 0, 2 FROM camera_history AS h "
        "WHERE h.camera_id BETWEEN ?1 AND ?2 AND h.action = 'imported' "
        "AND h.detail LIKE 'import-csv%' "
        "UNION ALL SELECT e.camera_id, 'list', s.name, e.matched_at, s.id, 3 "
        "FROM source_entries AS e JOIN sources AS s ON s.id = e.source_id "
        "WHERE e.camera_id BETWEEN ?1 AND ?2 "
        "ORDER BY 1, 4, 6, 5, 3");
    stmt.bind_all(first.value, last.value);
    std::vector<std::pair<model::CameraId, model::CameraSource>> out;
    while (stmt.step())
        out.emplace_back(
            model::CameraId{stmt.int64(0)},
            model::CameraSource{stmt.string(1), stmt.string(2), stmt.int64(3), stmt.int64(4)});
    return out;
}

Result<model::SourceId> SqliteStore::insert_source(const model::NewSource& source,
                                                   const Decision& decision) {
    if (source.name.empty() || source.name.size() > 200)
        return fail(Errc::invalid_argument, "a list needs a name of 1 to 200 bytes");
    if (!(source.max_distance_m > 0) || !(source.max_angle_deg >= 0 && source.max_angle_deg <= 180))
        return fail(Errc::invalid_argument, "max distance must be > 0, max angle 0..180");
    for (const auto& e : source.entries)
        if (!e.location.is_valid())
            return fail(Errc::invalid_argument,
                        fmt::format("line {}: latitude/longitude out of range", e.line));
    std::lock_guard lock(m_write_mutex);
    auto& db = *m_writer;
    Transaction tx(db);
    {
        auto exists = db.prepare("SELECT 1 FROM sources WHERE name = ?1");
        exists.bind(1, source.name);
        if (exists.step())
            return fail(Errc::conflict, fmt::format("a list named '{}' exists", source.name));
    }
    auto insert = db.prepare(
        "INSERT INTO sources (name, file_name, imported_at, max_distance_m, max_angle_deg, "
        "unplaced_rows) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    insert.bind_all(source.name, source.file_name, decision.at, source.max_distance_m,
                    source.max_angle_deg, source.unplaced_rows);
    insert.run();
    model::SourceId id{db.last_insert_rowid()};
    for (const auto& e : source.entries) {
        // Prepared (from the cache) per row: a statement is reset when it goes out of scope.
        auto entry = db.prepare(
            "INSERT INTO source_entries (source_id, line, lat, lon, directions, location_text, "
            "label) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        entry.bind_all(id.value, e.line, e.location.lat, e.location.lon,
                       encoding::write_directions(e.directions_deg), e.address, e.label);
        entry.run();
    }
    sqlite::append_audit(db, decision.at, decision.actor, "import_list",
                         fmt::format("source/{}", id.value),
                         fmt::format("{} ({} entries)", source.name, source.entries.size()));
    tx.commit();
    return id;
}

std::vector<model::Source> SqliteStore::list_sources() {
    auto db = m_readers->acquire();
    // Static: the connection caches statements by their text.
    static const std::string sql = std::string(source_columns) + " ORDER BY s.name, s.id";
    auto stmt = db->prepare(sql);
    std::vector<model::Source> out;
    while (stmt.step())
        out.push_back(read_source(stmt));
    return out;
}

Result<model::Source> SqliteStore::find_source(model::SourceId id) {
    auto db = m_readers->acquire();
    static const std::string sql = std::string(source_columns) + " WHERE s.id = ?1";
    auto stmt = db->prepare(sql);
    stmt.bind(1, id.value);
    if (!stmt.step()) return fail(Errc::not_found, "no such list");
    return read_source(stmt);
}

std::vector<model::SourceEntry> SqliteStore::source_entries(model::SourceId id) {
    auto db = m_readers->acquire();
    auto stmt = db->prepare(
        "SELECT id, line, lat, lon, directions, location_text, label, state, camera_id, "
        "distance_m, "
        "candidates, reason, decided, decided_camera, decided_by, decided_at "
        "FROM source_entries WHERE source_id = ?1 ORDER BY id");
    stmt.bind(1, id.value);
    std::vector<model::SourceEntry> out;
    while (stmt.step()) {
        model::SourceEntry e;
        e.id = stmt.int64(0);
        e.line = static_cast<int>(stmt.int64(1));
        e.location = {stmt.real(2), stmt.real(3)};
        e.directions_deg = encoding::read_directions(stmt.text(4));
        e.address = stmt.string(5);
        e.label = stmt.string(6);
        auto state = model::parse_entry_state(stmt.text(7));
        if (!state) throw sightline::Exception("corrupt database row: entry state");
        e.state = *state;
        if (auto c = stmt.optional_int64(8)) e.camera = model::CameraId{*c};
        e.distance_m = stmt.real(9);
        e.candidates = read_ids(stmt.text(10));
        e.reason = stmt.string(11);
        e.decided = stmt.int64(12) != 0;
        if (auto c = stmt.optional_int64(13)) e.decided_camera = model::CameraId{*c};
        e.decided_by = stmt.string(14);
        e.decided_at = stmt.int64(15);
        out.push_back(std::move(e));
    }
    return out;
}

Status SqliteStore::save_matching(model::SourceId id,
                                  const std::vector<model::SourceEntry>& entries,
                                  std::int64_t camera_version) {
    const auto now = unix_now();
    std::lock_guard lock(m_write_mutex);
    auto& db = *m_writer;
    Transaction tx(db);
    for (const auto& e : entries) {
        auto update = db.prepare(
            "UPDATE source_entries SET matched_at = CASE WHEN camera_id IS ?3 THEN matched_at "
            "ELSE ?8 END, state = ?4, camera_id = ?3, distance_m = ?5, candidates = ?6, "
            "reason = ?7 WHERE id = ?2 AND source_id = ?1");
        update.bind_all(id.value, e.id, camera_value(e.camera), model::to_string(e.state),
                        e.distance_m, write_ids(e.candidates), e.reason, now);
        update.run();
    }
    auto version = db.prepare("UPDATE sources SET matched_version = ?2 WHERE id = ?1");
    version.bind_all(id.value, camera_version);
    version.run();
    if (db.changes() == 0) return fail(Errc::not_found, "no such list");
    tx.commit();
    return {};
}

Status SqliteStore::decide_entry(model::SourceId id, std::int64_t entry,
                                 std::optional<model::CameraId> camera, const Decision& decision) {
    std::lock_guard lock(m_write_mutex);
    auto& db = *m_writer;
    Transaction tx(db);
    {
        auto found = db.prepare("SELECT 1 FROM source_entries WHERE id = ?2 AND source_id = ?1");
        found.bind_all(id.value, entry);
        if (!found.step()) return fail(Errc::not_found, "no such entry in this list");
    }
    if (camera) {
        auto c = sqlite::load_camera(db, *camera);
        if (!c) return std::unexpected(c.error());
        if (c->status == model::CameraStatus::removed)
            return fail(Errc::conflict, "that camera is removed");
        auto other = db.prepare(
            "SELECT id FROM source_entries WHERE source_id = ?1 AND decided = 1 AND "
            "decided_camera = ?2 AND id <> ?3");
        other.bind_all(id.value, camera->value, entry);
        if (other.step())
            return fail(
                Errc::conflict,
                fmt::format("entry {} of this list was decided to be that camera", other.int64(0)));
    }
    auto update = db.prepare(
        "UPDATE source_entries SET decided = 1, decided_camera = ?3, decided_by = ?4, "
        "decided_at = ?5 WHERE id = ?2 AND source_id = ?1");
    update.bind_all(id.value, entry, camera_value(camera), decision.actor, decision.at);
    update.run();
    // The matching is remade before it is read next.
    auto stale = db.prepare("UPDATE sources SET matched_version = -1 WHERE id = ?1");
    stale.bind(1, id.value);
    stale.run();
    sqlite::append_audit(
        db, decision.at, decision.actor, "match_entry",
        fmt::format("source/{}/entry/{}", id.value, entry),
        camera ? fmt::format("camera {}", camera->value) : std::string("none of the crowd's"));
    tx.commit();
    return {};
}

std::vector<CrowdCamera> SqliteStore::crowd_cameras(const geo::BBox& bbox) {
    auto db = m_readers->acquire();
    auto stmt = db->prepare(
        "SELECT c.id, c.lat, c.lon, c.tags FROM cameras AS c WHERE c.id IN (SELECT id FROM "
        "camera_index WHERE max_lat >= ?1 AND min_lat <= ?2 AND max_lon >= ?3 AND min_lon <= ?4) "
        "AND c.lat BETWEEN ?1 AND ?2 AND c.lon BETWEEN ?3 AND ?4 AND c.status <> 'removed' "
        "AND (c.osm_id IS NOT NULL OR EXISTS (SELECT 1 FROM camera_reports AS cr "
        "WHERE cr.camera_id = c.id)) ORDER BY c.id");
    stmt.bind_all(bbox.south, bbox.north, bbox.west, bbox.east);
    std::vector<CrowdCamera> out;
    while (stmt.step()) {
        CrowdCamera c{model::CameraId{stmt.int64(0)}, {stmt.real(1), stmt.real(2)}, {}};
        auto tags = encoding::read_tags(stmt.text(3));
        if (auto dir = model::tag(tags, "camera:direction"))
            if (auto parsed = model::parse_directions(*dir)) c.directions_deg = *parsed;
        out.push_back(std::move(c));
    }
    return out;
}

std::vector<model::CameraSource> SqliteStore::camera_sources(model::CameraId id) {
    std::vector<model::CameraSource> out;
    for (auto& [camera, source] : camera_sources_between(id, id))
        out.push_back(std::move(source));
    return out;
}

std::vector<std::pair<model::CameraId, model::CameraSource>> SqliteStore::camera_sources_between(
    model::CameraId first, model::CameraId last) {
    auto db = m_readers->acquire();
    return sqlite::load_camera_sources(*db, first, last);
}

}  // namespace sightline::store
