// WalkGraph and Landmarks to and from a core::SectionFile. Loading checks that the sections fit
// together (counts and sizes) but does not walk their elements: the file's checksum already
// catches damage, and a scan would make every page of the mapping resident.
#include "routing/routing_data.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include <fmt/core.h>

#include "core/section_file.hpp"
#include "routing/path_search.hpp"
#include "routing/walk_graph.hpp"

namespace sightline::routing {
namespace {

template <typename T>
Status add(core::SectionFileStream& file, std::uint32_t id, const core::SharedArray<T>& values) {
    auto ok = file.add(id, values.span());
    // A view of the mapped file being replaced: its pages were read only to be copied, and
    // would otherwise all stay resident (routes read a few of them back when they need them).
    if (ok && !values.owned() && !values.empty())
        core::release_mapped_pages(std::as_bytes(values.span()));
    return ok;
}

template <typename T>
Result<core::SharedArray<T>> get(const std::shared_ptr<const core::SectionFile>& file,
                                 std::uint32_t id) {
    auto values = file->template section<T>(id);
    if (!values) return std::unexpected(values.error());
    return core::SharedArray<T>(*values, file);
}

Error inconsistent(std::string_view what) {
    return Error{Errc::invalid_argument, fmt::format("the routing data is inconsistent: {}", what)};
}

}  // namespace

Status WalkGraph::save(core::SectionFileStream& file) const {
    for (auto status :
         {add(file, street_way_section, m_street_way),
          add(file, street_first_point_section, m_street_first_point),
          add(file, point_section, m_points), add(file, point_offset_section, m_point_offset_m),
          add(file, segment_seen_section, m_segment_seen),
          add(file, street_first_edge_section, m_street_first_edge),
          add(file, node_section, m_nodes), add(file, edge_section, m_edges),
          add(file, arc_start_section, m_arc_start), add(file, arc_section, m_arcs),
          add(file, component_section, m_component), add(file, grid_section, m_grid)})
        if (!status) return status;
    return {};
}

Result<WalkGraph> WalkGraph::load(const std::shared_ptr<const core::SectionFile>& file) {
    WalkGraph g;
    auto load_into = [&](auto& member, std::uint32_t id) -> Status {
        using T = std::remove_cvref_t<decltype(member[0])>;
        auto values = get<T>(file, id);
        if (!values) return std::unexpected(values.error());
        member = std::move(*values);
        return {};
    };
    for (auto status :
         {load_into(g.m_street_way, street_way_section),
          load_into(g.m_street_first_point, street_first_point_section),
          load_into(g.m_points, point_section), load_into(g.m_point_offset_m, point_offset_section),
          load_into(g.m_segment_seen, segment_seen_section),
          load_into(g.m_street_first_edge, street_first_edge_section),
          load_into(g.m_nodes, node_section), load_into(g.m_edges, edge_section),
          load_into(g.m_arc_start, arc_start_section), load_into(g.m_arcs, arc_section),
          load_into(g.m_component, component_section), load_into(g.m_grid, grid_section)})
        if (!status) return std::unexpected(status.error());
    const std::size_t streets = g.m_street_way.size();
    const std::size_t points = g.m_points.size();
    if (g.m_street_first_point.size() != streets + 1 || g.m_street_first_edge.size() != streets + 1)
        return std::unexpected(inconsistent("street index sizes"));
    if (g.m_street_first_point[0] != 0 || g.m_street_first_point.back() != points ||
        g.m_point_offset_m.size() != points || g.m_segment_seen.size() != points - streets)
        return std::unexpected(inconsistent("point counts"));
    if (g.m_street_first_edge[0] != 0 || g.m_street_first_edge.back() != g.m_edges.size())
        return std::unexpected(inconsistent("edge counts"));
    if (g.m_arc_start.size() != g.m_nodes.size() + 1 || g.m_arc_start[0] != 0 ||
        g.m_arc_start.back() != g.m_arcs.size() || g.m_arcs.size() != 2 * g.m_edges.size() ||
        g.m_component.size() != g.m_nodes.size())
        return std::unexpected(inconsistent("node and arc counts"));
    return g;
}

Status Landmarks::build_into(const WalkGraph& graph, std::size_t count,
                             core::SectionFileStream& file) {
    // The length table comes with the choice; the seen tables are made as they are written.
    return choose(graph, count).save(graph, file);
}

Status Landmarks::save(const WalkGraph& graph, core::SectionFileStream& file) const {
    if (auto ok = add(file, landmark_node_section, m_landmarks); !ok) return ok;
    const std::uint64_t flags[] = {m_node_count, 1};  // every table written is current
    if (auto ok = file.add(landmark_flags_section, std::span<const std::uint64_t>(flags)); !ok)
        return ok;
    if (auto ok = add(file, landmark_length_section, m_length); !ok) return ok;
    // Tables kept and current are written as they are; others are made one at a time, the
    // levels on as many threads as there are cores (as refresh_seen()), each written once made.
    const std::size_t table_size = m_landmarks.size() * m_node_count;
    std::mutex writing;
    Status status;
    auto write = [&](std::uint32_t id, const Table& table) {
        std::lock_guard lock(writing);
        if (status) status = add(file, id, table);
    };
    auto write_level = [&](std::size_t level) {
        const auto l = static_cast<std::uint32_t>(level);
        for (std::size_t k = 0; k <= lambda_grid.size(); ++k) {
            const bool seen = k == lambda_grid.size();
            const Table& kept = seen ? m_seen[level] : m_combined[level][k];
            const std::uint32_t id =
                seen ? landmark_seen_section + l
                     : landmark_combined_section + l * 4 + static_cast<std::uint32_t>(k);
            if (m_seen_current && kept.size() == table_size)
                write(id, kept);
            else
                write(id, level_table(graph, level, k));
        }
    };
    const std::size_t threads =
        std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, m_seen.size());
    std::atomic<std::size_t> next_level{0};
    {
        std::vector<std::jthread> workers;
        for (std::size_t t = 0; t < threads; ++t)
            workers.emplace_back([&] {
                for (std::size_t level; (level = next_level++) < m_seen.size();)
                    write_level(level);
            });
    }
    return status;
}

