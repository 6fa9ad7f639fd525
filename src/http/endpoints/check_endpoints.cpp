// Freshness (issue 14): POST /api/v1/cameras/{id}/checks (anyone: "still there" / "gone"), and
// for moderators GET /api/v1/moderation/checks, POST /api/v1/moderation/checks/{id}/accept|reject
// and GET /api/v1/moderation/recheck (cameras least recently confirmed first).

#include <fmt/core.h>

#include "core/clock.hpp"
#include "http/endpoints/endpoints.hpp"
#include "http/endpoints/json_body.hpp"
#include "http/endpoints/photo_endpoints.hpp"
#include "http/endpoints/upload_body.hpp"
#include "http/multipart.hpp"
#include "http/response.hpp"
#include "services/camera_json.hpp"
#include "services/json_writer.hpp"

namespace sightline::http {
namespace {

using services::JsonWriter;

services::Staleness staleness_now(const ApiContext& ctx) {
    return {model::stale_before(unix_now(), std::int64_t{ctx.options.stale_after_days} * 86'400),
            ctx.options.stale_after_days};
}

void write_check(JsonWriter& w, const model::CameraCheck& c, bool with_photos = false) {
    w.key("id").value(c.id);
    w.key("camera_id").value(c.camera_id.value);
    w.key("present").value(c.present);
    w.key("status").value(model::to_string(c.status));
    w.key("created_at").value(format_utc(c.created_at));
    if (!with_photos) return;
    // Not public (no accepted report links them): moderators see them at these URLs.
    w.key("photos").begin_array();
    for (const auto& sha256 : c.photos) {
        w.begin_object();
        w.key("sha256").value(sha256);
        w.key("url").value(fmt::format("/photos/{}", sha256));
        w.key("thumbnail_url").value(fmt::format("/photos/{}/thumbnail", sha256));
        w.end_object();
    }
    w.end_array();
}

Result<model::NewCheck> check_from_json(const nlohmann::json& body) {
    if (auto ok = reject_unknown_fields(body, {"present", "note"}); !ok)
        return std::unexpected(ok.error());
    auto present = body.find("present");
    if (present == body.end() || !present->is_boolean())
        return fail(Errc::invalid_argument, "'present' must be true (still there) or false (gone)");
    auto note = optional_string(body, "note");
    if (!note) return std::unexpected(note.error());
    return model::NewCheck{present->get<bool>(), note->value_or(""), {}};
}

Response submit_check(const Request& req, ApiContext& ctx) {
    auto id = parse_id(req.path_param("id"), "camera id");
    if (!id) return error_response(id.error());
    auto upload =
        read_upload_body(req, ctx.options.max_json_depth,
                         {"check", model::max_photos_per_check, "a check may carry one photo"});
    if (!upload) return error_response(upload.error());
    auto check = check_from_json(upload->json);
    if (!check) return error_response(check.error());
    auto stored = ctx.services.reports.check_camera(model::CameraId{*id}, std::move(*check),
                                                    req.client_key, upload->photos);
    if (!stored) {
        auto response = error_response(stored.error());
        if (stored.error().code == Errc::rate_limited) response.with_header("Retry-After", "600");
        return response;
    }
    auto camera = ctx.services.store.find_camera(stored->camera_id);
    if (!camera) return error_response(camera.error());
    auto history = ctx.services.store.camera_history(camera->id);
    auto photos = ctx.services.store.camera_photos(camera->id);
    std::string out;
    JsonWriter w(out);
    w.begin_object();
    w.key("check").begin_object();
    write_check(w, *stored);
    w.end_object();
    w.key("camera").raw(services::camera_feature_with_history(
        *camera, history, photos, ctx.services.source_store.camera_sources(camera->id),
        staleness_now(ctx)));
    w.end_object();
    // "Still there" is settled (201, the camera with its new last_verified); "gone" waits for a
    // moderator (202).
    return json_response(stored->present ? 201 : 202, std::move(out))
        .with_header("Cache-Control", "no-store");
}

Response list_checks(const Request& req, ApiContext& ctx) {
    auto who = ctx.services.auth.authorize(req.cookie(session_cookie), model::Role::moderator,
                                           std::nullopt);
    if (!who) return error_response(who.error());
    std::optional<model::CheckStatus> status = model::CheckStatus::pending;
    if (auto text = req.query_param("status"); text && *text == "all") {
        status.reset();
    } else if (text) {
        auto parsed = model::parse_check_status(*text);
        if (!parsed) return error_response(parsed.error());
        status = *parsed;
    }
    auto limit = parse_int_param(req.query_param("limit"), "limit", 1, 500, 100);
    if (!limit) return error_response(limit.error());
    std::int64_t after = 0;
    if (auto text = req.query_param("after")) {
        auto parsed = parse_id(text, "after");
        if (!parsed) return error_response(parsed.error());
        after = *parsed;
    }
    std::string out;
    JsonWriter w(out);
    w.begin_object().key("checks").begin_array();
    for (const auto& check : ctx.services.store.list_checks(status, *limit, after)) {
        w.begin_object();
        write_check(w, check, /*with_photos=*/true);
        w.key("note").value(check.note);
        w.key("decided_at");
        if (check.decided_at)
            w.value(format_utc(check.decided_at));
        else
            w.null();
        w.key("decision_reason").value(check.decision_reason);
        // The camera as the moderator needs it to judge: where, what, since when unconfirmed.
        w.key("camera");
        if (auto camera = ctx.services.store.find_camera(check.camera_id)) {
            std::string feature;
            services::append_camera_feature(feature, *camera);
            w.raw(feature);
        } else {
            w.null();
        }
        w.end_object();
    }
    w.end_array().end_object();
    return json_response(200, std::move(out)).with_header("Cache-Control", "no-store");
}

Result<std::string> optional_reason(const Request& req, const ApiContext& ctx) {
    if (req.body.empty()) return std::string();
    auto body = parse_json_object(req, ctx.options.max_json_depth);
    if (!body) return std::unexpected(body.error());
    if (auto ok = reject_unknown_fields(*body, {"reason"}); !ok) return std::unexpected(ok.error());
    auto reason = optional_string(*body, "reason");
    if (!reason) return std::unexpected(reason.error());
    return reason->value_or("");
}

Response decide_check(const Request& req, ApiContext& ctx, bool accept) {
    auto who = ctx.services.auth.authorize(req.cookie(session_cookie), model::Role::moderator,
                                           req.header("x-csrf-token"));
    if (!who) return error_response(who.error());
    auto id = parse_id(req.path_param("id"), "check id");
    if (!id) return error_response(id.error());
    auto reason = optional_reason(req, ctx);
    if (!reason) return error_response(reason.error());
    std::string out;
    JsonWriter w(out);
    if (accept) {
        auto camera = ctx.services.moderation.accept_check(*id, *reason, who->user.name);
        if (!camera) return error_response(camera.error());
        auto check = ctx.services.store.find_check(*id);
        if (!check) return error_response(check.error());
        w.begin_object().key("check").begin_object();
        write_check(w, *check);
        w.end_object();
        std::string feature;
        services::append_camera_feature(feature, *camera);
        w.key("camera").raw(feature);
        w.end_object();
    } else {
        auto check = ctx.services.moderation.reject_check(*id, *reason, who->user.name);
        if (!check) return error_response(check.error());
        w.begin_object().key("check").begin_object();
        write_check(w, *check);
        w.end_object().end_object();
    }
    return json_response(200, std::move(out)).with_header("Cache-Control", "no-store");
}

Response recheck(const Request& req, ApiContext& ctx) {
    auto who = ctx.services.auth.authorize(req.cookie(session_cookie), model::Role::moderator,
                                           std::nullopt);
    if (!who) return error_response(who.error());
    std::optional<geo::BBox> bbox;
    if (auto text = req.query_param("bbox")) {
        auto box = geo::parse_bbox(*text);
        if (!box) return error_response(box.error());
        bbox = *box;
    }
    auto limit = parse_int_param(req.query_param("limit"), "limit", 1, 1000, 100);
    if (!limit) return error_response(limit.error());
    auto cameras = ctx.services.store.cameras_to_recheck(bbox, *limit);
    std::string body = services::camera_feature_collection(cameras);
    auto staleness = staleness_now(ctx);
    body.pop_back();
    body += fmt::format(R"(,"stale_before":"{}","stale_after_days":{}}})",
                        format_utc(staleness.stale_before), staleness.stale_after_days);
    return Response{200, "application/geo+json", std::move(body), {}}.with_header("Cache-Control",
                                                                                  "no-store");
}

}  // namespace

void register_check_routes(Router& router, ApiContext& ctx) {
    router.add(
        "POST", "/api/v1/cameras/{id}/checks",
        [&ctx](const Request& r) { return submit_check(r, ctx); },
        /*JSON: the server default*/ 0, max_photo_bytes + 1024 * 1024);
    router.add("GET", "/api/v1/moderation/checks",
               [&ctx](const Request& r) { return list_checks(r, ctx); });
    router.add("POST", "/api/v1/moderation/checks/{id}/accept",
               [&ctx](const Request& r) { return decide_check(r, ctx, true); });
    router.add("POST", "/api/v1/moderation/checks/{id}/reject",
               [&ctx](const Request& r) { return decide_check(r, ctx, false); });
    router.add("GET", "/api/v1/moderation/recheck",
               [&ctx](const Request& r) { return recheck(r, ctx); });
    // Checks are stored to the hour; the access log and /metrics must not date them better.
    router.keep_timing_private("POST", "/api/v1/cameras/{id}/checks");
    // A photo is decoded, scrubbed and searched for faces: the fair queue, as for reports.
    router.set_lane("POST", "/api/v1/cameras/{id}/checks", Lane::heavy_if_multipart);
}

}  // namespace sightline::http
