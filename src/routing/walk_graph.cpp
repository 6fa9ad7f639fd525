#include "routing/walk_graph.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <queue>

#include "geo/distance.hpp"

namespace sightline::routing {
namespace {

/// OSM stores coordinates to 1e-7 degrees; two streets meet where they share a node, and so
/// share these exact coordinates.
std::uint64_t coordinate_key(geo::LatLon p) noexcept {
    auto lat = static_cast<std::uint32_t>(static_cast<std::int32_t>(std::llround(p.lat * 1e7)));
    auto lon = static_cast<std::uint32_t>(static_cast<std::int32_t>(std::llround(p.lon * 1e7)));
    return (static_cast<std::uint64_t>(lat) << 32) | lon;
}

std::uint64_t cell_key(std::int64_t row, std::int64_t column) noexcept {
    return (static_cast<std::uint64_t>(row + (1 << 30)) << 32) |
           static_cast<std::uint32_t>(column + (1 << 30));
}

/// Metres per degree at a latitude, for a flat frame around a query point.
struct Flat {
    double per_lat = 111'320.0;
    double per_lon = 111'320.0;
    explicit Flat(double lat) noexcept
        : per_lon(111'320.0 * std::cos(lat * std::numbers::pi / 180.0)) {}
};

geo::LatLon lerp(geo::LatLon a, geo::LatLon b, double t) noexcept {
    return {a.lat + (b.lat - a.lat) * t, a.lon + (b.lon - a.lon) * t};
}

}  // namespace

void StreetArrays::add(std::int64_t osm_way_id, std::span<const geo::LatLon> street_points,
                       std::span<const LevelMetres> street_seen_m) {
    if (street_points.size() < 2) return;
    if (first_point.empty()) first_point.push_back(0);
    way.push_back(osm_way_id);
    points.insert(points.end(), street_points.begin(), street_points.end());
    first_point.push_back(static_cast<std::uint32_t>(points.size()));
    const std::size_t segments = street_points.size() - 1;
    if (street_seen_m.size() == segments)
        seen_m.insert(seen_m.end(), street_seen_m.begin(), street_seen_m.end());
    else
        seen_m.resize(seen_m.size() + segments, LevelMetres{});
}

WalkGraph WalkGraph::build(std::vector<StreetInput> streets) {
    StreetArrays arrays;
    for (auto& s : streets) {
        arrays.add(s.osm_way_id, s.points, s.seen_m);
        s = {};
    }
    return from_arrays(std::move(arrays));
}

WalkGraph WalkGraph::from_arrays(StreetArrays streets) {
    if (streets.first_point.empty()) streets.first_point.push_back(0);
    const std::size_t street_total = streets.way.size();
    const auto& first_point = streets.first_point;
    const auto& points = streets.points;

    // Every distinct point once, sorted, with whether two or more street points share it (a
    // junction) and its node once it has one: sorted arrays take a fraction of the memory of
    // hash maps on a country's millions of points.
    std::vector<std::uint64_t> keys;
    keys.reserve(points.size());
    for (auto p : points)
        keys.push_back(coordinate_key(p));
    std::sort(keys.begin(), keys.end());
    std::vector<std::uint8_t> shared;
    std::size_t distinct = 0;
    for (std::size_t i = 0; i < keys.size(); ++distinct) {
        std::size_t j = i + 1;
        while (j < keys.size() && keys[j] == keys[i])
            ++j;
        keys[distinct] = keys[i];
        shared.push_back(j - i >= 2 ? 1 : 0);
        i = j;
    }
    keys.resize(distinct);
    keys.shrink_to_fit();
    auto index_of = [&keys](geo::LatLon p) {
        return static_cast<std::size_t>(
            std::lower_bound(keys.begin(), keys.end(), coordinate_key(p)) - keys.begin());
    };
    constexpr NodeId no_node = std::numeric_limits<NodeId>::max();
    std::vector<NodeId> node_of(keys.size(), no_node);
    std::vector<geo::LatLon> nodes;
    auto node_at = [&](geo::LatLon p) {
        NodeId& node = node_of[index_of(p)];
        if (node == no_node) {
            node = static_cast<NodeId>(nodes.size());
            nodes.push_back(p);
        }
        return node;
    };
    // Each array at its final size at once: no growing copies on a country's graph.
    std::size_t edge_total = 0;
    for (std::size_t si = 0; si < street_total; ++si)
        for (std::size_t i = first_point[si] + 1; i < first_point[si + 1]; ++i)
            if (i + 1 == first_point[si + 1] || shared[index_of(points[i])]) ++edge_total;

    std::vector<std::uint32_t> street_first_edge;
    std::vector<double> point_offset_m;
    std::vector<Edge> edges;
    street_first_edge.reserve(street_total + 1);
    point_offset_m.reserve(points.size());
    edges.reserve(edge_total);
    for (std::uint32_t si = 0; si < street_total; ++si) {
        const std::uint32_t base = first_point[si];
        const std::uint32_t last = first_point[si + 1] - base - 1;
        LevelMetres* seen = streets.seen_m.data() + (base - si);  // a street's n-1 segments
        street_first_edge.push_back(static_cast<std::uint32_t>(edges.size()));
        double offset = 0;
        point_offset_m.push_back(0);
        for (std::uint32_t i = 1; i <= last; ++i) {
            const double segment = geo::distance_m(points[base + i - 1], points[base + i]);
            // The camera model measures in a flat frame; never count more seen than there is.
            for (auto& m : seen[i - 1])
                m = std::clamp(m, 0.0, segment);
            offset += segment;
            point_offset_m.push_back(offset);
        }
        std::uint32_t start = 0;
        NodeId start_node = node_at(points[base]);
        for (std::uint32_t i = 1; i <= last; ++i) {
            if (i != last && !shared[index_of(points[base + i])]) continue;
            Edge e;
            e.from = start_node;
            e.to = node_at(points[base + i]);
            e.street = si;
            e.first_point = start;
            e.last_point = i;
            e.length_m = point_offset_m[base + i] - point_offset_m[base + start];
            for (std::uint32_t k = start; k < i; ++k)
                for (std::size_t l = 0; l < e.seen_m.size(); ++l)
                    e.seen_m[l] += seen[k][l];
            edges.push_back(e);
            start = i;
            start_node = e.to;
        }
    }
    street_first_edge.push_back(static_cast<std::uint32_t>(edges.size()));
    keys = {};
    shared = {};
    node_of = {};
    nodes.shrink_to_fit();

    std::vector<std::uint32_t> arc_start(nodes.size() + 1, 0);
    for (const auto& e : edges) {
        ++arc_start[e.from + 1];
        ++arc_start[e.to + 1];
    }
    for (std::size_t n = 0; n < nodes.size(); ++n)
        arc_start[n + 1] += arc_start[n];
    std::vector<Arc> arcs(arc_start.back());
    std::vector<std::uint32_t> fill(arc_start.begin(), arc_start.end() - 1);
    for (EdgeId id = 0; id < edges.size(); ++id) {
        const auto& e = edges[id];
        arcs[fill[e.from]++] = {e.to, id};
        arcs[fill[e.to]++] = {e.from, id};
    }
    fill = {};

    WalkGraph g;
    g.m_street_way = core::SharedArray(std::move(streets.way));
    g.m_street_first_point = core::SharedArray(std::move(streets.first_point));
    g.m_points = core::SharedArray(std::move(streets.points));
    g.m_point_offset_m = core::SharedArray(std::move(point_offset_m));
    g.m_segment_seen = core::SharedArray(std::move(streets.seen_m));
    g.m_street_first_edge = core::SharedArray(std::move(street_first_edge));
    g.m_nodes = core::SharedArray(std::move(nodes));
    g.m_edges = core::SharedArray(std::move(edges));
    g.m_arc_start = core::SharedArray(std::move(arc_start));
    g.m_arcs = core::SharedArray(std::move(arcs));
    g.find_components();
    g.index_segments();
    return g;
}

void WalkGraph::keep_topology_only() {
    m_street_way = {};
    m_street_first_point = {};
    m_points = {};
    m_point_offset_m = {};
    m_segment_seen = {};
    m_street_first_edge = {};
    m_grid = {};
}

StreetView WalkGraph::street(std::uint32_t s) const {
    const std::uint32_t first = m_street_first_point[s];
    const std::uint32_t count = m_street_first_point[s + 1] - first;
    return {m_street_way[s], m_points.span().subspan(first, count),
            m_segment_seen.span().subspan(first_segment(s), count - 1)};
}

void WalkGraph::find_components() {
    constexpr auto none = std::numeric_limits<std::uint32_t>::max();
    std::vector<std::uint32_t> raw(m_nodes.size(), none);
    std::vector<std::size_t> sizes;
    std::vector<NodeId> stack;
    for (NodeId start = 0; start < m_nodes.size(); ++start) {
        if (raw[start] != none) continue;
        const auto id = static_cast<std::uint32_t>(sizes.size());
        sizes.push_back(0);
        raw[start] = id;
        stack.push_back(start);
        while (!stack.empty()) {
            NodeId n = stack.back();
            stack.pop_back();
            ++sizes[id];
            for (const auto& arc : arcs(n))
                if (raw[arc.head] == none) {
                    raw[arc.head] = id;
                    stack.push_back(arc.head);
                }
        }
    }
    // Renumber by size, largest first (ties by first node), so 0 is the main network.
    std::vector<std::uint32_t> order(sizes.size());
    for (std::uint32_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return sizes[a] > sizes[b]; });
    std::vector<std::uint32_t> rank(order.size());
    for (std::uint32_t i = 0; i < order.size(); ++i)
        rank[order[i]] = i;
    std::vector<std::uint32_t> component(m_nodes.size());
    for (NodeId n = 0; n < m_nodes.size(); ++n)
        component[n] = rank[raw[n]];
    m_component = core::SharedArray(std::move(component));
}

void WalkGraph::index_segments() {
    std::vector<GridEntry> grid;
    grid.reserve(m_segment_seen.size());
    for (std::uint32_t si = 0; si < street_count(); ++si) {
        const auto pts = street(si).points;
        for (std::uint32_t i = 0; i + 1 < pts.size(); ++i) {
            const auto r0 = static_cast<std::int64_t>(
                std::floor(std::min(pts[i].lat, pts[i + 1].lat) / cell_deg));
            const auto r1 = static_cast<std::int64_t>(
                std::floor(std::max(pts[i].lat, pts[i + 1].lat) / cell_deg));
            const auto c0 = static_cast<std::int64_t>(
                std::floor(std::min(pts[i].lon, pts[i + 1].lon) / cell_deg));
            const auto c1 = static_cast<std::int64_t>(
                std::floor(std::max(pts[i].lon, pts[i + 1].lon) / cell_deg));
            for (auto r = r0; r <= r1; ++r)
                for (auto c = c0; c <= c1; ++c)
                    grid.push_back({cell_key(r, c), si, i});
        }
    }
    std::sort(grid.begin(), grid.end(), [](const GridEntry& a, const GridEntry& b) {
        return a.cell != b.cell       ? a.cell < b.cell
               : a.street != b.street ? a.street < b.street
                                      : a.segment < b.segment;
    });
    m_grid = core::SharedArray(std::move(grid));
}

EdgeId WalkGraph::edge_of_segment(std::uint32_t street, std::uint32_t segment) const {
    const auto first = m_edges.begin() + m_street_first_edge[street];
    const auto last = m_edges.begin() + m_street_first_edge[street + 1];
    auto it = std::upper_bound(first, last, segment,
                               [](std::uint32_t seg, const Edge& e) { return seg < e.last_point; });
    return static_cast<EdgeId>(it - m_edges.begin());
}

std::optional<Snap> WalkGraph::snap(geo::LatLon position, double max_distance_m,
                                    std::optional<std::uint32_t> component) const {
    if (!position.is_valid() || m_edges.empty() || !(max_distance_m >= 0)) return std::nullopt;
    const Flat flat(position.lat);
    struct Best {
        // Squared: the candidates are ranked by it, without a square root each (hundreds of
        // segments lie within the first 100 m downtown).
        double distance2 = std::numeric_limits<double>::infinity();
        std::uint32_t street = 0;
        std::uint32_t segment = 0;
        double t = 0;
    } best;
    auto consider = [&](const GridEntry& ref) {
        const auto pts = street(ref.street).points;
        const geo::LatLon a = pts[ref.segment];
        const geo::LatLon b = pts[ref.segment + 1];
        const double ax = (a.lon - position.lon) * flat.per_lon;
        const double ay = (a.lat - position.lat) * flat.per_lat;
        const double dx = (b.lon - a.lon) * flat.per_lon;
        const double dy = (b.lat - a.lat) * flat.per_lat;
        const double len2 = dx * dx + dy * dy;
        const double t = len2 > 0 ? std::clamp(-(ax * dx + ay * dy) / len2, 0.0, 1.0) : 0.0;
        const double ex = ax + dx * t;
        const double ey = ay + dy * t;
        const double d2 = ex * ex + ey * ey;
        if (d2 < best.distance2) {
            if (component &&
                m_component[m_edges[edge_of_segment(ref.street, ref.segment)].from] != *component)
                return;
            best = {d2, ref.street, ref.segment, t};
        }
    };
    // Grow the searched square until the nearest segment found lies within it.
    for (double radius = 100;; radius *= 4) {
        const double r = std::min(radius, max_distance_m);
        const double dlat = r / flat.per_lat;
        const double dlon = r / std::max(flat.per_lon, 1.0);
        const auto r0 = static_cast<std::int64_t>(std::floor((position.lat - dlat) / cell_deg));
        const auto r1 = static_cast<std::int64_t>(std::floor((position.lat + dlat) / cell_deg));
        const auto c0 = static_cast<std::int64_t>(std::floor((position.lon - dlon) / cell_deg));
        const auto c1 = static_cast<std::int64_t>(std::floor((position.lon + dlon) / cell_deg));
        if ((r1 - r0 + 1) * (c1 - c0 + 1) > 4'000'000) break;  // beyond any sane max distance
        for (auto row = r0; row <= r1; ++row)
            for (auto col = c0; col <= c1; ++col) {
                const auto key = cell_key(row, col);
                auto it = std::lower_bound(
                    m_grid.begin(), m_grid.end(), key,
                    [](const GridEntry& item, std::uint64_t k) { return item.cell < k; });
                for (; it != m_grid.end() && it->cell == key; ++it)
                    consider(*it);
            }
        if (std::sqrt(best.distance2) <= r || r >= max_distance_m) break;
    }
    if (!(std::sqrt(best.distance2) <= max_distance_m)) return std::nullopt;

    const EdgeId id = edge_of_segment(best.street, best.segment);
    const Edge& e = m_edges[id];
    const std::uint32_t base = m_street_first_point[best.street];
    const double seg_from = m_point_offset_m[base + best.segment];
    const double seg_to = m_point_offset_m[base + best.segment + 1];
    Snap s;
    s.edge = id;
    s.offset_m = seg_from + (seg_to - seg_from) * best.t - m_point_offset_m[base + e.first_point];
    s.offset_m = std::clamp(s.offset_m, 0.0, e.length_m);
    const auto pts = street(best.street).points;
    s.point = lerp(pts[best.segment], pts[best.segment + 1], best.t);
    s.distance_m = geo::distance_m(position, s.point);  // the flat frame only ranks candidates
    return s;
}

EdgePart WalkGraph::part(EdgeId id, double from_offset_m, double to_offset_m) const {
    const Edge& e = m_edges[id];
    double lo = std::clamp(std::min(from_offset_m, to_offset_m), 0.0, e.length_m);
    double hi = std::clamp(std::max(from_offset_m, to_offset_m), 0.0, e.length_m);
    EdgePart part;
    if (lo <= 0 && hi >= e.length_m) {
        part.length_m = e.length_m;
        part.seen_m = e.seen_m;
        return part;
    }
    part.length_m = hi - lo;
    const std::uint32_t base = m_street_first_point[e.street];
    const double start = m_point_offset_m[base + e.first_point];
    const auto seen = street(e.street).seen_m;
    for (std::uint32_t k = e.first_point; k < e.last_point; ++k) {
        const double a = m_point_offset_m[base + k] - start;
        const double b = m_point_offset_m[base + k + 1] - start;
        const double overlap = std::min(b, hi) - std::max(a, lo);
        if (overlap <= 0 || b <= a) continue;
        const double share = overlap / (b - a);
        for (std::size_t l = 0; l < part.seen_m.size(); ++l)
            part.seen_m[l] += seen[k][l] * share;
    }
    return part;
}

std::vector<geo::LatLon> WalkGraph::geometry(EdgeId id, double from_offset_m,
                                             double to_offset_m) const {
    std::vector<geo::LatLon> out;
    append_geometry(id, from_offset_m, to_offset_m, out);
    return out;
}

void WalkGraph::append_geometry(EdgeId id, double from_offset_m, double to_offset_m,
                                std::vector<geo::LatLon>& out) const {
    const Edge& e = m_edges[id];
    const bool reversed = from_offset_m > to_offset_m;
    const double lo = std::clamp(std::min(from_offset_m, to_offset_m), 0.0, e.length_m);
    const double hi = std::clamp(std::max(from_offset_m, to_offset_m), 0.0, e.length_m);
    const std::uint32_t base = m_street_first_point[e.street];
    const double start = m_point_offset_m[base + e.first_point];
    const auto pts = street(e.street).points;
    auto at = [&](double offset) {
        for (std::uint32_t k = e.first_point; k < e.last_point; ++k) {
            const double a = m_point_offset_m[base + k] - start;
            const double b = m_point_offset_m[base + k + 1] - start;
            if (offset <= b || k + 1 == e.last_point)
                return b > a
                           ? lerp(pts[k], pts[k + 1], std::clamp((offset - a) / (b - a), 0.0, 1.0))
                           : pts[k];
        }
        return pts[e.first_point];
    };
    const std::size_t first = out.size();
    out.push_back(at(lo));
    for (std::uint32_t k = e.first_point + 1; k < e.last_point; ++k) {
        const double o = m_point_offset_m[base + k] - start;
        if (o > lo && o < hi) out.push_back(pts[k]);
    }
    const geo::LatLon end = at(hi);
    if (!(end == out.back()) || out.size() == first + 1) out.push_back(end);
    const auto appended = out.begin() + static_cast<std::ptrdiff_t>(first);
    if (reversed) std::reverse(appended, out.end());
    // Where it joins the points before it, one point, not two equal ones.
    if (first > 0 && out[first - 1] == *appended) out.erase(appended);
}

void WalkGraph::set_street_seen(std::uint32_t street, std::vector<LevelMetres> seen_m) {
    const std::uint32_t base = m_street_first_point[street];
    const std::size_t segments = m_street_first_point[street + 1] - base - 1;
    if (seen_m.size() != segments) seen_m.assign(segments, LevelMetres{});
    for (std::size_t k = 0; k < segments; ++k) {
        const double segment = m_point_offset_m[base + k + 1] - m_point_offset_m[base + k];
        for (auto& m : seen_m[k])
            m = std::clamp(m, 0.0, segment);
    }
    // Copies the arrays on the first change after a copy of the graph (or a load from a file).
    auto all_seen = m_segment_seen.make_mutable();
    std::copy(seen_m.begin(), seen_m.end(), all_seen.begin() + first_segment(street));
    auto edges = m_edges.make_mutable();
    for (auto id = m_street_first_edge[street]; id < m_street_first_edge[street + 1]; ++id) {
        Edge& e = edges[id];
        e.seen_m = {};
        for (std::uint32_t k = e.first_point; k < e.last_point; ++k)
            for (std::size_t l = 0; l < e.seen_m.size(); ++l)
                e.seen_m[l] += seen_m[k][l];
    }
}

}  // namespace sightline::routing
