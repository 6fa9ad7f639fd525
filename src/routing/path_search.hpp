#pragma once
// Least-cost paths on the walking graph under a per-query weight: length + lambda x metres seen at
// one DORI level. A plain Dijkstra (the reference, and the landmark builder) and A* with
// landmarks (ALT), whose lower bounds stay valid for every lambda >= 0; see
// docs/adr/005-routing-alt.md.

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "core/shared_array.hpp"
#include "routing/walk_graph.hpp"

namespace sightline::routing {

/// Edge weight of one query: length_m + lambda * seen_m[level].
struct Metric {
    double lambda = 0;  ///< >= 0: metres of walking one metre on camera is worth
    analysis::DoriLevel level = analysis::DoriLevel::observe;
    [[nodiscard]] double weight(const EdgePart& part) const noexcept {
        return part.length_m + lambda * part.seen_m[static_cast<std::size_t>(level)];
    }
    [[nodiscard]] double weight(const Edge& edge) const noexcept {
        return edge.length_m + lambda * edge.seen_m[static_cast<std::size_t>(level)];
    }
};

/// Where a search may start or end: a node and the cost between it and the true end point.
struct Seed {
    NodeId node = 0;
    double cost = 0;
};

inline constexpr double unreachable = std::numeric_limits<double>::infinity();

struct PathResult {
    double cost = unreachable;    ///< unreachable when no path exists
    std::size_t source_seed = 0;  ///< which source seed the path starts from
    std::size_t target_seed = 0;  ///< which target seed it ends at
    std::vector<EdgeId> edges;    ///< in walking order
    std::vector<NodeId> nodes;    ///< edges.size() + 1 nodes
    std::size_t settled = 0;      ///< nodes taken from the queue (work done)
    [[nodiscard]] bool found() const noexcept { return cost < unreachable; }
};

/// Plain Dijkstra between seeds: the reference the faster search is tested against.
PathResult dijkstra(const WalkGraph& graph, const Metric& metric, std::span<const Seed> sources,
                    std::span<const Seed> targets);

/// Distances from a few well-spread nodes ("landmarks") to all nodes, for the length metric and
/// for the seen metres of each level. By the triangle inequality |d(L,t) - d(L,v)| bounds d(v,t)
/// from below for each metric, and length + lambda x seen bounds the combined weight for any
/// lambda >= 0; tables for a few fixed lambdas tighten it for large ones. Seen distances change
/// when cameras do: refresh_seen() them then, or mark them stale (length bounds stay valid).
/// Tables hold floats: each bound gives up the rounding of its two values, so it stays below the
/// true distance (docs/adr/010-prepared-routing-data.md).
class Landmarks {
  public:
    Landmarks() = default;
    /// Chooses `count` landmarks by farthest-point selection on length, per component.
    static Landmarks build(const WalkGraph& graph, std::size_t count);
    /// Recomputes the seen-metre distances (the landmarks and length distances stay).
    void refresh_seen(const WalkGraph& graph);
    /// After cameras changed: bounds use the length tables only until refresh_seen().
    void mark_seen_stale() noexcept { m_seen_current = false; }
    [[nodiscard]] bool seen_current() const noexcept { return m_seen_current; }

    /// Chooses landmarks as build() does and writes them with all their tables to a file being
    /// written, each table as soon as it is made, without keeping it: a build then holds a table
    /// per thread rather than all of them (read them back with load()).
    static Status build_into(const WalkGraph& graph, std::size_t count,
                             core::SectionFileStream& file);
    /// Writes the landmarks to a file being written; when the seen tables are stale, fresh ones
    /// are made for the file table by table (and not kept), as refresh_seen() would make them.
    Status save(const WalkGraph& graph, core::SectionFileStream& file) const;
    static Result<Landmarks> load(const std::shared_ptr<const core::SectionFile>& file,
                                  std::size_t node_count);

    [[nodiscard]] std::size_t count() const noexcept { return m_landmarks.size(); }
    [[nodiscard]] std::span<const NodeId> nodes() const noexcept { return m_landmarks.span(); }
    /// Lower bound of the metric's cost from `node` to `target`.
    [[nodiscard]] double lower_bound(const Metric& metric, NodeId node, NodeId target) const;
    /// lower_bound() to each of two targets, reading the node's rows once: a search's targets
    /// are the two ends of the edge it is headed for. The same values to the bit.
    [[nodiscard]] std::array<double, 2> lower_bounds(const Metric& metric, NodeId node,
                                                     std::array<NodeId, 2> targets) const;

  private:
    using Table = core::SharedArray<float>;
    /// The landmarks and their length table (build() without the seen tables).
    static Landmarks choose(const WalkGraph& graph, std::size_t count);
    /// One distance vector per landmark -> [node][landmark], so a node's bounds share a cache line.
    void refresh_level(const WalkGraph& graph, std::size_t level);
    /// The seen table of a level (grid == lambda_grid.size()) or its combined table for
    /// lambda_grid[grid].
    [[nodiscard]] Table level_table(const WalkGraph& graph, std::size_t level,
                                    std::size_t grid) const;
    /// Distances from every landmark under `weight`, node-major.
    template <typename Weight>
    [[nodiscard]] Table table_of(const WalkGraph& graph, const Weight& weight) const;
    [[nodiscard]] Table node_major(const std::vector<std::vector<double>>& columns) const;

    std::size_t m_node_count = 0;
    core::SharedArray<NodeId> m_landmarks;
    bool m_seen_current = true;
    // [node][landmark]: one table for length, one per level.
    Table m_length;
    std::array<Table, analysis::dori_level_count> m_seen;
    /// Distances under length + lambda_k x seen, per level and grid lambda: near-exact bounds
    /// for a query lambda at or above a grid value.
    static constexpr std::array<double, 3> lambda_grid{4.0, 64.0, 1024.0};
    std::array<std::array<Table, lambda_grid.size()>, analysis::dori_level_count> m_combined;
};

/// A* with landmark lower bounds. Keeps scratch arrays between queries: one object per thread.
class AltSearch {
  public:
    AltSearch(const WalkGraph& graph, const Landmarks& landmarks);
    PathResult find(const Metric& metric, std::span<const Seed> sources,
                    std::span<const Seed> targets);

  private:
    /// What a query knows of one node, together: a node touched is one cache line, not five
    /// arrays' (the searches of a country's graph are bound by those misses).
    struct NodeState {
        double cost = 0;
        double potential = 0;       ///< lower bound to the targets, once per query
        EdgeId via = 0;             ///< edge the best path arrived by
        std::uint32_t seen_in = 0;  ///< query number that last touched the node
        std::uint32_t from_seed = 0;
    };

    const WalkGraph& m_graph;
    const Landmarks& m_landmarks;
    std::vector<NodeState> m_nodes;
    std::uint32_t m_query = 0;
};

}  // namespace sightline::routing
