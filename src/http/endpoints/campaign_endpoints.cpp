// Survey campaigns: moderators create them (POST /api/v1/campaigns) and settle disputed tasks;
// volunteers, without an account, get the nearest free task (GET .../next) and answer it (POST
// .../tasks/{task}/answers). GET /api/v1/surveys is the survey layer as GeoJSON.

#include "analysis/district_file.hpp"
#include "core/clock.hpp"
#include "http/endpoints/endpoints.hpp"
#include "http/endpoints/json_body.hpp"
#include "http/response.hpp"
#include "services/campaign_json.hpp"
#include "services/json_writer.hpp"

namespace sightline::http {
namespace {

using services::JsonWriter;

constexpr int max_survey_features = 20'000;

std::string campaign_json(const model::CampaignSummary& c) {
    std::string out;
    JsonWriter w(out);
    services::write_campaign(w, c);
    return out;
}

std::string task_json(const model::SurveyTask& t) {
    std::string out;
    JsonWriter w(out);
    services::write_task(w, t);
    return out;
}

Result<geo::BBox> bbox_field(const nlohmann::json& value) {
    if (!value.is_array() || value.size() != 4)
        return fail(Errc::invalid_argument, "'bbox' must be [west, south, east, north]");
    double v[4];
    for (std::size_t i = 0; i < 4; ++i) {
        if (!value[i].is_number()) return fail(Errc::invalid_argument, "'bbox' holds numbers");
        v[i] = value[i].get<double>();
    }
    geo::BBox box{v[0], v[1], v[2], v[3]};
    if (!(box.west < box.east && box.south < box.north) ||
        !geo::LatLon{box.south, box.west}.is_valid() ||
        !geo::LatLon{box.north, box.east}.is_valid())
        return fail(Errc::invalid_argument, "'bbox' is not a valid box");
    return box;
}

Response create_campaign(const Request& req, ApiContext& ctx) {
    auto who = ctx.services.auth.authorize(req.cookie(session_cookie), model::Role::moderator,
                                           req.header("x-csrf-token"));
    if (!who) return error_response(who.error());
    auto body = parse_json_object(req, ctx.options.max_json_depth);
    if (!body) return error_response(body.error());
    if (auto ok = reject_unknown_fields(
            *body, {"name", "bbox", "area", "unit", "answers_needed", "cell_m"});
        !ok)
        return error_response(ok.error());
    services::CampaignRequest request;
    auto name = optional_string(*body, "name");
    if (!name) return error_response(name.error());
    request.name = name->value_or("");
    if (body->contains("bbox")) {
        auto box = bbox_field((*body)["bbox"]);
        if (!box) return error_response(box.error());
        request.bbox = *box;
    }
    if (body->contains("area")) {
        auto areas = analysis::parse_districts_geojson((*body)["area"].dump());
        if (!areas) return error_response(areas.error());
        if (areas->size() != 1)
            return error_response(Error{Errc::invalid_argument, "'area' is one GeoJSON Polygon"});
        request.area = std::move(areas->front().polygons);
    }
    auto unit = optional_string(*body, "unit");
    if (!unit) return error_response(unit.error());
    auto parsed_unit = model::parse_survey_unit(unit->value_or("intersection"));
    if (!parsed_unit)
        return error_response(Error{Errc::invalid_argument, "'unit' is intersection or cell"});
    request.unit = *parsed_unit;
    auto needed = optional_integer(*body, "answers_needed");
    if (!needed) return error_response(needed.error());
    request.answers_needed =
        static_cast<int>(std::clamp<std::int64_t>(needed->value_or(2), -1, 1000));
    auto cell = optional_number(*body, "cell_m");
    if (!cell) return error_response(cell.error());
    request.cell_m = cell->value_or(0);
    auto created = ctx.services.campaigns.create(request, who->user.name, unix_now());
    if (!created) return error_response(created.error());
    return json_response(201, campaign_json(*created));
}

Response list_campaigns(ApiContext& ctx) {
    std::string out;
    JsonWriter w(out);
    w.begin_object().key("campaigns").begin_array();
    for (const auto& c : ctx.services.campaigns.store().list_campaigns())
        services::write_campaign(w, c);
    w.end_array().end_object();
    return json_response(200, std::move(out));
}

Response get_campaign(const Request& req, ApiContext& ctx) {
    auto id = parse_id(req.path_param("id"), "campaign id");
    if (!id) return error_response(id.error());
    auto found = ctx.services.campaigns.store().find_campaign(*id);
    if (!found) return error_response(found.error());
    return json_response(200, campaign_json(*found));
}

Response next_task(const Request& req, ApiContext& ctx) {
    auto id = parse_id(req.path_param("id"), "campaign id");
    if (!id) return error_response(id.error());
    auto lat = parse_number_param(req.query_param("lat"), "lat", -90, 90, 1000);
    if (!lat) return error_response(lat.error());
    auto lon = parse_number_param(req.query_param("lon"), "lon", -180, 180, 1000);
    if (!lon) return error_response(lon.error());
    if (*lat == 1000 || *lon == 1000)
        return error_response(Error{Errc::invalid_argument, "lat and lon are required"});
    auto task = ctx.services.campaigns.next(*id, {*lat, *lon}, unix_now());
    if (!task) return error_response(task.error());
    std::string out;
    JsonWriter w(out);
    w.begin_object().key("task");
    if (*task)
        services::write_task(w, **task);
    else
        w.null();
    w.end_object();
    return json_response(200, std::move(out)).with_header("Cache-Control", "no-store");
}

Response answer_task(const Request& req, ApiContext& ctx) {
    auto id = parse_id(req.path_param("id"), "campaign id");
    if (!id) return error_response(id.error());
    auto task = parse_id(req.path_param("task"), "task id");
    if (!task) return error_response(task.error());
    auto body = parse_json_object(req, ctx.options.max_json_depth);
    if (!body) return error_response(body.error());
    if (auto ok = reject_unknown_fields(*body, {"cameras", "report_ids", "answer_id"}); !ok)
        return error_response(ok.error());
    auto cameras = optional_integer(*body, "cameras");
    if (!cameras) return error_response(cameras.error());
    if (!*cameras) return error_response(Error{Errc::invalid_argument, "'cameras' is required"});
    model::TaskAnswer answer;
    answer.cameras = static_cast<int>(std::clamp<std::int64_t>(**cameras, -1, 1'000'000));
    if (body->contains("report_ids")) {
        const auto& ids = (*body)["report_ids"];
        if (!ids.is_array())
            return error_response(Error{Errc::invalid_argument, "'report_ids' is an array"});
        if (ids.size() > 1000)
            return error_response(Error{Errc::invalid_argument, "too many report_ids"});
        for (const auto& v : ids) {
            if (!v.is_number_integer() || v.get<std::int64_t>() <= 0)
                return error_response(
                    Error{Errc::invalid_argument, "'report_ids' holds report numbers"});
            answer.report_ids.push_back(v.get<std::int64_t>());
        }
    }
    auto answer_id = optional_string(*body, "answer_id");
    if (!answer_id) return error_response(answer_id.error());
    answer.answer_id = answer_id->value_or("");
    auto answered = ctx.services.campaigns.answer(*id, *task, answer, req.client_key, unix_now());
    if (!answered) return error_response(answered.error());
    return json_response(answered->recorded ? 201 : 200, task_json(answered->task));
}

Response list_tasks(const Request& req, ApiContext& ctx) {
    auto who = ctx.services.auth.authorize(req.cookie(session_cookie), model::Role::moderator,
                                           std::nullopt);
    if (!who) return error_response(who.error());
    auto id = parse_id(req.path_param("id"), "campaign id");
    if (!id) return error_response(id.error());
    if (auto c = ctx.services.campaigns.store().find_campaign(*id); !c)
        return error_response(c.error());
    std::optional<model::TaskState> state;
    if (auto s = req.query_param("state")) {
        if (*s == "open")
            state = model::TaskState::open;
        else if (*s == "done")
            state = model::TaskState::done;
        else if (*s == "disputed")
            state = model::TaskState::disputed;
        else
            return error_response(Error{Errc::invalid_argument, "state is open, done or disputed"});
    }
    auto limit = parse_int_param(req.query_param("limit"), "limit", 1, 1000, 100);
    if (!limit) return error_response(limit.error());
    std::string out;
    JsonWriter w(out);
    w.begin_object().key("tasks").begin_array();
    for (const auto& t : ctx.services.campaigns.store().list_tasks(*id, state, *limit))
        services::write_task(w, t);
    w.end_array().end_object();
    return json_response(200, std::move(out)).with_header("Cache-Control", "no-store");
}

Response resolve_task(const Request& req, ApiContext& ctx) {
    auto who = ctx.services.auth.authorize(req.cookie(session_cookie), model::Role::moderator,
                                           req.header("x-csrf-token"));
    if (!who) return error_response(who.error());
    auto id = parse_id(req.path_param("id"), "campaign id");
    if (!id) return error_response(id.error());
    auto task = parse_id(req.path_param("task"), "task id");
    if (!task) return error_response(task.error());
    auto body = parse_json_object(req, ctx.options.max_json_depth);
    if (!body) return error_response(body.error());
    if (auto ok = reject_unknown_fields(*body, {"cameras", "reason"}); !ok)
        return error_response(ok.error());
    auto cameras = optional_integer(*body, "cameras");
    if (!cameras) return error_response(cameras.error());
    if (!*cameras || **cameras < 0 || **cameras > 1000)
        return error_response(Error{Errc::invalid_argument, "'cameras' is 0 to 1000"});
    auto reason = optional_string(*body, "reason");
    if (!reason) return error_response(reason.error());
    auto resolved = ctx.services.campaigns.store().resolve_task(
        *id, *task, static_cast<int>(**cameras),
        {who->user.name, reason->value_or(""), unix_now()});
    if (!resolved) return error_response(resolved.error());
    return json_response(200, task_json(*resolved));
}

Response surveys(const Request& req, ApiContext& ctx) {
    auto text = req.query_param("bbox");
    if (!text)
        return error_response(
            Error{Errc::invalid_argument, "bbox=west,south,east,north is required"});
    auto box = geo::parse_bbox(*text);
    if (!box) return error_response(box.error());
    if (box->area_km2() > ctx.options.max_bbox_area_km2)
        return error_response(Error{Errc::too_large, "the bbox is too large"});
    auto tasks = ctx.services.campaigns.store().survey_tasks_in(*box, max_survey_features);
    auto response =
        json_response(200, services::surveys_geojson(
                               tasks, unix_now(), ctx.services.campaigns.options().stale_after_s));
    response.content_type = "application/geo+json";
    return response;
}

}  // namespace

void register_campaign_routes(Router& router, ApiContext& ctx) {
    router.add("POST", "/api/v1/campaigns",
               [&ctx](const Request& r) { return create_campaign(r, ctx); });
    router.set_lane("POST", "/api/v1/campaigns", Lane::heavy);  // reads the area's streets
    router.add("GET", "/api/v1/campaigns", [&ctx](const Request&) { return list_campaigns(ctx); });
    router.add("GET", "/api/v1/campaigns/{id}",
               [&ctx](const Request& r) { return get_campaign(r, ctx); });
    router.add("GET", "/api/v1/campaigns/{id}/next",
               [&ctx](const Request& r) { return next_task(r, ctx); });
    router.add("GET", "/api/v1/campaigns/{id}/tasks",
               [&ctx](const Request& r) { return list_tasks(r, ctx); });
    router.add("POST", "/api/v1/campaigns/{id}/tasks/{task}/answers",
               [&ctx](const Request& r) { return answer_task(r, ctx); });
    // When a volunteer answered where is their own business: no access log line.
    router.keep_timing_private("POST", "/api/v1/campaigns/{id}/tasks/{task}/answers");
    router.add("POST", "/api/v1/campaigns/{id}/tasks/{task}/resolve",
               [&ctx](const Request& r) { return resolve_task(r, ctx); });
    router.add("GET", "/api/v1/surveys", [&ctx](const Request& r) { return surveys(r, ctx); });
}

}  // namespace sightline::http
