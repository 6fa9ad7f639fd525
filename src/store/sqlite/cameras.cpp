// SqliteStore: camera reads (single, bbox listing, nearby, full scan, history) and imports.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>

#include <fmt/core.h>

#include "geo/distance.hpp"
#include "store/encoding/hilbert_order.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/read_pool.hpp"
#include "store/sqlite/rows.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace sightline::store {

using sqlite::Connection;
using sqlite::Transaction;

namespace {

constexpr int for_each_chunk = 512;

// The statement for one combination of filters. Building the SQL from fixed fragments (never
// from values) lets SQLite plan each combination on its own instead of one statement full of
// `?x IS NULL OR ...` that defeats its indexes. Parameters: ?1..?4 south, north, west, east;
// ?5 kind; ?6 status; ?7 limit; ?8 active_at.
enum Filter : unsigned {
    by_bbox = 1,
    by_kind = 2,
    by_status = 4,
    hide_removed = 8,
    scan_rows = 16,
    by_active_at = 32
};

// On the map at ?8 (store::CameraSpan): the last start or removal at or before ?8 is a start;
// with none, a camera whose history starts with a removal (or is empty) counts from first_seen.
// The same rules as SpanFolder in history.cpp; a test compares the two.
constexpr const char* active_at_sql =
    " AND CASE coalesce((SELECT h.action FROM camera_history AS h WHERE h.camera_id = c.id"
    " AND h.at <= ?8 AND h.action IN ('created', 'imported', 'restored', 'removed')"
    " ORDER BY h.at DESC, h.id DESC LIMIT 1), '')"
    " WHEN 'removed' THEN 0"
    " WHEN '' THEN c.first_seen <= ?8 AND coalesce((SELECT h.action = 'removed'"
    " FROM camera_history AS h WHERE h.camera_id = c.id"
    " AND h.action IN ('created', 'imported', 'restored', 'removed')"
    " ORDER BY h.at, h.id LIMIT 1), c.status <> 'removed' OR ?8 < c.updated_at)"
    " ELSE 1 END";

const std::string& camera_query_sql(unsigned filters) {
    static const std::array<std::string, 64> variants = [] {
        std::array<std::string, 64> out;
        for (unsigned f = 0; f < out.size(); ++f) {
            std::string sql = sqlite::camera_columns();
            if ((f & by_bbox) && !(f & scan_rows)) {
                // `id IN (R*Tree search)`: SQLite collects the ids into a sorted ephemeral
                // table and then reads the cameras in id order, so ORDER BY needs no sorter
                // carrying whole rows. The exact comparison stays: the R*Tree holds 32-bit
                // floats rounded outwards, so it may return cameras just outside the box.
                sql +=
                    " FROM cameras AS c WHERE c.id IN (SELECT id FROM camera_index"
                    " WHERE max_lat >= ?1 AND min_lat <= ?2 AND max_lon >= ?3 AND min_lon <= ?4)"
                    " AND c.lat BETWEEN ?1 AND ?2 AND c.lon BETWEEN ?3 AND ?4";
            } else if (f & by_bbox) {
                sql +=
                    " FROM cameras AS c WHERE c.lat BETWEEN ?1 AND ?2 AND c.lon BETWEEN ?3 AND ?4";
            } else {
                sql += " FROM cameras AS c WHERE 1";
            }
            // With a bbox, `+` keeps SQLite from walking the kind/status index instead of
            // the R*Tree (without ANALYZE data it would guess the index is more selective).
            bool rtree = (f & by_bbox) && !(f & scan_rows);
            if (f & by_kind) sql += rtree ? " AND +c.kind = ?5" : " AND c.kind = ?5";
            if (f & by_status) sql += rtree ? " AND +c.status = ?6" : " AND c.status = ?6";
            if (f & hide_removed) sql += " AND c.status <> 'removed'";
            if (f & by_active_at) sql += active_at_sql;
            sql += " ORDER BY c.id LIMIT ?7";
            out[f] = std::move(sql);
        }
        return out;
    }();
    return variants[filters];
}

// Whether walking the table in id order beats the R*Tree for this box. The R*Tree path costs
// one random row lookup per camera in the box and then sorts them; the id-order scan stops
// after `limit` matches, so it reads about limit * total / in_box rows, sequentially. The scan
// wins once in_box^2 > limit * total * (sequential/random cost per row, 1/4..1/6 measured on
// 1M cameras); counting R*Tree entries only up to that threshold keeps the check cheap for the
// common small box (~50 ns per entry).
bool prefer_id_scan(Connection& db, const geo::BBox& box, std::int64_t limit) {
    std::int64_t total = db.query_int64("SELECT coalesce(max(id), 0) FROM cameras");
    auto threshold = static_cast<std::int64_t>(
        std::sqrt(static_cast<double>(limit) * static_cast<double>(total) / 4.0));
    threshold = std::max<std::int64_t>(threshold, 4 * limit);
    if (threshold >= total) return false;
    auto count = db.prepare(
        "SELECT count(*) FROM (SELECT 1 FROM camera_index WHERE max_lat >= ?1 AND min_lat <= ?2"
        " AND max_lon >= ?3 AND min_lon <= ?4 LIMIT ?5)");
    count.bind_all(box.south, box.north, box.west, box.east, threshold);
    return count.step() && count.int64(0) >= threshold;
}

std::vector<model::Camera> query_cameras(Connection& db, const CameraQuery& query,
                                         std::int64_t limit, bool allow_id_scan) {
    std::vector<model::Camera> cameras;
    if (limit <= 0) return cameras;
    unsigned filters = 0;
    if (query.bbox) filters |= by_bbox;
    if (query.kind) filters |= by_kind;
    if (query.status) filters |= by_status;
    if (query.active_at) filters |= by_active_at;
    if (!query.include_removed && !query.status && !query.active_at) filters |= hide_removed;
    if (query.bbox && allow_id_scan && prefer_id_scan(db, *query.bbox, limit)) filters |= scan_rows;

    auto stmt = db.prepare(camera_query_sql(filters));
    if (query.bbox) {
        stmt.bind(1, query.bbox->south).bind(2, query.bbox->north);
        stmt.bind(3, query.bbox->west).bind(4, query.bbox->east);
    }
    if (query.kind) stmt.bind(5, *query.kind);
    if (query.status) stmt.bind(6, model::to_string(*query.status));
    stmt.bind(7, limit);
    if (query.active_at) stmt.bind(8, *query.active_at);
    cameras.reserve(static_cast<std::size_t>(std::min<std::int64_t>(limit, 1024)));
    while (stmt.step())
        cameras.push_back(sqlite::read_camera(stmt));
    return cameras;
}

}  // namespace

