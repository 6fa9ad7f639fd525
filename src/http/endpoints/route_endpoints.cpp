// GET /api/v1/route: up to three walking routes between two points, from the shortest to the
// least seen by cameras within a detour limit.

#include <string>

#include "analysis/camera_capability.hpp"
#include "geo/lat_lon_text.hpp"
#include "http/endpoints/endpoints.hpp"
#include "http/endpoints/json_body.hpp"
#include "http/response.hpp"
#include "services/routing_json.hpp"

namespace sightline::http {
namespace {

Result<geo::LatLon> parse_point_param(const Request& req, std::string_view name) {
    auto text = req.query_param(name);
    if (!text) return fail(Errc::invalid_argument, std::string(name) + "=lat,lon is required");
    return geo::parse_lat_lon(*text, name);
}

Response route(const Request& req, ApiContext& ctx) {
    auto from = parse_point_param(req, "from");
    if (!from) return error_response(from.error());
    auto to = parse_point_param(req, "to");
    if (!to) return error_response(to.error());
    services::RouteRequest request;
    request.from = *from;
    request.to = *to;
    auto detour =
        parse_number_param(req.query_param("max_detour"), "max_detour", 1,
                           ctx.services.routing.options().max_detour_limit, request.max_detour);
    if (!detour) return error_response(detour.error());
    request.max_detour = *detour;
    if (auto text = req.query_param("level")) {
        auto level = analysis::parse_dori_level(*text);
        if (!level)
            return error_response(Error{Errc::invalid_argument, "level: " + level.error().message});
        request.level = *level;
    }
    auto format = req.query_param("format").value_or("json");
    if (format != "json" && format != "gpx")
        return error_response(Error{Errc::invalid_argument, "format must be json or gpx"});

    auto report = ctx.services.routing.route(request);
    if (!report) return error_response(report.error());
    if (format == "gpx")
        return Response{200, "application/gpx+xml", services::route_gpx(*report), {}};
    return json_response(200, services::route_json(*report));
}

}  // namespace

void register_route_routes(Router& router, ApiContext& ctx) {
    router.add("GET", "/api/v1/route", [&ctx](const Request& r) { return route(r, ctx); });
    router.set_lane("GET", "/api/v1/route", Lane::heavy);  // a search over the whole street graph
}

}  // namespace sightline::http
