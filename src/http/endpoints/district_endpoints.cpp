// GET /api/v1/districts (JSON, .geojson, .csv) and /api/v1/districts/{id}: figures per district
// (the administrative boundaries read at import).

#include <map>

#include "http/endpoints/endpoints.hpp"
#include "http/endpoints/json_body.hpp"
#include "http/response.hpp"
#include "services/district_json.hpp"

namespace sightline::http {
namespace {

Response districts(ApiContext& ctx) {
    auto table = ctx.services.districts.table();
    if (!table) return error_response(table.error());
    return json_response(200, services::districts_json(**table));
}

Response districts_geojson(ApiContext& ctx) {
    auto table = ctx.services.districts.table();
    if (!table) return error_response(table.error());
    std::map<std::int64_t, geo::MultiPolygon> outlines;
    for (auto& d : ctx.services.map.districts(/*with_polygons=*/true))
        if (d.complete) outlines.emplace(d.id, std::move(d.polygons));
    auto response = json_response(200, services::districts_geojson(**table, outlines));
    response.content_type = "application/geo+json";
    return response;
}

Response districts_csv(ApiContext& ctx) {
    auto table = ctx.services.districts.table();
    if (!table) return error_response(table.error());
    Response response;
    response.content_type = "text/csv; charset=utf-8";
    response.body = services::districts_csv(**table);
    response.with_header("Content-Disposition", "attachment; filename=\"districts.csv\"");
    return response;
}

Response district(const Request& req, ApiContext& ctx) {
    auto id = parse_id(req.path_param("id"), "district id");
    if (!id) return error_response(id.error());
    auto found = ctx.services.districts.district(*id);
    if (!found) return error_response(found.error());
    return json_response(200, services::district_json(found->first, found->second));
}

}  // namespace

void register_district_routes(Router& router, ApiContext& ctx) {
    router.add("GET", "/api/v1/districts", [&ctx](const Request&) { return districts(ctx); });
    router.add("GET", "/api/v1/districts.geojson",
               [&ctx](const Request&) { return districts_geojson(ctx); });
    router.add("GET", "/api/v1/districts.csv",
               [&ctx](const Request&) { return districts_csv(ctx); });
    router.add("GET", "/api/v1/districts/{id}",
               [&ctx](const Request& r) { return district(r, ctx); });
    // The first answer after a camera change or an import measures every district.
    for (const char* path : {"/api/v1/districts", "/api/v1/districts.geojson",
                             "/api/v1/districts.csv", "/api/v1/districts/{id}"})
        router.set_lane("GET", path, Lane::heavy);
}

}  // namespace sightline::http
