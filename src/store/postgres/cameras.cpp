// PostgresStore: cameras (see postgres_store.hpp): reads (single, bbox listing, nearby, pages,
// history, spans over time) and CSV imports. The same results as store/sqlite/cameras.cpp and
// history.cpp; boxes go through the GiST index on `geom`.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <optional>
#include <string>

#include <fmt/core.h>

#include "geo/distance.hpp"
#include "store/encoding/hilbert_order.hpp"
#include "store/encoding/json_columns.hpp"
#include "store/postgres/connection.hpp"
#include "store/postgres/pool.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/postgres/rows.hpp"
#include "store/span_folder.hpp"

namespace sightline::store {

using postgres::Connection;
using postgres::CopyRows;
using postgres::Params;
using postgres::Rows;
using postgres::Transaction;

namespace {

constexpr int for_each_page = 1000;                // cameras per keyset page of for_each_camera
constexpr int span_fetch_rows = 10000;             // rows per FETCH of for_each_camera_span
constexpr std::size_t copy_piece_bytes = 1 << 20;  // COPY text sent at once by insert_cameras

// The history actions that start or end a camera's time on the map (see CameraSpan), as in
// store/sqlite/history.cpp.
constexpr const char* activity_actions = "('created', 'imported', 'restored', 'removed')";

// `$n` of the next parameter added to `params`.
std::string placeholder(const Params& params) {
    return fmt::format("${}", params.size() + 1);
}

// "<table>.geom && envelope AND exact bounds": the GiST index finds the candidates, and the
// exact comparison drops those its float boxes (rounded outwards) let in, so edges count as
// inside exactly as in SQLite. Adds west, south, east, north to `params`.
std::string box_condition(const char* table, const geo::BBox& box, Params& params) {
    int w = params.size() + 1;
    params.add(box.west).add(box.south).add(box.east).add(box.north);
    return fmt::format(
        "{0}.geom && ST_MakeEnvelope(${1}, ${2}, ${3}, ${4}, 4326) AND {0}.lat BETWEEN ${2} AND "
        "${4} AND {0}.lon BETWEEN ${1} AND ${3}",
        table, w, w + 1, w + 2, w + 3);
}

// On the map at `t` (store::CameraSpan): the last start or removal at or before t is a start;
// with none, a camera whose history starts with a removal (or is empty) counts from first_seen.
// The same rules as store/sqlite/cameras.cpp's active_at_sql and the SpanFolder below.
// One aggregate over the camera's entries (found through camera_history_camera) instead of
// SQLite's two `ORDER BY at LIMIT 1` subqueries: with those, a planner without statistics (just
// after a big import) walked the `at` index for every camera: 58 s instead of 0.17 s for 1,000
// cameras of 100,000. FILTER keeps `at <= t` out of the WHERE, where it could pick that index.
std::string active_at_condition(const std::string& t) {
    return fmt::format(
        " AND (SELECT CASE coalesce((array_agg(h.action ORDER BY h.at DESC, h.id DESC)"
        " FILTER (WHERE h.at <= {0}))[1], '')"
        " WHEN 'removed' THEN false"
        " WHEN '' THEN c.first_seen <= {0} AND coalesce((array_agg(h.action = 'removed'"
        " ORDER BY h.at, h.id))[1], c.status <> 'removed' OR {0} < c.updated_at)"
        " ELSE true END FROM camera_history AS h WHERE h.camera_id = c.id AND h.action IN {1})",
        t, activity_actions);
}

// The statement is made from fixed fragments with parameters numbered in order, so each
// combination of filters is one cached prepared statement planned for its own indexes.
std::vector<model::Camera> query_cameras(Connection& db, const CameraQuery& query,
                                         std::int64_t limit) {
    std::vector<model::Camera> cameras;
    if (limit <= 0) return cameras;
    Params params;
    std::string sql = postgres::camera_columns() + " FROM cameras AS c WHERE ";
    sql += query.bbox ? box_condition("c", *query.bbox, params) : std::string("true");
    if (query.kind) {
        sql += " AND c.kind = " + placeholder(params);
        params.add(*query.kind);
    }
    if (query.status) {
        sql += " AND c.status = " + placeholder(params);
        params.add(model::to_string(*query.status));
    }
    if (!query.include_removed && !query.status && !query.active_at)
        sql += " AND c.status <> 'removed'";
    if (query.active_at) {
        sql += active_at_condition(placeholder(params));
        params.add(*query.active_at);
    }
    sql += " ORDER BY c.id LIMIT " + placeholder(params);
    params.add(limit);
    auto rows = db.query(sql, params);
    cameras.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i)
        cameras.push_back(postgres::read_camera(rows, i));
    return cameras;
}

}  // namespace

