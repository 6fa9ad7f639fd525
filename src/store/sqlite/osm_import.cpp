// SqliteStore: writing an OpenStreetMap import (cameras by OSM id, streets, areas, places,
// import runs). Rows are written as they are read, inside one transaction that an
// SqliteOsmImportWriter holds open; the rows they replace are removed at the end, when the
// extract's bounds are known (see docs/adr/011-streaming-import.md).
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>

#include <fmt/core.h>

#include "store/encoding/json_columns.hpp"
#include "store/encoding/packed_geometry.hpp"
#include "store/encoding/place_words.hpp"
#include "store/osm_camera_sync.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/early_writeback.hpp"
#include "store/sqlite/map_cells.hpp"
#include "store/sqlite/places.hpp"
#include "store/sqlite/rows.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace sightline::store {

using sqlite::Connection;
using sqlite::Transaction;

namespace {

// The boxes of rows from before migration 13 are the R*Trees' 32-bit floats rounded outwards
// (~1e-5 degree at these magnitudes): widen the bounds a little so rows on the edge of the
// extract count as inside.
constexpr double rtree_slack_deg = 1e-4;

geo::BBox widened(geo::BBox b) {
    b.west -= rtree_slack_deg;
    b.south -= rtree_slack_deg;
    b.east += rtree_slack_deg;
    b.north += rtree_slack_deg;
    return b;
}

// The box of the points as the row keeps them (E7, encoding::put_points), so that the box test
// agrees with the geometry a reader gets back to the last digit.
geo::BBox stored_box_of(const std::vector<geo::LatLon>& points) {
    auto b = geo::BBox::empty_box();
    for (auto p : points)
        b.extend({encoding::e7(p.lat) / 1e7, encoding::e7(p.lon) / 1e7});
    return b;
}

// Binds a row's box and its grid cell (migration 13) to ?first.. ?first+4.
void bind_box(sqlite::Statement& stmt, int first, const geo::BBox& b) {
    stmt.bind(first, b.south);
    stmt.bind(first + 1, b.north);
    stmt.bind(first + 2, b.west);
    stmt.bind(first + 3, b.east);
    stmt.bind(first + 4, sqlite::map_cell(b));
}

// --- cameras ---------------------------------------------------------------------------------

std::map<OsmKey, StoredOsmCamera> load_osm_cameras(Connection& db) {
    std::map<OsmKey, StoredOsmCamera> out;
    auto stmt = db.prepare(
        "SELECT id, osm_type, osm_id, osm_version, status, locally_modified_at, lat, lon, tags "
        "FROM cameras WHERE osm_id IS NOT NULL");
    while (stmt.step()) {
        StoredOsmCamera c;
        c.id = model::CameraId{stmt.int64(0)};
        c.version = static_cast<int>(stmt.int64(3));
        c.removed = stmt.text(4) == "removed";
        c.locally_modified_at = stmt.int64(5);
        c.location = {stmt.real(6), stmt.real(7)};
        c.tags_json = stmt.string(8);
        out.emplace(OsmKey{stmt.string(1), stmt.int64(2)}, std::move(c));
    }
    return out;
}

// The rules of OsmCameraSync on SQLite's cameras (and their R*Tree index).
class SqliteCameraSync final : public OsmCameraSync {
  public:
    SqliteCameraSync(Connection& db, const Decision& decision, OsmImportSummary& summary)
        : OsmCameraSync(decision, summary), m_db(db) {}

