// PostgresStore: writing an OpenStreetMap import (cameras by OSM id, streets, areas, places,
// districts, import runs), as store/sqlite/osm_import.cpp does. Streets, areas and places are
// sent with COPY in chunks as they are read, inside one transaction that a PgOsmImportWriter
// holds open; the rows they replace are removed at the end, when the extract's bounds are
// known (docs/adr/011-streaming-import.md). An advisory lock makes imports of several servers
// wait for each other, as SQLite's write lock does.
#include <map>
#include <set>

#include <fmt/core.h>

#include "store/encoding/json_columns.hpp"
#include "store/encoding/packed_geometry.hpp"
#include "store/encoding/place_words.hpp"
#include "store/osm_camera_sync.hpp"
#include "store/postgres/connection.hpp"
#include "store/postgres/places.hpp"
#include "store/postgres/pool.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/postgres/rows.hpp"

namespace sightline::store {

using postgres::Bytes;
using postgres::Connection;
using postgres::CopyRows;
using postgres::CopySink;
using postgres::Transaction;

namespace {

// Any constant other than the migrations' one: held by the import's transaction.
constexpr std::int64_t import_lock = 0x5349'4748'544f'534d;  // "SIGHTOSM"

// SQLite widens the bounds for its R*Tree's 32-bit float boxes; the same slack here keeps the
// two stores deleting the same rows at the extract's edge.
constexpr double bounds_slack_deg = 1e-4;

// A COPY is sent when a table's rows reach this size: the import's memory stays bounded
// whatever the extract's size.
constexpr std::size_t copy_chunk_bytes = 4 << 20;

geo::BBox widened(geo::BBox b) {
    b.west -= bounds_slack_deg;
    b.south -= bounds_slack_deg;
    b.east += bounds_slack_deg;
    b.north += bounds_slack_deg;
    return b;
}

// --- cameras ---------------------------------------------------------------------------------

// Locked until the commit: a moderator's change to one of them waits for the import (SQLite's
// single writer gave the same order).
std::map<OsmKey, StoredOsmCamera> load_osm_cameras(Connection& db) {
    std::map<OsmKey, StoredOsmCamera> out;
    auto rows = db.run(
        "SELECT id, osm_type, osm_id, osm_version, status, locally_modified_at, lat, lon, tags "
        "FROM cameras WHERE osm_id IS NOT NULL FOR UPDATE");
    for (int r = 0; r < rows.size(); ++r) {
        StoredOsmCamera c;
        c.id = model::CameraId{rows.int64(r, 0)};
        c.version = static_cast<int>(rows.int64(r, 3));
        c.removed = rows.text(r, 4) == "removed";
        c.locally_modified_at = rows.int64(r, 5);
        c.location = {rows.real(r, 6), rows.real(r, 7)};
        c.tags_json = rows.string(r, 8);
        out.emplace(OsmKey{rows.string(r, 1), rows.int64(r, 2)}, std::move(c));
    }
    return out;
}

// The rules of OsmCameraSync on PostgreSQL's cameras.
class PgCameraSync final : public OsmCameraSync {
  public:
    PgCameraSync(Connection& db, const Decision& decision, OsmImportSummary& summary)
        : OsmCameraSync(decision, summary), m_db(db) {}

  private:
    std::map<OsmKey, StoredOsmCamera> load_stored() override { return load_osm_cameras(m_db); }
    model::CameraId insert(const model::Camera& camera) override {
        return postgres::insert_camera_row(m_db, camera);
    }
    void mark_in_sync(model::CameraId id, const model::OsmProvenance& osm) override {
        m_db.run(
            "UPDATE cameras SET osm_version = $2, osm_timestamp = $3, locally_modified_at = 0 "
            "WHERE id = $1",
            id.value, osm.version, osm.timestamp);
    }
    void update_from_osm(model::CameraId id, const model::OsmCamera& camera,
                         const std::string& tags_json, std::int64_t last_confirmed) override {
        // A report merged into it (a confirmation) is what made it verified; last_verified
        // also moves with anonymous checks and OSM edits.
        m_db.run(
            "UPDATE cameras SET lat = $2, lon = $3, tags = $4, kind = $5, osm_version = $6, "
            "osm_timestamp = $7, updated_at = $8, status = CASE WHEN status <> 'removed' "
            "THEN status WHEN confirmations > 0 THEN 'verified' ELSE 'reported' END, "
            "last_verified = GREATEST(last_verified, $9) WHERE id = $1",
            id.value, camera.location.lat, camera.location.lon, tags_json,
            model::camera_kind(camera.tags), camera.osm.version, camera.osm.timestamp,
            decision().at, last_confirmed);
    }
    void clear_local_change(model::CameraId id) override {
        m_db.run("UPDATE cameras SET locally_modified_at = 0 WHERE id = $1", id.value);
    }
    void mark_removed(model::CameraId id) override {
        m_db.run("UPDATE cameras SET status = 'removed', updated_at = $2 WHERE id = $1", id.value,
                 decision().at);
    }
    void append_history(model::CameraId id, const model::CameraEvent& event) override {
        postgres::append_history(m_db, id, event);
    }

