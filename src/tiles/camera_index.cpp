#include "tiles/camera_index.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "geo/tile_id.hpp"
#include "tiles/string_interner.hpp"

namespace sightline::tiles {
namespace {

constexpr int grid_zoom = 16;
constexpr double grid_cells = 1 << grid_zoom;

std::uint32_t cell_coordinate(double v) noexcept {
    return static_cast<std::uint32_t>(std::clamp(std::floor(v * grid_cells), 0.0, grid_cells - 1));
}

struct Cancelled {};

}  // namespace

std::shared_ptr<const CameraIndex> CameraIndex::build(store::Store& store, std::stop_token stop,
                                                      const CameraFeatureWriter& features,
                                                      const CameraLayerOptions& layer) {
    auto index = std::make_shared<CameraIndex>();
    index->m_version = store.camera_version();
    index->m_has_features = static_cast<bool>(features);
    StringInterner intern(index->m_strings);
    std::string kind;
    try {
        store.for_each_camera([&](const model::Camera& camera) {
            if (stop.stop_requested()) throw Cancelled{};
            if (camera.status == model::CameraStatus::removed) return;
            auto f = camera_feature(camera, kind);
            Record r;
            r.position = f.position;
            r.cell =
                cell_coordinate(f.position.y) * (1u << grid_zoom) + cell_coordinate(f.position.x);
            r.id = f.id;
            r.type = intern(f.type);
            r.mount = intern(f.mount);
            r.direction = intern(f.direction);
            r.has_first_direction = f.first_direction_deg.has_value();
            r.first_direction_deg = f.first_direction_deg.value_or(0);
            r.has_angle = f.angle_deg.has_value();
            r.angle_deg = f.angle_deg.value_or(0);
            r.confirmations = f.confirmations;
            r.last_verified_day = static_cast<std::int32_t>(
                (f.last_verified - ((f.last_verified % 86'400) + 86'400) % 86'400) / 86'400);
            r.status = f.status;
            r.location = camera.location;
            if (features) {
                r.feature_offset = index->m_features.size();
                features(index->m_features, camera);
                const auto size = index->m_features.size() - r.feature_offset;
                if (size > std::numeric_limits<std::uint32_t>::max())
                    throw std::length_error("camera feature over 4 GiB");
                r.feature_size = static_cast<std::uint32_t>(size);
            }
            index->m_records.push_back(r);
        });
    } catch (const Cancelled&) {
        return nullptr;
    }
    if (store.camera_version() != index->m_version) return nullptr;
    std::sort(index->m_records.begin(), index->m_records.end(), [](const auto& a, const auto& b) {
        return a.cell != b.cell ? a.cell < b.cell : a.id < b.id;
    });
    index->m_records.shrink_to_fit();
    index->m_features.shrink_to_fit();
    if (index->m_records.size() > std::numeric_limits<std::uint32_t>::max())
        throw std::length_error("over 2^32 cameras in the snapshot");
    index->m_cells.reserve(index->m_records.size());
    for (const auto& r : index->m_records)
        index->m_cells.push_back(r.cell);
    // Where each grid row starts: a tile's rows are found without searching every camera.
    index->m_row_begin.assign((1u << grid_zoom) + 1, 0);
    {
        std::size_t i = 0;
        const auto& records = index->m_records;
        for (std::uint32_t row = 0; row <= (1u << grid_zoom); ++row) {
            while (i < records.size() && records[i].cell >> grid_zoom < row)
                ++i;
            index->m_row_begin[row] = static_cast<std::uint32_t>(i);
        }
    }
    if (index->m_has_features) {
        index->m_by_id.resize(index->m_records.size());
        std::iota(index->m_by_id.begin(), index->m_by_id.end(), std::uint32_t{0});
        const auto& records = index->m_records;
        std::sort(index->m_by_id.begin(), index->m_by_id.end(),
                  [&](std::uint32_t a, std::uint32_t b) { return records[a].id < records[b].id; });
        for (const auto& r : records)
            if (std::find(index->m_kinds.begin(), index->m_kinds.end(), r.type) ==
                index->m_kinds.end())
                index->m_kinds.push_back(r.type);
    }
    index->build_clusters(layer, stop);
    if (stop.stop_requested()) return nullptr;
    return index;
}

void CameraIndex::build_clusters(const CameraLayerOptions& layer, std::stop_token stop) {
    if (layer.cluster_cell <= 0 || geo::tile_extent % layer.cluster_cell != 0) return;
    const int zooms = std::clamp(layer.cluster_below_zoom, 0, 20);
    const int cells = geo::tile_extent / layer.cluster_cell;
    m_cluster_cell = layer.cluster_cell;
    // Id order: the order build_camera_layer() sums a tile's cameras in.
    std::vector<std::uint32_t> by_id = m_by_id;
    if (by_id.size() != m_records.size()) {
        by_id.resize(m_records.size());
        std::iota(by_id.begin(), by_id.end(), std::uint32_t{0});
        std::sort(by_id.begin(), by_id.end(), [&](std::uint32_t a, std::uint32_t b) {
            return m_records[a].id < m_records[b].id;
        });
    }
    std::vector<std::pair<std::uint64_t, std::uint32_t>> keyed;
    keyed.reserve(m_records.size());
    m_clusters.resize(static_cast<std::size_t>(zooms));
    for (int z = 0; z < zooms; ++z) {
        if (stop.stop_requested()) return;
        const double n = std::ldexp(1.0, z);
        const auto row_cells = static_cast<std::uint64_t>(cells) << z;
        keyed.clear();
        for (auto i : by_id) {
            const auto& position = m_records[i].position;
            // The tile query() would find it in with half-open edges, as the layer counts it.
            const double tx = std::floor(position.x * n);
            const double ty = std::floor(position.y * n);
            if (!(tx >= 0 && tx < n && ty >= 0 && ty < n)) continue;
            const geo::TileId tile{z, static_cast<std::uint32_t>(tx),
                                   static_cast<std::uint32_t>(ty)};
            const auto p = geo::to_tile_point(position, tile);
            if (!(p.x >= 0 && p.x < geo::tile_extent && p.y >= 0 && p.y < geo::tile_extent))
                continue;
            const auto cx = static_cast<std::uint64_t>(static_cast<int>(p.x) / layer.cluster_cell);
            const auto cy = static_cast<std::uint64_t>(static_cast<int>(p.y) / layer.cluster_cell);
            const std::uint64_t key =
                (std::uint64_t{tile.y} * static_cast<std::uint64_t>(cells) + cy) * row_cells +
                std::uint64_t{tile.x} * static_cast<std::uint64_t>(cells) + cx;
            keyed.emplace_back(key, i);
        }
        // Stable: the cameras of a cell stay in id order.
        std::stable_sort(keyed.begin(), keyed.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        auto& level = m_clusters[static_cast<std::size_t>(z)];
        for (std::size_t k = 0; k < keyed.size();) {
            const auto key = keyed[k].first;
            const auto tile_x =
                static_cast<std::uint32_t>((key % row_cells) / static_cast<std::uint64_t>(cells));
            const auto tile_y =
                static_cast<std::uint32_t>((key / row_cells) / static_cast<std::uint64_t>(cells));
            const geo::TileId tile{z, tile_x, tile_y};
            Cluster c;
            c.key = key;
            c.first = keyed[k].second;
            for (; k < keyed.size() && keyed[k].first == key; ++k) {
                const auto p = geo::to_tile_point(m_records[keyed[k].second].position, tile);
                ++c.count;
                c.sum_x += p.x;
                c.sum_y += p.y;
            }
            level.push_back(c);
        }
        level.shrink_to_fit();
    }
}

std::optional<std::vector<ClusterCell>> CameraIndex::clusters(
    geo::TileId tile, const CameraLayerOptions& options) const {
    if (tile.z < 0 || static_cast<std::size_t>(tile.z) >= m_clusters.size() ||
        options.cluster_cell != m_cluster_cell || !clusters_at(tile.z, options))
        return std::nullopt;
    const auto& level = m_clusters[static_cast<std::size_t>(tile.z)];
    const auto cells = static_cast<std::uint64_t>(geo::tile_extent / m_cluster_cell);
    const auto row_cells = cells << tile.z;
    std::vector<ClusterCell> out;
    for (std::uint64_t cy = 0; cy < cells; ++cy) {
        const std::uint64_t first =
            (std::uint64_t{tile.y} * cells + cy) * row_cells + std::uint64_t{tile.x} * cells;
        auto it = std::lower_bound(level.begin(), level.end(), first,
                                   [](const Cluster& c, std::uint64_t key) { return c.key < key; });
        for (; it != level.end() && it->key < first + cells; ++it) {
            ClusterCell cell;
            cell.count = it->count;
            cell.sum_x = it->sum_x;
            cell.sum_y = it->sum_y;
            cell.first = feature(m_records[it->first]);
            out.push_back(cell);
        }
    }
    return out;
}

std::size_t CameraIndex::cluster_bytes() const noexcept {
    std::size_t bytes = 0;
    for (const auto& level : m_clusters)
        bytes += level.capacity() * sizeof(Cluster);
    return bytes;
}

std::size_t CameraIndex::memory_bytes() const noexcept {
    std::size_t bytes = m_records.capacity() * sizeof(Record) +
                        m_row_begin.capacity() * sizeof(std::uint32_t) +
                        m_cells.capacity() * sizeof(std::uint32_t) + cluster_bytes() +
                        m_by_id.capacity() * sizeof(std::uint32_t) + m_features.capacity() +
                        m_kinds.capacity() * sizeof(std::uint32_t);
    for (const auto& s : m_strings)
        bytes += sizeof(std::string) + s.capacity();
    return bytes;
}

std::vector<CameraFeature> CameraIndex::query(geo::WorldPoint min, geo::WorldPoint max) const {
    std::vector<CameraFeature> out;
    if (!(min.x <= max.x && min.y <= max.y) || m_records.empty()) return out;
    const auto x0 = cell_coordinate(min.x);
    const auto x1 = cell_coordinate(max.x);
    const auto y0 = cell_coordinate(min.y);
    const auto y1 = cell_coordinate(max.y);
    std::vector<const Record*> found;
    for (auto row = y0; row <= y1; ++row) {
        const std::uint32_t first = row * (1u << grid_zoom) + x0;
        const std::uint32_t last = row * (1u << grid_zoom) + x1;
        // The row's records, then the columns in it: two short searches.
        // Searched in the packed cells: a few cache lines instead of a record per step.
        const auto row_end = m_cells.begin() + m_row_begin[row + 1];
        const auto from = std::lower_bound(m_cells.begin() + m_row_begin[row], row_end, first);
        for (auto i = static_cast<std::size_t>(from - m_cells.begin());
             i < m_cells.size() && m_cells[i] <= last; ++i) {
            const auto& r = m_records[i];
            if (r.position.x < min.x || r.position.x > max.x || r.position.y < min.y ||
                r.position.y > max.y)
                continue;
            found.push_back(&r);
        }
    }
    // Ids are unique: the order is the store's.
    std::sort(found.begin(), found.end(),
              [](const Record* a, const Record* b) { return a->id < b->id; });
    out.reserve(found.size());
    for (const auto* r : found)
        out.push_back(feature(*r));
    return out;
}

CameraFeature CameraIndex::feature(const Record& r) const {
    CameraFeature f;
    f.id = r.id;
    f.position = r.position;
    f.type = m_strings[r.type];
    f.mount = m_strings[r.mount];
    f.direction = m_strings[r.direction];
    if (r.has_first_direction) f.first_direction_deg = r.first_direction_deg;
    if (r.has_angle) f.angle_deg = r.angle_deg;
    f.status = r.status;
    f.confirmations = r.confirmations;
    f.last_verified = std::int64_t{r.last_verified_day} * 86'400;
    return f;
}

std::vector<std::string_view> CameraIndex::list(const CameraListQuery& q) const {
    std::vector<std::string_view> out;
    if (!m_has_features || q.limit == 0 || m_records.empty()) return out;
    if (q.status == model::CameraStatus::removed) return out;
    std::uint32_t kind = 0;
    if (q.kind) {
        auto it = std::find_if(m_kinds.begin(), m_kinds.end(),
                               [&](std::uint32_t k) { return m_strings[k] == *q.kind; });
        if (it == m_kinds.end()) return out;
        kind = *it;
    }
    const auto& box = q.bbox;
    // The store's SQL: lat BETWEEN south AND north AND lon BETWEEN west AND east, on the stored
    // doubles, then kind = ? and status = ? compared exactly.
    auto matches = [&](const Record& r) {
        return r.location.lat >= box.south && r.location.lat <= box.north &&
               r.location.lon >= box.west && r.location.lon <= box.east &&
               (!q.kind || r.type == kind) && (!q.status || r.status == *q.status);
    };
    auto feature = [&](const Record& r) {
        return std::string_view(m_features).substr(r.feature_offset, r.feature_size);
    };

    // The grid cells the box touches, one more on each side: the projection is monotonic in
    // exact arithmetic only, and the exact comparison above decides anyway.
    const auto min = geo::to_world(geo::LatLon{box.north, box.west});
    const auto max = geo::to_world(geo::LatLon{box.south, box.east});
    constexpr std::uint32_t last_cell = (1u << grid_zoom) - 1;
    const auto x0 = cell_coordinate(min.x) - std::min(cell_coordinate(min.x), 1u);
    const auto x1 = std::min(cell_coordinate(max.x) + 1, last_cell);
    const auto y0 = cell_coordinate(min.y) - std::min(cell_coordinate(min.y), 1u);
    const auto y1 = std::min(cell_coordinate(max.y) + 1, last_cell);
    using Iterator = std::vector<Record>::const_iterator;
    std::vector<std::pair<Iterator, Iterator>> rows;
    rows.reserve(y1 - y0 + 1);
    std::size_t in_cells = 0;
    for (auto row = y0; row <= y1; ++row) {
        const std::uint32_t first = row * (1u << grid_zoom) + x0;
        const std::uint32_t last = row * (1u << grid_zoom) + x1;
        auto begin =
            std::lower_bound(m_records.begin(), m_records.end(), first,
                             [](const Record& r, std::uint32_t cell) { return r.cell < cell; });
        auto end =
            std::upper_bound(begin, m_records.end(), last,
                             [](std::uint32_t cell, const Record& r) { return cell < r.cell; });
        if (begin != end) rows.emplace_back(begin, end);
        in_cells += static_cast<std::size_t>(end - begin);
    }

    // A box holding most cameras: walking them in id order stops after about
    // limit * total / in_box records, where the grid visits in_box and sorts them (the same
    // trade-off as the SQLite store's prefer_id_scan).
    const double scan = static_cast<double>(q.limit) * static_cast<double>(m_records.size());
    if (static_cast<double>(in_cells) * static_cast<double>(in_cells) > scan) {
        for (auto i : m_by_id) {
            const auto& r = m_records[i];
            if (!matches(r)) continue;
            out.push_back(feature(r));
            if (out.size() == q.limit) break;
        }
        return out;
    }

    std::vector<const Record*> found;
    found.reserve(std::min(in_cells, q.limit * 2));
    for (const auto& [begin, end] : rows)
        for (auto it = begin; it != end; ++it)
            if (matches(*it)) found.push_back(&*it);
    auto by_id = [](const Record* a, const Record* b) { return a->id < b->id; };
    if (found.size() > q.limit) {
        std::nth_element(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(q.limit),
                         found.end(), by_id);
        found.resize(q.limit);
    }
    std::sort(found.begin(), found.end(), by_id);
    out.reserve(found.size());
    for (const auto* r : found)
        out.push_back(feature(*r));
    return out;
}

}  // namespace sightline::tiles
