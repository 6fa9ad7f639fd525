// POST/GET /api/v1/reports, DELETE /api/v1/reports/{id}, POST /api/v1/reports/{id}/decision.

#include "http/endpoints/endpoints.hpp"

#include <fmt/core.h>

#include "core/clock.hpp"
#include "http/endpoints/json_body.hpp"
#include "http/endpoints/photo_endpoints.hpp"
#include "http/endpoints/upload_body.hpp"
#include "http/multipart.hpp"
#include "http/response.hpp"
#include "services/camera_json.hpp"
#include "services/json_writer.hpp"

namespace sightline::http {
namespace {

using nlohmann::json;
using services::JsonWriter;

Result<model::NewReport> report_from_json(const json& body) {
    if (auto ok = reject_unknown_fields(
            body, {"location", "accuracy_m", "directions_deg", "tags", "note"});
        !ok)
        return std::unexpected(ok.error());
    model::NewReport r;
    auto location = body.find("location");
    if (location == body.end() || !location->is_object())
        return fail(Errc::invalid_argument,
                    "'location' must be an object {\"lat\": ..., \"lon\": ...}");
    if (auto ok = reject_unknown_fields(*location, {"lat", "lon"}); !ok)
        return std::unexpected(ok.error());
    auto lat = optional_number(*location, "lat");
    auto lon = optional_number(*location, "lon");
    if (!lat) return std::unexpected(lat.error());
    if (!lon) return std::unexpected(lon.error());
    if (!*lat || !*lon)
        return fail(Errc::invalid_argument, "'location' needs numbers 'lat' and 'lon'");
    r.location = {**lat, **lon};

    auto accuracy = optional_number(body, "accuracy_m");
    if (!accuracy) return std::unexpected(accuracy.error());
    r.accuracy_m = *accuracy;

    if (auto dirs = body.find("directions_deg"); dirs != body.end() && !dirs->is_null()) {
        if (!dirs->is_array())
            return fail(Errc::invalid_argument, "'directions_deg' must be an array of numbers");
        if (dirs->size() > model::max_directions)
            return fail(Errc::invalid_argument,
                        fmt::format("at most {} directions are allowed", model::max_directions));
        for (const auto& d : *dirs) {
            if (!d.is_number())
                return fail(Errc::invalid_argument, "'directions_deg' must be an array of numbers");
            r.directions_deg.push_back(d.get<double>());
        }
    }
    if (auto tags = body.find("tags"); tags != body.end() && !tags->is_null()) {
        if (!tags->is_object())
            return fail(Errc::invalid_argument, "'tags' must be an object of strings");
        if (tags->size() > model::max_tags)
            return fail(Errc::invalid_argument,
                        fmt::format("at most {} tags are allowed", model::max_tags));
        for (const auto& [key, value] : tags->items()) {
            if (!value.is_string())
                return fail(Errc::invalid_argument,
                            "'tags' values must be strings (as in OpenStreetMap)");
            r.tags[key] = value.get<std::string>();
        }
    }
    auto note = optional_string(body, "note");
    if (!note) return std::unexpected(note.error());
    r.note = note->value_or("");
    return r;
}

void write_duplicates(JsonWriter& w, const std::vector<model::DuplicateCandidate>& dups) {
    w.key("likely_duplicates").begin_array();
    for (const auto& d : dups) {
        w.begin_object();
        w.key("camera_id").value(d.camera_id.value);
        w.key("distance_m").value_fixed(d.distance_m, 1);
        w.key("same_kind").value(d.same_kind);
        w.key("score").value_fixed(d.score, 3);
        w.end_object();
    }
    w.end_array();
}

void write_report(JsonWriter& w, const services::ReportForReview& item) {
    const auto& r = item.report;
    w.begin_object();
    w.key("id").value(r.id.value);
    w.key("status").value(model::to_string(r.status));
    w.key("location").begin_object();
    w.key("lat").value_fixed(r.location.lat, 7);
    w.key("lon").value_fixed(r.location.lon, 7);
    w.end_object();
    w.key("accuracy_m");
    if (r.accuracy_m)
        w.value(*r.accuracy_m);
    else
        w.null();
    w.key("directions_deg").begin_array();
    for (double d : r.directions_deg)
        w.value(d);
    w.end_array();
    w.key("tags").begin_object();
    for (const auto& [k, v] : r.tags)
        w.key(k).value(v);
    w.end_object();
    w.key("note").value(r.note);
    w.key("created_at").value(format_utc(r.created_at));
    w.key("camera_id");
    if (r.camera_id)
        w.value(r.camera_id->value);
    else
        w.null();
    w.key("decided_at");
    if (r.decided_at)
        w.value(format_utc(r.decided_at));
    else
        w.null();
    w.key("decision_reason").value(r.decision_reason);
    w.key("flags").begin_array();
    for (const auto& flag : r.flags)
        w.value(flag);
    w.end_array();
    w.key("photos").begin_array();
    for (const auto& photo : r.photos)
        write_photo(w, photo);
    w.end_array();
    w.key("similar_photos").begin_array();
    for (const auto& similar : item.similar_photos) {
        w.begin_object();
        w.key("report_id").value(similar.report_id.value);
        w.key("sha256").value(similar.sha256);
        w.key("url").value(fmt::format("/photos/{}", similar.sha256));
        w.key("similar_to").value(similar.similar_to);
        w.key("distance").value(static_cast<std::int64_t>(similar.distance));
        w.end_object();
    }
    w.end_array();
    write_duplicates(w, item.likely_duplicates);
    w.end_object();
}

Response submit_report(const Request& req, ApiContext& ctx) {
    auto upload = read_upload_body(
        req, ctx.options.max_json_depth,
        {"report", model::max_photos_per_report,
         fmt::format("at most {} photos per report", model::max_photos_per_report)});
    if (!upload) return error_response(upload.error());
    auto report = report_from_json(upload->json);
    if (!report) return error_response(report.error());
    auto submitted =
        ctx.services.reports.submit(std::move(*report), req.client_key, upload->photos);
    if (!submitted) {
        auto response = error_response(submitted.error());
        if (submitted.error().code == Errc::rate_limited)
            response.with_header("Retry-After", "600");
        return response;
    }
    std::string out;
    JsonWriter w(out);
    w.begin_object();
    w.key("id").value(submitted->id.value);
    w.key("status").value("pending");
    w.key("withdraw_token").value(submitted->withdraw_token);
    w.key("photos").begin_array();
    for (const auto& photo : submitted->photos) {
        // The stored record plus what the upload carried before it was stripped (for the
        // reporter only: none of it is stored).
        w.begin_object();
        write_photo_fields(w, photo.record);
        // The photo is not public until a moderator accepts the report; the reporter gets
        // URLs that show it for an hour.
        const std::string preview =
            ctx.services.photos.preview_token(photo.record.sha256, unix_now());
        w.key("preview_url")
            .value(fmt::format("/photos/{}?preview={}", photo.record.sha256, preview));
        w.key("preview_thumbnail_url")
            .value(fmt::format("/photos/{}/thumbnail?preview={}", photo.record.sha256, preview));
        w.key("metadata_removed").begin_array();
        for (const auto& kind : photo.metadata_removed)
            w.value(kind);
        w.end_array();
        w.key("suggestion");
        write_suggestion(w, photo.suggestion);
        w.end_object();
    }
    w.end_array();
    write_duplicates(w, submitted->likely_duplicates);
    w.end_object();
    return json_response(201, std::move(out))
        .with_header("Location", fmt::format("/api/v1/reports/{}", submitted->id.value))
        .with_header("Cache-Control", "no-store");
}

Response withdraw_report(const Request& req, ApiContext& ctx) {
    auto id = parse_id(req.path_param("id"), "report id");
    if (!id) return error_response(id.error());
    auto token = req.header("x-withdraw-token");
    if (!token)
        return error_response(
            Error{Errc::unauthorized, "send the withdraw token in X-Withdraw-Token"});
    auto ok = ctx.services.reports.withdraw(model::ReportId{*id}, *token);
    if (!ok) return error_response(ok.error());
    return Response{204, "application/json", "", {}};
}

Response list_reports(const Request& req, ApiContext& ctx) {
    auto who = ctx.services.auth.authorize(req.cookie(session_cookie), model::Role::moderator,
                                           std::nullopt);
    if (!who) return error_response(who.error());
    store::ReportQuery query;
    query.status = model::ReportStatus::pending;
    if (auto status = req.query_param("status"); status && *status != "all") {
        auto parsed = model::parse_report_status(*status);
        if (!parsed) return error_response(parsed.error());
        query.status = *parsed;
    } else if (status) {
        query.status.reset();
    }
    auto limit = parse_int_param(req.query_param("limit"), "limit", 1, 500, 100);
    if (!limit) return error_response(limit.error());
    query.limit = *limit;
    if (auto before = req.query_param("before")) {
        auto id = parse_id(before, "before");
        if (!id) return error_response(id.error());
        query.before = model::ReportId{*id};
    }
    std::string out;
    JsonWriter w(out);
    w.begin_object().key("reports").begin_array();
    for (const auto& item : ctx.services.reports.list_for_review(query))
        write_report(w, item);
    w.end_array().end_object();
    return json_response(200, std::move(out)).with_header("Cache-Control", "no-store");
}

Response get_report(const Request& req, ApiContext& ctx) {
    auto who = ctx.services.auth.authorize(req.cookie(session_cookie), model::Role::moderator,
                                           std::nullopt);
    if (!who) return error_response(who.error());
    auto id = parse_id(req.path_param("id"), "report id");
    if (!id) return error_response(id.error());
    auto item = ctx.services.reports.find_for_review(model::ReportId{*id});
    if (!item) return error_response(item.error());
    std::string out;
    JsonWriter w(out);
    write_report(w, *item);
    return json_response(200, std::move(out)).with_header("Cache-Control", "no-store");
}

Response decide_report(const Request& req, ApiContext& ctx) {
    auto who = ctx.services.auth.authorize(req.cookie(session_cookie), model::Role::moderator,
                                           req.header("x-csrf-token"));
    if (!who) return error_response(who.error());
    auto id = parse_id(req.path_param("id"), "report id");
    if (!id) return error_response(id.error());
    auto body = parse_json_object(req, ctx.options.max_json_depth);
    if (!body) return error_response(body.error());
    if (auto ok = reject_unknown_fields(*body, {"action", "camera_id", "reason"}); !ok)
        return error_response(ok.error());
    auto action_text = optional_string(*body, "action");
    if (!action_text) return error_response(action_text.error());
    if (!*action_text) return error_response(Error{Errc::invalid_argument, "'action' is required"});
    auto action = services::parse_decision_action(**action_text);
    if (!action) return error_response(action.error());
    auto camera_id = optional_integer(*body, "camera_id");
    if (!camera_id) return error_response(camera_id.error());
    auto reason = optional_string(*body, "reason");
    if (!reason) return error_response(reason.error());

    services::DecisionRequest decision;
    decision.action = *action;
    if (*camera_id) decision.camera_id = model::CameraId{**camera_id};
    decision.reason = reason->value_or("");
    auto outcome = ctx.services.moderation.decide(model::ReportId{*id}, decision, who->user.name);
    if (!outcome) return error_response(outcome.error());

    std::string out;
    JsonWriter w(out);
    w.begin_object();
    w.key("report");
    write_report(w, services::ReportForReview{outcome->report, {}, {}});
    w.key("camera");
    if (outcome->camera) {
        std::string feature;
        services::append_camera_feature(feature, *outcome->camera);
        w.raw(feature);
    } else {
        w.null();
    }
    w.end_object();
    return json_response(200, std::move(out));
}

}  // namespace

void register_report_routes(Router& router, ApiContext& ctx) {
    router.add(
        "POST", "/api/v1/reports", [&ctx](const Request& r) { return submit_report(r, ctx); },
        /*JSON: the server default*/ 0, max_report_body_bytes);
    router.add("GET", "/api/v1/reports", [&ctx](const Request& r) { return list_reports(r, ctx); });
    router.add("GET", "/api/v1/reports/{id}",
               [&ctx](const Request& r) { return get_report(r, ctx); });
    router.add("DELETE", "/api/v1/reports/{id}",
               [&ctx](const Request& r) { return withdraw_report(r, ctx); });
    router.add("POST", "/api/v1/reports/{id}/decision",
               [&ctx](const Request& r) { return decide_report(r, ctx); });
    // Reports are stored to the hour; the access log and /metrics must not date them better.
    router.keep_timing_private("POST", "/api/v1/reports");
    router.keep_timing_private("DELETE", "/api/v1/reports/{id}");
    // Photos are decoded, scrubbed and searched for faces: seconds of CPU each. A report without
    // photos (JSON) is cheap and stays on the worker pool.
    router.set_lane("POST", "/api/v1/reports", Lane::heavy_if_multipart);
}

}  // namespace sightline::http
