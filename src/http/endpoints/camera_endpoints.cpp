// Cameras (list, one with history, removal), open-data exports, statistics and the audit log.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <fmt/core.h>

#include "core/clock.hpp"
#include "http/endpoints/download.hpp"
#include "http/endpoints/endpoints.hpp"
#include "http/endpoints/json_body.hpp"
#include "http/response.hpp"
#include "services/camera_dumps.hpp"
#include "services/camera_json.hpp"
#include "services/history_stats.hpp"
#include "services/json_writer.hpp"

namespace sightline::http {
namespace {

using services::JsonWriter;

Response geojson_response(std::string body) {
    return Response{200, "application/geo+json", std::move(body), {}};
}

// The bbox listing from the tiles' camera snapshot (issue 13): packed records and each camera's
// Feature bytes, so the answer costs neither a store query nor decoding JSON tags, on either
// store backend. Only when the snapshot is exact for the current camera version and holds every
// camera the query can return (removed ones are not in it, and it knows no history); the body is
// byte for byte the store path's (tests/http/camera_snapshot_test.cpp).
std::optional<std::string> list_from_snapshot(const store::CameraQuery& query, int limit,
                                              ApiContext& ctx) {
    if (!ctx.tiles || !query.bbox || query.active_at || query.include_removed ||
        query.status == model::CameraStatus::removed)
        return std::nullopt;
    auto snapshot = ctx.tiles->camera_snapshot(ctx.services.store.camera_version());
    if (!snapshot || !snapshot->has_features()) return std::nullopt;
    tiles::CameraListQuery q;
    q.bbox = *query.bbox;
    if (query.kind) q.kind = *query.kind;
    q.status = query.status;
    q.limit = static_cast<std::size_t>(limit) + 1;
    auto features = snapshot->list(q);
    bool truncated = features.size() > static_cast<std::size_t>(limit);
    if (truncated) features.resize(static_cast<std::size_t>(limit));
    std::size_t bytes = 64;
    for (auto f : features)
        bytes += f.size() + 1;
    std::string body;
    body.reserve(bytes);
    // As services::camera_feature_collection() writes it, with the foreign member below.
    body += R"({"type":"FeatureCollection","features":[)";
    for (std::size_t i = 0; i < features.size(); ++i) {
        if (i) body += ',';
        body += features[i];
    }
    body += truncated ? R"(],"truncated":true})" : R"(],"truncated":false})";
    return body;
}

Response list_cameras(const Request& req, ApiContext& ctx) {
    store::CameraQuery query;
    if (auto text = req.query_param("bbox")) {
        auto box = geo::parse_bbox(*text);
        if (!box) return error_response(box.error());
        if (box->area_km2() > ctx.options.max_bbox_area_km2)
            return error_response(
                Error{Errc::too_large,
                      fmt::format("bbox covers {:.0f} km²; the limit is {:.0f} km² (use the "
                                  "export for everything)",
                                  box->area_km2(), ctx.options.max_bbox_area_km2)});
        query.bbox = *box;
    } else {
        return error_response(
            Error{Errc::invalid_argument, "bbox=west,south,east,north is required"});
    }
    if (auto type = req.query_param("type")) query.kind = std::string(*type);
    if (auto day = req.query_param("active_at")) {
        auto start = services::parse_iso_day(*day);
        if (!start)
            return error_response(
                Error{Errc::invalid_argument, "active_at: " + start.error().message});
        // The end of that day (UTC), as the history's periods count "active at the end".
        query.active_at = *start + 86400 - 1;
    }
    if (auto status = req.query_param("status")) {
        auto parsed = model::parse_camera_status(*status);
        if (!parsed) return error_response(parsed.error());
        query.status = *parsed;
    }
    auto limit = parse_int_param(req.query_param("limit"), "limit", 1, ctx.options.max_camera_limit,
                                 ctx.options.default_camera_limit);
    if (!limit) return error_response(limit.error());
    query.limit = *limit + 1;  // one more tells whether the result was cut
    if (auto body = list_from_snapshot(query, *limit, ctx))
        return geojson_response(std::move(*body));
    auto cameras = ctx.services.store.find_cameras(query);
    bool truncated = cameras.size() > static_cast<std::size_t>(*limit);
    if (truncated) cameras.resize(*limit);
    std::string body = services::camera_feature_collection(cameras);
    // RFC 7946 allows foreign members; tell clients when the limit cut the list.
    body.pop_back();
    body += fmt::format(R"(,"truncated":{}}})", truncated ? "true" : "false");
    return geojson_response(std::move(body));
}

Response get_camera(const Request& req, ApiContext& ctx) {
    auto id = parse_id(req.path_param("id"), "camera id");
    if (!id) return error_response(id.error());
    auto camera = ctx.services.store.find_camera(model::CameraId{*id});
    if (!camera) return error_response(camera.error());
    auto history = ctx.services.store.camera_history(camera->id);
    auto photos = ctx.services.store.camera_photos(camera->id);
    auto sources = ctx.services.source_store.camera_sources(camera->id);
    services::Staleness staleness{
        model::stale_before(unix_now(), std::int64_t{ctx.options.stale_after_days} * 86'400),
        ctx.options.stale_after_days};
    return geojson_response(
        services::camera_feature_with_history(*camera, history, photos, sources, staleness));
}

Response remove_camera(const Request& req, ApiContext& ctx) {
    auto who = ctx.services.auth.authorize(req.cookie(session_cookie), model::Role::moderator,
                                           req.header("x-csrf-token"));
    if (!who) return error_response(who.error());
    auto id = parse_id(req.path_param("id"), "camera id");
    if (!id) return error_response(id.error());
    std::string reason;
    if (!req.body.empty()) {
        auto body = parse_json_object(req, ctx.options.max_json_depth);
        if (!body) return error_response(body.error());
        if (auto ok = reject_unknown_fields(*body, {"reason"}); !ok)
            return error_response(ok.error());
        auto r = optional_string(*body, "reason");
        if (!r) return error_response(r.error());
        reason = r->value_or("");
    }
    auto camera =
        ctx.services.moderation.remove_camera(model::CameraId{*id}, reason, who->user.name);
    if (!camera) return error_response(camera.error());
    std::string out;
    services::append_camera_feature(out, *camera);
    return geojson_response(std::move(out));
}

// Every export answers 304 to a client that has the current version, and says which version
// and licence it is.
Response camera_export(const Request& req, ApiContext& ctx, std::string_view variant,
                       const std::function<Response()>& make) {
    auto validators = camera_validators(ctx.services, variant);
    if (auto unchanged = not_modified(req, validators)) return std::move(*unchanged);
    auto response = make();
    with_validators(response, validators);
    return response;
}

Response export_geojson(const Request& req, ApiContext& ctx) {
    return camera_export(req, ctx, "geojson", [&] {
        return streamed_download(
            services::geojson_export(ctx.services.store, ctx.services.source_store, unix_now()),
            "application/geo+json", "cameras.geojson");
    });
}

Response export_csv(const Request& req, ApiContext& ctx) {
    return camera_export(req, ctx, "csv", [&] {
        return streamed_download(
            services::csv_export(ctx.services.store, ctx.services.source_store),
            "text/csv; charset=utf-8", "cameras.csv");
    });
}

Response export_kml(const Request& req, ApiContext& ctx) {
    return camera_export(req, ctx, "kml", [&] {
        return streamed_download(services::kml_export(ctx.services.store, unix_now()),
                                 "application/vnd.google-earth.kml+xml", "cameras.kml");
    });
}

Response export_gpkg(const Request& req, ApiContext& ctx) {
    if (!ctx.dumps) return error_response(503, "unavailable", "GeoPackage dumps are not enabled");
    return camera_export(req, ctx, "gpkg", [&] {
        // Read again after the ETag: the dump is at least as new as the version the ETag names.
        Response response;
        response.content_type = "application/geopackage+sqlite3";
        response.file_path =
            ctx.dumps->dump_for(ctx.services.store, ctx.services.store.camera_version()).string();
        response.with_header("Content-Disposition", "attachment; filename=\"cameras.gpkg\"");
        return response;
    });
}

void write_counts(JsonWriter& w, std::string_view key,
                  const std::vector<std::pair<std::string, std::int64_t>>& counts) {
    w.key(key).begin_object();
    for (const auto& [name, n] : counts)
        w.key(name).value(n);
    w.end_object();
}

Response stats(const Request&, ApiContext& ctx) {
    auto s = ctx.services.store.stats();
    std::string out;
    JsonWriter w(out);
    w.begin_object();
    w.key("cameras_total").value(s.cameras_total);
    write_counts(w, "cameras_by_status", s.cameras_by_status);
    write_counts(w, "cameras_by_kind", s.cameras_by_kind);
    write_counts(w, "cameras_by_operator", s.cameras_by_operator);
    write_counts(w, "cameras_by_manufacturer", s.cameras_by_manufacturer);
    write_counts(w, "reports_by_status", s.reports_by_status);
    write_counts(w, "reports_by_day", s.reports_by_day);
    w.key("imported_areas").begin_array();
    for (const auto& area : s.imported_areas) {
        w.begin_object();
        w.key("name").value(area.name);
        if (!area.place.empty()) w.key("place").value(area.place);
        w.key("bbox").begin_array();
        for (double v : {area.bounds.west, area.bounds.south, area.bounds.east, area.bounds.north})
            w.value_fixed(v, 6);
        w.end_array();
        w.key("area_km2").value_fixed(area.area_km2, 3);
        w.key("cameras").value(area.cameras);
        w.key("cameras_per_km2")
            .value_fixed(area.area_km2 > 0 ? static_cast<double>(area.cameras) / area.area_km2 : 0,
                         3);
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return json_response(200, std::move(out));
}

Response stats_history(const Request& req, ApiContext& ctx, services::HistoryCache& cache) {
    std::optional<geo::BBox> bbox;
    if (auto text = req.query_param("bbox")) {
        auto box = geo::parse_bbox(*text);
        if (!box) return error_response(box.error());
        bbox = *box;
    }
    auto interval = services::HistoryInterval::month;
    if (auto text = req.query_param("interval")) {
        auto parsed = services::parse_history_interval(*text);
        if (!parsed) return error_response(parsed.error());
        interval = *parsed;
    }
    return json_response(200, cache.json(ctx.services.store, bbox, interval, unix_now()));
}

Response audit(const Request& req, ApiContext& ctx) {
    auto who =
        ctx.services.auth.authorize(req.cookie(session_cookie), model::Role::admin, std::nullopt);
    if (!who) return error_response(who.error());
    auto limit = parse_int_param(req.query_param("limit"), "limit", 1, 1000, 100);
    if (!limit) return error_response(limit.error());
    std::optional<std::int64_t> before;
    if (auto b = req.query_param("before")) {
        auto id = parse_id(b, "before");
        if (!id) return error_response(id.error());
        before = *id;
    }
    std::string out;
    JsonWriter w(out);
    w.begin_object().key("events").begin_array();
    for (const auto& e : ctx.services.store.list_audit(*limit, before)) {
        w.begin_object();
        w.key("id").value(e.id);
        w.key("at").value(format_utc(e.at));
        w.key("actor").value(e.actor);
        w.key("action").value(e.action);
        w.key("subject").value(e.subject);
        w.key("reason").value(e.reason);
        w.end_object();
    }
    w.end_array().end_object();
    return json_response(200, std::move(out)).with_header("Cache-Control", "no-store");
}

}  // namespace

void register_camera_routes(Router& router, ApiContext& ctx) {
    router.add("GET", "/api/v1/cameras", [&ctx](const Request& r) { return list_cameras(r, ctx); });
    router.add("GET", "/api/v1/cameras/{id}",
               [&ctx](const Request& r) { return get_camera(r, ctx); });
    router.add("POST", "/api/v1/cameras/{id}/removal",
               [&ctx](const Request& r) { return remove_camera(r, ctx); });
    router.add("GET", "/api/v1/export/cameras.geojson",
               [&ctx](const Request& r) { return export_geojson(r, ctx); });
    router.add("GET", "/api/v1/export/cameras.csv",
               [&ctx](const Request& r) { return export_csv(r, ctx); });
    router.add("GET", "/api/v1/export/cameras.kml",
               [&ctx](const Request& r) { return export_kml(r, ctx); });
    router.add("GET", "/api/v1/export/cameras.gpkg",
               [&ctx](const Request& r) { return export_gpkg(r, ctx); });
    // Made once per camera version (seconds for a country), then served from disk.
    router.set_lane("GET", "/api/v1/export/cameras.gpkg", Lane::heavy);
    router.add("GET", "/api/v1/stats", [&ctx](const Request& r) { return stats(r, ctx); });
    auto history_cache = std::make_shared<services::HistoryCache>();
    router.add("GET", "/api/v1/stats/history", [&ctx, history_cache](const Request& r) {
        return stats_history(r, ctx, *history_cache);
    });
    // Without a bbox it reads every camera and its history: queued fairly per client.
    router.set_lane("GET", "/api/v1/stats/history", Lane::heavy);
    router.add("GET", "/api/v1/audit", [&ctx](const Request& r) { return audit(r, ctx); });
}

}  // namespace sightline::http
