#pragma once
// The prepared routing data on disk: a walking graph and its landmarks as the arrays of a
// core::SectionFile, memory-mapped when loaded, so a server starts routing without rebuilding
// them (docs/adr/010-prepared-routing-data.md). This header names the file's kind, its format
// version and the sections the routing module writes; callers may add sections of their own
// with ids from first_caller_section on.

#include <cstdint>
#include <string_view>

namespace sightline::routing {

inline constexpr std::string_view routing_data_magic = "SLROUTE";
/// Raise on any change to a section's layout or meaning: older files are then rebuilt.
/// 2: the section table moved to the end of the file (core::SectionFileStream).
inline constexpr std::uint32_t routing_data_version = 2;

enum RoutingSection : std::uint32_t {
    street_way_section = 1,
    street_first_point_section,
    point_section,
    point_offset_section,
    segment_seen_section,
    street_first_edge_section,
    node_section,
    edge_section,
    arc_start_section,
    arc_section,
    component_section,
    grid_section,
    landmark_node_section = 20,
    landmark_flags_section,
    landmark_length_section,
    landmark_seen_section = 30,      ///< + level
    landmark_combined_section = 40,  ///< + level * 4 + grid index
    first_caller_section = 1000,
};

}  // namespace sightline::routing
