#include "analysis/survey_tasks.hpp"

#include "analysis/cell_buckets.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <unordered_map>
#include <utility>

namespace sightline::analysis {
namespace {

std::int64_t key_of(geo::LatLon p) {
    auto lat = static_cast<std::int64_t>(std::llround(p.lat * 1e7));
    auto lon = static_cast<std::int64_t>(std::llround(p.lon * 1e7));
    return lat * 4'000'000'000LL + lon;
}

int find_root(std::vector<int>& parent, int i) {
    while (parent[static_cast<std::size_t>(i)] != i) {
        parent[static_cast<std::size_t>(i)] =
            parent[static_cast<std::size_t>(parent[static_cast<std::size_t>(i)])];
        i = parent[static_cast<std::size_t>(i)];
    }
    return i;
}

bool keep(const geo::MultiPolygon& within, geo::LatLon p) {
    return within.empty() || geo::contains(within, p);
}

}  // namespace

std::vector<SurveySpot> find_intersections(const std::vector<std::vector<geo::LatLon>>& streets,
                                           double cluster_m, const geo::MultiPolygon& within) {
    // Segments meeting at each node (by its 1e-7 degree position, as OSM stores it).
    std::unordered_map<std::int64_t, std::pair<geo::LatLon, int>> degree;
    for (const auto& street : streets) {
        const std::size_t n = street.size();
        if (n < 2) continue;
        for (std::size_t i = 0; i < n; ++i) {
            auto& entry = degree.try_emplace(key_of(street[i]), street[i], 0).first->second;
            entry.second += (i > 0 ? 1 : 0) + (i + 1 < n ? 1 : 0);
        }
    }
    std::vector<geo::LatLon> nodes;
    for (const auto& [key, entry] : degree)
        if (entry.second >= 3) nodes.push_back(entry.first);
    if (nodes.empty()) return {};
    std::sort(nodes.begin(), nodes.end(), [](geo::LatLon a, geo::LatLon b) {
        return std::pair{a.lat, a.lon} < std::pair{b.lat, b.lon};
    });

    // Single-linkage clusters within cluster_m: neighbours found through a grid of that size.
    const LocalFrame frame(nodes.front());
    std::vector<Vec2> local(nodes.size());
    std::unordered_map<std::int64_t, std::vector<int>> grid;
    auto cell = [&](Vec2 v, int dx, int dy) {
        auto cx = static_cast<std::int64_t>(std::floor(v.x / cluster_m)) + dx;
        auto cy = static_cast<std::int64_t>(std::floor(v.y / cluster_m)) + dy;
        return cx * 10'000'000LL + cy;
    };
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        local[i] = frame.to_local(nodes[i]);
        grid[cell(local[i], 0, 0)].push_back(static_cast<int>(i));
    }
    std::vector<int> parent(nodes.size());
    std::iota(parent.begin(), parent.end(), 0);
    const double limit2 = cluster_m * cluster_m;
    for (std::size_t i = 0; i < nodes.size(); ++i)
        for (int dx = -1; dx <= 1; ++dx)
            for (int dy = -1; dy <= 1; ++dy) {
                auto it = grid.find(cell(local[i], dx, dy));
                if (it == grid.end()) continue;
                for (int j : it->second) {
                    Vec2 d = local[static_cast<std::size_t>(j)] - local[i];
                    if (dot(d, d) <= limit2)
                        parent[static_cast<std::size_t>(find_root(parent, j))] =
                            find_root(parent, static_cast<int>(i));
                }
            }
    std::unordered_map<int, std::pair<Vec2, int>> sums;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        auto& s = sums[find_root(parent, static_cast<int>(i))];
        s.first = s.first + local[i];
        ++s.second;
    }
    std::vector<SurveySpot> spots;
    for (const auto& [root, sum] : sums) {
        geo::LatLon centre = frame.to_lat_lon(sum.first * (1.0 / sum.second));
        if (keep(within, centre))
            spots.push_back({centre, geo::BBox::around(centre, survey_radius_m)});
    }
    std::sort(spots.begin(), spots.end(), [](const SurveySpot& a, const SurveySpot& b) {
        return std::pair{a.location.lat, a.location.lon} <
               std::pair{b.location.lat, b.location.lon};
    });
    return spots;
}

