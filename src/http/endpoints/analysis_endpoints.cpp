// GET /api/v1/coverage and POST /api/v1/exposure: what the registry's cameras see of the streets
// of an area, and of a route someone walks.

#include <cctype>

#include "analysis/route_file.hpp"
#include "core/clock.hpp"
#include "http/endpoints/endpoints.hpp"
#include "http/endpoints/json_body.hpp"
#include "http/response.hpp"
#include "services/analysis_json.hpp"

namespace sightline::http {
namespace {

constexpr std::size_t max_route_body_bytes = 5 * 1024 * 1024;

std::string media_type(std::optional<std::string_view> header) {
    std::string type(header.value_or("").substr(0, header.value_or("").find(';')));
    while (!type.empty() && (type.back() == ' ' || type.back() == '\t'))
        type.pop_back();
    while (!type.empty() && (type.front() == ' ' || type.front() == '\t'))
        type.erase(0, 1);
    for (auto& c : type)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return type;
}

Response coverage(const Request& req, ApiContext& ctx) {
    auto text = req.query_param("bbox");
    if (!text)
        return error_response(
            Error{Errc::invalid_argument, "bbox=west,south,east,north is required"});
    auto box = geo::parse_bbox(*text);
    if (!box) return error_response(box.error());
    auto cell = parse_number_param(req.query_param("cell"), "cell", 10, 100'000, 100);
    if (!cell) return error_response(cell.error());
    services::CoverageRequest request;
    request.bbox = *box;
    request.cell_m = *cell;
    auto report = ctx.services.analysis.coverage(request);
    if (!report) return error_response(report.error());
    auto surveyed = ctx.services.campaigns.surveyed_length(*box, unix_now());
    report->surveyed_share = surveyed.street_m > 0 ? surveyed.surveyed_m / surveyed.street_m : 0;
    return json_response(200, services::coverage_json(*report));
}

Response exposure(const Request& req, ApiContext& ctx) {
    auto speed = parse_number_param(req.query_param("speed"), "speed", 0.1, 100, 1.4);
    if (!speed) return error_response(speed.error());
    auto type = media_type(req.header("content-type"));
    analysis::RouteLimits limits;
    limits.max_bytes = max_route_body_bytes;
    Result<analysis::Route> route;
    if (type == "application/json" || type == "application/geo+json")
        route = analysis::parse_route_geojson(req.body, limits);
    else if (type == "application/gpx+xml" || type == "application/xml" || type == "text/xml")
        route = analysis::parse_gpx(req.body, limits);
    else
        return error_response(Error{Errc::unsupported_media_type,
                                    "send GeoJSON (application/geo+json or application/json) or "
                                    "GPX (application/gpx+xml)"});
    if (!route) return error_response(route.error());
    services::ExposureRequest request;
    request.polylines = std::move(route->polylines);
    request.speed_m_s = *speed;
    auto result = ctx.services.analysis.exposure(request);
    if (!result) return error_response(result.error());
    return json_response(200, services::exposure_json(*result, /*with_geojson=*/true));
}

}  // namespace

void register_analysis_routes(Router& router, ApiContext& ctx) {
    router.add("GET", "/api/v1/coverage", [&ctx](const Request& r) { return coverage(r, ctx); });
    router.add(
        "POST", "/api/v1/exposure", [&ctx](const Request& r) { return exposure(r, ctx); },
        max_route_body_bytes);
    router.set_lane("GET", "/api/v1/coverage", Lane::heavy);
    router.set_lane("POST", "/api/v1/exposure", Lane::heavy);
}

}  // namespace sightline::http
