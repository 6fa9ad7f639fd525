#pragma once
// Registration of every API route. Each register_* function lives in the file of its resource.

#include <string_view>

#include "http/endpoints/context.hpp"
#include "http/router.hpp"

namespace sightline::http {

/// Name of the session cookie (HttpOnly, SameSite=Strict).
constexpr std::string_view session_cookie = "sightline_session";

void register_report_routes(Router& router, ApiContext& ctx);
void register_session_routes(Router& router, ApiContext& ctx);
void register_camera_routes(Router& router, ApiContext& ctx);
void register_system_routes(Router& router, ApiContext& ctx);
void register_osm_export_routes(Router& router, ApiContext& ctx);
void register_tile_routes(Router& router, ApiContext& ctx);
void register_photo_routes(Router& router, ApiContext& ctx);
void register_analysis_routes(Router& router, ApiContext& ctx);
void register_route_routes(Router& router, ApiContext& ctx);
void register_scrub_routes(Router& router, ApiContext& ctx);
void register_search_routes(Router& router, ApiContext& ctx);
void register_source_routes(Router& router, ApiContext& ctx);
void register_district_routes(Router& router, ApiContext& ctx);
void register_area_report_routes(Router& router, ApiContext& ctx);
void register_campaign_routes(Router& router, ApiContext& ctx);
void register_feed_routes(Router& router, ApiContext& ctx);
void register_web_routes(Router& router, ApiContext& ctx);

/// All of the above. `ctx` must outlive the router.
void register_routes(Router& router, ApiContext& ctx);

}  // namespace sightline::http
