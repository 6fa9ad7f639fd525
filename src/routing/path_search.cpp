#include "routing/path_search.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <queue>
#include <thread>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sightline::routing {
namespace {

struct QueueItem {
    double key = 0;  ///< cost so far, plus the potential in A*
    NodeId node = 0;
    double cost = 0;  ///< cost so far when queued (A*: to skip stale items)
    friend bool operator>(const QueueItem& a, const QueueItem& b) noexcept { return a.key > b.key; }
};
using MinQueue = std::priority_queue<QueueItem, std::vector<QueueItem>, std::greater<>>;

constexpr EdgeId no_edge = std::numeric_limits<EdgeId>::max();

/// Costs from one node to all, for a weight per edge.
template <typename Weight>
std::vector<double> costs_from(const WalkGraph& graph, NodeId source, const Weight& weight) {
    std::vector<double> cost(graph.node_count(), unreachable);
    MinQueue queue;
    cost[source] = 0;
    queue.push({0, source, 0});
    while (!queue.empty()) {
        const double d = queue.top().key;
        const NodeId n = queue.top().node;
        queue.pop();
        if (d > cost[n]) continue;
        for (const auto& arc : graph.arcs(n)) {
            const double next = d + weight(graph.edge(arc.edge));
            if (next < cost[arc.head]) {
                cost[arc.head] = next;
                queue.push({next, arc.head, next});
            }
        }
    }
    return cost;
}

/// Walks the edges a path arrived by (`via(node)`) back from `node` to a source.
template <typename Via>
void trace_back(const WalkGraph& graph, const Via& via, NodeId node, PathResult& result) {
    result.nodes.push_back(node);
    for (EdgeId edge = via(node); edge != no_edge; edge = via(node)) {
        const Edge& e = graph.edge(edge);
        result.edges.push_back(edge);
        node = e.from == node ? e.to : e.from;
        result.nodes.push_back(node);
    }
    std::reverse(result.edges.begin(), result.edges.end());
    std::reverse(result.nodes.begin(), result.nodes.end());
}

}  // namespace

PathResult dijkstra(const WalkGraph& graph, const Metric& metric, std::span<const Seed> sources,
                    std::span<const Seed> targets) {
    PathResult result;
    const std::size_t n = graph.node_count();
    std::vector<double> cost(n, unreachable);
    std::vector<EdgeId> via(n, no_edge);
    std::vector<std::uint32_t> from_seed(n, 0);
    std::vector<double> target_cost(n, unreachable);
    std::vector<std::uint32_t> target_seed(n, 0);
    for (std::uint32_t i = 0; i < targets.size(); ++i)
        if (targets[i].cost < target_cost[targets[i].node]) {
            target_cost[targets[i].node] = targets[i].cost;
            target_seed[targets[i].node] = i;
        }
    MinQueue queue;
    for (std::uint32_t i = 0; i < sources.size(); ++i)
        if (sources[i].cost < cost[sources[i].node]) {
            cost[sources[i].node] = sources[i].cost;
            from_seed[sources[i].node] = i;
            queue.push({sources[i].cost, sources[i].node, sources[i].cost});
        }
    NodeId best_node = 0;
    while (!queue.empty()) {
        const double d = queue.top().key;
        const NodeId node = queue.top().node;
        queue.pop();
        if (d > cost[node]) continue;
        if (d >= result.cost) break;
        ++result.settled;
        if (target_cost[node] < unreachable && d + target_cost[node] < result.cost) {
            result.cost = d + target_cost[node];
            best_node = node;
        }
        for (const auto& arc : graph.arcs(node)) {
            const double next = d + metric.weight(graph.edge(arc.edge));
            if (next < cost[arc.head]) {
                cost[arc.head] = next;
                via[arc.head] = arc.edge;
                from_seed[arc.head] = from_seed[node];
                queue.push({next, arc.head, next});
            }
        }
    }
    if (result.found()) {
        trace_back(
            graph, [&](NodeId n) { return via[n]; }, best_node, result);
        result.source_seed = from_seed[best_node];
        result.target_seed = target_seed[best_node];
    }
    return result;
}

