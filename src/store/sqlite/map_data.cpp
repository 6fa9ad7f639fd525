// SqliteStore: reading the street network, areas and import runs for tiles and analysis (the
// import itself is written by osm_import.cpp).
#include <algorithm>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>

#include "store/encoding/json_columns.hpp"
#include "store/encoding/packed_geometry.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/map_cells.hpp"
#include "store/sqlite/read_pool.hpp"
#include "store/sqlite/rows.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace sightline::store {

using encoding::read_points;
using encoding::read_rings;

namespace {

// Streets and areas are read in two steps. First the ids of the rows whose box meets the query,
// from the index alone (it holds the boxes; sqlite/map_cells.hpp), one statement per range of
// cells; then the rows themselves, in the order of their ids, as the R*Tree queries gave them
// (SQLite read the ids the R*Tree found into a sorted list): tiles keep the same bytes, and the
// rows are read in the order they lie in the table rather than in the cells' order, which costs
// a fifth more on a dense map. The ids go to the second statement as a JSON array.
// All of it in one read transaction: one snapshot (an import committing meanwhile is seen in all
// the ranges or none), and one lock of the database instead of one per statement.
std::string ids_meeting(sqlite::Connection& db, std::string_view sql, const geo::BBox& bbox,
                        std::string_view kind = {}) {
    std::vector<std::int64_t> ids;
    auto stmt = db.prepare(sql);
    if (!kind.empty()) stmt.bind(7, kind);
    sqlite::for_each_map_cell_range(stmt, bbox, [&ids](sqlite::Statement& rows) {
        while (rows.step())
            ids.push_back(rows.int64(0));
    });
    std::sort(ids.begin(), ids.end());
    std::string json;
    if (ids.empty()) return json;
    json.reserve(ids.size() * 9 + 2);
    json += '[';
    for (auto id : ids) {
        if (json.size() > 1) json += ',';
        fmt::format_to(std::back_inserter(json), "{}", id);
    }
    json += ']';
    return json;
}

}  // namespace

void SqliteStore::for_each_street(const geo::BBox& bbox,
                                  const std::function<void(const model::Street&)>& visit) {
    std::vector<model::Street> streets;
    {
        auto db = m_readers->acquire();
        sqlite::Transaction snapshot(*db, sqlite::Transaction::Mode::deferred);
        const auto ids = ids_meeting(
            *db,
            "SELECT id FROM streets WHERE cell BETWEEN ?1 AND ?2 AND max_lat >= ?3 AND min_lat "
            "<= ?4 AND max_lon >= ?5 AND min_lon <= ?6",
            bbox);
        if (!ids.empty()) {
            auto stmt = db->prepare(
                "SELECT s.osm_way_id, s.highway, s.name, s.points FROM json_each(?1) AS j CROSS "
                "JOIN streets AS s ON s.id = j.value");
            stmt.bind(1, ids);
            while (stmt.step())
                streets.push_back(model::Street{stmt.int64(0), stmt.string(1), stmt.string(2),
                                                read_points(stmt.text(3))});
        }
        snapshot.commit();
    }
    for (const auto& s : streets)
        visit(s);
}

void SqliteStore::for_each_area(const geo::BBox& bbox, model::AreaKind kind,
                                const std::function<void(const model::Area&)>& visit) {
    std::vector<model::Area> areas;
    {
        auto db = m_readers->acquire();
        sqlite::Transaction snapshot(*db, sqlite::Transaction::Mode::deferred);
        const auto ids = ids_meeting(
            *db,
            "SELECT id FROM areas WHERE kind = ?7 AND cell BETWEEN ?1 AND ?2 AND max_lat >= ?3 "
            "AND min_lat <= ?4 AND max_lon >= ?5 AND min_lon <= ?6",
            bbox, model::to_string(kind));
        if (!ids.empty()) {
            auto stmt = db->prepare(
                "SELECT a.osm_id, a.from_relation, a.name, a.height_m, a.rings FROM json_each(?1) "
                "AS j CROSS JOIN areas AS a ON a.id = j.value");
            stmt.bind(1, ids);
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
        snapshot.commit();
    }
    for (const auto& a : areas)
        visit(a);
}

std::optional<geo::BBox> SqliteStore::street_bounds() {
    auto db = m_readers->acquire();
    // Reads the index streets_cell (it holds the boxes), not the rows with their points.
    auto stmt = db->prepare(
        "SELECT min(min_lon), min(min_lat), max(max_lon), max(max_lat) FROM streets INDEXED BY "
        "streets_cell");
    if (!stmt.step() || stmt.is_null(0)) return std::nullopt;
    return geo::BBox{stmt.real(0), stmt.real(1), stmt.real(2), stmt.real(3)};
}

std::int64_t SqliteStore::map_version() {
    auto db = m_readers->acquire();
    return db->query_int64("SELECT value FROM meta WHERE key = 'map_version'");
}

namespace {

constexpr const char* district_columns =
    "SELECT id, osm_type, osm_id, admin_level, name, names, complete, polygons FROM districts";

model::District district_row(const sqlite::Statement& stmt, bool with_polygons) {
    model::District d;
    d.id = stmt.int64(0);
    d.from_relation = stmt.text(1) == "relation";
    d.osm_id = stmt.int64(2);
    d.admin_level = static_cast<int>(stmt.int64(3));
    d.name = stmt.string(4);
    for (auto& [key, value] : encoding::read_tags(stmt.text(5)))
        d.names.emplace_back(key, value);
    d.complete = stmt.int64(6) != 0;
    if (with_polygons && !stmt.is_null(7)) d.polygons = encoding::read_polygons(stmt.text(7));
    return d;
}

}  // namespace

std::vector<model::District> SqliteStore::districts(bool with_polygons) {
    auto db = m_readers->acquire();
    auto stmt = db->prepare(
        fmt::format("{} ORDER BY complete DESC, name, osm_id", district_columns).c_str());
    std::vector<model::District> out;
    while (stmt.step())
        out.push_back(district_row(stmt, with_polygons));
    return out;
}

std::optional<model::District> SqliteStore::find_district(std::int64_t id) {
    auto db = m_readers->acquire();
    auto stmt = db->prepare(fmt::format("{} WHERE id = ?1", district_columns).c_str());
    stmt.bind(1, id);
    if (!stmt.step()) return std::nullopt;
    return district_row(stmt, true);
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
