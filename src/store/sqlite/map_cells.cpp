// Grid cells of streets and areas (map_cells.hpp).
#include "store/sqlite/map_cells.hpp"

namespace sightline::store::sqlite {

namespace {

// A box goes to a level whose cells are a little larger than it (not exactly as large), so that
// rounding in (corner + 90) * cells_per_degree never puts its two corners two cells apart.
constexpr double max_cells_spanned = 0.999;

std::int64_t cell_index(double degrees_from_edge, double per_degree) {
    return std::max<std::int64_t>(static_cast<std::int64_t>(degrees_from_edge * per_degree), 0);
}

}  // namespace

std::int64_t map_cell(const geo::BBox& box) {
    const std::int64_t rest = std::int64_t{map_cell_levels} << map_cell_level_shift;
    if (!(box.south <= box.north && box.west <= box.east)) return rest;  // NaN: no cell number
    const double span = std::max(box.north - box.south, box.east - box.west);
    for (int level = 0; level < map_cell_levels; ++level) {
        const double per_degree = map_cells_per_degree(level);
        if (!(span * per_degree <= max_cells_spanned)) continue;
        return (std::int64_t{level} << map_cell_level_shift) |
               (cell_index(box.south + 90, per_degree) << map_cell_column_bits) |
               cell_index(box.west + 180, per_degree);
    }
    return rest;
}

}  // namespace sightline::store::sqlite
