#include "tiles/camera_layer.hpp"

#include <cassert>
#include <charconv>
#include <vector>

namespace sightline::tiles {
namespace {

std::optional<double> parse_number(std::string_view text) {
    double v = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
    return v;
}

void add_camera(LayerBuilder& layer, const CameraFeature& camera, TilePoint p,
                std::int64_t stale_before) {
    layer.add_point(p, camera.id > 0 ? std::optional<std::uint64_t>(camera.id) : std::nullopt);
    layer.add_property("id", camera.id);
    layer.add_property("type", camera.type);
    if (!camera.mount.empty()) layer.add_property("mount", camera.mount);
    if (!camera.direction.empty()) layer.add_property("direction", camera.direction);
    if (camera.first_direction_deg) layer.add_property("directions", *camera.first_direction_deg);
    if (camera.angle_deg) layer.add_property("angle", *camera.angle_deg);
    layer.add_property("status", model::to_string(camera.status));
    layer.add_property("confirmations", camera.confirmations);
    // Only on stale cameras: most cameras of a maintained map are fresh and pay nothing.
    if (camera.last_verified < stale_before) layer.add_property("stale", true);
}

}  // namespace

CameraFeature camera_feature(const model::Camera& camera, std::string& kind_storage) {
    CameraFeature f;
    f.id = camera.id.value;
    f.position = geo::to_world(camera.location);
    kind_storage = model::camera_kind(camera.tags);
    f.type = kind_storage;
    f.mount = model::tag(camera.tags, "camera:mount").value_or("");
    if (auto direction = model::tag(camera.tags, "camera:direction")) {
        f.direction = *direction;
        if (auto parsed = model::parse_directions(*direction); parsed && !parsed->empty())
            f.first_direction_deg = parsed->front();
    }
    if (auto angle = model::tag(camera.tags, "camera:angle")) f.angle_deg = parse_number(*angle);
    f.status = camera.status;
    f.confirmations = camera.confirmations;
    f.last_verified = camera.last_verified;
    return f;
}

geo::BBox camera_query_bounds(geo::TileId tile, const CameraLayerOptions& options) noexcept {
    return clusters_at(tile.z, options) ? geo::tile_bounds(tile)
                                        : geo::tile_bounds(tile, options.buffer);
}

void build_camera_layer(LayerBuilder& layer, geo::TileId tile,
                        std::span<const model::Camera> cameras, const CameraLayerOptions& options) {
    std::vector<std::string> kinds(cameras.size());
    std::vector<CameraFeature> features;
    features.reserve(cameras.size());
    for (std::size_t i = 0; i < cameras.size(); ++i)
        features.push_back(camera_feature(cameras[i], kinds[i]));
    build_camera_layer(layer, tile, features, options);
}

void build_camera_layer(LayerBuilder& layer, geo::TileId tile,
                        std::span<const CameraFeature> cameras, const CameraLayerOptions& options) {
    constexpr double extent = geo::tile_extent;
    if (!clusters_at(tile.z, options)) {
        const double lo = -options.buffer;
        const double hi = extent + options.buffer;
        for (const auto& camera : cameras) {
            auto p = geo::to_tile_point(camera.position, tile);
            if (p.x < lo || p.x > hi || p.y < lo || p.y > hi) continue;
            add_camera(layer, camera, p, options.stale_before);
        }
        return;
    }
    // Grid clustering aligned to the tile: a cell belongs to exactly one tile, so a cluster is a
    // function of (tile, cameras in it) alone - deterministic and cacheable per tile.
    assert(options.cluster_cell > 0 && geo::tile_extent % options.cluster_cell == 0);
    const int cells = geo::tile_extent / options.cluster_cell;
    std::vector<ClusterCell> grid(static_cast<std::size_t>(cells) * cells);
    for (const auto& camera : cameras) {
        auto p = geo::to_tile_point(camera.position, tile);
        // Half-open [0, extent): a camera on the shared edge of two tiles counts in one.
        if (!(p.x >= 0 && p.x < extent && p.y >= 0 && p.y < extent)) continue;
        auto cx = static_cast<int>(p.x) / options.cluster_cell;
        auto cy = static_cast<int>(p.y) / options.cluster_cell;
        auto& cell = grid[static_cast<std::size_t>(cy) * cells + cx];
        if (cell.count == 0) cell.first = camera;
        ++cell.count;
        cell.sum_x += p.x;
        cell.sum_y += p.y;
    }
    std::erase_if(grid, [](const ClusterCell& cell) { return cell.count == 0; });
    add_cluster_cells(layer, tile, grid, options);
}

void add_cluster_cells(LayerBuilder& layer, geo::TileId tile, std::span<const ClusterCell> cells,
                       const CameraLayerOptions& options) {
    for (const auto& cell : cells) {
        if (cell.count == 1) {
            add_camera(layer, cell.first, geo::to_tile_point(cell.first.position, tile),
                       options.stale_before);
            continue;
        }
        const double n = static_cast<double>(cell.count);
        layer.add_point({cell.sum_x / n, cell.sum_y / n});
        layer.add_property("cluster", true);
        layer.add_property("count", cell.count);
    }
}

}  // namespace sightline::tiles
