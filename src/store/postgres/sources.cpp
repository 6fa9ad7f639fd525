// PostgresStore: official lists (sources, source_entries) and every camera's sources, with the
// behaviour of store/sqlite/sources.cpp and sqlite::load_camera_sources.
#include <charconv>
#include <string>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "store/encoding/json_columns.hpp"
#include "store/postgres/connection.hpp"
#include "store/postgres/pool.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/postgres/rows.hpp"

namespace sightline::store {

using postgres::Connection;
using postgres::Rows;
using postgres::Transaction;

namespace {

constexpr const char* source_columns =
    "SELECT s.id, s.name, s.file_name, s.imported_at, s.max_distance_m, s.max_angle_deg, "
    "s.unplaced_rows, s.matched_version, (SELECT count(*) FROM source_entries AS e "
    "WHERE e.source_id = s.id) FROM sources AS s";

model::Source read_source(const Rows& rows, int r) {
    model::Source s;
    s.id = model::SourceId{rows.int64(r, 0)};
    s.name = rows.string(r, 1);
    s.file_name = rows.string(r, 2);
    s.imported_at = rows.int64(r, 3);
    s.max_distance_m = rows.real(r, 4);
    s.max_angle_deg = rows.real(r, 5);
    s.unplaced_rows = rows.int64(r, 6);
    s.matched_version = rows.int64(r, 7);
    s.entries = rows.int64(r, 8);
    return s;
}

// Candidates are stored as SQLite stores them: "12,15".
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
        if (ec != std::errc{}) postgres::corrupt("candidates", text);
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

// Text from the outside (addresses, labels) sent inside a JSON parameter: bytes that are not
// UTF-8 become U+FFFD (PostgreSQL's text refuses them either way).
std::string json_text(const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

Result<model::SourceId> PostgresStore::insert_source(const model::NewSource& source,
                                                     const Decision& decision) {
    if (source.name.empty() || source.name.size() > 200)
        return fail(Errc::invalid_argument, "a list needs a name of 1 to 200 bytes");
    if (!(source.max_distance_m > 0) || !(source.max_angle_deg >= 0 && source.max_angle_deg <= 180))
        return fail(Errc::invalid_argument, "max distance must be > 0, max angle 0..180");
    for (const auto& e : source.entries)
        if (!e.location.is_valid())
            return fail(Errc::invalid_argument,
                        fmt::format("line {}: latitude/longitude out of range", e.line));
    auto db = m_pool->acquire();
    Transaction tx(*db);
    // The unique index on lower(name) decides, also between two servers importing at once.
    auto inserted = db->run(
        "INSERT INTO sources (name, file_name, imported_at, max_distance_m, max_angle_deg, "
        "unplaced_rows) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id",
        source.name, source.file_name, decision.at, source.max_distance_m, source.max_angle_deg,
        source.unplaced_rows);
    if (inserted.empty())
        return fail(Errc::conflict, fmt::format("a list named '{}' exists", source.name));
    model::SourceId id{inserted.int64(0, 0)};
    if (!source.entries.empty()) {
        auto entries = nlohmann::json::array();
        for (const auto& e : source.entries)
            entries.push_back({e.line, e.location.lat, e.location.lon,
                               encoding::write_directions(e.directions_deg), e.address, e.label});
        // One statement for the whole list, in its order (entry ids follow the file's rows).
        db->run(
            "INSERT INTO source_entries (source_id, line, lat, lon, directions, location_text, "
            "label) SELECT $1, (x.v->>0)::bigint, (x.v->>1)::float8, (x.v->>2)::float8, "
            "x.v->>3, x.v->>4, x.v->>5 "
            "FROM json_array_elements($2::json) WITH ORDINALITY AS x(v, n) ORDER BY x.n",
            id.value, json_text(entries));
    }
    postgres::append_audit(*db, decision.at, decision.actor, "import_list",
                           fmt::format("source/{}", id.value),
                           fmt::format("{} ({} entries)", source.name, source.entries.size()));
    tx.commit();
    return id;
}

std::vector<model::Source> PostgresStore::list_sources() {
    auto db = m_pool->acquire();
    // SQLite orders the NOCASE column case-insensitively, bytewise otherwise.
    static const std::string sql =
        std::string(source_columns) + " ORDER BY lower(s.name) COLLATE \"C\", s.id";
    auto rows = db->run(sql);
    std::vector<model::Source> out;
    for (int r = 0; r < rows.size(); ++r)
        out.push_back(read_source(rows, r));
    return out;
}

Result<model::Source> PostgresStore::find_source(model::SourceId id) {
    auto db = m_pool->acquire();
    static const std::string sql = std::string(source_columns) + " WHERE s.id = $1";
    auto rows = db->run(sql, id.value);
    if (rows.empty()) return fail(Errc::not_found, "no such list");
    return read_source(rows, 0);
}

std::vector<model::SourceEntry> PostgresStore::source_entries(model::SourceId id) {
    auto db = m_pool->acquire();
    auto rows = db->run(
        "SELECT id, line, lat, lon, directions, location_text, label, state, camera_id, "
        "distance_m, candidates, reason, decided, decided_camera, decided_by, decided_at "
        "FROM source_entries WHERE source_id = $1 ORDER BY id",
        id.value);
    std::vector<model::SourceEntry> out;
    out.reserve(static_cast<std::size_t>(rows.size()));
    for (int r = 0; r < rows.size(); ++r) {
        model::SourceEntry e;
        e.id = rows.int64(r, 0);
        e.line = static_cast<int>(rows.int64(r, 1));
        e.location = {rows.real(r, 2), rows.real(r, 3)};
        e.directions_deg = encoding::read_directions(rows.text(r, 4));
        e.address = rows.string(r, 5);
        e.label = rows.string(r, 6);
        auto state = model::parse_entry_state(rows.text(r, 7));
        if (!state) postgres::corrupt("entry state", rows.text(r, 7));
        e.state = *state;
        if (auto c = rows.optional_int64(r, 8)) e.camera = model::CameraId{*c};
        e.distance_m = rows.real(r, 9);
        e.candidates = read_ids(rows.text(r, 10));
        e.reason = rows.string(r, 11);
        e.decided = rows.boolean(r, 12);
        if (auto c = rows.optional_int64(r, 13)) e.decided_camera = model::CameraId{*c};
        e.decided_by = rows.string(r, 14);
        e.decided_at = rows.int64(r, 15);
        out.push_back(std::move(e));
    }
    return out;
}

Status PostgresStore::save_matching(model::SourceId id,
                                    const std::vector<model::SourceEntry>& entries,
                                    std::int64_t camera_version) {
    const auto now = unix_now();
    auto matching = nlohmann::json::array();
    for (const auto& e : entries) {
        nlohmann::json camera = nullptr;
        if (e.camera) camera = e.camera->value;
        matching.push_back({e.id, camera, std::string(model::to_string(e.state)), e.distance_m,
                            write_ids(e.candidates), e.reason});
    }
    auto db = m_pool->acquire();
    Transaction tx(*db);
    // One statement for the whole list. matched_at moves only when the entry's camera changes
    // (when the list first named that camera).
    if (!entries.empty())
        db->run(
            "UPDATE source_entries AS e SET matched_at = CASE WHEN e.camera_id IS NOT DISTINCT "
            "FROM x.camera THEN e.matched_at ELSE $3 END, state = x.state, camera_id = x.camera, "
            "distance_m = x.distance_m, candidates = x.candidates, reason = x.reason "
            "FROM (SELECT (v->>0)::bigint AS id, (v->>1)::bigint AS camera, v->>2 AS state, "
            "(v->>3)::float8 AS distance_m, v->>4 AS candidates, v->>5 AS reason "
            "FROM json_array_elements($2::json) AS v) AS x "
            "WHERE e.id = x.id AND e.source_id = $1",
            id.value, json_text(matching), now);
    auto version =
        db->run("UPDATE sources SET matched_version = $2 WHERE id = $1", id.value, camera_version);
    if (version.affected() == 0) return fail(Errc::not_found, "no such list");
    tx.commit();
    return {};
}

Status PostgresStore::decide_entry(model::SourceId id, std::int64_t entry,
                                   std::optional<model::CameraId> camera,
                                   const Decision& decision) {
    auto db = m_pool->acquire();
    Transaction tx(*db);
    // The list's row is locked: two moderators deciding entries of one list at once (on two
    // servers) are checked one after the other, so two entries never become the same camera.
    db->run("SELECT 1 FROM sources WHERE id = $1 FOR UPDATE", id.value);
    if (db->run("SELECT 1 FROM source_entries WHERE id = $2 AND source_id = $1", id.value, entry)
            .empty())
        return fail(Errc::not_found, "no such entry in this list");
    if (camera) {
        // FOR SHARE: the camera is not removed before this commits.
        auto found = db->run("SELECT status FROM cameras WHERE id = $1 FOR SHARE", camera->value);
        if (found.empty()) return fail(Errc::not_found, "no such camera");
        if (found.text(0, 0) == "removed") return fail(Errc::conflict, "that camera is removed");
        auto other = db->run(
            "SELECT id FROM source_entries WHERE source_id = $1 AND decided AND "
            "decided_camera = $2 AND id <> $3 ORDER BY id LIMIT 1",
            id.value, camera->value, entry);
        if (!other.empty())
            return fail(Errc::conflict,
                        fmt::format("entry {} of this list was decided to be that camera",
                                    other.int64(0, 0)));
    }
    db->run(
        "UPDATE source_entries SET decided = true, decided_camera = $3, decided_by = $4, "
        "decided_at = $5 WHERE id = $2 AND source_id = $1",
        id.value, entry, camera_value(camera), decision.actor, decision.at);
    // The matching is remade before it is read next.
    db->run("UPDATE sources SET matched_version = -1 WHERE id = $1", id.value);
    postgres::append_audit(
        *db, decision.at, decision.actor, "match_entry",
        fmt::format("source/{}/entry/{}", id.value, entry),
        camera ? fmt::format("camera {}", camera->value) : std::string("none of the crowd's"));
    tx.commit();
    return {};
}

std::vector<CrowdCamera> PostgresStore::crowd_cameras(const geo::BBox& bbox) {
    // SQLite's R*Tree and BETWEEN find nothing in a box turned inside out. The GiST test is on
    // boxes rounded to float4; BETWEEN is exact, as SQLite's.
    if (!(bbox.west <= bbox.east && bbox.south <= bbox.north)) return {};
    auto db = m_pool->acquire();
    auto rows = db->run(
        "SELECT c.id, c.lat, c.lon, c.tags FROM cameras AS c "
        "WHERE c.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326) AND c.lat BETWEEN $2 AND $4 "
        "AND c.lon BETWEEN $1 AND $3 AND c.status <> 'removed' "
        "AND (c.osm_id IS NOT NULL OR EXISTS (SELECT 1 FROM camera_reports AS cr "
        "WHERE cr.camera_id = c.id)) ORDER BY c.id",
        bbox.west, bbox.south, bbox.east, bbox.north);
    std::vector<CrowdCamera> out;
    out.reserve(static_cast<std::size_t>(rows.size()));
    for (int r = 0; r < rows.size(); ++r) {
        CrowdCamera c{model::CameraId{rows.int64(r, 0)}, {rows.real(r, 1), rows.real(r, 2)}, {}};
        auto tags = encoding::read_tags(rows.text(r, 3));
        if (auto dir = model::tag(tags, "camera:direction"))
            if (auto parsed = model::parse_directions(*dir)) c.directions_deg = *parsed;
        out.push_back(std::move(c));
    }
    return out;
}

std::vector<model::CameraSource> PostgresStore::camera_sources(model::CameraId id) {
    std::vector<model::CameraSource> out;
    for (auto& [camera, source] : camera_sources_between(id, id))
        out.push_back(std::move(source));
    return out;
}

std::vector<std::pair<model::CameraId, model::CameraSource>> PostgresStore::camera_sources_between(
    model::CameraId first, model::CameraId last) {
    auto db = m_pool->acquire();
    // What sqlite::load_camera_sources reads, in its order: by camera, since, kind of source
    // (report, OpenStreetMap, CSV import, list), ref, then name bytewise. SQLite's LIKE ignores
    // ASCII case: ILIKE here.
    auto rows = db->run(
        "SELECT camera_id, kind, name, since, ref FROM ("
        "SELECT cr.camera_id AS camera_id, 'report' AS kind, 'report ' || r.id AS name, "
        "r.created_at AS since, r.id AS ref, 0 AS tie "
        "FROM camera_reports AS cr JOIN reports AS r ON r.id = cr.report_id "
        "WHERE cr.camera_id BETWEEN $1 AND $2 "
        "UNION ALL SELECT c.id, 'osm', c.osm_type || '/' || c.osm_id, c.first_seen, 0, 1 "
        "FROM cameras AS c WHERE c.id BETWEEN $1 AND $2 AND c.osm_id IS NOT NULL "
        "UNION ALL SELECT h.camera_id, 'list', CASE WHEN h.detail ILIKE 'import-csv: %' "
        "THEN substr(h.detail, 13) ELSE '' END, h.at, 0, 2 FROM camera_history AS h "
        "WHERE h.camera_id BETWEEN $1 AND $2 AND h.action = 'imported' "
        "AND h.detail ILIKE 'import-csv%' "
        "UNION ALL SELECT e.camera_id, 'list', s.name, e.matched_at, s.id, 3 "
        "FROM source_entries AS e JOIN sources AS s ON s.id = e.source_id "
        "WHERE e.camera_id BETWEEN $1 AND $2) AS u "
        "ORDER BY camera_id, since, tie, ref, name COLLATE \"C\"",
        first.value, last.value);
    std::vector<std::pair<model::CameraId, model::CameraSource>> out;
    out.reserve(static_cast<std::size_t>(rows.size()));
    for (int r = 0; r < rows.size(); ++r)
        out.emplace_back(model::CameraId{rows.int64(r, 0)},
                         model::CameraSource{rows.string(r, 1), rows.string(r, 2), rows.int64(r, 3),
                                             rows.int64(r, 4)});
    return out;
}

}  // namespace sightline::store
