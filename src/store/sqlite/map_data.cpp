// SqliteStore: OpenStreetMap imports (cameras by OSM id, streets, areas, import runs) and the
// reads of the street network and areas for tiles and analysis.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <set>

#include <fmt/core.h>

#include "store/sqlite/connection.hpp"
#include "store/sqlite/json_columns.hpp"
#include "store/sqlite/places.hpp"
#include "store/sqlite/read_pool.hpp"
#include "store/sqlite/rows.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace sightline::store {

using sqlite::Connection;
using sqlite::Transaction;

namespace {

// R*Tree boxes are 32-bit floats rounded outwards (~1e-5 degree at these magnitudes): widen the
// bounds a little so rows on the edge of the extract count as inside.
constexpr double rtree_slack_deg = 1e-4;

// --- packed geometry: int32 E7 (lat, lon) pairs, host byte order (the file never moves
//     between machines of different endianness in practice; SQLite itself is portable) ------

void put_int32(std::string& out, std::int32_t v) {
    char bytes[sizeof v];
    std::memcpy(bytes, &v, sizeof v);
    out.append(bytes, sizeof v);
}

std::int32_t e7(double degrees) {
    return static_cast<std::int32_t>(std::lround(degrees * 1e7));
}

void put_points(std::string& out, const std::vector<geo::LatLon>& points) {
    for (auto p : points) {
        put_int32(out, e7(p.lat));
        put_int32(out, e7(p.lon));
    }
}

class Reader {
  public:
    explicit Reader(std::string_view bytes) : m_bytes(bytes) {}
    std::int32_t int32() {
        if (m_bytes.size() < 4) throw sightline::Exception("corrupt database row: packed geometry");
        std::int32_t v = 0;
        std::memcpy(&v, m_bytes.data(), sizeof v);
        m_bytes.remove_prefix(4);
        return v;
    }
    geo::LatLon point() {
        double lat = int32() / 1e7;
        double lon = int32() / 1e7;
        return {lat, lon};
    }
    [[nodiscard]] std::size_t left() const noexcept { return m_bytes.size(); }