  private:
    std::map<OsmKey, StoredOsmCamera> load_stored() override { return load_osm_cameras(m_db); }
    model::CameraId insert(const model::Camera& camera) override {
        return sqlite::insert_camera_row(m_db, camera);
    }
    void mark_in_sync(model::CameraId id, const model::OsmProvenance& osm) override {
        auto stmt = m_db.prepare(
            "UPDATE cameras SET osm_version = ?2, osm_timestamp = ?3, locally_modified_at = 0 "
            "WHERE id = ?1");
        stmt.bind_all(id.value, osm.version, osm.timestamp);
        stmt.run();
    }
    void update_from_osm(model::CameraId id, const model::OsmCamera& camera,
                         const std::string& tags_json, std::int64_t last_confirmed) override {
        // A report merged into it (a confirmation) is what made it verified; last_verified
        // now also moves with anonymous checks and OSM edits.
        auto update = m_db.prepare(
            "UPDATE cameras SET lat = ?2, lon = ?3, tags = ?4, kind = ?5, osm_version = ?6, "
            "osm_timestamp = ?7, updated_at = ?8, status = CASE WHEN status <> 'removed' "
            "THEN status WHEN confirmations > 0 THEN 'verified' ELSE 'reported' END, "
            "last_verified = max(last_verified, ?9) WHERE id = ?1");
        update.bind_all(id.value, camera.location.lat, camera.location.lon, tags_json,
                        model::camera_kind(camera.tags), camera.osm.version, camera.osm.timestamp,
                        decision().at, last_confirmed);
        update.run();
        auto index = m_db.prepare(
            "UPDATE camera_index SET min_lat = ?2, max_lat = ?2, min_lon = ?3, max_lon = ?3 "
            "WHERE id = ?1");
        index.bind_all(id.value, camera.location.lat, camera.location.lon);
        index.run();
    }
    void clear_local_change(model::CameraId id) override {
        auto stmt = m_db.prepare("UPDATE cameras SET locally_modified_at = 0 WHERE id = ?1");
        stmt.bind(1, id.value);
        stmt.run();
    }
    void mark_removed(model::CameraId id) override {
        auto update =
            m_db.prepare("UPDATE cameras SET status = 'removed', updated_at = ?2 WHERE id = ?1");
        update.bind_all(id.value, decision().at);
        update.run();
    }
    void append_history(model::CameraId id, const model::CameraEvent& event) override {
        sqlite::append_history(m_db, id, event);
    }

