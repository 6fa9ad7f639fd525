#pragma once
// Test scenes drawn as text: '#' is a 1 m building cell, '.' open ground, any letter a named
// point at the centre of its cell. The first row is the northernmost; x grows east, y north,
// cell (column c, row r) covers [c, c+1] x [rows-1-r, rows-r]. Connected '#' cells form one
// building whose outline is made of unit walls (so collinear walls sharing ends are common).

#include <map>
#include <string>
#include <vector>

#include "analysis/viewshed.hpp"

namespace sightline::analysis::testing {

struct AsciiScene {
    std::vector<Wall> walls;
    std::map<char, Vec2> points;
    int rows = 0;
    int columns = 0;
    [[nodiscard]] ObstacleIndex obstacles() const { return ObstacleIndex(walls, 4.0); }
    [[nodiscard]] Vec2 at(char name) const { return points.at(name); }
};

inline AsciiScene parse_scene(const std::vector<std::string>& map) {
    AsciiScene scene;
    scene.rows = static_cast<int>(map.size());
    for (const auto& row : map)
        scene.columns = std::max(scene.columns, static_cast<int>(row.size()));
    auto solid = [&](int c, int r) {
        return r >= 0 && r < scene.rows && c >= 0 && c < static_cast<int>(map[r].size()) &&
               map[r][c] == '#';
    };
    std::vector<int> building(static_cast<std::size_t>(scene.rows * scene.columns), -1);
    int next_id = 0;
    for (int r = 0; r < scene.rows; ++r)
        for (int c = 0; c < scene.columns; ++c) {
            if (!solid(c, r) || building[r * scene.columns + c] >= 0) continue;
            std::vector<std::pair<int, int>> stack{{c, r}};
            building[r * scene.columns + c] = next_id;
            while (!stack.empty()) {
                auto [x, y] = stack.back();
                stack.pop_back();
                for (auto [dx, dy] : {std::pair{1, 0}, {-1, 0}, {0, 1}, {0, -1}}) {
                    int nx = x + dx, ny = y + dy;
                    if (solid(nx, ny) && building[ny * scene.columns + nx] < 0) {
                        building[ny * scene.columns + nx] = next_id;
                        stack.push_back({nx, ny});
                    }
                }
            }
            ++next_id;
        }
    for (int r = 0; r < scene.rows; ++r)
        for (int c = 0; c < static_cast<int>(map[r].size()); ++c) {
            double x = c;
            double y = scene.rows - 1 - r;
            char ch = map[r][c];
            if (ch != '#') {
                if (ch != '.' && ch != ' ') scene.points[ch] = {x + 0.5, y + 0.5};
                continue;
            }
            int id = building[r * scene.columns + c];
            if (!solid(c, r - 1)) scene.walls.push_back({{x, y + 1}, {x + 1, y + 1}, id});
            if (!solid(c, r + 1)) scene.walls.push_back({{x, y}, {x + 1, y}, id});
            if (!solid(c - 1, r)) scene.walls.push_back({{x, y}, {x, y + 1}, id});
            if (!solid(c + 1, r)) scene.walls.push_back({{x + 1, y}, {x + 1, y + 1}, id});
        }
    return scene;
}

/// Even-odd point in ring (points exactly on the boundary may go either way).
inline bool in_ring(Vec2 p, const std::vector<Vec2>& ring) {
    bool inside = false;
    for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
        Vec2 a = ring[j], b = ring[i];
        if ((a.y > p.y) != (b.y > p.y) && p.x < a.x + (p.y - a.y) / (b.y - a.y) * (b.x - a.x))
            inside = !inside;
    }
    return inside;
}

inline bool sees(const Viewshed& v, DoriLevel level, Vec2 p) {
    for (const auto& ring : v.rings[static_cast<std::size_t>(level)])
        if (in_ring(p, ring)) return true;
    return false;
}

/// A capability with explicit ranges: observe = range_m, the others by the DORI ratios.
inline CameraCapability camera_with(double observe_m, std::vector<Sector> sectors = {{0, 360}}) {
    CameraCapability c;
    for (std::size_t l = 0; l < dori_level_count; ++l)
        c.range_m[l] = observe_m * dori_pixels_per_metre[1] / dori_pixels_per_metre[l];
    c.sectors = std::move(sectors);
    return c;
}

}  // namespace sightline::analysis::testing