// --- landmarks -----------------------------------------------------------------------------------

Landmarks Landmarks::build(const WalkGraph& graph, std::size_t count) {
    auto lm = choose(graph, count);
    lm.refresh_seen(graph);
    return lm;
}

Landmarks Landmarks::choose(const WalkGraph& graph, std::size_t count) {
    Landmarks lm;
    lm.m_node_count = graph.node_count();
    if (graph.node_count() == 0 || count == 0) return lm;
    auto by_length = [](const Edge& e) { return e.length_m; };
    // Farthest-point selection in the main component (0): each new landmark is the node farthest
    // from those chosen so far. Other components get no bounds (0), which is still correct.
    NodeId start = 0;
    while (start < graph.node_count() && graph.component(start) != 0)
        ++start;
    auto first = costs_from(graph, start, by_length);
    std::vector<double> nearest(graph.node_count(), unreachable);
    NodeId next = start;
    double far = -1;
    for (NodeId v = 0; v < graph.node_count(); ++v)
        if (first[v] < unreachable && first[v] > far) {
            far = first[v];
            next = v;
        }
    std::vector<std::vector<double>> columns;
    std::vector<NodeId> landmarks;
    for (std::size_t i = 0; i < count; ++i) {
        landmarks.push_back(next);
        auto& d = columns.emplace_back(costs_from(graph, next, by_length));
        far = -1;
        for (NodeId v = 0; v < graph.node_count(); ++v) {
            if (d[v] >= unreachable) continue;
            nearest[v] = std::min(nearest[v], d[v]);
            if (nearest[v] > far) {
                far = nearest[v];
                next = v;
            }
        }
        if (far <= 0) break;  // every node of the component is a landmark already
    }
    lm.m_landmarks = core::SharedArray(std::move(landmarks));
    lm.m_length = lm.node_major(columns);
    return lm;
}

Landmarks::Table Landmarks::node_major(const std::vector<std::vector<double>>& columns) const {
    const std::size_t count = m_landmarks.size();
    std::vector<float> table(count * m_node_count);
    for (std::size_t i = 0; i < count; ++i)
        for (std::size_t n = 0; n < m_node_count; ++n)
            table[n * count + i] = static_cast<float>(columns[i][n]);  // nearest; inf stays inf
    return Table(std::move(table));
}

void Landmarks::refresh_seen(const WalkGraph& graph) {
    // The levels' tables are independent: one thread each, as many at once as there are cores
    // (each holds its landmarks' distance columns of doubles while it works).
    const std::size_t threads =
        std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, m_seen.size());
    std::atomic<std::size_t> next_level{0};
    std::vector<std::jthread> workers;
    for (std::size_t t = 0; t < threads; ++t)
        workers.emplace_back([this, &graph, &next_level] {
            for (std::size_t level; (level = next_level++) < m_seen.size();)
                refresh_level(graph, level);
        });
    workers.clear();
    m_seen_current = true;
}

void Landmarks::refresh_level(const WalkGraph& graph, std::size_t level) {
    m_seen[level] = level_table(graph, level, lambda_grid.size());
    for (std::size_t k = 0; k < lambda_grid.size(); ++k)
        m_combined[level][k] = level_table(graph, level, k);
}

Landmarks::Table Landmarks::level_table(const WalkGraph& graph, std::size_t level,
                                        std::size_t grid) const {
    if (grid >= lambda_grid.size())
        return table_of(graph, [level](const Edge& e) { return e.seen_m[level]; });
    const double lambda = lambda_grid[grid];
    return table_of(
        graph, [level, lambda](const Edge& e) { return e.length_m + lambda * e.seen_m[level]; });
}