  private:
    std::string_view m_bytes;
};

std::vector<geo::LatLon> read_points(std::string_view bytes) {
    Reader r(bytes);
    std::vector<geo::LatLon> points;
    points.reserve(bytes.size() / 8);
    while (r.left() >= 8)
        points.push_back(r.point());
    return points;
}

std::vector<std::vector<geo::LatLon>> read_rings(std::string_view bytes) {
    Reader r(bytes);
    auto count = r.int32();
    std::vector<std::vector<geo::LatLon>> rings(static_cast<std::size_t>(std::max(count, 0)));
    for (auto& ring : rings) {
        auto n = r.int32();
        if (n < 0 || static_cast<std::size_t>(n) * 8 > r.left())
            throw sightline::Exception("corrupt database row: packed rings");
        ring.reserve(static_cast<std::size_t>(n));
        for (std::int32_t i = 0; i < n; ++i)
            ring.push_back(r.point());
    }
    return rings;
}

geo::BBox box_of(const std::vector<geo::LatLon>& points) {
    auto b = geo::BBox::empty_box();
    for (auto p : points)
        b.extend(p);
    return b;
}

void index_box(Connection& db, const char* sql, std::int64_t id, const geo::BBox& b) {
    auto stmt = db.prepare(sql);
    stmt.bind_all(id, b.south, b.north, b.west, b.east);
    stmt.run();
}

// --- cameras ---------------------------------------------------------------------------------

struct StoredOsmCamera {
    model::CameraId id;
    int version = 0;
    bool removed = false;
    std::int64_t locally_modified_at = 0;
    geo::LatLon location;
    std::string tags_json;
    bool seen = false;
};

using OsmKey = std::pair<std::string, std::int64_t>;

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

void set_locally_modified(Connection& db, model::CameraId id, std::int64_t at) {
    auto stmt = db.prepare("UPDATE cameras SET locally_modified_at = ?2 WHERE id = ?1");
    stmt.bind_all(id.value, at);
    stmt.run();
}

std::string osm_name(const model::OsmProvenance& osm) {
    return fmt::format("{}/{} v{}", osm.type, osm.id, osm.version);
}

void apply_cameras(Connection& db, const model::OsmExtract& extract, const Decision& decision,
                   OsmImportSummary& summary) {
    auto stored = load_osm_cameras(db);
    std::set<OsmKey> incoming;
    for (const auto& camera : extract.cameras) {
        if (!camera.location.is_valid() || camera.osm.id == 0) continue;
        OsmKey key{camera.osm.type, camera.osm.id};
        if (!incoming.insert(key).second) continue;  // duplicates in a file: first one wins
        std::string tags_json = sqlite::write_tags(camera.tags);
        auto found = stored.find(key);
        if (found == stored.end()) {
            model::Camera c;
            c.location = camera.location;
            // Mapped by someone, not checked by this instance's moderators.
            c.status = model::CameraStatus::reported;
            c.tags = camera.tags;
            c.first_seen = decision.at;
            c.updated_at = decision.at;
            c.osm = camera.osm;
            auto id = sqlite::insert_camera_row(db, c);
            sqlite::append_history(
                db, id,
                {decision.at, "imported", decision.actor, osm_name(camera.osm), std::nullopt});
            ++summary.cameras_new;
            continue;
        }
        auto& old = found->second;
        old.seen = true;
        bool same_content = old.tags_json == tags_json && old.location == camera.location;
        // Removed earlier because it was gone from OSM, and back now.
        bool reappeared = old.removed && old.locally_modified_at == 0;
        bool changed = camera.osm.version > old.version ||
                       (camera.osm.version == old.version && !same_content) || reappeared;
        if (!changed) {
            ++summary.cameras_unchanged;
            continue;
        }
        if (old.locally_modified_at > 0) {
            if (same_content && !old.removed) {
                // The local change reached OSM (a mapper uploaded our osmChange): in sync again.
                auto stmt = db.prepare(
                    "UPDATE cameras SET osm_version = ?2, osm_timestamp = ?3, "
                    "locally_modified_at = 0 WHERE id = ?1");
                stmt.bind_all(old.id.value, camera.osm.version, camera.osm.timestamp);
                stmt.run();
                ++summary.cameras_unchanged;
                continue;
            }
            sqlite::append_history(
                db, old.id,
                {decision.at, "conflict", decision.actor,
                 fmt::format("OpenStreetMap has {} but the camera was changed here; local state "
                             "kept",
                             osm_name(camera.osm)),
                 std::nullopt});
            ++summary.cameras_conflicts;
            continue;
        }
        {
            auto update = db.prepare(
                "UPDATE cameras SET lat = ?2, lon = ?3, tags = ?4, kind = ?5, osm_version = ?6, "
                "osm_timestamp = ?7, updated_at = ?8, status = CASE WHEN status <> 'removed' "
                "THEN status WHEN last_verified > 0 THEN 'verified' ELSE 'reported' END "
                "WHERE id = ?1");
            update.bind_all(old.id.value, camera.location.lat, camera.location.lon, tags_json,
                            model::camera_kind(camera.tags), camera.osm.version,
                            camera.osm.timestamp, decision.at);
            update.run();
            auto index = db.prepare(
                "UPDATE camera_index SET min_lat = ?2, max_lat = ?2, min_lon = ?3, max_lon = ?3 "
                "WHERE id = ?1");
            index.bind_all(old.id.value, camera.location.lat, camera.location.lon);
            index.run();
        }
        sqlite::append_history(
            db, old.id,
            {decision.at, reappeared ? "restored" : "updated", decision.actor,
             fmt::format("OpenStreetMap v{} -> v{}", old.version, camera.osm.version),
             std::nullopt});
        ++summary.cameras_updated;
    }

    // Cameras of earlier imports inside these bounds that the extract no longer has.
    for (auto& [key, old] : stored) {
        if (old.seen || !extract.bounds.contains(old.location)) continue;
        if (old.removed) {
            // Removed here and now gone from OSM too: the deletion has been uploaded.
            if (old.locally_modified_at > 0) set_locally_modified(db, old.id, 0);
            continue;
        }
        if (old.locally_modified_at > 0) {
            sqlite::append_history(
                db, old.id,
                {decision.at, "conflict", decision.actor,
                 "deleted in OpenStreetMap but changed here; local state kept", std::nullopt});
            ++summary.cameras_conflicts;
            continue;
        }
        auto update =
            db.prepare("UPDATE cameras SET status = 'removed', updated_at = ?2 WHERE id = ?1");
        update.bind_all(old.id.value, decision.at);
        update.run();
        sqlite::append_history(
            db, old.id,
            {decision.at, "removed", decision.actor,
             fmt::format("gone from OpenStreetMap ({})", extract.source_name), std::nullopt});
        ++summary.cameras_removed;
    }
}

// --- streets and areas -----------------------------------------------------------------------

// Rows whose box lies within `bounds` (the extract replaces them), plus older copies of the
// ways and relations the extract brings (they may reach outside its bounds).
void delete_replaced(Connection& db, const model::OsmExtract& extract) {
    geo::BBox b = extract.bounds;
    b.west -= rtree_slack_deg;
    b.south -= rtree_slack_deg;
    b.east += rtree_slack_deg;
    b.north += rtree_slack_deg;
    auto collect = [&db, &b](const char* sql) {
        std::vector<std::int64_t> ids;
        auto stmt = db.prepare(sql);
        stmt.bind_all(b.south, b.north, b.west, b.east);
        while (stmt.step())
            ids.push_back(stmt.int64(0));
        return ids;
    };
    auto streets = collect(
        "SELECT id FROM street_index WHERE min_lat >= ?1 AND max_lat <= ?2 AND min_lon >= ?3 "
        "AND max_lon <= ?4");
    for (auto id : streets) {
        auto del = db.prepare("DELETE FROM streets WHERE id = ?1");
        del.bind(1, id);
        del.run();
    }
    auto areas = collect(
        "SELECT id FROM area_index WHERE min_lat >= ?1 AND max_lat <= ?2 AND min_lon >= ?3 AND "
        "max_lon <= ?4");
    for (auto id : areas) {
        auto del = db.prepare("DELETE FROM areas WHERE id = ?1");
        del.bind(1, id);
        del.run();
    }
    // Whatever is left of the same OSM objects (empty after the bounds delete in the usual case).
    std::int64_t left = db.query_int64("SELECT count(*) FROM streets") +
                        db.query_int64("SELECT count(*) FROM areas");
    if (left == 0) return;
    std::set<std::int64_t> ways;
    for (const auto& s : extract.streets)
        if (ways.insert(s.osm_way_id).second) {
            auto del = db.prepare("DELETE FROM streets WHERE osm_way_id = ?1");
            del.bind(1, s.osm_way_id);
            del.run();
        }
    std::set<std::pair<std::int64_t, bool>> objects;
    for (const auto& a : extract.areas)
        if (objects.insert({a.osm_id, a.from_relation}).second) {
            auto del = db.prepare("DELETE FROM areas WHERE osm_id = ?1 AND from_relation = ?2");
            del.bind_all(a.osm_id, a.from_relation ? 1 : 0);
            del.run();
        }
}

std::int64_t insert_streets(Connection& db, const std::vector<model::Street>& streets) {
    std::string blob;
    std::int64_t count = 0;
    for (const auto& s : streets) {
        if (s.points.size() < 2) continue;
        blob.clear();
        put_points(blob, s.points);
        auto insert = db.prepare(
            "INSERT INTO streets (osm_way_id, highway, name, points) VALUES (?1, ?2, ?3, ?4)");
        insert.bind_all(s.osm_way_id, s.highway, s.name);
        insert.bind_blob(4, blob);
        insert.run();
        index_box(db,
                  "INSERT INTO street_index (id, min_lat, max_lat, min_lon, max_lon) "
                  "VALUES (?1, ?2, ?3, ?4, ?5)",
                  db.last_insert_rowid(), box_of(s.points));
        ++count;
    }
    return count;
}

void insert_areas(Connection& db, const std::vector<model::Area>& areas,
                  OsmImportSummary& summary) {
    std::string blob;
    for (const auto& a : areas) {
        if (a.rings.empty() || a.rings[0].size() < 3) continue;
        blob.clear();
        put_int32(blob, static_cast<std::int32_t>(a.rings.size()));
        for (const auto& ring : a.rings) {
            put_int32(blob, static_cast<std::int32_t>(ring.size()));
            put_points(blob, ring);
        }
        auto insert = db.prepare(
            "INSERT INTO areas (osm_id, from_relation, kind, name, height_m, rings) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        insert.bind_all(a.osm_id, a.from_relation ? 1 : 0, model::to_string(a.kind), a.name,
                        a.height_m);
        insert.bind_blob(6, blob);
        insert.run();
        index_box(db,
                  "INSERT INTO area_index (id, min_lat, max_lat, min_lon, max_lon) "
                  "VALUES (?1, ?2, ?3, ?4, ?5)",
                  db.last_insert_rowid(), box_of(a.rings[0]));
        switch (a.kind) {
            case model::AreaKind::building:
                ++summary.buildings;
                break;
            case model::AreaKind::water:
                ++summary.water;
                break;
            case model::AreaKind::park:
                ++summary.parks;
                break;
        }
    }
}

}  // namespace