    Connection& m_db;
};

// --- districts ---------------------------------------------------------------------------------

// The extract's districts replace the complete ones whose box lies within its bounds (an import
// of the same area at another level leaves nothing of the old one) and earlier rows of the same
// boundaries.
void replace_districts(Connection& db, const model::OsmExtract& extract,
                       OsmImportSummary& summary) {
    const geo::BBox b = widened(extract.bounds);
    auto del = db.prepare(
        "DELETE FROM districts WHERE complete = 1 AND west >= ?1 AND south >= ?2 AND east <= ?3 "
        "AND north <= ?4");
    del.bind_all(b.west, b.south, b.east, b.north);
    del.run();
    std::string blob;
    for (const auto& d : extract.districts) {
        model::Tags names(d.names.begin(), d.names.end());
        // Complete means with its shape (the table's CHECK, off while the import writes).
        const bool complete = d.complete && !d.polygons.empty();
        auto insert = db.prepare(
            "INSERT OR REPLACE INTO districts (osm_type, osm_id, admin_level, name, names, "
            "complete, west, south, east, north, polygons) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
            "?8, ?9, ?10, ?11)");
        insert.bind_all(d.from_relation ? "relation" : "way", d.osm_id,
                        static_cast<std::int64_t>(d.admin_level), d.name,
                        encoding::write_tags(names), static_cast<std::int64_t>(complete ? 1 : 0));
        if (complete) {
            auto box = geo::BBox::empty_box();
            for (const auto& polygon : d.polygons)
                for (auto p : polygon.front())
                    box.extend(p);
            blob.clear();
            encoding::put_polygons(blob, d.polygons);
            insert.bind(7, box.west);
            insert.bind(8, box.south);
            insert.bind(9, box.east);
            insert.bind(10, box.north);
            insert.bind_blob(11, blob);
            ++summary.districts;
        } else {
            for (int column = 7; column <= 11; ++column)
                insert.bind(column, std::nullopt);
            ++summary.districts_incomplete;
        }
        insert.run();
    }
    summary.district_level = extract.district_level;
}

// --- streets and areas -----------------------------------------------------------------------

// The rows that were there before this import began: ids up to these (INTEGER PRIMARY KEY
// gives new rows larger ones), so the rows this import already wrote are never removed.
struct OldRows {
    std::int64_t last_street = 0;
    std::int64_t last_area = 0;
    std::int64_t last_place = 0;
};

// Earlier rows whose box lies within `bounds` (the extract replaces them), plus earlier copies
// of the ways and relations the extract brings (they may reach outside its bounds).
void delete_replaced(Connection& db, const geo::BBox& bounds, const OldRows& old) {
    const geo::BBox b = widened(bounds);
    // A box within the bounds meets them: the cells of for_each_map_cell_range hold it.
    auto collect = [&db, &b](const char* sql, std::int64_t last, std::string_view kind) {
        std::vector<std::int64_t> ids;
        if (last == 0) return ids;
        auto stmt = db.prepare(sql);
        stmt.bind(7, last);
        if (!kind.empty()) stmt.bind(8, kind);
        sqlite::for_each_map_cell_range(stmt, b, [&ids](sqlite::Statement& rows) {
            while (rows.step())
                ids.push_back(rows.int64(0));
        });
        return ids;
    };
    for (auto id : collect("SELECT id FROM streets WHERE cell BETWEEN ?1 AND ?2 AND min_lat >= ?3 "
                           "AND max_lat <= ?4 AND min_lon >= ?5 AND max_lon <= ?6 AND id <= ?7",
                           old.last_street, {})) {
        auto del = db.prepare("DELETE FROM streets WHERE id = ?1");
        del.bind(1, id);
        del.run();
    }
    for (auto kind : {model::AreaKind::building, model::AreaKind::water, model::AreaKind::park})
        for (auto id :
             collect("SELECT id FROM areas WHERE kind = ?8 AND cell BETWEEN ?1 AND ?2 AND min_lat "
                     ">= ?3 AND max_lat <= ?4 AND min_lon >= ?5 AND max_lon <= ?6 AND id <= ?7",
                     old.last_area, model::to_string(kind))) {
            auto del = db.prepare("DELETE FROM areas WHERE id = ?1");
            del.bind(1, id);
            del.run();
        }
    // Whatever is left of the same OSM objects (nothing after the bounds delete in the usual
    // case, so the lookups by OSM id are skipped then).
    auto left = [&db](const char* sql, std::int64_t last) {
        if (last == 0) return false;
        auto stmt = db.prepare(sql);
        stmt.bind(1, last);
        return stmt.step();
    };
    if (left("SELECT 1 FROM streets WHERE id <= ?1 LIMIT 1", old.last_street)) {
        auto del = db.prepare(
            "DELETE FROM streets WHERE id <= ?1 AND EXISTS (SELECT 1 FROM streets AS n WHERE "
            "n.osm_way_id = streets.osm_way_id AND n.id > ?1)");
        del.bind(1, old.last_street);
        del.run();
    }
    if (left("SELECT 1 FROM areas WHERE id <= ?1 LIMIT 1", old.last_area)) {
        auto del = db.prepare(
            "DELETE FROM areas WHERE id <= ?1 AND EXISTS (SELECT 1 FROM areas AS n WHERE "
            "n.osm_id = areas.osm_id AND n.from_relation = areas.from_relation AND n.id > ?1)");
        del.bind(1, old.last_area);
        del.run();
    }
}

std::int64_t last_id(Connection& db, const char* sql) {
    return db.query_int64(sql);
}

// The writer's page cache during an import. The 64 MB the connection keeps for camera R*Tree
// inserts (import-csv of a million cameras) bought nothing here once streets and areas left
// their R*Trees (migration 13): the rows are appended and their cell indexes grow in order of
// the file, mostly. 16 MB imported 256 copies of Munich as fast and with a 55 MB lower peak.
class ImportCacheSize {
  public:
    explicit ImportCacheSize(Connection& db)
        : m_db(db), m_before(db.query_int64("PRAGMA cache_size")) {
        m_db.execute("PRAGMA cache_size = -16384");
    }
    ~ImportCacheSize() {
        try {
            m_db.execute(fmt::format("PRAGMA cache_size = {}", m_before).c_str());
        } catch (...) {  // never from a destructor; a smaller cache is only slower
        }
    }
    ImportCacheSize(const ImportCacheSize&) = delete;
    ImportCacheSize& operator=(const ImportCacheSize&) = delete;