Result<model::Camera> SqliteStore::find_camera(model::CameraId id) {
    auto db = m_readers->acquire();
    return sqlite::load_camera(*db, id);
}

std::vector<model::CameraEvent> SqliteStore::camera_history(model::CameraId id) {
    auto db = m_readers->acquire();
    auto stmt = db->prepare(
        "SELECT at, action, actor, detail, report_id FROM camera_history WHERE camera_id = ?1 "
        "ORDER BY id");
    stmt.bind(1, id.value);
    std::vector<model::CameraEvent> events;
    while (stmt.step()) {
        model::CameraEvent e{stmt.int64(0), stmt.string(1), stmt.string(2), stmt.string(3),
                             std::nullopt};
        if (auto report = stmt.optional_int64(4)) e.report_id = model::ReportId{*report};
        events.push_back(std::move(e));
    }
    return events;
}

std::int64_t SqliteStore::cameras_changed_at() {
    auto db = m_readers->acquire();
    // The newest entry by id (the primary key): no scan, unlike max(updated_at).
    return db->query_int64(
        "SELECT coalesce((SELECT at FROM camera_history ORDER BY id DESC LIMIT 1), 0)");
}

std::vector<AreaCameraEvent> SqliteStore::camera_events_in(const geo::BBox& box, int limit) {
    std::vector<AreaCameraEvent> events;
    if (limit <= 0) return events;
    // The inner query picks the entry ids alone, so the sorter carries two integers per entry of
    // the box, not whole camera rows; only the `limit` chosen ones are joined to their cameras.
    // The exact comparison stays: the R*Tree's 32-bit floats are rounded outwards.
    static const std::string sql =
        sqlite::camera_columns() +
        ", h.id, h.at, h.action, h.actor, h.detail, h.report_id FROM (SELECT h2.id FROM "
        "camera_history AS h2 JOIN cameras AS c2 ON c2.id = h2.camera_id WHERE h2.camera_id IN "
        "(SELECT id FROM camera_index WHERE max_lat >= ?1 AND min_lat <= ?2 AND max_lon >= ?3 "
        "AND min_lon <= ?4) AND c2.lat BETWEEN ?1 AND ?2 AND c2.lon BETWEEN ?3 AND ?4 "
        "ORDER BY h2.id DESC LIMIT ?5) AS top JOIN camera_history AS h ON h.id = top.id "
        "JOIN cameras AS c ON c.id = h.camera_id ORDER BY h.id DESC";
    auto db = m_readers->acquire();
    auto stmt = db->prepare(sql);
    stmt.bind_all(box.south, box.north, box.west, box.east, limit);
    while (stmt.step()) {
        AreaCameraEvent e;
        e.camera = sqlite::read_camera(stmt);
        e.entry_id = stmt.int64(14);
        e.event = model::CameraEvent{stmt.int64(15), stmt.string(16), stmt.string(17),
                                     stmt.string(18), std::nullopt};
        if (auto report = stmt.optional_int64(19)) e.event.report_id = model::ReportId{*report};
        events.push_back(std::move(e));
    }
    return events;
}