Result<OsmImportSummary> SqliteStore::apply_osm_import(const model::OsmExtract& extract,
                                                       const Decision& decision) {
    const auto& b = extract.bounds;
    if (!(b.west <= b.east && b.south <= b.north) || !geo::LatLon{b.south, b.west}.is_valid() ||
        !geo::LatLon{b.north, b.east}.is_valid())
        return fail(Errc::invalid_argument, "the extract's bounds are not a valid box");
    OsmImportSummary summary;
    std::lock_guard lock(m_write_mutex);
    auto& db = *m_writer;
    // A bigger page cache for the bulk insert (R*Tree inserts touch many pages); 64 MiB.
    db.execute("PRAGMA cache_size = -65536");
    Transaction tx(db);
    apply_cameras(db, extract, decision, summary);
    delete_replaced(db, extract);
    {
        geo::BBox b = extract.bounds;
        b.west -= rtree_slack_deg;
        b.south -= rtree_slack_deg;
        b.east += rtree_slack_deg;
        b.north += rtree_slack_deg;
        sqlite::delete_places_in(db, b);
    }
    summary.places = sqlite::insert_places(db, extract.places);
    sqlite::refresh_place_words(db);
    summary.streets = insert_streets(db, extract.streets);
    insert_areas(db, extract.areas, summary);

    auto run = db.prepare(
        "INSERT INTO import_runs (at, source_name, west, south, east, north, cameras_new, "
        "cameras_updated, cameras_unchanged, cameras_removed, cameras_conflicts, streets, "
        "buildings, water, parks, place) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
        "?12, ?13, ?14, ?15, ?16)");
    run.bind_all(decision.at, extract.source_name, b.west, b.south, b.east, b.north,
                 summary.cameras_new, summary.cameras_updated, summary.cameras_unchanged,
                 summary.cameras_removed, summary.cameras_conflicts, summary.streets,
                 summary.buildings, summary.water, summary.parks, sqlite::settlement_name(db, b));
    run.run();
    auto run_id = db.last_insert_rowid();
    sqlite::append_audit(db, decision.at, decision.actor, "import_osm",
                         fmt::format("import/{}", run_id),
                         decision.reason.empty() ? extract.source_name : decision.reason);
    db.execute("UPDATE meta SET value = value + 1 WHERE key = 'map_version'");
    if (summary.cameras_new + summary.cameras_updated + summary.cameras_removed > 0)
        sqlite::bump_camera_version(db);
    tx.commit();
    return summary;
}

