#pragma once
// The walking routes of RoutingService as JSON (the API's and `sightline route --json`'s shape,
// docs/api/openapi.json: Route) and as GPX for a phone or a GPS device.

#include <string>

#include "services/routing_service.hpp"

namespace sightline::services {

/// {"from", "to", "from_snapped", "to_snapped", "level", "max_detour", "avoids_cameras",
/// "message", "routes": [{"kind", "length_m", "duration_s", "detour", "seen_m", "seen_s",
/// "by_level", "cameras", "stretches", "geometry"}]}. seen_m and seen_s count the report's level
/// or finer; detour is the route's length over the first (shortest) route's.
std::string route_json(const RouteReport& report);

/// A GPX 1.1 document with one <trk> per route: <name> the kind, <desc> its length and metres
/// seen, one <trkseg> of its points.
std::string route_gpx(const RouteReport& report);

}  // namespace sightline::services