std::vector<model::Camera> SqliteStore::find_cameras(const CameraQuery& query) {
    // No explicit transaction: the plan check may see an older snapshot than the query, which
    // can only make the plan less ideal, never the result wrong.
    auto db = m_readers->acquire();
    return query_cameras(*db, query, query.limit, /*allow_id_scan=*/true);
}

std::vector<model::Camera> SqliteStore::cameras_near(geo::LatLon centre, double radius_m,
                                                     int limit) {
    if (limit <= 0 || !centre.is_valid() || !(radius_m >= 0)) return {};
    CameraQuery query;
    query.bbox = geo::BBox::around(centre, radius_m);
    std::vector<model::Camera> in_box;
    {
        auto db = m_readers->acquire();
        in_box = query_cameras(*db, query, std::numeric_limits<std::int64_t>::max(),
                               /*allow_id_scan=*/false);
    }
    std::vector<std::pair<double, std::size_t>> by_distance;
    for (std::size_t i = 0; i < in_box.size(); ++i) {
        double d = geo::distance_m(centre, in_box[i].location);
        if (d <= radius_m) by_distance.emplace_back(d, i);
    }
    std::sort(by_distance.begin(), by_distance.end());  // ties: lower id first (in_box is by id)
    if (by_distance.size() > static_cast<std::size_t>(limit)) by_distance.resize(limit);
    std::vector<model::Camera> out;
    out.reserve(by_distance.size());
    for (auto [distance, index] : by_distance)
        out.push_back(std::move(in_box[index]));
    return out;
}

std::vector<CameraStamp> SqliteStore::camera_stamps() {
    auto db = m_readers->acquire();
    auto stmt = db->prepare(
        "SELECT id, updated_at, lat, lon, status = 'removed' FROM cameras "
        "ORDER BY id");
    std::vector<CameraStamp> stamps;
    while (stmt.step())
        stamps.push_back({model::CameraId{stmt.int64(0)}, stmt.int64(1),
                          geo::LatLon{stmt.real(2), stmt.real(3)}, stmt.int64(4) != 0});
    return stamps;
}

