#pragma once
// The walking network as a graph: nodes where streets meet or end, one edge per stretch of street
// between two nodes, each edge with its length and the metres of it that cameras see at each DORI
// level. Feet ignore oneway, so every edge is walkable both ways. Built from the imported streets;
// the seen metres of single streets can be replaced when cameras change.

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "analysis/camera_capability.hpp"
#include "core/error.hpp"
#include "core/shared_array.hpp"
#include "geo/lat_lon.hpp"

namespace sightline::core {
class SectionFile;
class SectionFileStream;
}  // namespace sightline::core

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

/// Streets as flat arrays, the form the graph keeps them in: build() takes these arrays over
/// instead of copying them, so a country's streets are in memory once while it builds.
struct StreetArrays {
    std::vector<std::int64_t> way;           ///< OSM way id per street
    std::vector<std::uint32_t> first_point;  ///< per street, then the total: into points
    std::vector<geo::LatLon> points;         ///< every street's points in turn
    std::vector<LevelMetres> seen_m;         ///< per segment (n-1 for n points), streets in turn
    /// Appends a street; one of fewer than 2 points is skipped, seen metres of another count
    /// than its segments are taken as none seen (as StreetInput).
    void add(std::int64_t osm_way_id, std::span<const geo::LatLon> street_points,
             std::span<const LevelMetres> street_seen_m);
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

/// One street of the graph, viewing the graph's arrays.
struct StreetView {
    std::int64_t osm_way_id = 0;
    std::span<const geo::LatLon> points;
    std::span<const LevelMetres> seen_m;  ///< per segment
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
    /// The same from flat arrays, which the graph keeps (no copy).
    static WalkGraph from_arrays(StreetArrays streets);
    /// Frees what only queries and files need (street points, offsets and seen metres, the
    /// snapping grid), keeping nodes, edges, arcs and components: path searches still run, for
    /// a build that has written the rest to a file and goes on to compute landmarks.
    void keep_topology_only();

    /// Adds the graph's arrays to a file (routing/routing_data.hpp says which file).
    Status save(core::SectionFileStream& file) const;
    /// The graph viewing the arrays of a mapped file (kept alive as long as the graph or a copy
    /// lives); invalid_argument when a section is missing or inconsistent.
    static Result<WalkGraph> load(const std::shared_ptr<const core::SectionFile>& file);

    [[nodiscard]] std::size_t node_count() const noexcept { return m_nodes.size(); }
    [[nodiscard]] std::size_t edge_count() const noexcept { return m_edges.size(); }
    [[nodiscard]] geo::LatLon node_location(NodeId node) const { return m_nodes[node]; }
    [[nodiscard]] const Edge& edge(EdgeId id) const { return m_edges[id]; }
    [[nodiscard]] std::span<const Edge> edges() const noexcept { return m_edges.span(); }
    [[nodiscard]] std::span<const Arc> arcs(NodeId node) const {
        return {m_arcs.data() + m_arc_start[node], m_arcs.data() + m_arc_start[node + 1]};
    }
    [[nodiscard]] std::size_t street_count() const noexcept { return m_street_way.size(); }
    [[nodiscard]] StreetView street(std::uint32_t s) const;
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
    /// The same points appended to `out`, less the first when it equals out's last (a route's
    /// edges meet at their nodes): no vector of its own per edge.
    void append_geometry(EdgeId edge, double from_offset_m, double to_offset_m,
                         std::vector<geo::LatLon>& out) const;

    /// Replaces the seen metres of one street (after cameras changed) and of its edges.
    void set_street_seen(std::uint32_t street, std::vector<LevelMetres> seen_m);

  private:
    struct GridEntry {
        std::uint64_t cell = 0;
        std::uint32_t street = 0;
        std::uint32_t segment = 0;
    };
    void index_segments();
    void find_components();
    [[nodiscard]] EdgeId edge_of_segment(std::uint32_t street, std::uint32_t segment) const;
    /// Index of a street's first segment in m_segment_seen (a street of n points has n-1).
    [[nodiscard]] std::uint32_t first_segment(std::uint32_t street) const noexcept {
        return m_street_first_point[street] - street;
    }

    // Arrays only (no pointers), so that a graph can live in a mapped file; see save()/load().
    core::SharedArray<std::int64_t> m_street_way;  ///< OSM way id per street
    // The index arrays (per street or node, + 1) hold their closing entry from the start: a
    // graph without streets (a folder with cameras only) is whole, and its file maps back.
    /// per street + 1: into m_points
    core::SharedArray<std::uint32_t> m_street_first_point{std::vector<std::uint32_t>{0}};
    core::SharedArray<geo::LatLon> m_points;        ///< every street's points in turn
    core::SharedArray<double> m_point_offset_m;     ///< per point: metres from its street's start
    core::SharedArray<LevelMetres> m_segment_seen;  ///< per segment, streets in turn
    /// per street + 1: edges of a street are consecutive
    core::SharedArray<std::uint32_t> m_street_first_edge{std::vector<std::uint32_t>{0}};
    core::SharedArray<geo::LatLon> m_nodes;
    core::SharedArray<Edge> m_edges;
    core::SharedArray<std::uint32_t> m_arc_start{std::vector<std::uint32_t>{0}};  ///< per node + 1
    core::SharedArray<Arc> m_arcs;
    core::SharedArray<std::uint32_t> m_component;
    // Segment grid for snapping: cells of cell_deg, sorted by cell key.
    static constexpr double cell_deg = 0.002;
    core::SharedArray<GridEntry> m_grid;
};

}  // namespace sightline::routing
