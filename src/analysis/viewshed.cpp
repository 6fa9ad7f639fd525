#include "analysis/viewshed.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "analysis/cell_buckets.hpp"

namespace sightline::analysis {
namespace {

constexpr double two_pi = 2 * std::numbers::pi;
constexpr double max_grid_cells = 4e6;

double normalised_angle(double a) noexcept {
    a = std::fmod(a, two_pi);
    if (a < 0) a += two_pi;
    return a >= two_pi ? 0.0 : a;
}

Vec2 unit(double angle) noexcept {
    return {std::cos(angle), std::sin(angle)};
}

// A cheap stand-in for the angle of v in [0, 4), increasing with the angle: comparisons only.
double diamond_angle(Vec2 v) noexcept {
    if (v.y >= 0) return v.x >= 0 ? v.y / (v.x + v.y) : 1 - v.x / (-v.x + v.y);
    return v.x < 0 ? 2 - v.y / (-v.x - v.y) : 3 + v.x / (v.x - v.y);
}

// A wall relative to the camera, clipped to the range disk, counter-clockwise (cross(p, q) > 0).
struct Edge {
    Vec2 p;
    Vec2 q;
};

// Distance from the origin along direction `dir` to the edge's supporting line.
double ray_distance(const Edge& e, Vec2 dir) noexcept {
    Vec2 d = e.q - e.p;
    double denominator = cross(dir, d);
    if (denominator <= 0) return std::numeric_limits<double>::infinity();
    return cross(e.p, d) / denominator;
}

// An angular stretch of the boundary: the nearest edge, or none (free up to the range).
struct Piece {
    double from = 0;
    double to = 0;
    int edge = -1;
};

struct Span {
    double from = 0;
    double to = 0;
    int edge = 0;
};

// Reused between calls (one per thread) so a viewshed allocates only its output.
class Sweep {
  public:
    void run(const std::vector<Edge>& edges, std::vector<Piece>& pieces) {
        edges_ = &edges;
        pieces_ = &pieces;
        pieces.clear();
        std::vector<Span>& spans = spans_;
        spans.clear();
        for (int i = 0; i < static_cast<int>(edges.size()); ++i) {
            double a = normalised_angle(std::atan2(edges[i].p.y, edges[i].p.x));
            double b = normalised_angle(std::atan2(edges[i].q.y, edges[i].q.x));
            if (a == b) continue;  // no angular width: hides nothing of positive area
            if (b < a) {
                spans.push_back({a, two_pi, i});
                if (b > 0) spans.push_back({0, b, i});
            } else {
                spans.push_back({a, b, i});
            }
        }
        std::vector<double>& angles = angles_;
        angles.assign({0.0, two_pi});
        for (const auto& s : spans) {
            angles.push_back(s.from);
            angles.push_back(s.to);
        }
        std::sort(angles.begin(), angles.end());
        angles.erase(std::unique(angles.begin(), angles.end()), angles.end());
        std::vector<int>& by_start = by_start_;
        by_start.resize(spans.size());
        for (int i = 0; i < static_cast<int>(spans.size()); ++i)
            by_start[i] = i;
        std::vector<int>& by_end = by_end_;
        by_end = by_start;
        std::sort(by_start.begin(), by_start.end(),
                  [&](int x, int y) { return spans[x].from < spans[y].from; });
        std::sort(by_end.begin(), by_end.end(),
                  [&](int x, int y) { return spans[x].to < spans[y].to; });

        std::vector<int>& active_spans = active_spans_;
        active_spans.clear();
        std::size_t next_start = 0;
        std::size_t next_end = 0;
        for (std::size_t k = 0; k + 1 < angles.size(); ++k) {
            double at = angles[k];
            while (next_end < by_end.size() && spans[by_end[next_end]].to <= at) {
                auto it = std::find(active_spans.begin(), active_spans.end(), by_end[next_end]);
                if (it != active_spans.end()) {
                    *it = active_spans.back();
                    active_spans.pop_back();
                }
                ++next_end;
            }
            while (next_start < by_start.size() && spans[by_start[next_start]].from <= at) {
                if (spans[by_start[next_start]].to > at)
                    active_spans.push_back(by_start[next_start]);
                ++next_start;
            }
            active_.clear();
            for (int s : active_spans)
                active_.push_back(spans[s].edge);
            resolve(at, angles[k + 1], 0);
        }
    }