void SqliteStore::for_each_street(const geo::BBox& bbox,
                                  const std::function<void(const model::Street&)>& visit) {
    std::vector<model::Street> streets;
    {
        auto db = m_readers->acquire();
        auto stmt = db->prepare(
            "SELECT osm_way_id, highway, name, points FROM streets WHERE id IN (SELECT id FROM "
            "street_index WHERE max_lat >= ?1 AND min_lat <= ?2 AND max_lon >= ?3 AND min_lon "
            "<= ?4)");
        stmt.bind_all(bbox.south, bbox.north, bbox.west, bbox.east);
        while (stmt.step())
            streets.push_back(model::Street{stmt.int64(0), stmt.string(1), stmt.string(2),
                                            read_points(stmt.text(3))});
    }
    for (const auto& s : streets)
        visit(s);
}

void SqliteStore::for_each_area(const geo::BBox& bbox, model::AreaKind kind,
                                const std::function<void(const model::Area&)>& visit) {
    std::vector<model::Area> areas;
    {
        auto db = m_readers->acquire();
        auto stmt = db->prepare(
            "SELECT osm_id, from_relation, name, height_m, rings FROM areas WHERE id IN (SELECT "
            "id FROM area_index WHERE max_lat >= ?1 AND min_lat <= ?2 AND max_lon >= ?3 AND "
            "min_lon <= ?4) AND kind = ?5");
        stmt.bind_all(bbox.south, bbox.north, bbox.west, bbox.east, model::to_string(kind));
        while (stmt.step()) {
            model::Area a;
            a.osm_id = stmt.int64(0);
            a.from_relation = stmt.int64(1) != 0;
            a.kind = kind;
            a.name = stmt.string(2);
            a.height_m = stmt.real(3);
            a.rings = read_rings(stmt.text(4));
            areas.push_back(std::move(a));
        }
    }
    for (const auto& a : areas)
        visit(a);
}

