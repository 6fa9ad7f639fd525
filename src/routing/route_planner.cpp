#include "routing/route_planner.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/core.h>

namespace sightline::routing {

std::string_view to_string(RouteKind kind) noexcept {
    switch (kind) {
        case RouteKind::shortest:
            return "shortest";
        case RouteKind::balanced:
            return "balanced";
        case RouteKind::least_exposed:
            return "least_exposed";
    }
    return "shortest";
}

namespace {

/// Largest lambda tried: one metre on camera outweighs ten kilometres of walking, so the route
/// found is the least exposed one there is.
constexpr double lambda_max = 10'000;

class Planner {
  public:
    Planner(const WalkGraph& graph, AltSearch& search, const Snap& from, const Snap& to,
            analysis::DoriLevel level)
        : m_graph(graph), m_search(search), m_from(from), m_to(to), m_level(level) {}

    /// The least-cost route for one lambda; nullopt when no path joins the two points. A lambda
    /// asked again (the bisection often meets lambda = 1 before it is tried on its own) is
    /// answered from the first search.
    std::optional<PlannedRoute> route(double lambda) {
        for (const auto& [tried, found] : m_tried)
            if (tried == lambda) return found;
        auto found = search(lambda);
        m_tried.emplace_back(lambda, found);
        return found;
    }

    std::size_t searches = 0;

  private:
    std::optional<PlannedRoute> search(double lambda) {
        ++searches;
        const Metric metric{lambda, m_level};
        const Edge& a = m_graph.edge(m_from.edge);
        const Edge& b = m_graph.edge(m_to.edge);
        const std::array<Seed, 2> sources{
            Seed{a.from, metric.weight(m_graph.part(m_from.edge, 0, m_from.offset_m))},
            Seed{a.to, metric.weight(m_graph.part(m_from.edge, m_from.offset_m, a.length_m))}};
        const std::array<Seed, 2> targets{
            Seed{b.from, metric.weight(m_graph.part(m_to.edge, 0, m_to.offset_m))},
            Seed{b.to, metric.weight(m_graph.part(m_to.edge, m_to.offset_m, b.length_m))}};
        PathResult path = m_search.find(metric, sources, targets);

        PlannedRoute r;
        r.lambda = lambda;
        // Both points on one edge: walking along it may beat leaving it.
        if (m_from.edge == m_to.edge) {
            const EdgePart direct = m_graph.part(m_from.edge, m_from.offset_m, m_to.offset_m);
            if (!path.found() || metric.weight(direct) <= path.cost) {
                r.length_m = direct.length_m;
                r.seen_m = direct.seen_m;
                r.points = m_graph.geometry(m_from.edge, m_from.offset_m, m_to.offset_m);
                r.edges = {m_from.edge};
                return r;
            }
        }
        if (!path.found()) return std::nullopt;

        auto add = [&](EdgeId edge, double from_offset, double to_offset) {
            const EdgePart part = m_graph.part(edge, from_offset, to_offset);
            r.length_m += part.length_m;
            for (std::size_t l = 0; l < r.seen_m.size(); ++l)
                r.seen_m[l] += part.seen_m[l];
            m_graph.append_geometry(edge, from_offset, to_offset, r.points);
            if (r.edges.empty() || r.edges.back() != edge) r.edges.push_back(edge);
        };
        // Leave the start edge towards the node the search started from.
        const bool start_at_from = path.source_seed == 0;
        add(m_from.edge, m_from.offset_m, start_at_from ? 0.0 : a.length_m);
        NodeId at = path.nodes.front();
        for (EdgeId id : path.edges) {
            const Edge& e = m_graph.edge(id);
            const bool forward = e.from == at;
            add(id, forward ? 0.0 : e.length_m, forward ? e.length_m : 0.0);
            at = forward ? e.to : e.from;
        }
        const bool end_at_from = path.target_seed == 0;
        add(m_to.edge, end_at_from ? 0.0 : b.length_m, m_to.offset_m);
        // An end snapped onto a node leaves a zero-length piece: one point, not two equal ones.
        r.points.erase(std::unique(r.points.begin(), r.points.end()), r.points.end());
        if (r.points.size() == 1) r.points.push_back(r.points.front());
        return r;
    }

