// Official lists against the crowd's map (issue 14): list them, compare one, review the unclear
// matches and decide them (moderators).

#include <fmt/core.h>

#include "http/endpoints/endpoints.hpp"
#include "http/endpoints/json_body.hpp"
#include "http/response.hpp"
#include "services/source_json.hpp"

namespace sightline::http {
namespace {

Result<model::SourceId> source_id(const Request& req) {
    auto id = parse_id(req.path_param("id"), "source id");
    if (!id) return std::unexpected(id.error());
    return model::SourceId{*id};
}

Response list_sources(ApiContext& ctx) {
    return json_response(200, services::sources_json(ctx.services.sources.list()));
}

Response comparison(const Request& req, ApiContext& ctx) {
    auto id = source_id(req);
    if (!id) return error_response(id.error());
    auto compared = ctx.services.sources.comparison(*id);
    if (!compared) return error_response(compared.error());
    return json_response(200, services::comparison_json(*compared));
}

Response review(const Request& req, ApiContext& ctx) {
    auto who = ctx.services.auth.authorize(req.cookie(session_cookie), model::Role::moderator,
                                           std::nullopt);
    if (!who) return error_response(who.error());
    auto id = source_id(req);
    if (!id) return error_response(id.error());
    auto compared = ctx.services.sources.comparison(*id);
    if (!compared) return error_response(compared.error());
    return json_response(200, services::review_json(*compared))
        .with_header("Cache-Control", "no-store");
}

Response decide(const Request& req, ApiContext& ctx) {
    auto who = ctx.services.auth.authorize(req.cookie(session_cookie), model::Role::moderator,
                                           req.header("x-csrf-token"));
    if (!who) return error_response(who.error());
    auto id = source_id(req);
    if (!id) return error_response(id.error());
    auto entry = parse_id(req.path_param("entry"), "entry id");
    if (!entry) return error_response(entry.error());
    auto body = parse_json_object(req, ctx.options.max_json_depth);
    if (!body) return error_response(body.error());
    if (auto ok = reject_unknown_fields(*body, {"camera"}); !ok) return error_response(ok.error());
    if (!body->contains("camera"))
        return error_response(
            Error{Errc::invalid_argument, "'camera' is required: a camera id, or null for none"});
    auto camera = optional_integer(*body, "camera");
    if (!camera) return error_response(camera.error());
    std::optional<model::CameraId> decided;
    if (*camera) {
        if (**camera <= 0)
            return error_response(Error{Errc::invalid_argument, "'camera' must be positive"});
        decided = model::CameraId{**camera};
    }
    if (auto ok = ctx.services.sources.decide(*id, *entry, decided, who->user.name); !ok)
        return error_response(ok.error());
    auto compared = ctx.services.sources.comparison(*id);
    if (!compared) return error_response(compared.error());
    return json_response(200, services::comparison_json(*compared));
}

}  // namespace

void register_source_routes(Router& router, ApiContext& ctx) {
    router.add("GET", "/api/v1/sources", [&ctx](const Request&) { return list_sources(ctx); });
    router.add("GET", "/api/v1/sources/{id}/comparison",
               [&ctx](const Request& r) { return comparison(r, ctx); });
    router.add("GET", "/api/v1/sources/{id}/review",
               [&ctx](const Request& r) { return review(r, ctx); });
    router.add("POST", "/api/v1/sources/{id}/entries/{entry}/match",
               [&ctx](const Request& r) { return decide(r, ctx); });
}

}  // namespace sightline::http