Result<model::Camera> PostgresStore::find_camera(model::CameraId id) {
    auto db = m_pool->acquire();
    return postgres::load_camera(*db, id);
}

std::vector<model::CameraEvent> PostgresStore::camera_history(model::CameraId id) {
    auto db = m_pool->acquire();
    auto rows = db->run(
        "SELECT at, action, actor, detail, report_id FROM camera_history WHERE camera_id = $1 "
        "ORDER BY id",
        id.value);
    std::vector<model::CameraEvent> events;
    events.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i) {
        model::CameraEvent e{rows.int64(i, 0), rows.string(i, 1), rows.string(i, 2),
                             rows.string(i, 3), std::nullopt};
        if (auto report = rows.optional_int64(i, 4)) e.report_id = model::ReportId{*report};
        events.push_back(std::move(e));
    }
    return events;
}

std::vector<model::Camera> PostgresStore::find_cameras(const CameraQuery& query) {
    auto db = m_pool->acquire();
    return query_cameras(*db, query, query.limit);
}

std::vector<model::Camera> PostgresStore::cameras_near(geo::LatLon centre, double radius_m,
                                                       int limit) {
    if (limit <= 0 || !centre.is_valid() || !(radius_m >= 0)) return {};
    CameraQuery query;
    query.bbox = geo::BBox::around(centre, radius_m);
    std::vector<model::Camera> in_box;
    {
        auto db = m_pool->acquire();
        in_box = query_cameras(*db, query, std::numeric_limits<std::int64_t>::max());
    }
    // Haversine in C++ like SQLite's store, so both pick and order the same cameras.
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

std::vector<CameraStamp> PostgresStore::camera_stamps() {
    auto db = m_pool->acquire();
    auto rows =
        db->run("SELECT id, updated_at, lat, lon, status = 'removed' FROM cameras ORDER BY id");
    std::vector<CameraStamp> stamps;
    stamps.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i)
        stamps.push_back({model::CameraId{rows.int64(i, 0)}, rows.int64(i, 1),
                          geo::LatLon{rows.real(i, 2), rows.real(i, 3)}, rows.boolean(i, 4)});
    return stamps;
}

void PostgresStore::for_each_camera(const std::function<void(const model::Camera&)>& visit) {
    // Keyset pages, each read and its connection given back before `visit` runs: memory stays
    // bounded, no transaction stays open for the length of an export, and `visit` may call the
    // store.
    std::int64_t after = std::numeric_limits<std::int64_t>::min();
    std::vector<model::Camera> page;
    do {
        page = camera_page(CameraOrder::id, after, for_each_page);
        for (const auto& camera : page)
            visit(camera);
        if (!page.empty()) after = page.back().id.value;
    } while (page.size() == static_cast<std::size_t>(for_each_page));
}

std::vector<model::Camera> PostgresStore::camera_page(CameraOrder order, std::int64_t after,
                                                      int limit) {
    static const std::string by_id =
        postgres::camera_columns() + " FROM cameras AS c WHERE c.id > $1 ORDER BY c.id LIMIT $2";
    // Served by the partial unique index cameras_osm (osm_type, osm_id).
    static const std::string by_osm_node =
        postgres::camera_columns() +
        " FROM cameras AS c WHERE c.osm_type = 'node' AND c.osm_id > $1 AND c.osm_id IS NOT NULL"
        " ORDER BY c.osm_id LIMIT $2";
    std::vector<model::Camera> page;
    if (limit <= 0) return page;
    auto db = m_pool->acquire();
    auto rows = db->run(order == CameraOrder::id ? by_id : by_osm_node, after, limit);
    page.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i)
        page.push_back(postgres::read_camera(rows, i));
    return page;
}

