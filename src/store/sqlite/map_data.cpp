// SqliteStore: reading the street network, areas and import runs for tiles and analysis (the
// import itself is written by osm_import.cpp).
#include <algorithm>
#include <optional>
#include <utility>

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

// Rows come out in the order of their ids, as the R*Tree queries these replace gave them (SQLite
// read the ids the R*Tree found into a sorted list): tiles keep the same bytes.
void SqliteStore::for_each_street(const geo::BBox& bbox,
                                  const std::function<void(const model::Street&)>& visit) {
    std::vector<std::pair<std::int64_t, model::Street>> streets;
    {
        auto db = m_readers->acquire();
        auto stmt = db->prepare(
            "SELECT id, osm_way_id, highway, name, points FROM streets WHERE cell BETWEEN ?1 AND "
            "?2 AND max_lat >= ?3 AND min_lat <= ?4 AND max_lon >= ?5 AND min_lon <= ?6");
        sqlite::for_each_map_cell_range(stmt, bbox, [&streets](sqlite::Statement& rows) {
            while (rows.step())
                streets.emplace_back(rows.int64(0),
                                     model::Street{rows.int64(1), rows.string(2), rows.string(3),
                                                   read_points(rows.text(4))});
        });
    }
    std::sort(streets.begin(), streets.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [id, s] : streets)
        visit(s);
}

void SqliteStore::for_each_area(const geo::BBox& bbox, model::AreaKind kind,
                                const std::function<void(const model::Area&)>& visit) {
    std::vector<std::pair<std::int64_t, model::Area>> areas;
    {
        auto db = m_readers->acquire();
        auto stmt = db->prepare(
            "SELECT id, osm_id, from_relation, name, height_m, rings FROM areas WHERE kind = ?7 "
            "AND cell BETWEEN ?1 AND ?2 AND max_lat >= ?3 AND min_lat <= ?4 AND max_lon >= ?5 AND "
            "min_lon <= ?6");
        stmt.bind(7, model::to_string(kind));
        sqlite::for_each_map_cell_range(stmt, bbox, [&areas, kind](sqlite::Statement& rows) {
            while (rows.step()) {
                model::Area a;
                a.osm_id = rows.int64(1);
                a.from_relation = rows.int64(2) != 0;
                a.kind = kind;
                a.name = rows.string(3);
                a.height_m = rows.real(4);
                a.rings = read_rings(rows.text(5));
                areas.emplace_back(rows.int64(0), std::move(a));
            }
        });
    }
    std::sort(areas.begin(), areas.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [id, a] : areas)
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
