#pragma once
// Up to three walking routes between two points on the trade-off between length and time on
// camera: the shortest, the least exposed within a detour limit, and a balanced one between them.
// Each is a least-cost path for some lambda (cost = length + lambda x seen metres at the chosen
// level); lambda is searched so that the route stays within the detour limit.

#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "routing/path_search.hpp"
#include "routing/walk_graph.hpp"

namespace sightline::routing {

enum class RouteKind { shortest, balanced, least_exposed };
std::string_view to_string(RouteKind kind) noexcept;

struct PlanOptions {
    double max_detour = 1.5;  ///< least exposed route at most this times the shortest's length
    analysis::DoriLevel level = analysis::DoriLevel::observe;  ///< seen metres that count
    double max_snap_m = 1000;  ///< farther from any street: invalid_argument
};

struct PlannedRoute {
    RouteKind kind = RouteKind::shortest;
    double lambda = 0;     ///< the weight it is least-cost for
    double length_m = 0;   ///< from the snapped start to the snapped end
    LevelMetres seen_m{};  ///< as the graph has it (per edge)
    std::vector<geo::LatLon> points;
    std::vector<EdgeId> edges;
};

struct Plan {
    Snap from;
    Snap to;
    /// In order shortest, balanced, least_exposed; alternatives identical to an earlier one are
    /// left out, so there are 1 to 3.
    std::vector<PlannedRoute> routes;
    /// The least exposed route is seen nowhere at the chosen level.
    bool avoids_cameras = false;
    std::size_t searches = 0;  ///< path searches run
};

/// unprocessable when a point is farther than max_snap_m from the network or no path joins them;
/// invalid_argument for a max_detour below 1.
Result<Plan> plan_routes(const WalkGraph& graph, AltSearch& search, geo::LatLon from,
                         geo::LatLon to, const PlanOptions& options);

}  // namespace sightline::routing
