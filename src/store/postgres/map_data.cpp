// PostgresStore: reading the street network, areas, districts and import runs for tiles and
// analysis (the import itself is written by osm_import.cpp). Same results as
// store/sqlite/map_data.cpp, except at the very edge of a box: SQLite's R*Tree keeps boxes as
// 32-bit floats rounded outwards (~1e-5 degree more), PostgreSQL compares the exact doubles.
#include <optional>
#include <vector>

#include <fmt/core.h>

#include "store/encoding/json_columns.hpp"
#include "store/encoding/packed_geometry.hpp"
#include "store/postgres/connection.hpp"
#include "store/postgres/pool.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/postgres/rows.hpp"

namespace sightline::store {

using encoding::read_points;
using encoding::read_rings;

namespace {

// Rows of one page of a streaming visitor: the connection goes back to the pool between pages,
// so a visitor may call the store again, and a country never sits in memory at once.
constexpr int page_rows = 10'000;

// The GiST index finds the candidates (`&&` on the envelope); the column comparisons are the
// R*Tree query of SQLite's store exactly, also for a box whose west is east of its east.
constexpr const char* box_filter =
    "bounds && ST_MakeEnvelope($1, $2, $3, $4, 4326) AND east >= $1 AND north >= $2 AND "
    "west <= $3 AND south <= $4";

}  // namespace

void PostgresStore::for_each_street(const geo::BBox& bbox,
                                    const std::function<void(const model::Street&)>& visit) {
    static const std::string sql = fmt::format(
        "SELECT id, osm_way_id, highway, name, points FROM streets WHERE {} AND id > $5 "
        "ORDER BY id LIMIT $6",
        box_filter);
    std::int64_t last = 0;
    for (;;) {
        std::vector<model::Street> page;
        {
            auto db = m_pool->acquire();
            auto rows = db->run(sql, bbox.west, bbox.south, bbox.east, bbox.north, last, page_rows);
            page.reserve(static_cast<std::size_t>(rows.size()));
            for (int r = 0; r < rows.size(); ++r)
                page.push_back(model::Street{rows.int64(r, 1), rows.string(r, 2), rows.string(r, 3),
                                             read_points(rows.bytes(r, 4))});
            if (!rows.empty()) last = rows.int64(rows.size() - 1, 0);
        }
        for (const auto& s : page)
            visit(s);
        if (static_cast<int>(page.size()) < page_rows) break;
    }
}

void PostgresStore::for_each_area(const geo::BBox& bbox, model::AreaKind kind,
                                  const std::function<void(const model::Area&)>& visit) {
    static const std::string sql = fmt::format(
        "SELECT id, osm_id, from_relation, name, height_m, rings FROM areas WHERE {} AND "
        "kind = $5 AND id > $6 ORDER BY id LIMIT $7",
        box_filter);
    std::int64_t last = 0;
    for (;;) {
        std::vector<model::Area> page;
        {
            auto db = m_pool->acquire();
            auto rows = db->run(sql, bbox.west, bbox.south, bbox.east, bbox.north,
                                model::to_string(kind), last, page_rows);
            page.reserve(static_cast<std::size_t>(rows.size()));
            for (int r = 0; r < rows.size(); ++r) {
                model::Area a;
                a.osm_id = rows.int64(r, 1);
                a.from_relation = rows.boolean(r, 2);
                a.kind = kind;
                a.name = rows.string(r, 3);
                a.height_m = rows.real(r, 4);
                a.rings = read_rings(rows.bytes(r, 5));
                page.push_back(std::move(a));
            }
            if (!rows.empty()) last = rows.int64(rows.size() - 1, 0);
        }
        for (const auto& a : page)
            visit(a);
        if (static_cast<int>(page.size()) < page_rows) break;
    }
}

std::optional<geo::BBox> PostgresStore::street_bounds() {
    auto db = m_pool->acquire();
    auto rows = db->run("SELECT min(west), min(south), max(east), max(north) FROM streets");
    if (rows.empty() || rows.is_null(0, 0)) return std::nullopt;
    return geo::BBox{rows.real(0, 0), rows.real(0, 1), rows.real(0, 2), rows.real(0, 3)};
}

namespace {

// Names are ordered bytewise (COLLATE "C") as SQLite's BINARY does, whatever the database's
// collation.
constexpr const char* district_columns =
    "SELECT id, osm_type, osm_id, admin_level, name, names, complete, polygons FROM districts";

model::District district_row(const postgres::Rows& rows, int r, bool with_polygons) {
    model::District d;
    d.id = rows.int64(r, 0);
    d.from_relation = rows.text(r, 1) == "relation";
    d.osm_id = rows.int64(r, 2);
    d.admin_level = static_cast<int>(rows.int64(r, 3));
    d.name = rows.string(r, 4);
    for (auto& [key, value] : encoding::read_tags(rows.text(r, 5)))
        d.names.emplace_back(key, value);
    d.complete = rows.boolean(r, 6);
    if (with_polygons && !rows.is_null(r, 7))
        d.polygons = encoding::read_polygons(rows.bytes(r, 7));
    return d;
}

}  // namespace

std::vector<model::District> PostgresStore::districts(bool with_polygons) {
    // Without the outlines, the polygons column is not even sent.
    static const std::string with =
        fmt::format("{} ORDER BY complete DESC, name COLLATE \"C\", osm_id", district_columns);
    static const std::string without =
        "SELECT id, osm_type, osm_id, admin_level, name, names, complete, NULL FROM districts "
        "ORDER BY complete DESC, name COLLATE \"C\", osm_id";
    auto db = m_pool->acquire();
    auto rows = db->run(with_polygons ? with : without);
    std::vector<model::District> out;
    out.reserve(static_cast<std::size_t>(rows.size()));
    for (int r = 0; r < rows.size(); ++r)
        out.push_back(district_row(rows, r, with_polygons));
    return out;
}

std::optional<model::District> PostgresStore::find_district(std::int64_t id) {
    static const std::string sql = fmt::format("{} WHERE id = $1", district_columns);
    auto db = m_pool->acquire();
    auto rows = db->run(sql, id);
    if (rows.empty()) return std::nullopt;
    return district_row(rows, 0, true);
}

std::optional<ImportRun> PostgresStore::last_import() {
    auto db = m_pool->acquire();
    auto rows = db->run(
        "SELECT id, at, source_name, cameras_new, cameras_updated, cameras_unchanged, "
        "cameras_removed, cameras_conflicts, streets, buildings, water, parks FROM import_runs "
        "ORDER BY id DESC LIMIT 1");
    if (rows.empty()) return std::nullopt;
    ImportRun run;
    run.id = rows.int64(0, 0);
    run.at = rows.int64(0, 1);
    run.source_name = rows.string(0, 2);
    run.summary = {rows.int64(0, 3), rows.int64(0, 4),  rows.int64(0, 5),
                   rows.int64(0, 6), rows.int64(0, 7),  rows.int64(0, 8),
                   rows.int64(0, 9), rows.int64(0, 10), rows.int64(0, 11)};
    return run;
}

std::vector<model::Camera> PostgresStore::cameras_changed_since_import() {
    static const std::string sql =
        postgres::camera_columns() +
        " FROM cameras AS c WHERE (c.osm_id IS NULL AND c.status <> 'removed') OR "
        "c.locally_modified_at > 0 ORDER BY c.id";
    auto db = m_pool->acquire();
    auto rows = db->run(sql);
    std::vector<model::Camera> cameras;
    cameras.reserve(static_cast<std::size_t>(rows.size()));
    for (int r = 0; r < rows.size(); ++r)
        cameras.push_back(postgres::read_camera(rows, r));
    return cameras;
}

}  // namespace sightline::store