Result<Landmarks> Landmarks::load(const std::shared_ptr<const core::SectionFile>& file,
                                  std::size_t node_count) {
    Landmarks lm;
    auto nodes = get<NodeId>(file, landmark_node_section);
    if (!nodes) return std::unexpected(nodes.error());
    lm.m_landmarks = std::move(*nodes);
    auto flags = file->section<std::uint64_t>(landmark_flags_section);
    if (!flags) return std::unexpected(flags.error());
    if (flags->size() != 2 || (*flags)[0] != node_count)
        return std::unexpected(inconsistent("landmark node count"));
    lm.m_node_count = node_count;
    lm.m_seen_current = (*flags)[1] != 0;
    for (NodeId landmark : lm.m_landmarks)
        if (landmark >= node_count) return std::unexpected(inconsistent("landmark nodes"));
    const std::size_t table_size = lm.m_landmarks.size() * node_count;
    auto load_table = [&](Table& table, std::uint32_t id) -> Status {
        auto values = get<float>(file, id);
        if (!values) return std::unexpected(values.error());
        if (values->size() != table_size) return std::unexpected(inconsistent("landmark tables"));
        table = std::move(*values);
        return {};
    };
    if (auto ok = load_table(lm.m_length, landmark_length_section); !ok)
        return std::unexpected(ok.error());
    for (std::uint32_t level = 0; level < lm.m_seen.size(); ++level) {
        if (auto ok = load_table(lm.m_seen[level], landmark_seen_section + level); !ok)
            return std::unexpected(ok.error());
        for (std::uint32_t k = 0; k < lambda_grid.size(); ++k)
            if (auto ok =
                    load_table(lm.m_combined[level][k], landmark_combined_section + level * 4 + k);
                !ok)
                return std::unexpected(ok.error());
    }
    return lm;
}

}  // namespace sightline::routing