std::vector<SurveySpot> street_cells(const std::vector<std::vector<geo::LatLon>>& streets,
                                     const geo::BBox& box, double cell_m,
                                     const geo::MultiPolygon& within) {
    const LocalFrame frame({box.south, box.west});
    const Vec2 top = frame.to_local({box.north, box.east});
    const int columns = std::max(1, static_cast<int>(std::ceil(top.x / cell_m)));
    const int rows = std::max(1, static_cast<int>(std::ceil(top.y / cell_m)));
    std::vector<bool> used(static_cast<std::size_t>(columns) * static_cast<std::size_t>(rows));
    auto mark = [&](Vec2 p) {
        int c = static_cast<int>(std::floor(p.x / cell_m));
        int r = static_cast<int>(std::floor(p.y / cell_m));
        if (c >= 0 && r >= 0 && c < columns && r < rows)
            used[static_cast<std::size_t>(r) * static_cast<std::size_t>(columns) +
                 static_cast<std::size_t>(c)] = true;
    };
    for (const auto& street : streets)
        for (std::size_t i = 0; i + 1 < street.size(); ++i) {
            // Sample the segment at a quarter cell: every cell it passes through is hit.
            Vec2 a = frame.to_local(street[i]), b = frame.to_local(street[i + 1]);
            double len = length(b - a);
            int steps = std::max(1, static_cast<int>(std::ceil(len / (cell_m / 4))));
            for (int s = 0; s <= steps; ++s)
                mark(a + (b - a) * (static_cast<double>(s) / steps));
        }
    std::vector<SurveySpot> spots;
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < columns; ++c) {
            if (!used[static_cast<std::size_t>(r) * static_cast<std::size_t>(columns) +
                      static_cast<std::size_t>(c)])
                continue;
            geo::LatLon sw = frame.to_lat_lon({c * cell_m, r * cell_m});
            geo::LatLon ne = frame.to_lat_lon({(c + 1) * cell_m, (r + 1) * cell_m});
            geo::LatLon centre{(sw.lat + ne.lat) / 2, (sw.lon + ne.lon) / 2};
            if (keep(within, centre)) spots.push_back({centre, {sw.lon, sw.lat, ne.lon, ne.lat}});
        }
    return spots;
}

double length_inside(Vec2 a, Vec2 b, const std::vector<Circle>& circles,
                     const std::vector<Rect>& rects) {
    const Vec2 d = b - a;
    const double len = length(d);
    if (len <= 0) return 0;
    std::vector<std::pair<double, double>> spans;  // parameter intervals in [0, 1]
    for (const auto& c : circles) {
        // |a + t d - centre|² = r²: a quadratic in t.
        const Vec2 f = a - c.centre;
        const double qa = dot(d, d);
        const double qb = 2 * dot(f, d);
        const double qc = dot(f, f) - c.radius * c.radius;
        const double disc = qb * qb - 4 * qa * qc;
        if (disc <= 0) continue;
        const double root = std::sqrt(disc);
        const double t0 = std::max(0.0, (-qb - root) / (2 * qa));
        const double t1 = std::min(1.0, (-qb + root) / (2 * qa));
        if (t1 > t0) spans.emplace_back(t0, t1);
    }
    for (const auto& r : rects) {
        double t0 = 0, t1 = 0;
        if (clip_to_rect(a, b, r, t0, t1)) spans.emplace_back(t0, t1);
    }
    if (spans.empty()) return 0;
    std::sort(spans.begin(), spans.end());
    double total = 0, from = spans[0].first, to = spans[0].second;
    for (std::size_t i = 1; i < spans.size(); ++i) {
        if (spans[i].first > to) {
            total += to - from;
            from = spans[i].first;
            to = spans[i].second;
        } else {
            to = std::max(to, spans[i].second);
        }
    }
    return (total + to - from) * len;
}