  private:
    // Finds the nearest edge over (from, to); edges crossing it inside split the stretch.
    void resolve(double from, double to, int depth) {
        const std::vector<Edge>& edges = *edges_;
        std::vector<Piece>& pieces = *pieces_;
        Vec2 dir = unit(0.5 * (from + to));
        int nearest = -1;
        double best = std::numeric_limits<double>::infinity();
        for (int e : active_) {
            double t = ray_distance(edges[e], dir);
            if (t < best) best = t, nearest = e;
        }
        if (nearest >= 0 && active_.size() > 1 && depth < 16) {
            std::vector<double> cuts;
            const Edge& w = edges[nearest];
            Vec2 wd = w.q - w.p;
            for (int e : active_) {
                if (e == nearest) continue;
                const Edge& v = edges[e];
                Vec2 vd = v.q - v.p;
                double denominator = cross(wd, vd);
                if (denominator == 0) continue;
                double s = cross(v.p - w.p, vd) / denominator;
                double u = cross(v.p - w.p, wd) / denominator;
                if (s < 0 || s > 1 || u < 0 || u > 1) continue;
                Vec2 x = w.p + wd * s;
                double angle = normalised_angle(std::atan2(x.y, x.x));
                if (angle > from + 1e-12 && angle < to - 1e-12) cuts.push_back(angle);
            }
            if (!cuts.empty()) {
                std::sort(cuts.begin(), cuts.end());
                double lo = from;
                for (double c : cuts) {
                    if (c > lo) resolve(lo, c, depth + 1);
                    lo = std::max(lo, c);
                }
                resolve(lo, to, depth + 1);
                return;
            }
        }
        if (!pieces.empty() && pieces.back().edge == nearest && pieces.back().to == from)
            pieces.back().to = to;
        else
            pieces.push_back({from, to, nearest});
    }

    const std::vector<Edge>* edges_ = nullptr;
    std::vector<Piece>* pieces_ = nullptr;
    std::vector<int> active_;
    std::vector<Span> spans_;
    std::vector<double> angles_;
    std::vector<int> by_start_;
    std::vector<int> by_end_;
    std::vector<int> active_spans_;
};

// Writes the boundary of min(visible distance, radius) over angles, as ring vertices.
class RingWriter {
  public:
    RingWriter(const std::vector<Edge>& edges, double radius, std::vector<Vec2>& out)
        : edges_(edges), radius_(radius), out_(out) {}

    void piece(int edge, double from, double to) {
        if (edge < 0) return arc(from, to);
        const Edge& e = edges_[edge];
        Vec2 dir_from = unit(from);
        // Rounding on a wall seen almost edge-on can miss it: fall back to its own end.
        auto along = [&](Vec2 dir, Vec2 end) {
            double t = ray_distance(e, dir);
            return std::isfinite(t) && t >= 0 ? dir * t : end;
        };
        Vec2 pa = along(dir_from, e.p);
        Vec2 pb = along(unit(to), e.q);
        Vec2 d = pb - pa;
        double a = dot(d, d);
        double b = 2 * dot(pa, d);
        double c = dot(pa, pa) - radius_ * radius_;
        double disc = b * b - 4 * a * c;
        if (a <= 0 || disc <= 0) {
            if (c <= 0) {
                add(pa);
                add(pb);
            } else {
                arc(from, to);
            }
            return;
        }
        double root = std::sqrt(disc);
        double lo = std::clamp((-b - root) / (2 * a), 0.0, 1.0);
        double hi = std::clamp((-b + root) / (2 * a), 0.0, 1.0);
        if (lo >= hi) return arc(from, to);
        Vec2 x_lo = pa + d * lo;
        Vec2 x_hi = pa + d * hi;
        auto angle_of = [&](Vec2 x) {
            return from + std::atan2(cross(dir_from, x), dot(dir_from, x));
        };
        if (lo > 0) arc(from, angle_of(x_lo));
        add(x_lo);
        add(x_hi);
        if (hi < 1) arc(angle_of(x_hi), to);
    }