  private:
    Connection& m_db;
    std::int64_t m_before;
};

class SqliteOsmImportWriter final : public OsmImportWriter {
  public:
    SqliteOsmImportWriter(std::mutex& write_mutex, Connection& db, const Decision& decision)
        : m_lock(write_mutex),
          m_db(db),
          m_cache_size(db),
          m_checks_off(db),
          m_tx(db),
          m_decision(decision) {
        m_old.last_street = last_id(db, "SELECT coalesce(max(id), 0) FROM streets");
        m_old.last_area = last_id(db, "SELECT coalesce(max(id), 0) FROM areas");
        m_old.last_place = last_id(db, "SELECT coalesce(max(id), 0) FROM places");
    }

    void add_camera(const model::OsmCamera& camera) override { m_cameras.add(camera); }

    void add_street(const model::Street& s) override {
        if (s.points.size() < 2) return;
        m_blob.clear();
        encoding::put_points(m_blob, s.points);
        if (!m_insert_street)
            m_insert_street = m_db.compile(
                "INSERT INTO streets (osm_way_id, highway, name, points, min_lat, max_lat, "
                "min_lon, max_lon, cell) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
        // The text and the blob are bound, not copied: they outlive the Statement.
        sqlite::Statement insert(m_insert_street.get(), m_db);
        insert.bind(1, s.osm_way_id).bind_unowned(2, s.highway).bind_unowned(3, s.name);
        insert.bind_blob_unowned(4, m_blob);
        bind_box(insert, 5, stored_box_of(s.points));
        insert.run();
        ++m_summary.streets;
    }

    void add_area(const model::Area& a) override {
        if (a.rings.empty() || a.rings[0].size() < 3) return;
        m_blob.clear();
        encoding::put_rings(m_blob, a.rings);
        if (!m_insert_area)
            m_insert_area = m_db.compile(
                "INSERT INTO areas (osm_id, from_relation, kind, name, height_m, rings, min_lat, "
                "max_lat, min_lon, max_lon, cell) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                "?10, ?11)");
        sqlite::Statement insert(m_insert_area.get(), m_db);
        insert.bind(1, a.osm_id).bind(2, std::int64_t{a.from_relation ? 1 : 0});
        insert.bind_unowned(3, model::to_string(a.kind)).bind_unowned(4, a.name);
        insert.bind(5, a.height_m);
        insert.bind_blob_unowned(6, m_blob);
        bind_box(insert, 7, stored_box_of(a.rings[0]));
        insert.run();
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
    }

    void add_place(const model::Place& place) override {
        add_prepared_place(encoding::prepare_place(place));
    }

    [[nodiscard]] model::PreparedPlace prepare_place(model::Place place) const override {
        return encoding::prepare_place(std::move(place));
    }

    void add_prepared_place(const model::PreparedPlace& place) override {
        if (!m_place_load) m_place_load.emplace(m_db);
        if (m_place_load->insert(place)) ++m_summary.places;
    }

    Result<OsmImportSummary> finish(const model::OsmExtract& rest) override {
        const auto& b = rest.bounds;
        if (!(b.west <= b.east && b.south <= b.north) || !geo::LatLon{b.south, b.west}.is_valid() ||
            !geo::LatLon{b.north, b.east}.is_valid())
            return fail(Errc::invalid_argument, "the extract's bounds are not a valid box");
        for (const auto& place : rest.places)
            add_place(place);
        if (m_place_load) m_place_load->finish();  // before the places in bounds are deleted
        m_place_load.reset();
        for (const auto& street : rest.streets)
            add_street(street);
        for (const auto& area : rest.areas)
            add_area(area);

        auto& db = m_db;
        for (const auto& camera : rest.cameras)
            m_cameras.add(camera);
        m_cameras.remove_missing(rest.bounds, rest.source_name);
        replace_districts(db, rest, m_summary);
        delete_replaced(db, b, m_old);
        if (m_old.last_place > 0) sqlite::delete_places_in(db, widened(b), m_old.last_place);
        sqlite::refresh_place_words(db);

        const auto& summary = m_summary;
        auto run = db.prepare(
            "INSERT INTO import_runs (at, source_name, west, south, east, north, cameras_new, "
            "cameras_updated, cameras_unchanged, cameras_removed, cameras_conflicts, streets, "
            "buildings, water, parks, place) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
            "?11, ?12, ?13, ?14, ?15, ?16)");
        run.bind_all(m_decision.at, rest.source_name, b.west, b.south, b.east, b.north,
                     summary.cameras_new, summary.cameras_updated, summary.cameras_unchanged,
                     summary.cameras_removed, summary.cameras_conflicts, summary.streets,
                     summary.buildings, summary.water, summary.parks,
                     sqlite::settlement_name(db, b));
        run.run();
        auto run_id = db.last_insert_rowid();
        sqlite::append_audit(db, m_decision.at, m_decision.actor, "import_osm",
                             fmt::format("import/{}", run_id),
                             m_decision.reason.empty() ? rest.source_name : m_decision.reason);
        db.execute("UPDATE meta SET value = value + 1 WHERE key = 'map_version'");
        if (summary.cameras_new + summary.cameras_updated + summary.cameras_removed > 0)
            sqlite::bump_camera_version(db);
        m_tx.commit();
        return summary;
    }

  private:
    std::unique_lock<std::mutex> m_lock;  // before m_tx: the rollback runs under the lock
    Connection& m_db;
    ImportCacheSize m_cache_size;  // before m_tx: restored once the transaction has ended
    // Every row this writer makes comes from typed values that meet the tables' CHECKs: kinds
    // and statuses from enums, osm_type "node" or "way", places and cameras on the globe
    // (PlaceLoad::insert and OsmCameraSync::add skip others). Areas' and cameras' IN lists cost
    // a temporary B-tree per row. Before m_tx, like the cache size.
    sqlite::CheckConstraintsOff m_checks_off;
    Transaction m_tx;
    // Writes the pages out while the import runs, not all at its commit. After m_tx: it stops
    // before the transaction ends in the destructor.
    sqlite::EarlyWriteback m_writeback{
        {m_db.path(), std::filesystem::path{m_db.path().string() + "-wal"}}};
    Decision m_decision;
    OldRows m_old;
    OsmImportSummary m_summary;
    SqliteCameraSync m_cameras{m_db, m_decision, m_summary};  // after the three it uses
    std::string m_blob;  // reused: one street's or area's packed geometry
    // Their own statements, from the first row on (no lookup in the connection's cache per row).
    sqlite::StatementHandle m_insert_street;
    sqlite::StatementHandle m_insert_area;
    std::optional<sqlite::PlaceLoad> m_place_load;  // from the first place to finish()
};

}  // namespace

std::unique_ptr<OsmImportWriter> SqliteStore::begin_osm_import(const Decision& decision) {
    return std::make_unique<SqliteOsmImportWriter>(m_write_mutex, *m_writer, decision);
}

Result<OsmImportSummary> SqliteStore::apply_osm_import(const model::OsmExtract& extract,
                                                       const Decision& decision) {
    return begin_osm_import(decision)->finish(extract);
}

}  // namespace sightline::store