    Connection& m_db;
};

// --- districts ---------------------------------------------------------------------------------

// The extract's districts replace the complete ones whose box lies within its bounds and earlier
// rows of the same boundaries (deleted and inserted again, a new id, as SQLite's INSERT OR
// REPLACE does).
void replace_districts(Connection& db, const model::OsmExtract& extract,
                       OsmImportSummary& summary) {
    const geo::BBox b = widened(extract.bounds);
    db.run(
        "DELETE FROM districts WHERE complete AND west >= $1 AND south >= $2 AND east <= $3 AND "
        "north <= $4",
        b.west, b.south, b.east, b.north);
    std::string blob;
    for (const auto& d : extract.districts) {
        model::Tags names(d.names.begin(), d.names.end());
        const char* osm_type = d.from_relation ? "relation" : "way";
        db.run("DELETE FROM districts WHERE osm_type = $1 AND osm_id = $2", osm_type, d.osm_id);
        static constexpr const char* insert =
            "INSERT INTO districts (osm_type, osm_id, admin_level, name, names, complete, west, "
            "south, east, north, polygons) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
        if (d.complete && !d.polygons.empty()) {
            auto box = geo::BBox::empty_box();
            for (const auto& polygon : d.polygons)
                for (auto p : polygon.front())
                    box.extend(p);
            blob.clear();
            encoding::put_polygons(blob, d.polygons);
            db.run(insert, osm_type, d.osm_id, d.admin_level, d.name, encoding::write_tags(names),
                   true, box.west, box.south, box.east, box.north, Bytes{blob});
            ++summary.districts;
        } else {
            // Without an outline it is incomplete, whatever the extract says (the table's CHECK).
            db.run(insert, osm_type, d.osm_id, d.admin_level, d.name, encoding::write_tags(names),
                   false, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt);
            ++summary.districts_incomplete;
        }
    }
    summary.district_level = extract.district_level;
}

// --- streets, areas and places -----------------------------------------------------------------

// The rows that were there before this import began: ids up to these (the sequences give new
// rows larger ones), so the rows this import already wrote are never removed.
struct OldRows {
    std::int64_t last_street = 0;
    std::int64_t last_area = 0;
    std::int64_t last_place = 0;
};

// Earlier rows whose box lies within `bounds` (the extract replaces them), plus earlier copies
// of the ways and relations the extract brings (they may reach outside its bounds).
void delete_replaced(Connection& db, const geo::BBox& bounds, const OldRows& old) {
    const geo::BBox b = widened(bounds);
    if (old.last_street > 0) {
        db.run(
            "DELETE FROM streets WHERE bounds && ST_MakeEnvelope($1, $2, $3, $4, 4326) AND "
            "west >= $1 AND south >= $2 AND east <= $3 AND north <= $4 AND id <= $5",
            b.west, b.south, b.east, b.north, old.last_street);
        // Whatever is left of the same OSM objects (nothing in the usual case, so the lookups by
        // OSM id are skipped then).
        if (!db.run("SELECT 1 FROM streets WHERE id <= $1 LIMIT 1", old.last_street).empty())
            db.run(
                "DELETE FROM streets AS s USING (SELECT DISTINCT osm_way_id FROM streets WHERE "
                "id > $1) AS n WHERE s.osm_way_id = n.osm_way_id AND s.id <= $1",
                old.last_street);
    }
    if (old.last_area > 0) {
        db.run(
            "DELETE FROM areas WHERE bounds && ST_MakeEnvelope($1, $2, $3, $4, 4326) AND "
            "west >= $1 AND south >= $2 AND east <= $3 AND north <= $4 AND id <= $5",
            b.west, b.south, b.east, b.north, old.last_area);
        if (!db.run("SELECT 1 FROM areas WHERE id <= $1 LIMIT 1", old.last_area).empty())
            db.run(
                "DELETE FROM areas AS a USING (SELECT DISTINCT osm_id, from_relation FROM areas "
                "WHERE id > $1) AS n WHERE a.osm_id = n.osm_id AND "
                "a.from_relation = n.from_relation AND a.id <= $1",
                old.last_area);
    }
    if (old.last_place > 0)
        db.run(
            "DELETE FROM places WHERE geom && ST_MakeEnvelope($1, $2, $3, $4, 4326) AND "
            "lon >= $1 AND lat >= $2 AND lon <= $3 AND lat <= $4 AND id <= $5",
            b.west, b.south, b.east, b.north, old.last_place);
}

// What people call an imported area (sqlite::settlement_name): its most important settlement,
// nearest the centre among equals.
std::string settlement_name(Connection& db, const geo::BBox& bounds) {
    auto rows = db.run(
        "SELECT p.name FROM places AS p WHERE p.geom && ST_MakeEnvelope($3, $1, $4, $2, 4326) "
        "AND p.lat >= $1 AND p.lat <= $2 AND p.lon >= $3 AND p.lon <= $4 "
        "AND p.kind = 'place' AND p.type IN ('city', 'town', 'municipality', 'village', "
        "'borough', 'suburb') "
        "ORDER BY CASE p.type WHEN 'city' THEN 0 WHEN 'town' THEN 1 WHEN 'municipality' THEN 2 "
        "WHEN 'village' THEN 3 WHEN 'borough' THEN 4 ELSE 5 END, "
        "(p.lat - $5) * (p.lat - $5) + (p.lon - $6) * (p.lon - $6), p.id LIMIT 1",
        bounds.south, bounds.north, bounds.west, bounds.east, (bounds.south + bounds.north) / 2,
        (bounds.west + bounds.east) / 2);
    return rows.empty() ? std::string() : rows.string(0, 0);
}

std::int64_t last_id(Connection& db, const char* sql) {
    return db.run(sql).int64(0, 0);
}

class PgOsmImportWriter final : public OsmImportWriter {
  public:
    PgOsmImportWriter(postgres::Pool::Lease lease, const Decision& decision,
                      std::function<void(Connection&)> saw_change)
        : m_lease(std::move(lease)),
          m_db(*m_lease),
          m_tx(m_db),
          m_decision(decision),
          m_saw_change(std::move(saw_change)) {
        m_db.run("SELECT pg_advisory_xact_lock($1)", import_lock);
        m_old.last_street = last_id(m_db, "SELECT coalesce(max(id), 0) FROM streets");
        m_old.last_area = last_id(m_db, "SELECT coalesce(max(id), 0) FROM areas");
        m_old.last_place = last_id(m_db, "SELECT coalesce(max(id), 0) FROM places");
    }