void SqliteStore::for_each_camera(const std::function<void(const model::Camera&)>& visit) {
    // Keyset pages, each read and released before `visit` runs: memory stays bounded, no read
    // transaction stays open for the length of an export, and `visit` may call the store.
    std::int64_t after = std::numeric_limits<std::int64_t>::min();
    std::vector<model::Camera> page;
    do {
        page = camera_page(CameraOrder::id, after, for_each_chunk);
        for (const auto& camera : page)
            visit(camera);
        if (!page.empty()) after = page.back().id.value;
    } while (page.size() == static_cast<std::size_t>(for_each_chunk));
}

std::vector<model::Camera> SqliteStore::camera_page(CameraOrder order, std::int64_t after,
                                                    int limit) {
    static const std::string by_id =
        sqlite::camera_columns() + " FROM cameras AS c WHERE c.id > ?1 ORDER BY c.id LIMIT ?2";
    // Served by the partial index cameras_osm (osm_type, osm_id).
    static const std::string by_osm_node =
        sqlite::camera_columns() +
        " FROM cameras AS c WHERE c.osm_type = 'node' AND c.osm_id > ?1 AND c.osm_id IS NOT NULL"
        " ORDER BY c.osm_id LIMIT ?2";
    std::vector<model::Camera> page;
    if (limit <= 0) return page;
    auto db = m_readers->acquire();
    auto stmt = db->prepare(order == CameraOrder::id ? by_id : by_osm_node);
    stmt.bind_all(after, limit);
    while (stmt.step())
        page.push_back(sqlite::read_camera(stmt));
    return page;
}

Result<std::vector<model::CameraId>> SqliteStore::insert_cameras(
    const std::vector<model::NewCamera>& cameras, const Decision& decision) {
    for (std::size_t i = 0; i < cameras.size(); ++i)
        if (!cameras[i].location.is_valid())
            return fail(Errc::invalid_argument,
                        fmt::format("camera {}: location must have lat in -90..90 and lon in "
                                    "-180..180",
                                    i + 1));
    // Rows are written in Hilbert-curve order so cameras close to each other get close ids
    // and share table pages: a bbox listing then reads fewer pages (1M cameras imported in
    // batches of 10,000: find_cameras CPU time 2.9 -> 2.0 ms for 1,000 results, and more for
    // one big import). The returned ids still follow the input order.
    const std::vector<std::size_t> order = encoding::hilbert_order(cameras);

    std::vector<model::CameraId> ids(cameras.size());
    std::lock_guard lock(m_write_mutex);
    auto& db = *m_writer;
    // Every row meets the table's CHECKs: locations checked above, statuses from the enum, no OSM
    // provenance. The IN list of cameras.status cost a temporary B-tree per row.
    sqlite::CheckConstraintsOff checks_off(db);
    Transaction tx(db);
    model::CameraId first{std::numeric_limits<std::int64_t>::max()};
    model::CameraId last{0};
    for (std::size_t index : order) {
        const auto& input = cameras[index];
        model::Camera camera;
        camera.location = input.location;
        camera.status = input.status;
        camera.tags = input.tags;
        camera.first_seen = decision.at;
        camera.last_verified = input.status == model::CameraStatus::verified ? decision.at : 0;
        camera.updated_at = decision.at;
        auto id = sqlite::insert_camera_row(db, camera);
        sqlite::append_history(db, id,
                               {decision.at, "imported", decision.actor, decision.reason, {}});
        ids[index] = id;
        first = std::min(first, id);
        last = std::max(last, id);
    }
    std::string subject = ids.empty() ? std::string("cameras/none")
                                      : fmt::format("cameras/{}-{}", first.value, last.value);
    sqlite::append_audit(db, decision.at, decision.actor, "import_csv", subject, decision.reason);
    if (!ids.empty()) sqlite::bump_camera_version(db);
    tx.commit();
    return ids;
}

}  // namespace sightline::store
