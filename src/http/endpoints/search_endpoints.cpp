// GET /api/v1/search and GET /api/v1/reverse: places by name and the nearest address, from the
// imported map (no outside geocoder learns where anyone is going).

#include <cmath>

#include "geo/lat_lon_text.hpp"
#include "http/endpoints/endpoints.hpp"
#include "http/endpoints/json_body.hpp"
#include "http/response.hpp"
#include "services/search_json.hpp"

namespace sightline::http {
namespace {

// lat and lon together or neither.
Result<std::optional<geo::LatLon>> optional_point(const Request& req) {
    auto lat = req.query_param("lat");
    auto lon = req.query_param("lon");
    if (!lat && !lon) return std::optional<geo::LatLon>{};
    if (!lat || !lon) return fail(Errc::invalid_argument, "give both 'lat' and 'lon', or neither");
    auto point = geo::parse_lat_lon(std::string(*lat) + "," + std::string(*lon), "lat,lon");
    if (!point) return std::unexpected(point.error());
    return std::optional<geo::LatLon>{*point};
}

Response search(const Request& req, ApiContext& ctx) {
    auto q = req.query_param("q");
    if (!q) return error_response(Error{Errc::invalid_argument, "'q' is required"});
    auto near = optional_point(req);
    if (!near) return error_response(near.error());
    const auto& limits = ctx.services.search.limits();
    auto limit = parse_number_param(req.query_param("limit"), "limit", 1, limits.max_results, 10);
    if (!limit) return error_response(limit.error());
    if (*limit != std::floor(*limit))
        return error_response(Error{Errc::invalid_argument, "'limit' must be a whole number"});
    services::SearchRequest request;
    request.text = std::string(*q);
    request.near = *near;
    request.limit = static_cast<int>(*limit);
    auto hits = ctx.services.search.search(request);
    if (!hits) return error_response(hits.error());
    return Response{200, "application/geo+json", services::search_feature_collection(*hits), {}};
}

Response reverse(const Request& req, ApiContext& ctx) {
    auto point = optional_point(req);
    if (!point) return error_response(point.error());
    if (!*point)
        return error_response(Error{Errc::invalid_argument, "'lat' and 'lon' are required"});
    auto hit = ctx.services.search.reverse(**point);
    if (!hit) return error_response(hit.error());
    std::string out;
    services::append_search_feature(out, *hit);
    return Response{200, "application/geo+json", std::move(out), {}};
}

}  // namespace

void register_search_routes(Router& router, ApiContext& ctx) {
    router.add("GET", "/api/v1/search", [&ctx](const Request& r) { return search(r, ctx); });
    router.add("GET", "/api/v1/reverse", [&ctx](const Request& r) { return reverse(r, ctx); });
}

}  // namespace sightline::http