    void add_camera(const model::OsmCamera& camera) override { m_cameras.add(camera); }

    void add_street(const model::Street& s) override {
        if (s.points.size() < 2) return;
        m_blob.clear();
        encoding::put_points(m_blob, s.points);
        const auto b = encoding::box_of(s.points);
        m_streets.add(s.osm_way_id).add(s.highway).add(s.name).add(Bytes{m_blob});
        m_streets.add(b.west).add(b.south).add(b.east).add(b.north).end_row();
        ++m_summary.streets;
        if (m_streets.size() >= copy_chunk_bytes) send_streets();
    }

    void add_area(const model::Area& a) override {
        if (a.rings.empty() || a.rings[0].size() < 3) return;
        m_blob.clear();
        encoding::put_rings(m_blob, a.rings);
        const auto b = encoding::box_of(a.rings[0]);
        m_areas.add(a.osm_id).add(a.from_relation).add(model::to_string(a.kind)).add(a.name);
        m_areas.add(a.height_m).add(Bytes{m_blob});
        m_areas.add(b.west).add(b.south).add(b.east).add(b.north).end_row();
        switch (a.kind) {
            case model::AreaKind::building:
                ++m_summary.buildings;
                break;
            case model::AreaKind::water:
                ++m_summary.water;
                break;
            case model::AreaKind::park:
                ++m_summary.parks;
                break;
        }
        if (m_areas.size() >= copy_chunk_bytes) send_areas();
    }