template <typename Weight>
Landmarks::Table Landmarks::table_of(const WalkGraph& graph, const Weight& weight) const {
    // One landmark's column at a time into the node-major table: a column of doubles at most.
    const std::size_t count = m_landmarks.size();
    std::vector<float> table(count * m_node_count);
    for (std::size_t i = 0; i < count; ++i) {
        const auto column = costs_from(graph, m_landmarks[i], weight);
        for (std::size_t n = 0; n < m_node_count; ++n)
            table[n * count + i] = static_cast<float>(column[n]);  // nearest; inf stays inf
    }
    return Table(std::move(table));
}

namespace {

/// max over landmarks of |d(L,t) - d(L,v)|, from a node's row and each of two targets' rows
/// (the node's row read and widened once). A float holds its distance to within half an ulp, at
/// most x * 2^-24 for a value x; each difference gives up twice that (2^-23 of the sum), so the
/// bound never exceeds the true one.
///
/// Two landmarks at a time in SSE2's two double lanes (every x86-64 has them): the search
/// computes this for each node it touches, so it is most of a route's search. Each lane does
/// the scalar arithmetic in the same order, and MAXPD(v, best) is std::max(best, v) (a NaN
/// v, inf - inf, never kept), so the maximum, and the route, are the same to the bit.
std::array<double, 2> bounds(const float* node, const float* target0, const float* target1,
                             std::size_t landmarks) noexcept {
    constexpr double rounding = 1.0 / (1 << 23);
    std::array<double, 2> best{0, 0};
    std::size_t i = 0;
#if defined(__SSE2__)
    const __m128d sign = _mm_set1_pd(-0.0);
    const __m128d scale = _mm_set1_pd(rounding);
    __m128d best0 = _mm_setzero_pd();
    __m128d best1 = _mm_setzero_pd();
    auto widen = [](const float* p) {
        return _mm_cvtps_pd(_mm_castsi128_ps(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
    };
    auto bound = [&](__m128d a, __m128d b) {
        return _mm_sub_pd(_mm_andnot_pd(sign, _mm_sub_pd(a, b)),
                          _mm_mul_pd(_mm_add_pd(a, b), scale));
    };
    for (; i + 2 <= landmarks; i += 2) {
        const __m128d b = widen(node + i);
        best0 = _mm_max_pd(bound(widen(target0 + i), b), best0);
        best1 = _mm_max_pd(bound(widen(target1 + i), b), best1);
    }
    best[0] = std::max(_mm_cvtsd_f64(best0), _mm_cvtsd_f64(_mm_unpackhi_pd(best0, best0)));
    best[1] = std::max(_mm_cvtsd_f64(best1), _mm_cvtsd_f64(_mm_unpackhi_pd(best1, best1)));
#endif
    for (; i < landmarks; ++i) {
        const double b = node[i];
        for (std::size_t t = 0; t < 2; ++t) {
            const double a = (t == 0 ? target0 : target1)[i];
            best[t] = std::max(best[t], std::abs(a - b) - (a + b) * rounding);
        }
    }
    return best;
}

}  // namespace

double Landmarks::lower_bound(const Metric& metric, NodeId node, NodeId target) const {
    return lower_bounds(metric, node, {target, target})[0];
}

std::array<double, 2> Landmarks::lower_bounds(const Metric& metric, NodeId node,
                                              std::array<NodeId, 2> targets) const {
    const std::size_t count = m_landmarks.size();
    if (count == 0) return {0, 0};
    auto bounds_in = [&](const Table& table) {
        return bounds(table.data() + node * count, table.data() + targets[0] * count,
                      table.data() + targets[1] * count, count);
    };
    // Landmarks lie in the main component: a node outside it has no bounds, and one of the two
    // outside means no path.
    const bool node_main = m_length[node * count] < unreachable;
    const std::array<bool, 2> target_main{m_length[targets[0] * count] < unreachable,
                                          m_length[targets[1] * count] < unreachable};
    auto outside = [&](std::size_t t) { return node_main == target_main[t] ? 0.0 : unreachable; };
    if (!node_main) return {outside(0), outside(1)};

    std::array<double, 2> best = bounds_in(m_length);
    if (metric.lambda > 0 && m_seen_current) {
        const auto level = static_cast<std::size_t>(metric.level);
        const auto seen = bounds_in(m_seen[level]);
        for (std::size_t t = 0; t < 2; ++t)
            best[t] += metric.lambda * seen[t];
        // With a grid weight lambda_k <= lambda: d_lambda >= d_lambda_k + (lambda - lambda_k)
        // d_seen.
        for (std::size_t k = lambda_grid.size(); k-- > 0;) {
            if (lambda_grid[k] > metric.lambda) continue;
            const auto combined = bounds_in(m_combined[level][k]);
            for (std::size_t t = 0; t < 2; ++t)
                best[t] =
                    std::max(best[t], combined[t] + (metric.lambda - lambda_grid[k]) * seen[t]);
            break;
        }
    }
    for (std::size_t t = 0; t < 2; ++t)
        if (!target_main[t]) best[t] = outside(t);
    return best;
}

// --- A* with landmarks ---------------------------------------------------------------------------

AltSearch::AltSearch(const WalkGraph& graph, const Landmarks& landmarks)
    : m_graph(graph), m_landmarks(landmarks), m_nodes(graph.node_count()) {}

PathResult AltSearch::find(const Metric& metric, std::span<const Seed> sources,
                           std::span<const Seed> targets) {
    PathResult result;
    if (++m_query == 0) {  // wrapped: forget every mark
        for (auto& state : m_nodes)
            state.seen_in = 0;
        m_query = 1;
    }
    // The potential: the cheapest way on to any target, by the landmark bounds, computed once
    // per node and query. The bounds are exact only up to a few ulps, so a node may be reopened;
    // the result stays optimal.
    auto touch = [&](NodeId n) -> NodeState& {
        NodeState& state = m_nodes[n];
        if (state.seen_in != m_query) {
            state.seen_in = m_query;
            state.cost = unreachable;
            state.via = no_edge;
            double h = unreachable;
            if (targets.size() == 2) {
                const auto bounds =
                    m_landmarks.lower_bounds(metric, n, {targets[0].node, targets[1].node});
                h = std::min(h, bounds[0] + targets[0].cost);
                h = std::min(h, bounds[1] + targets[1].cost);
            } else {
                for (const auto& t : targets)
                    h = std::min(h, m_landmarks.lower_bound(metric, n, t.node) + t.cost);
            }
            state.potential = h;
        }
        return state;
    };
    MinQueue queue;
    for (std::uint32_t i = 0; i < sources.size(); ++i) {
        const Seed& s = sources[i];
        NodeState& state = touch(s.node);
        if (s.cost < state.cost) {
            state.cost = s.cost;
            state.from_seed = i;
            if (state.potential < unreachable)
                queue.push({s.cost + state.potential, s.node, s.cost});
        }
    }
    NodeId best_node = 0;
    std::uint32_t best_target = 0;
    while (!queue.empty()) {
        const auto [key, node, queued_cost] = queue.top();
        queue.pop();
        if (key >= result.cost) break;
        const NodeState& here = m_nodes[node];
        const double d = here.cost;
        if (queued_cost > d) continue;  // a cheaper way here was queued later
        const std::uint32_t from_seed = here.from_seed;
        ++result.settled;
        for (std::uint32_t i = 0; i < targets.size(); ++i)
            if (targets[i].node == node && d + targets[i].cost < result.cost) {
                result.cost = d + targets[i].cost;
                best_node = node;
                best_target = i;
            }
        for (const auto& arc : m_graph.arcs(node)) {
            const double next = d + metric.weight(m_graph.edge(arc.edge));
            NodeState& head = touch(arc.head);
            if (next < head.cost) {
                if (head.potential >= unreachable) continue;
                head.cost = next;
                head.via = arc.edge;
                head.from_seed = from_seed;
                queue.push({next + head.potential, arc.head, next});
            }
        }
    }
    if (result.found()) {
        trace_back(
            m_graph, [this](NodeId n) { return m_nodes[n].via; }, best_node, result);
        result.source_seed = m_nodes[best_node].from_seed;
        result.target_seed = best_target;
    }
    return result;
}

}  // namespace sightline::routing
