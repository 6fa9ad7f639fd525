#pragma once
// The walking network as a graph: nodes where streets meet or end, one edge per stretch of street
// between two nodes, each edge with its length and the metres of it that cameras see at each DORI
// level. Feet ignore oneway, so every edge is walkable both ways. Built from the imported streets;
// the seen metres of single streets can be replaced when cameras change.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "analysis/camera_capability.hpp"
#include "geo/lat_lon.hpp"

namespace sightline::routing {

/// Metres at each DORI level (detect, observe, recognise, identify), each counting that level or
/// finer, so the values never increase with the level.
using LevelMetres = std::array<double, analysis::dori_level_count>;

using NodeId = std::uint32_t;
using EdgeId = std::uint32_t;

/// One street as the graph needs it.
struct StreetInput {
    std::int64_t osm_way_id = 0;
    std::vector<geo::LatLon> points;  ///< at least 2 (shorter ones are skipped)
    /// Metres of each segment (points[i]..points[i+1]) seen at each level; empty = nothing seen.
    std::vector<LevelMetres> seen_m;
};

struct Edge {
    NodeId from = 0;
    NodeId to = 0;
    double length_m = 0;  ///< great-circle length of its points
    LevelMetres seen_m{};
    std::uint32_t street = 0;       ///< index into WalkGraph::streets()
    std::uint32_t first_point = 0;  ///< the street's points first_point..last_point
    std::uint32_t last_point = 0;
};

/// An edge leaving a node.
struct Arc {
    NodeId head = 0;
    EdgeId edge = 0;
};

/// A point on the network: where a query position meets its nearest edge.
struct Snap {
    EdgeId edge = 0;
    double offset_m = 0;    ///< along the edge from its `from` node
    double distance_m = 0;  ///< from the query position to `point`
    geo::LatLon point;
};

/// Length and seen metres of a stretch of an edge.
struct EdgePart {
    double length_m = 0;
    LevelMetres seen_m{};
};

class WalkGraph {
  public:
    WalkGraph() = default;
    /// Nodes are the points shared by two or more streets (same coordinates) and the ends of
    /// every street; streets with fewer than 2 points are skipped.
    static WalkGraph build(std::vector<StreetInput> streets);

    [[nodiscard]] std::size_t node_count() const noexcept { return m_nodes.size(); }
    [[nodiscard]] std::size_t edge_count() const noexcept { return m_edges.size(); }
    [[nodiscard]] geo::LatLon node_location(NodeId node) const { return m_nodes[node]; }
    [[nodiscard]] const Edge& edge(EdgeId id) const { return m_edges[id]; }
    [[nodiscard]] const std::vector<Edge>& edges() const noexcept { return m_edges; }
    [[nodiscard]] std::span<const Arc> arcs(NodeId node) const {
        return {m_arcs.data() + m_arc_start[node], m_arcs.data() + m_arc_start[node + 1]};
    }
    [[nodiscard]] const std::vector<StreetInput>& streets() const noexcept { return m_streets; }
    /// Connected component of a node (0 is the largest component).
    [[nodiscard]] std::uint32_t component(NodeId node) const { return m_component[node]; }

    /// The nearest point on any edge within `max_distance_m`; with `component`, only edges of
    /// that component.
    [[nodiscard]] std::optional<Snap> snap(geo::LatLon position, double max_distance_m,
                                           std::optional<std::uint32_t> component = {}) const;
    /// Length and seen metres of the edge between two offsets from its `from` node (either order);
    /// a segment cut in two shares its seen metres in proportion to length.
    [[nodiscard]] EdgePart part(EdgeId edge, double from_offset_m, double to_offset_m) const;
    /// The points of the edge between two offsets, in the order from -> to (reversed when
    /// from_offset_m > to_offset_m), cut points included.
    [[nodiscard]] std::vector<geo::LatLon> geometry(EdgeId edge, double from_offset_m,
                                                    double to_offset_m) const;

    /// Replaces the seen metres of one street (after cameras changed) and of its edges.
    void set_street_seen(std::uint32_t street, std::vector<LevelMetres> seen_m);

  private:
    struct SegmentRef {
        std::uint32_t street = 0;
        std::uint32_t segment = 0;
    };
    void index_segments();
    void find_components();
    [[nodiscard]] EdgeId edge_of_segment(std::uint32_t street, std::uint32_t segment) const;

    std::vector<StreetInput> m_streets;
    std::vector<double> m_point_offset_m;  ///< per street point: metres from street start
    std::vector<std::uint32_t> m_street_first_point;  ///< index into m_point_offset_m per street
    std::vector<std::uint32_t> m_street_first_edge;   ///< edges of a street are consecutive
    std::vector<geo::LatLon> m_nodes;
    std::vector<Edge> m_edges;
    std::vector<std::uint32_t> m_arc_start;
    std::vector<Arc> m_arcs;
    std::vector<std::uint32_t> m_component;
    // Segment grid for snapping: cells of m_cell_deg, sorted by cell key.
    double m_cell_deg = 0.002;
    std::vector<std::pair<std::uint64_t, SegmentRef>> m_grid;
};

}  // namespace sightline::routing