    const WalkGraph& m_graph;
    AltSearch& m_search;
    Snap m_from;
    Snap m_to;
    analysis::DoriLevel m_level;
    std::vector<std::pair<double, std::optional<PlannedRoute>>> m_tried;
};

bool same_route(const PlannedRoute& a, const PlannedRoute& b) {
    return a.edges == b.edges && std::abs(a.length_m - b.length_m) < 0.01;
}

}  // namespace

Result<Plan> plan_routes(const WalkGraph& graph, AltSearch& search, geo::LatLon from,
                         geo::LatLon to, const PlanOptions& options) {
    if (!(options.max_detour >= 1) || !std::isfinite(options.max_detour))
        return fail(Errc::invalid_argument, "max_detour must be at least 1");
    if (!from.is_valid() || !to.is_valid())
        return fail(Errc::invalid_argument, "from and to must be valid positions");
    auto from_snap = graph.snap(from, options.max_snap_m);
    auto to_snap = graph.snap(to, options.max_snap_m);
    auto off_network = [&](const char* which) {
        return fail(Errc::unprocessable, fmt::format("no walkable street within {:.0f} m of {}",
                                                     options.max_snap_m, which));
    };
    if (!from_snap) return off_network("the start");
    if (!to_snap) return off_network("the end");
    // Two points on separate pieces of network (an isolated footway, say): use the main one.
    const auto component_of = [&](const Snap& s) {
        return graph.component(graph.edge(s.edge).from);
    };
    if (component_of(*from_snap) != component_of(*to_snap)) {
        auto f = graph.snap(from, options.max_snap_m, 0);
        auto t = graph.snap(to, options.max_snap_m, 0);
        if (!f || !t)
            return fail(Errc::unprocessable,
                        "no path joins the start and the end on the walkable streets");
        from_snap = f;
        to_snap = t;
    }

    Plan plan;
    plan.from = *from_snap;
    plan.to = *to_snap;
    Planner planner(graph, search, plan.from, plan.to, options.level);
    const auto level = static_cast<std::size_t>(options.level);

    auto shortest = planner.route(0);
    if (!shortest)
        return fail(Errc::unprocessable,
                    "no path joins the start and the end on the walkable streets");
    shortest->kind = RouteKind::shortest;
    const double limit = shortest->length_m * options.max_detour + 1e-6;
    const double shortest_seen = shortest->seen_m[level];
    plan.routes.push_back(*shortest);
    if (shortest_seen <= 1e-9) {
        plan.avoids_cameras = true;
        plan.searches = planner.searches;
        return plan;
    }

    // Feasible routes (within the limit) met on the way, for the balanced choice.
    std::vector<PlannedRoute> feasible{*shortest};
    std::optional<PlannedRoute> least;
    auto consider = [&](std::optional<PlannedRoute> r) {
        if (!r || r->length_m > limit) return false;
        if (!least || r->seen_m[level] < least->seen_m[level] - 1e-9 ||
            (r->seen_m[level] <= least->seen_m[level] + 1e-9 && r->length_m < least->length_m))
            least = *r;
        feasible.push_back(std::move(*r));
        return true;
    };
    if (!consider(planner.route(lambda_max))) {
        // The least exposed route is too long: find the largest lambda whose route fits. Route
        // length grows with lambda, so bisect over lambda = 2^k.
        int lo = -4;  // 1/16: assumed to fit (else the shortest stands)
        int hi = 13;  // > lambda_max: known not to fit
        if (!consider(planner.route(std::ldexp(1.0, lo)))) hi = lo;
        while (hi - lo > 1) {
            const int mid = (lo + hi) / 2;
            if (consider(planner.route(std::ldexp(1.0, mid))))
                lo = mid;
            else
                hi = mid;
        }
    }
    // One metre on camera worth one metre of walking: a natural middle candidate (searched once
    // even where the bisection met it).
    consider(planner.route(1.0));
    if (!least) least = *shortest;
    least->kind = RouteKind::least_exposed;

    // Balanced: the feasible route that best trades detour against exposure, each as a share of
    // the shortest route's (length / shortest + seen / shortest's seen, smallest wins).
    const PlannedRoute* balanced = nullptr;
    double best_score = 0;
    for (const auto& r : feasible) {
        if (same_route(r, *shortest) || same_route(r, *least)) continue;
        const double score = r.length_m / shortest->length_m + r.seen_m[level] / shortest_seen;
        if (!balanced || score < best_score) {
            balanced = &r;
            best_score = score;
        }
    }
    if (balanced) {
        plan.routes.push_back(*balanced);
        plan.routes.back().kind = RouteKind::balanced;
    }
    if (!same_route(*least, *shortest)) plan.routes.push_back(*least);
    plan.avoids_cameras = least->seen_m[level] <= 1e-9;
    plan.searches = planner.searches;
    return plan;
}

}  // namespace sightline::routing
