// /healthz, /metrics and the OpenAPI document.

#include "http/endpoints/endpoints.hpp"
#include "http/endpoints/openapi_document.hpp"
#include "http/response.hpp"

namespace sightline::http {

void register_system_routes(Router& router, ApiContext& ctx) {
    router.add("GET", "/healthz", [&ctx](const Request&) {
        // Touches the store so a lost database shows up as 500, not as a healthy process.
        ctx.services.store.camera_version();
        return json_response(200, R"({"status":"ok"})");
    });
    router.add("GET", "/metrics", [&ctx](const Request&) {
        return Response{200, "text/plain; version=0.0.4; charset=utf-8", ctx.metrics.render(), {}};
    });
    router.add("GET", "/api/v1/openapi.json",
               [](const Request&) { return json_response(200, std::string(openapi_document())); });
}

void register_routes(Router& router, ApiContext& ctx) {
    register_report_routes(router, ctx);
    register_session_routes(router, ctx);
    register_camera_routes(router, ctx);
    register_system_routes(router, ctx);
    register_osm_export_routes(router, ctx);
    register_tile_routes(router, ctx);
    register_photo_routes(router, ctx);
    register_analysis_routes(router, ctx);
    register_route_routes(router, ctx);
    register_scrub_routes(router, ctx);
    register_web_routes(router, ctx);
}

}  // namespace sightline::http