void PostgresStore::for_each_camera_span(const std::optional<geo::BBox>& bbox,
                                         const std::function<void(const CameraSpan&)>& visit) {
    // One statement read through a cursor: one snapshot whatever writers do, and only
    // span_fetch_rows rows in memory at a time.
    Params params;
    std::string sql = fmt::format(
        "DECLARE camera_spans NO SCROLL CURSOR FOR "
        "SELECT c.id, c.lat, c.lon, c.kind, c.first_seen, c.status = 'removed', c.updated_at, "
        "h.at, h.action FROM cameras AS c LEFT JOIN camera_history AS h ON h.camera_id = c.id "
        "AND h.action IN {} WHERE {} ORDER BY c.id, h.at, h.id",
        activity_actions, bbox ? box_condition("c", *bbox, params) : std::string("true"));
    SpanFolder folder(visit);
    auto db = m_pool->acquire();
    Transaction tx(*db);
    db->query(sql, params);
    std::optional<std::int64_t> current;
    for (;;) {
        auto rows = db->run(fmt::format("FETCH {} FROM camera_spans", span_fetch_rows));
        for (int i = 0; i < rows.size(); ++i) {
            std::int64_t id = rows.int64(i, 0);
            if (current != id) {
                if (current) folder.end();
                current = id;
                folder.begin(model::CameraId{id}, geo::LatLon{rows.real(i, 1), rows.real(i, 2)},
                             rows.text(i, 3), rows.int64(i, 4), rows.boolean(i, 5),
                             rows.int64(i, 6));
            }
            if (!rows.is_null(i, 7)) folder.event(rows.text(i, 8), rows.int64(i, 7));
        }
        if (rows.size() < span_fetch_rows) break;
    }
    if (current) folder.end();
    tx.commit();
}

std::vector<std::int64_t> PostgresStore::report_times(const std::optional<geo::BBox>& bbox) {
    Params params;
    std::string sql = "SELECT r.created_at FROM reports AS r WHERE " +
                      (bbox ? box_condition("r", *bbox, params) : std::string("true")) +
                      " ORDER BY r.created_at";
    auto db = m_pool->acquire();
    auto rows = db->query(sql, params);
    std::vector<std::int64_t> times;
    times.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i)
        times.push_back(rows.int64(i, 0));
    return times;
}

