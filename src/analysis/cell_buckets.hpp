#pragma once
// Items bucketed by the cells of a uniform grid that their bounding boxes cover, as compressed
// rows: the items of cell k are items[start[k] .. start[k + 1]). The spatial indexes of walls and
// of viewsheds both use it.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sightline::analysis {

/// `cells(i, c0, c1, r0, r1)` gives item i's inclusive column and row range (within the grid),
/// or returns false to leave the item out.
template <typename CellRange>
void bucket_by_cells(std::size_t count, int columns, int rows, const CellRange& cells,
                     std::vector<std::uint32_t>& start, std::vector<std::uint32_t>& items) {
    start.assign(static_cast<std::size_t>(columns) * static_cast<std::size_t>(rows) + 1, 0);
    int c0 = 0, c1 = 0, r0 = 0, r1 = 0;
    for (std::uint32_t i = 0; i < count; ++i) {
        if (!cells(i, c0, c1, r0, r1)) continue;
        for (int r = r0; r <= r1; ++r)
            for (int c = c0; c <= c1; ++c)
                ++start[static_cast<std::size_t>(r) * columns + c + 1];
    }
    for (std::size_t k = 1; k < start.size(); ++k)
        start[k] += start[k - 1];
    items.resize(start.back());
    std::vector<std::uint32_t> fill(start.begin(), start.end() - 1);
    for (std::uint32_t i = 0; i < count; ++i) {
        if (!cells(i, c0, c1, r0, r1)) continue;
        for (int r = r0; r <= r1; ++r)
            for (int c = c0; c <= c1; ++c)
                items[fill[static_cast<std::size_t>(r) * columns + c]++] = i;
    }
}

}  // namespace sightline::analysis
