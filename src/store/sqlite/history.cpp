// SqliteStore: what the change-over-time figures read (camera_spans, report_times). Each is one
// statement over the whole table (or the cameras in a box), folded in memory: no query per camera.
#include <algorithm>
#include <string>

#include "store/span_folder.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/read_pool.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace sightline::store {

namespace {

// The history actions that start or end a camera's time on the map (see CameraSpan). The same
// list is in camera_query_sql's active_at filter (cameras.cpp).
constexpr const char* activity_actions = "('created', 'imported', 'restored', 'removed')";

std::string box_filter(const std::optional<geo::BBox>& bbox, const char* table) {
    if (!bbox) return "1";
    // The R*Tree finds the candidates; the exact comparison drops those its rounded-outwards
    // 32-bit boxes let in.
    std::string t = table;
    if (t == "c")
        return "c.id IN (SELECT id FROM camera_index WHERE max_lat >= ?1 AND min_lat <= ?2 AND "
               "max_lon >= ?3 AND min_lon <= ?4) AND c.lat BETWEEN ?1 AND ?2 AND c.lon BETWEEN "
               "?3 AND ?4";
    return t + ".lat BETWEEN ?1 AND ?2 AND " + t + ".lon BETWEEN ?3 AND ?4";
}

void bind_box(sqlite::Statement& stmt, const std::optional<geo::BBox>& bbox) {
    if (bbox) stmt.bind_all(bbox->south, bbox->north, bbox->west, bbox->east);
}

}  // namespace

void SqliteStore::for_each_camera_span(const std::optional<geo::BBox>& bbox,
                                       const std::function<void(const CameraSpan&)>& visit) {
    std::string sql = std::string(
                          "SELECT c.id, c.lat, c.lon, c.kind, c.first_seen, c.status = 'removed', "
                          "c.updated_at, h.at, h.action FROM cameras AS c "
                          "LEFT JOIN camera_history AS h ON h.camera_id = c.id AND h.action IN ") +
                      activity_actions + " WHERE " + box_filter(bbox, "c") +
                      " ORDER BY c.id, h.at, h.id";
    SpanFolder folder(visit);
    auto db = m_readers->acquire();  // one statement: one snapshot, whatever writers do
    auto stmt = db->prepare(sql);
    bind_box(stmt, bbox);
    std::optional<std::int64_t> current;
    while (stmt.step()) {
        std::int64_t id = stmt.int64(0);
        if (current != id) {
            if (current) folder.end();
            current = id;
            folder.begin(model::CameraId{id}, geo::LatLon{stmt.real(1), stmt.real(2)}, stmt.text(3),
                         stmt.int64(4), stmt.int64(5) != 0, stmt.int64(6));
        }
        if (!stmt.is_null(7)) folder.event(stmt.text(8), stmt.int64(7));
    }
    if (current) folder.end();
}

std::vector<std::int64_t> SqliteStore::report_times(const std::optional<geo::BBox>& bbox) {
    std::string sql = "SELECT r.created_at FROM reports AS r WHERE " + box_filter(bbox, "r") +
                      " ORDER BY r.created_at";
    auto db = m_readers->acquire();
    auto stmt = db->prepare(sql);
    bind_box(stmt, bbox);
    std::vector<std::int64_t> times;
    while (stmt.step())
        times.push_back(stmt.int64(0));
    return times;
}

}  // namespace sightline::store