Result<std::vector<model::CameraId>> PostgresStore::insert_cameras(
    const std::vector<model::NewCamera>& cameras, const Decision& decision) {
    for (std::size_t i = 0; i < cameras.size(); ++i)
        if (!cameras[i].location.is_valid())
            return fail(Errc::invalid_argument,
                        fmt::format("camera {}: location must have lat in -90..90 and lon in "
                                    "-180..180",
                                    i + 1));
    // Rows are written in Hilbert-curve order (see SQLite's insert_cameras); the returned ids
    // follow the input order.
    const std::vector<std::size_t> order = encoding::hilbert_order(cameras);

    std::vector<model::CameraId> ids(cameras.size());
    auto db = m_pool->acquire();
    Transaction tx(*db);
    // The ids are taken first, so each input camera knows its id without relying on the order
    // of RETURNING rows; other writers may take ids in between, so they need not be contiguous.
    std::vector<std::int64_t> taken;
    taken.reserve(cameras.size());
    if (!cameras.empty()) {
        // The sequence is looked up once (an InitPlan): as a plain argument of nextval() it was
        // resolved for every row, 0.5 s per 100,000 ids instead of 0.05 s.
        auto rows = db->run(
            "SELECT nextval((SELECT pg_get_serial_sequence('cameras', 'id')::regclass)) "
            "FROM generate_series(1, $1)",
            static_cast<std::int64_t>(cameras.size()));
        for (int i = 0; i < rows.size(); ++i)
            taken.push_back(rows.int64(i, 0));
        std::sort(taken.begin(), taken.end());
    }
    for (std::size_t k = 0; k < order.size(); ++k)
        ids[order[k]] = model::CameraId{taken[k]};

    // COPY, streamed in pieces so the server parses one piece while the next is formatted: the
    // cameras in Hilbert order, then their 'imported' entries (their ids come from the
    // sequence in the same order). A row the server refuses aborts the transaction.
    if (!taken.empty()) {
        CopyRows rows;
        db->copy_in(
            "COPY cameras (id, lat, lon, status, kind, first_seen, last_verified, updated_at, "
            "tags) "
            "FROM STDIN",
            [&](postgres::CopySink& sink) {
                for (std::size_t k = 0; k < order.size(); ++k) {
                    const auto& input = cameras[order[k]];
                    rows.add(taken[k])
                        .add(input.location.lat)
                        .add(input.location.lon)
                        .add(model::to_string(input.status))
                        .add(model::camera_kind(input.tags))
                        .add(decision.at)
                        .add(input.status == model::CameraStatus::verified ? decision.at
                                                                           : std::int64_t{0})
                        .add(decision.at)
                        .add(encoding::write_tags(input.tags));
                    rows.end_row();
                    if (rows.size() >= copy_piece_bytes) sink.write(rows);
                }
                sink.write(rows);
            });
        db->copy_in("COPY camera_history (camera_id, at, action, actor, detail) FROM STDIN",
                    [&](postgres::CopySink& sink) {
                        for (std::int64_t id : taken) {
                            rows.add(id)
                                .add(decision.at)
                                .add("imported")
                                .add(decision.actor)
                                .add(decision.reason);
                            rows.end_row();
                            if (rows.size() >= copy_piece_bytes) sink.write(rows);
                        }
                        sink.write(rows);
                    });
    }
    std::string subject = taken.empty() ? std::string("cameras/none")
                                        : fmt::format("cameras/{}-{}", taken.front(), taken.back());
    postgres::append_audit(*db, decision.at, decision.actor, "import_csv", subject,
                           decision.reason);
    if (!ids.empty()) postgres::bump_camera_version(*db);
    tx.commit();
    if (!ids.empty()) saw_change(*db);
    return ids;
}

std::int64_t PostgresStore::cameras_changed_at() {
    auto db = m_pool->acquire();
    // The newest entry by id (the primary key): no scan, unlike max(at).
    auto rows =
        db->run("SELECT coalesce((SELECT at FROM camera_history ORDER BY id DESC LIMIT 1), 0)");
    return rows.int64(0, 0);
}

std::vector<AreaCameraEvent> PostgresStore::camera_events_in(const geo::BBox& box, int limit) {
    std::vector<AreaCameraEvent> events;
    if (limit <= 0) return events;
    // The inner query picks the entry ids alone; only the `limit` chosen ones are joined to
    // their cameras (as in SQLite's camera_events_in).
    Params params;
    // Its own statement: the box must take $1..$4 before the limit takes $5.
    std::string box_sql = box_condition("c2", box, params);
    std::string sql =
        postgres::camera_columns() +
        ", h.id, h.at, h.action, h.actor, h.detail, h.report_id FROM (SELECT h2.id FROM "
        "camera_history AS h2 JOIN cameras AS c2 ON c2.id = h2.camera_id WHERE " +
        box_sql + " ORDER BY h2.id DESC LIMIT " + placeholder(params) +
        ") AS top JOIN camera_history AS h ON h.id = top.id JOIN cameras AS c ON c.id = "
        "h.camera_id ORDER BY h.id DESC";
    params.add(limit);
    auto db = m_pool->acquire();
    auto rows = db->query(sql, params);
    events.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i) {
        AreaCameraEvent e;
        e.camera = postgres::read_camera(rows, i);
        e.entry_id = rows.int64(i, 14);
        e.event = model::CameraEvent{rows.int64(i, 15), rows.string(i, 16), rows.string(i, 17),
                                     rows.string(i, 18), std::nullopt};
        if (auto report = rows.optional_int64(i, 19)) e.event.report_id = model::ReportId{*report};
        events.push_back(std::move(e));
    }
    return events;
}

}  // namespace sightline::store
