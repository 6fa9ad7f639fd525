#include "tiles/camera_index.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace sightline::tiles {
namespace {

constexpr int grid_zoom = 16;
constexpr double grid_cells = 1 << grid_zoom;

std::uint32_t cell_coordinate(double v) noexcept {
    return static_cast<std::uint32_t>(std::clamp(std::floor(v * grid_cells), 0.0, grid_cells - 1));
}

struct Cancelled {};

}  // namespace

std::shared_ptr<const CameraIndex> CameraIndex::build(store::Store& store, std::stop_token stop) {
    auto index = std::make_shared<CameraIndex>();
    index->m_version = store.camera_version();
    index->m_strings.emplace_back();
    std::unordered_map<std::string, std::uint32_t> interned{{"", 0}};
    auto intern = [&](std::string_view text) {
        auto [it, added] =
            interned.try_emplace(std::string(text), static_cast<std::uint32_t>(interned.size()));
        if (added) index->m_strings.emplace_back(text);
        return it->second;
    };
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
    return index;
}

std::size_t CameraIndex::memory_bytes() const noexcept {
    std::size_t bytes = m_records.capacity() * sizeof(Record);
    for (const auto& s : m_strings)
        bytes += sizeof(std::string) + s.capacity();
    return bytes;
}

std::vector<CameraFeature> CameraIndex::query(geo::WorldPoint min, geo::WorldPoint max) const {
    std::vector<CameraFeature> out;
    if (!(min.x <= max.x && min.y <= max.y)) return out;
    const auto x0 = cell_coordinate(min.x);
    const auto x1 = cell_coordinate(max.x);
    const auto y0 = cell_coordinate(min.y);
    const auto y1 = cell_coordinate(max.y);
    for (auto row = y0; row <= y1; ++row) {
        const std::uint32_t first = row * (1u << grid_zoom) + x0;
        const std::uint32_t last = row * (1u << grid_zoom) + x1;
        auto it =
            std::lower_bound(m_records.begin(), m_records.end(), first,
                             [](const Record& r, std::uint32_t cell) { return r.cell < cell; });
        for (; it != m_records.end() && it->cell <= last; ++it) {
            const auto& r = *it;
            if (r.position.x < min.x || r.position.x > max.x || r.position.y < min.y ||
                r.position.y > max.y)
                continue;
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
            out.push_back(f);
        }
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return out;
}

}  // namespace sightline::tiles