std::optional<geo::BBox> SqliteStore::street_bounds() {
    auto db = m_readers->acquire();
    auto stmt = db->prepare(
        "SELECT min(min_lon), min(min_lat), max(max_lon), max(max_lat) FROM street_index");
    if (!stmt.step() || stmt.is_null(0)) return std::nullopt;
    return geo::BBox{stmt.real(0), stmt.real(1), stmt.real(2), stmt.real(3)};
}

std::int64_t SqliteStore::map_version() {
    auto db = m_readers->acquire();
    return db->query_int64("SELECT value FROM meta WHERE key = 'map_version'");
}

std::optional<ImportRun> SqliteStore::last_import() {
    auto db = m_readers->acquire();
    auto stmt = db->prepare(
        "SELECT id, at, source_name, cameras_new, cameras_updated, cameras_unchanged, "
        "cameras_removed, cameras_conflicts, streets, buildings, water, parks FROM import_runs "
        "ORDER BY id DESC LIMIT 1");
    if (!stmt.step()) return std::nullopt;
    ImportRun run;
    run.id = stmt.int64(0);
    run.at = stmt.int64(1);
    run.source_name = stmt.string(2);
    run.summary = {stmt.int64(3), stmt.int64(4), stmt.int64(5),  stmt.int64(6), stmt.int64(7),
                   stmt.int64(8), stmt.int64(9), stmt.int64(10), stmt.int64(11)};
    return run;
}

std::vector<model::Camera> SqliteStore::cameras_changed_since_import() {
    static const std::string sql =
        sqlite::camera_columns() +
        " FROM cameras AS c WHERE (c.osm_id IS NULL AND c.status <> 'removed') OR "
        "c.locally_modified_at > 0 ORDER BY c.id";
    auto db = m_readers->acquire();
    auto stmt = db->prepare(sql);
    std::vector<model::Camera> cameras;
    while (stmt.step())
        cameras.push_back(sqlite::read_camera(stmt));
    return cameras;
}

}  // namespace sightline::store