    void add_place(const model::Place& p) override {
        if (!p.location.is_valid() || p.name.empty()) return;
        const std::string words = encoding::place_words(p);
        if (words.empty()) return;
        m_places.add(model::to_string(p.kind)).add(p.name).add(p.housenumber).add(p.street);
        m_places.add(p.type).add(p.context).add(encoding::place_names_column(p));
        m_places.add(p.location.lat).add(p.location.lon).add(words);
        m_places.end_row();
        ++m_summary.places;
        if (m_places.size() >= copy_chunk_bytes) send_places();
    }

    Result<OsmImportSummary> finish(const model::OsmExtract& rest) override {
        const auto& b = rest.bounds;
        if (!(b.west <= b.east && b.south <= b.north) || !geo::LatLon{b.south, b.west}.is_valid() ||
            !geo::LatLon{b.north, b.east}.is_valid())
            return fail(Errc::invalid_argument, "the extract's bounds are not a valid box");
        for (const auto& place : rest.places)
            add_place(place);
        for (const auto& street : rest.streets)
            add_street(street);
        for (const auto& area : rest.areas)
            add_area(area);
        send_places();
        send_streets();
        send_areas();

        auto& db = m_db;
        for (const auto& camera : rest.cameras)
            m_cameras.add(camera);
        m_cameras.remove_missing(rest.bounds, rest.source_name);
        replace_districts(db, rest, m_summary);
        delete_replaced(db, b, m_old);
        postgres::refresh_place_index(db, m_old.last_place);

        const auto& summary = m_summary;
        auto run = db.run(
            "INSERT INTO import_runs (at, source_name, west, south, east, north, cameras_new, "
            "cameras_updated, cameras_unchanged, cameras_removed, cameras_conflicts, streets, "
            "buildings, water, parks, place) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
            "$11, $12, $13, $14, $15, $16) RETURNING id",
            m_decision.at, rest.source_name, b.west, b.south, b.east, b.north, summary.cameras_new,
            summary.cameras_updated, summary.cameras_unchanged, summary.cameras_removed,
            summary.cameras_conflicts, summary.streets, summary.buildings, summary.water,
            summary.parks, settlement_name(db, b));
        const auto run_id = run.int64(0, 0);
        postgres::append_audit(db, m_decision.at, m_decision.actor, "import_osm",
                               fmt::format("import/{}", run_id),
                               m_decision.reason.empty() ? rest.source_name : m_decision.reason);
        db.run("UPDATE counters SET value = value + 1 WHERE name = 'map_version'");
        if (summary.cameras_new + summary.cameras_updated + summary.cameras_removed > 0)
            postgres::bump_camera_version(db);
        m_tx.commit();
        m_saw_change(db);
        return summary;
    }

  private:
    void send(const char* copy_sql, CopyRows& rows) {
        if (rows.empty()) return;
        m_db.copy_in(copy_sql, [&rows](CopySink& sink) { sink.write(rows); });
        rows.clear();
    }
    void send_streets() {
        send(
            "COPY streets (osm_way_id, highway, name, points, west, south, east, north) "
            "FROM STDIN",
            m_streets);
    }
    void send_areas() {
        send(
            "COPY areas (osm_id, from_relation, kind, name, height_m, rings, west, south, east, "
            "north) FROM STDIN",
            m_areas);
    }
    void send_places() {
        send(
            "COPY places (kind, name, housenumber, street, type, context, names, lat, lon, "
            "words) FROM STDIN",
            m_places);
    }

    postgres::Pool::Lease m_lease;  // before m_tx: the rollback needs the connection
    Connection& m_db;
    Transaction m_tx;
    Decision m_decision;
    std::function<void(Connection&)> m_saw_change;
    OldRows m_old;
    OsmImportSummary m_summary;
    PgCameraSync m_cameras{m_db, m_decision, m_summary};  // after the three it uses
    std::string m_blob;  // reused: one street's or area's packed geometry
    CopyRows m_streets;  // rows not sent yet, one COPY chunk of each table
    CopyRows m_areas;
    CopyRows m_places;
};

}  // namespace

std::unique_ptr<OsmImportWriter> PostgresStore::begin_osm_import(const Decision& decision) {
    return std::make_unique<PgOsmImportWriter>(m_pool->acquire(), decision,
                                               [this](Connection& db) { saw_change(db); });
}

Result<OsmImportSummary> PostgresStore::apply_osm_import(const model::OsmExtract& extract,
                                                         const Decision& decision) {
    return begin_osm_import(decision)->finish(extract);
}

}  // namespace sightline::store
