#include "tiles/simplify.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace sightline::tiles {
namespace {

double segment_distance_sq(TilePoint p, TilePoint a, TilePoint b) noexcept {
    const double dx = b.x - a.x;
    const double dy = b.y - a.y;
    double t = 0;
    const double len_sq = dx * dx + dy * dy;
    if (len_sq > 0) t = std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / len_sq, 0.0, 1.0);
    const double ex = a.x + t * dx - p.x;
    const double ey = a.y + t * dy - p.y;
    return ex * ex + ey * ey;
}

double length(const PointList& line) noexcept {
    double sum = 0;
    for (std::size_t i = 1; i < line.size(); ++i)
        sum += std::hypot(line[i].x - line[i - 1].x, line[i].y - line[i - 1].y);
    return sum;
}

}  // namespace

double simplify_tolerance(int z) noexcept {
    if (z >= 16) return 1.0;
    if (z >= 14) return 2.0;
    if (z >= 12) return 4.0;
    return 8.0;
}

PointList simplify_line(const PointList& line, double tolerance) {
    if (tolerance <= 0 || line.size() < 3) return line;
    const double tol_sq = tolerance * tolerance;
    std::vector<bool> keep(line.size(), false);
    keep.front() = keep.back() = true;
    // Iterative, so a street with a hundred thousand points cannot overflow the stack.
    std::vector<std::pair<std::size_t, std::size_t>> stack{{0, line.size() - 1}};
    while (!stack.empty()) {
        auto [first, last] = stack.back();
        stack.pop_back();
        double max_sq = -1;
        std::size_t index = first;
        for (std::size_t i = first + 1; i < last; ++i) {
            double d = segment_distance_sq(line[i], line[first], line[last]);
            if (d > max_sq) {
                max_sq = d;
                index = i;
            }
        }
        if (max_sq > tol_sq) {
            keep[index] = true;
            stack.emplace_back(first, index);
            stack.emplace_back(index, last);
        }
    }
    PointList out;
    for (std::size_t i = 0; i < line.size(); ++i)
        if (keep[i]) out.push_back(line[i]);
    return out;
}

PointList simplify_linestring(const PointList& line, double tolerance) {
    auto out = simplify_line(line, tolerance);
    if (out.size() < 2 || length(out) < std::max(tolerance, 1e-9)) return {};
    return out;
}

PointList simplify_ring(const PointList& ring, double tolerance) {
    if (ring.size() < 4) return {};
    // Split the closed ring at its farthest point from the start so that Douglas-Peucker,
    // which always keeps end points, does not collapse the ring to a segment.
    std::size_t far = 0;
    double far_sq = -1;
    for (std::size_t i = 1; i + 1 < ring.size(); ++i) {
        double dx = ring[i].x - ring[0].x;
        double dy = ring[i].y - ring[0].y;
        if (dx * dx + dy * dy > far_sq) {
            far_sq = dx * dx + dy * dy;
            far = i;
        }
    }
    PointList first(ring.begin(), ring.begin() + static_cast<std::ptrdiff_t>(far) + 1);
    PointList second(ring.begin() + static_cast<std::ptrdiff_t>(far), ring.end());
    auto a = simplify_line(first, tolerance);
    auto b = simplify_line(second, tolerance);
    a.insert(a.end(), b.begin() + 1, b.end());
    if (a.size() < 4 || std::abs(ring_area(a)) < tolerance * tolerance) return {};
    return a;
}

std::vector<PointList> simplify_polygon(const std::vector<PointList>& rings, double tolerance) {
    std::vector<PointList> out;
    for (std::size_t i = 0; i < rings.size(); ++i) {
        auto ring = simplify_ring(rings[i], tolerance);
        if (ring.empty()) {
            if (i == 0) return {};
            continue;
        }
        out.push_back(std::move(ring));
    }
    return out;
}

}  // namespace sightline::tiles
