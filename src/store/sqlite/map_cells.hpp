#pragma once
// The grid cells that find streets and areas by their bounding box (schema migration 13,
// docs/adr/019-map-grid-cells.md): a B-tree index on (cell, box) instead of an R*Tree.
//
// A row's cell is the cell of its box's south-west corner on the finest of a few grid levels
// whose cells are at least as large as the box in both directions: level L has cells of
// 0.01 * 4^L degrees (L = 0..6, 0.01 to 40.96 degrees); a larger box (or one across the whole
// map) is on level 7, one cell for the world. A box that meets a query box then has its corner
// at most one cell south and west of the query's corner on its level, so the query reads, per
// level, the cells from one row and one column before its south-west corner to its north-east
// corner; SQL keeps the exact box test. Cells are level << 40 | row << 20 | column, so each
// level and each of its rows is one range of the index.

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "geo/bbox.hpp"
#include "store/sqlite/connection.hpp"

namespace sightline::store::sqlite {

inline constexpr int map_cell_levels = 7;  // grid levels 0..6; level 7 holds the rest
inline constexpr int map_cell_column_bits = 20;
inline constexpr int map_cell_level_shift = 40;

/// Cells per degree on grid level `level` (0..6): 100 / 4^level, exact in binary.
constexpr double map_cells_per_degree(int level) {
    return 100.0 / static_cast<double>(std::int64_t{1} << (2 * level));
}

/// The cell of a box (see above). The SQL of migration 13 computes the same with the same
/// floating-point operations; keep them in step.
std::int64_t map_cell(const geo::BBox& box);

/// Calls visit(statement) for a statement over the rows whose box meets `b` ("... WHERE cell
/// BETWEEN ?1 AND ?2 AND <box test on ?3 south, ?4 north, ?5 west, ?6 east> ..."), once per range
/// of cells (a row of cells, or a level's whole band of rows when that is many).
template <typename Visit>
void for_each_map_cell_range(Statement& stmt, const geo::BBox& b, const Visit& visit) {
    auto run = [&](std::int64_t from, std::int64_t to) {
        stmt.bind_all(from, to, b.south, b.north, b.west, b.east);
        visit(stmt);
        stmt.reset();
    };
    // NaN meets nothing (SQLite binds it as NULL). A box turned inside out (west > east) still
    // meets the boxes that span it, as in SQL: the ranges below hold them too.
    if (std::isnan(b.south) || std::isnan(b.north) || std::isnan(b.west) || std::isnan(b.east))
        return;
    const double south = std::max(b.south, -90.0), north = std::min(b.north, 90.0);
    const double west = std::max(b.west, -180.0), east = std::min(b.east, 180.0);
    constexpr std::int64_t max_rows_one_by_one = 16;
    constexpr std::int64_t all_columns = (std::int64_t{1} << map_cell_column_bits) - 1;
    for (int level = 0; level < map_cell_levels; ++level) {
        const double per_degree = map_cells_per_degree(level);
        const std::int64_t first_row =
            std::max<std::int64_t>(static_cast<std::int64_t>((south + 90) * per_degree) - 1, 0);
        const std::int64_t last_row = static_cast<std::int64_t>((north + 90) * per_degree);
        const std::int64_t first_column =
            std::max<std::int64_t>(static_cast<std::int64_t>((west + 180) * per_degree) - 1, 0);
        const std::int64_t last_column = static_cast<std::int64_t>((east + 180) * per_degree);
        if (first_row > last_row || first_column > last_column) continue;
        const std::int64_t base = std::int64_t{level} << map_cell_level_shift;
        if (last_row - first_row >= max_rows_one_by_one) {
            run(base | (first_row << map_cell_column_bits),
                base | (last_row << map_cell_column_bits) | all_columns);
            continue;
        }
        for (std::int64_t row = first_row; row <= last_row; ++row)
            run(base | (row << map_cell_column_bits) | first_column,
                base | (row << map_cell_column_bits) | last_column);
    }
    const std::int64_t rest = std::int64_t{map_cell_levels} << map_cell_level_shift;
    run(rest, rest);
}

}  // namespace sightline::store::sqlite
