#pragma once
// Street sets for the routing tests: points in metres from a fixed origin, random street networks
// (several components, loops, parallel streets, points that are not junctions) and an
// all-pairs brute force (Floyd-Warshall) to check the searches against.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <random>
#include <span>
#include <vector>

#include "geo/distance.hpp"
#include "routing/path_search.hpp"
#include "routing/walk_graph.hpp"

namespace sightline::routing::testing {

/// The point `east_m` east and `north_m` north of 48 N, 11 E (flat approximation, good to
/// millimetres over a few kilometres; tests measure with geo::distance_m anyway).
inline geo::LatLon at(double east_m, double north_m) {
    constexpr double origin_lat = 48.0;
    constexpr double origin_lon = 11.0;
    const double metres_per_degree = geo::earth_radius_m * std::numbers::pi / 180;
    return {
        origin_lat + north_m / metres_per_degree,
        origin_lon + east_m / (metres_per_degree * std::cos(origin_lat * std::numbers::pi / 180))};
}

inline StreetInput street(std::int64_t id, std::vector<geo::LatLon> points,
                          std::vector<LevelMetres> seen_m = {}) {
    return StreetInput{id, std::move(points), std::move(seen_m)};
}

/// Great-circle length of points[first..last].
inline double polyline_m(std::span<const geo::LatLon> points, std::size_t first, std::size_t last) {
    double sum = 0;
    for (std::size_t i = first; i < last; ++i)
        sum += geo::distance_m(points[i], points[i + 1]);
    return sum;
}
inline double polyline_m(std::span<const geo::LatLon> points) {
    return points.size() < 2 ? 0 : polyline_m(points, 0, points.size() - 1);
}

/// The node at exactly this location, or node_count() when there is none.
inline NodeId find_node(const WalkGraph& graph, geo::LatLon location) {
    for (NodeId n = 0; n < graph.node_count(); ++n)
        if (graph.node_location(n) == location) return n;
    return static_cast<NodeId>(graph.node_count());
}

/// Seen metres for a segment of `length_m`: each level at most the coarser one, some unseen.
inline LevelMetres random_seen(std::mt19937_64& rng, double length_m) {
    std::uniform_real_distribution<double> share(0, 1);
    LevelMetres seen{};
    if (share(rng) < 0.4) return seen;
    double m = length_m * share(rng);
    for (auto& level : seen) {
        level = m;
        m *= share(rng);
    }
    return seen;
}

/// A random street network of about `junctions` junctions in `components` groups 20 km apart (no
/// street joins two groups). Streets run through 1 to 3 junctions with 0 to 2 bends between
/// them; some are loops, some run parallel to others, some have a single point.
inline std::vector<StreetInput> random_streets(std::uint64_t seed, int junctions, int streets,
                                               int components) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> coordinate(0, 2000);
    std::uniform_real_distribution<double> jitter(-30, 30);
    std::uniform_real_distribution<double> share(0, 1);
    std::vector<geo::LatLon> junction_at;
    std::vector<int> junction_group;
    for (int j = 0; j < junctions; ++j) {
        int group = j % components;
        junction_group.push_back(group);
        junction_at.push_back(at(coordinate(rng) + 20'000.0 * group, coordinate(rng)));
    }
    std::vector<StreetInput> out;
    for (int s = 0; s < streets; ++s) {
        int group = s % components;
        std::vector<int> members;
        for (int j = 0; j < junctions; ++j)
            if (junction_group[j] == group) members.push_back(j);
        if (members.empty()) continue;
        std::shuffle(members.begin(), members.end(), rng);
        std::size_t through = std::min<std::size_t>(members.size(), 2 + rng() % 3);
        std::vector<int> chain(members.begin(), members.begin() + static_cast<long>(through));
        if (chain.size() >= 2 && share(rng) < 0.1) chain.push_back(chain.front());  // a loop
        StreetInput input;
        input.osm_way_id = 1000 + s;
        if (chain.size() < 2 || share(rng) < 0.03) {
            // A street of one point: the importer never makes one, the graph must skip it.
            input.points.push_back(junction_at[chain.front()]);
            out.push_back(std::move(input));
            continue;
        }
        input.points.push_back(junction_at[chain[0]]);
        for (std::size_t k = 1; k < chain.size(); ++k) {
            geo::LatLon a = junction_at[chain[k - 1]];
            geo::LatLon b = junction_at[chain[k]];
            int bends = static_cast<int>(rng() % 3);
            for (int i = 1; i <= bends; ++i) {
                double t = static_cast<double>(i) / (bends + 1);
                geo::LatLon p{a.lat + t * (b.lat - a.lat), a.lon + t * (b.lon - a.lon)};
                geo::LatLon moved = at(0, 0);
                p.lat += (at(0, jitter(rng)).lat - moved.lat);
                p.lon += (at(jitter(rng), 0).lon - moved.lon);
                input.points.push_back(p);
            }
            input.points.push_back(b);
        }
        if (share(rng) < 0.8) {
            for (std::size_t i = 0; i + 1 < input.points.size(); ++i)
                input.seen_m.push_back(
                    random_seen(rng, geo::distance_m(input.points[i], input.points[i + 1])));
        }
        out.push_back(std::move(input));
    }
    return out;
}

/// All-pairs least costs under the metric over the graph's edges (both directions).
class AllPairs {
  public:
    AllPairs(const WalkGraph& graph, const Metric& metric) : m_n(graph.node_count()) {
        m_cost.assign(m_n * m_n, unreachable);
        for (std::size_t i = 0; i < m_n; ++i)
            m_cost[i * m_n + i] = 0;
        for (const auto& e : graph.edges()) {
            double w = metric.weight(e);
            auto& ab = m_cost[e.from * m_n + e.to];
            auto& ba = m_cost[e.to * m_n + e.from];
            ab = std::min(ab, w);
            ba = std::min(ba, w);
        }
        for (std::size_t k = 0; k < m_n; ++k)
            for (std::size_t i = 0; i < m_n; ++i) {
                double ik = m_cost[i * m_n + k];
                if (ik == unreachable) continue;
                for (std::size_t j = 0; j < m_n; ++j) {
                    double through = ik + m_cost[k * m_n + j];
                    if (through < m_cost[i * m_n + j]) m_cost[i * m_n + j] = through;
                }
            }
    }
    [[nodiscard]] double cost(NodeId a, NodeId b) const { return m_cost[a * m_n + b]; }
    /// Least cost over every source seed and target seed.
    [[nodiscard]] double cost(std::span<const Seed> sources, std::span<const Seed> targets) const {
        double best = unreachable;
        for (const auto& s : sources)
            for (const auto& t : targets)
                best = std::min(best, s.cost + cost(s.node, t.node) + t.cost);
        return best;
    }

  private:
    std::size_t m_n;
    std::vector<double> m_cost;
};

}  // namespace sightline::routing::testing