SurveyedGround::SurveyedGround(std::vector<Circle> circles, std::vector<Rect> rects, double cell_m)
    : m_circles(std::move(circles)), m_rects(std::move(rects)), m_cell_m(cell_m) {
    if (empty()) return;
    Rect bounds{{1e300, 1e300}, {-1e300, -1e300}};
    auto grow = [&](const Rect& r) {
        bounds.min = {std::min(bounds.min.x, r.min.x), std::min(bounds.min.y, r.min.y)};
        bounds.max = {std::max(bounds.max.x, r.max.x), std::max(bounds.max.y, r.max.y)};
    };
    auto box_of = [&](std::size_t i) {
        if (i < m_circles.size()) {
            const auto& c = m_circles[i];
            return Rect{{c.centre.x - c.radius, c.centre.y - c.radius},
                        {c.centre.x + c.radius, c.centre.y + c.radius}};
        }
        return m_rects[i - m_circles.size()];
    };
    const std::size_t count = m_circles.size() + m_rects.size();
    for (std::size_t i = 0; i < count; ++i)
        grow(box_of(i));
    m_origin = bounds.min;
    m_columns = std::max(1, static_cast<int>(std::ceil((bounds.max.x - bounds.min.x) / m_cell_m)));
    m_rows = std::max(1, static_cast<int>(std::ceil((bounds.max.y - bounds.min.y) / m_cell_m)));
    auto clamp_column = [&](double x) {
        return std::clamp(static_cast<int>(std::floor((x - m_origin.x) / m_cell_m)), 0,
                          m_columns - 1);
    };
    auto clamp_row = [&](double y) {
        return std::clamp(static_cast<int>(std::floor((y - m_origin.y) / m_cell_m)), 0, m_rows - 1);
    };
    bucket_by_cells(
        count, m_columns, m_rows,
        [&](std::uint32_t i, int& c0, int& c1, int& r0, int& r1) {
            Rect r = box_of(i);
            c0 = clamp_column(r.min.x);
            c1 = clamp_column(r.max.x);
            r0 = clamp_row(r.min.y);
            r1 = clamp_row(r.max.y);
            return true;
        },
        m_start, m_items);
}

double SurveyedGround::length_inside(Vec2 a, Vec2 b) const {
    if (empty()) return 0;
    const double min_x = std::min(a.x, b.x), max_x = std::max(a.x, b.x);
    const double min_y = std::min(a.y, b.y), max_y = std::max(a.y, b.y);
    const int c0 = static_cast<int>(std::floor((min_x - m_origin.x) / m_cell_m));
    const int c1 = static_cast<int>(std::floor((max_x - m_origin.x) / m_cell_m));
    const int r0 = static_cast<int>(std::floor((min_y - m_origin.y) / m_cell_m));
    const int r1 = static_cast<int>(std::floor((max_y - m_origin.y) / m_cell_m));
    if (c1 < 0 || r1 < 0 || c0 >= m_columns || r0 >= m_rows) return 0;
    std::vector<std::uint32_t> found;
    for (int r = std::max(r0, 0); r <= std::min(r1, m_rows - 1); ++r)
        for (int c = std::max(c0, 0); c <= std::min(c1, m_columns - 1); ++c) {
            const auto k = static_cast<std::size_t>(r) * static_cast<std::size_t>(m_columns) +
                           static_cast<std::size_t>(c);
            found.insert(found.end(), m_items.begin() + m_start[k],
                         m_items.begin() + m_start[k + 1]);
        }
    std::sort(found.begin(), found.end());
    found.erase(std::unique(found.begin(), found.end()), found.end());
    std::vector<Circle> circles;
    std::vector<Rect> rects;
    for (auto i : found) {
        if (i < m_circles.size())
            circles.push_back(m_circles[i]);
        else
            rects.push_back(m_rects[i - m_circles.size()]);
    }
    return analysis::length_inside(a, b, circles, rects);
}

}  // namespace sightline::analysis
