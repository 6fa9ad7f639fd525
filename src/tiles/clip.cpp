#include "tiles/clip.hpp"

namespace sightline::tiles {
namespace {

bool same(TilePoint a, TilePoint b) noexcept {
    return a.x == b.x && a.y == b.y;
}

// Liang-Barsky: the parameter range [t0, t1] of a->b inside the box, false if none.
bool clip_segment(TilePoint a, TilePoint b, const ClipBox& box, double& t0, double& t1) {
    t0 = 0;
    t1 = 1;
    const double dx = b.x - a.x;
    const double dy = b.y - a.y;
    const double p[4] = {-dx, dx, -dy, dy};
    const double q[4] = {a.x - box.min_x, box.max_x - a.x, a.y - box.min_y, box.max_y - a.y};
    for (int i = 0; i < 4; ++i) {
        if (p[i] == 0) {
            if (q[i] < 0) return false;
            continue;
        }
        const double t = q[i] / p[i];
        if (p[i] < 0) {
            if (t > t1) return false;
            if (t > t0) t0 = t;
        } else {
            if (t < t0) return false;
            if (t < t1) t1 = t;
        }
    }
    return true;
}

TilePoint lerp(TilePoint a, TilePoint b, double t) noexcept {
    return {a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t};
}

enum class Edge { left, right, top, bottom };

bool inside(TilePoint p, Edge e, const ClipBox& box) noexcept {
    switch (e) {
        case Edge::left:
            return p.x >= box.min_x;
        case Edge::right:
            return p.x <= box.max_x;
        case Edge::top:
            return p.y >= box.min_y;
        case Edge::bottom:
            return p.y <= box.max_y;
    }
    return false;
}

TilePoint intersect(TilePoint a, TilePoint b, Edge e, const ClipBox& box) noexcept {
    switch (e) {
        case Edge::left:
            return {box.min_x, a.y + (b.y - a.y) * (box.min_x - a.x) / (b.x - a.x)};
        case Edge::right:
            return {box.max_x, a.y + (b.y - a.y) * (box.max_x - a.x) / (b.x - a.x)};
        case Edge::top:
            return {a.x + (b.x - a.x) * (box.min_y - a.y) / (b.y - a.y), box.min_y};
        case Edge::bottom:
            return {a.x + (b.x - a.x) * (box.max_y - a.y) / (b.y - a.y), box.max_y};
    }
    return a;
}

}  // namespace

std::vector<PointList> clip_line(const PointList& line, const ClipBox& box) {
    std::vector<PointList> parts;
    PointList current;
    auto flush = [&] {
        if (current.size() >= 2) parts.push_back(std::move(current));
        current.clear();
    };
    if (line.size() == 1 && box.contains(line[0])) return parts;
    for (std::size_t i = 0; i + 1 < line.size(); ++i) {
        const auto a = line[i];
        const auto b = line[i + 1];
        double t0 = 0;
        double t1 = 1;
        if (!clip_segment(a, b, box, t0, t1)) {
            flush();
            continue;
        }
        const auto start = t0 > 0 ? lerp(a, b, t0) : a;
        const auto end = t1 < 1 ? lerp(a, b, t1) : b;
        if (current.empty() || !same(current.back(), start)) {
            flush();
            current.push_back(start);
        }
        current.push_back(end);
        if (t1 < 1) flush();  // the line leaves the box here
    }
    flush();
    return parts;
}

PointList clip_ring(const PointList& ring, const ClipBox& box) {
    PointList input = ring;
    if (input.size() > 1 && same(input.front(), input.back())) input.pop_back();
    // Fast path: everything inside (the common case for buildings away from the edges).
    bool all_inside = true;
    for (const auto& p : input)
        if (!box.contains(p)) {
            all_inside = false;
            break;
        }
    if (!all_inside) {
        PointList output;
        for (Edge e : {Edge::left, Edge::right, Edge::top, Edge::bottom}) {
            output.clear();
            if (input.empty()) break;
            for (std::size_t i = 0, n = input.size(); i < n; ++i) {
                const auto cur = input[i];
                const auto prev = input[(i + n - 1) % n];
                const bool cur_in = inside(cur, e, box);
                const bool prev_in = inside(prev, e, box);
                if (cur_in) {
                    if (!prev_in) output.push_back(intersect(prev, cur, e, box));
                    output.push_back(cur);
                } else if (prev_in) {
                    output.push_back(intersect(prev, cur, e, box));
                }
            }
            input.swap(output);
        }
    }
    if (input.size() < 3) return {};
    input.push_back(input.front());
    return input;
}

std::vector<PointList> clip_polygon(const std::vector<PointList>& rings, const ClipBox& box) {
    std::vector<PointList> out;
    for (std::size_t i = 0; i < rings.size(); ++i) {
        auto clipped = clip_ring(rings[i], box);
        if (clipped.empty()) {
            if (i == 0) return {};
            continue;
        }
        out.push_back(std::move(clipped));
    }
    return out;
}

}  // namespace sightline::tiles
