// /healthz, /metrics and the OpenAPI document.

#include "http/endpoints/endpoints.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include "http/endpoints/openapi_document.hpp"
#include "http/response.hpp"

namespace sightline::http {

namespace {

// When the store last answered a health check. /healthz is what load balancers and monitors
// poll, often many times a second: within a second of a good check it is answered on the I/O
// thread from this memo; otherwise a worker asks the store again.
class HealthMemo {
  public:
    static constexpr auto fresh_for = std::chrono::seconds(1);
    void record_ok() { m_last_ok_ns = now_ns(); }
    [[nodiscard]] bool fresh() const {
        const auto last = m_last_ok_ns.load();
        return last != 0 && now_ns() - last < std::chrono::nanoseconds(fresh_for).count();
    }

  private:
    static std::int64_t now_ns() {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
    }
    std::atomic<std::int64_t> m_last_ok_ns{0};
};

Response healthy() {
    return json_response(200, R"({"status":"ok"})");
}

}  // namespace

void register_system_routes(Router& router, ApiContext& ctx) {
    auto memo = std::make_shared<HealthMemo>();
    router.add("GET", "/healthz", [&ctx, memo](const Request&) {
        // Asks the store, so a lost database shows up as 503, not as a healthy process.
        if (!ctx.services.store.reachable()) {
            auto response = json_response(503, R"({"status":"store unreachable"})");
            response.with_header("Retry-After", "5");
            return response;
        }
        memo->record_ok();
        return healthy();
    });
    router.add_fast_path("GET", "/healthz", [memo](const Request&) -> std::optional<Response> {
        if (memo->fresh()) return healthy();
        return std::nullopt;
    });
    router.add("GET", "/metrics", [&ctx](const Request&) {
        return Response{200, "text/plain; version=0.0.4; charset=utf-8", ctx.metrics.render(), {}};
    });
    router.add("GET", "/api/v1/openapi.json",
               [](const Request&) { return json_response(200, std::string(openapi_document())); });
    router.add_fast_path("GET", "/api/v1/openapi.json", [](const Request&) {
        return std::optional<Response>(json_response(200, std::string(openapi_document())));
    });
}

void register_routes(Router& router, ApiContext& ctx) {
    register_report_routes(router, ctx);
    register_session_routes(router, ctx);
    register_camera_routes(router, ctx);
    register_check_routes(router, ctx);
    register_system_routes(router, ctx);
    register_osm_export_routes(router, ctx);
    register_district_routes(router, ctx);
    register_area_report_routes(router, ctx);
    register_campaign_routes(router, ctx);
    register_tile_routes(router, ctx);
    register_photo_routes(router, ctx);
    register_analysis_routes(router, ctx);
    register_route_routes(router, ctx);
    register_scrub_routes(router, ctx);
    register_search_routes(router, ctx);
    register_feed_routes(router, ctx);
    register_source_routes(router, ctx);
    register_web_routes(router, ctx);
}

}  // namespace sightline::http