    void add(Vec2 v) {
        if (!out_.empty()) {
            Vec2 d = v - out_.back();
            if (std::abs(d.x) < 1e-9 && std::abs(d.y) < 1e-9) return;
        }
        out_.push_back(v);
    }

  private:
    void arc(double from, double to) {
        constexpr double step = max_arc_step_deg * std::numbers::pi / 180.0;
        int n = std::max(1, static_cast<int>(std::ceil((to - from) / step - 1e-9)));
        for (int k = 0; k <= n; ++k)
            add(unit(from + (to - from) * k / n) * radius_);
    }

    const std::vector<Edge>& edges_;
    double radius_;
    std::vector<Vec2>& out_;
};

std::vector<Vec2> sector_ring(const std::vector<Piece>& pieces, const std::vector<Edge>& edges,
                              double radius, const Sector& sector) {
    std::vector<Vec2> ring;
    RingWriter writer(edges, radius, ring);
    double width = std::clamp(sector.width_deg, 0.0, 360.0) * std::numbers::pi / 180.0;
    bool full = width >= two_pi;
    double start = 0;
    if (full) {
        width = two_pi;
    } else {
        // Compass bearings (clockwise from north) to counter-clockwise angles from east.
        double centre = (90.0 - sector.direction_deg) * std::numbers::pi / 180.0;
        start = normalised_angle(centre - width / 2);
        writer.add({0, 0});
    }
    double end = start + width;
    for (double offset : {0.0, two_pi})
        for (const auto& p : pieces) {
            double from = std::max(p.from + offset, start);
            double to = std::min(p.to + offset, end);
            if (to > from) writer.piece(p.edge, from, to);
        }
    if (ring.size() > 1) {
        Vec2 d = ring.back() - ring.front();
        if (std::abs(d.x) < 1e-9 && std::abs(d.y) < 1e-9) ring.pop_back();
    }
    if (ring.size() < 3) ring.clear();
    return ring;
}

}  // namespace

ObstacleIndex::ObstacleIndex(std::vector<Wall> walls, double cell_size_m)
    : walls_(std::move(walls)) {
    std::erase_if(walls_, [](const Wall& w) {
        return !std::isfinite(w.a.x) || !std::isfinite(w.a.y) || !std::isfinite(w.b.x) ||
               !std::isfinite(w.b.y);
    });
    std::stable_sort(walls_.begin(), walls_.end(),
                     [](const Wall& x, const Wall& y) { return x.building < y.building; });
    if (walls_.empty()) return;
    Vec2 lo = walls_[0].a;
    Vec2 hi = walls_[0].a;
    for (const auto& w : walls_)
        for (Vec2 v : {w.a, w.b}) {
            lo = {std::min(lo.x, v.x), std::min(lo.y, v.y)};
            hi = {std::max(hi.x, v.x), std::max(hi.y, v.y)};
        }
    double width = hi.x - lo.x + 1;
    double height = hi.y - lo.y + 1;
    cell_size_m_ = std::isfinite(cell_size_m) && cell_size_m > 0 ? cell_size_m : 50.0;
    cell_size_m_ = std::max(cell_size_m_, std::sqrt(width * height / max_grid_cells));
    min_ = lo;
    columns_ = static_cast<int>(width / cell_size_m_) + 1;
    rows_ = static_cast<int>(height / cell_size_m_) + 1;
    auto cells = [&](std::uint32_t i, int& c0, int& c1, int& r0, int& r1) {
        const Wall& w = walls_[i];
        c0 = static_cast<int>((std::min(w.a.x, w.b.x) - min_.x) / cell_size_m_);
        c1 = static_cast<int>((std::max(w.a.x, w.b.x) - min_.x) / cell_size_m_);
        r0 = static_cast<int>((std::min(w.a.y, w.b.y) - min_.y) / cell_size_m_);
        r1 = static_cast<int>((std::max(w.a.y, w.b.y) - min_.y) / cell_size_m_);
        return true;
    };
    bucket_by_cells(walls_.size(), columns_, rows_, cells, cell_start_, cell_walls_);
}

ObstacleIndex ObstacleIndex::from_buildings(
    const std::vector<std::vector<std::vector<Vec2>>>& buildings, double cell_size_m) {
    std::vector<Wall> walls;
    for (std::size_t b = 0; b < buildings.size(); ++b)
        for (const auto& ring : buildings[b]) {
            std::size_t n = ring.size();
            if (n >= 2 && ring.front() == ring.back()) --n;  // closed form
            for (std::size_t i = 0; n >= 2 && i < n; ++i) {
                if (n == 2 && i == 1) break;
                walls.push_back({ring[i], ring[(i + 1) % n], static_cast<std::int32_t>(b)});
            }
        }
    return ObstacleIndex(std::move(walls), cell_size_m);
}

void ObstacleIndex::near(Vec2 centre, double radius, std::vector<std::uint32_t>& out) const {
    out.clear();
    if (walls_.empty() || !(radius >= 0) || !std::isfinite(centre.x) || !std::isfinite(centre.y))
        return;
    auto clamp_cell = [](double v, int count) {
        if (v < 0) return 0;
        if (v >= count) return count - 1;
        return static_cast<int>(v);
    };
    double x0 = (centre.x - radius - min_.x) / cell_size_m_;
    double x1 = (centre.x + radius - min_.x) / cell_size_m_;
    double y0 = (centre.y - radius - min_.y) / cell_size_m_;
    double y1 = (centre.y + radius - min_.y) / cell_size_m_;
    if (x1 < 0 || y1 < 0 || x0 >= columns_ || y0 >= rows_) return;
    int c0 = clamp_cell(x0, columns_), c1 = clamp_cell(x1, columns_);
    int r0 = clamp_cell(y0, rows_), r1 = clamp_cell(y1, rows_);
    for (int r = r0; r <= r1; ++r)
        for (int c = c0; c <= c1; ++c) {
            std::size_t cell = static_cast<std::size_t>(r) * columns_ + c;
            for (std::uint32_t k = cell_start_[cell]; k < cell_start_[cell + 1]; ++k) {
                std::uint32_t i = cell_walls_[k];
                if (squared_distance_to_segment(centre, walls_[i].a, walls_[i].b) <=
                    radius * radius)
                    out.push_back(i);
            }
        }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
}

bool ObstacleIndex::inside_building(Vec2 p, std::int32_t building) const {
    if (building == no_building) return false;
    auto [first, last] =
        std::equal_range(walls_.begin(), walls_.end(), Wall{{}, {}, building},
                         [](const Wall& x, const Wall& y) { return x.building < y.building; });
    bool inside = false;
    for (auto it = first; it != last; ++it) {
        Vec2 a = it->a;
        Vec2 b = it->b;
        if ((a.y > p.y) != (b.y > p.y)) {
            double x = a.x + (p.y - a.y) / (b.y - a.y) * (b.x - a.x);
            if (p.x < x) inside = !inside;
        }
    }
    return inside;
}

namespace {

// Visibility found at a smaller radius: pieces with the farthest distance seen in each
// (infinite where the view was still open at that radius).
struct Previous {
    std::vector<Piece> pieces;  ///< from/to as diamond angles
    std::vector<double> farthest;
};

// Builds the camera-relative edges of the walls within `radius` that can matter. Adding walls
// only shortens the view, so a wall whose nearest point lies beyond everything seen across its
// angular span at the previous radius is hidden: a sweep at a PTZ's kilometre then handles the
// few walls along open streets, not every wall in the disk.
void collect_edges(const ObstacleIndex& obstacles, Vec2 origin, double radius,
                   const Previous* previous, std::vector<Edge>& edges) {
    thread_local std::vector<std::uint32_t> nearby;
    obstacles.near(origin, radius, nearby);
    edges.clear();
    auto may_be_seen = [&](double from, double to, double distance) {
        const auto& pieces = previous->pieces;
        auto it = std::lower_bound(pieces.begin(), pieces.end(), from - 1e-9,
                                   [](const Piece& p, double angle) { return p.to < angle; });
        for (; it != pieces.end() && it->from <= to + 1e-9; ++it)
            if (previous->farthest[it - pieces.begin()] >= distance * (1 - 1e-9)) return true;
        return false;
    };
    const double tolerance2 = facade_tolerance_m * facade_tolerance_m;
    // Walls come sorted by building, so one containment test per building suffices.
    std::int32_t last_building = no_building;
    bool last_contains = false;
    for (std::uint32_t i : nearby) {
        const Wall& w = obstacles.wall(i);
        Vec2 p = w.a - origin;
        Vec2 q = w.b - origin;
        double distance2 = squared_distance_to_segment({0, 0}, p, q);
        if (distance2 <= tolerance2) continue;
        if (previous) {
            double a = diamond_angle(p);
            double b = diamond_angle(q);
            if (cross(p, q) < 0) std::swap(a, b);
            double distance = std::sqrt(distance2);
            bool relevant = b >= a ? may_be_seen(a, b, distance)
                                   : (may_be_seen(a, 4, distance) || may_be_seen(0, b, distance));
            if (!relevant) continue;
        }
        if (w.building != no_building) {
            if (w.building != last_building) {
                last_building = w.building;
                last_contains = obstacles.inside_building(origin, w.building);
            }
            if (last_contains) continue;
        }
        Vec2 d = q - p;
        double a = dot(d, d);
        if (a <= 0) continue;
        double b = 2 * dot(p, d);
        double c = dot(p, p) - radius * radius;
        double disc = b * b - 4 * a * c;
        if (disc <= 0) continue;
        double root = std::sqrt(disc);
        double t0 = std::max(0.0, (-b - root) / (2 * a));
        double t1 = std::min(1.0, (-b + root) / (2 * a));
        if (t0 >= t1) continue;
        Edge e{t0 > 0 ? p + d * t0 : p, t1 < 1 ? p + d * t1 : q};
        double turn = cross(e.p, e.q);
        if (turn == 0) continue;
        if (turn < 0) std::swap(e.p, e.q);
        edges.push_back(e);
    }
}

}  // namespace

Viewshed compute_viewshed(const CameraCapability& camera, Vec2 origin,
                          const ObstacleIndex& obstacles) {
    Viewshed out;
    out.origin = origin;
    out.min = origin;
    out.max = origin;
    out.range_m = camera.range_m;
    double range = 0;
    for (double r : camera.range_m)
        if (std::isfinite(r)) range = std::max(range, r);
    if (!(range > 0) || !std::isfinite(origin.x) || !std::isfinite(origin.y)) return out;

    // Grow the radius: each step keeps only walls that the previous one did not show hidden.
    constexpr double first_radius_m = 40;
    constexpr double growth = 3;
    thread_local Sweep sweep;
    thread_local std::vector<Edge> edges;
    thread_local std::vector<Piece> pieces;
    thread_local Previous previous;
    double radius = std::min(range, first_radius_m);
    bool first = true;
    while (true) {
        collect_edges(obstacles, origin, radius, first ? nullptr : &previous, edges);
        sweep.run(edges, pieces);
        if (radius >= range) break;
        bool open = false;
        previous.pieces.clear();
        previous.farthest.clear();
        for (const auto& p : pieces) {
            previous.pieces.push_back({p.from == 0 ? 0.0 : diamond_angle(unit(p.from)),
                                       p.to >= two_pi ? 4.0 : diamond_angle(unit(p.to)), p.edge});
            if (p.edge < 0) {
                open = true;
                previous.farthest.push_back(std::numeric_limits<double>::infinity());
            } else {
                const Edge& e = edges[p.edge];
                previous.farthest.push_back(
                    std::max(ray_distance(e, unit(p.from)), ray_distance(e, unit(p.to))));
            }
        }
        if (!open) break;  // blocked all round within `radius`: nothing farther is visible
        first = false;
        radius = std::min(range, radius * growth);
    }

    for (std::size_t level = 0; level < dori_level_count; ++level) {
        double level_radius = camera.range_m[level];
        if (!(level_radius > 0) || !std::isfinite(level_radius)) continue;
        for (const auto& sector : camera.sectors) {
            if (!(sector.width_deg > 0) || !std::isfinite(sector.direction_deg)) continue;
            auto ring = sector_ring(pieces, edges, std::min(level_radius, range), sector);
            if (ring.empty()) continue;
            for (auto& v : ring) {
                v = v + origin;
                out.min = {std::min(out.min.x, v.x), std::min(out.min.y, v.y)};
                out.max = {std::max(out.max.x, v.x), std::max(out.max.y, v.y)};
            }
            out.rings[level].push_back(std::move(ring));
        }
    }
    return out;
}

}  // namespace sightline::analysis
