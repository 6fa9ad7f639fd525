#include "analysis/exposure.hpp"

#include <algorithm>
#include <cmath>

#include "analysis/cell_buckets.hpp"

namespace sightline::analysis {
namespace {

constexpr double max_grid_cells = 4e6;
constexpr double on_boundary_m = 1e-9;

// Closed polygon test: points on the boundary count as inside (a line along the edge of what
// a camera sees is seen: for privacy, over-counting is the conservative error). `edges(y0, y1,
// visit)` visits every edge whose y-range meets [y0, y1], each once: only those can cross the
// ray along y = p.y or pass within on_boundary_m of p.
template <typename Edges>
bool inside_or_on(Vec2 p, std::span<const Vec2> ring, const Edges& edges) noexcept {
    bool inside = false;
    bool on = false;
    edges(p.y - on_boundary_m, p.y + on_boundary_m, [&](std::size_t j, std::size_t i) {
        if (on) return;
        Vec2 a = ring[j];
        Vec2 b = ring[i];
        if (p.x >= std::min(a.x, b.x) - on_boundary_m &&
            p.x <= std::max(a.x, b.x) + on_boundary_m &&
            p.y >= std::min(a.y, b.y) - on_boundary_m &&
            p.y <= std::max(a.y, b.y) + on_boundary_m &&
            squared_distance_to_segment(p, a, b) <= on_boundary_m * on_boundary_m) {
            on = true;
            return;
        }
        if ((a.y > p.y) != (b.y > p.y)) {
            double x = a.x + (p.y - a.y) / (b.y - a.y) * (b.x - a.x);
            if (p.x < x) inside = !inside;
        }
    });
    return on || inside;
}

/// Every edge of the ring, whatever the range.
struct AllEdges {
    std::size_t size;
    template <typename Visit>
    void operator()(double, double, const Visit& visit) const {
        for (std::size_t i = 0, j = size - 1; i < size; j = i++)
            visit(j, i);
    }
};

/// Appends the intervals to `out`, merging only those of this ring with each other.
template <typename Edges>
void clip_into(Vec2 a, Vec2 b, std::span<const Vec2> ring, const Edges& edges,
               std::vector<Interval>& out) {
    const std::size_t first = out.size();
    Vec2 d = b - a;
    double segment_length = length(d);
    if (ring.size() < 3 || !(segment_length > 0)) return;
    double length2 = segment_length * segment_length;

    thread_local std::vector<double> cuts;
    cuts.assign({0.0, 1.0});
    const double slack = on_boundary_m;
    Vec2 lo{std::min(a.x, b.x) - slack, std::min(a.y, b.y) - slack};
    Vec2 hi{std::max(a.x, b.x) + slack, std::max(a.y, b.y) + slack};
    edges(lo.y, hi.y, [&](std::size_t j, std::size_t i) {
        Vec2 c = ring[j];
        Vec2 e = ring[i];
        if (std::max(c.x, e.x) < lo.x || std::min(c.x, e.x) > hi.x || std::max(c.y, e.y) < lo.y ||
            std::min(c.y, e.y) > hi.y)
            return;  // cannot meet the segment
        Vec2 f = e - c;
        double f_length2 = dot(f, f);
        if (f_length2 == 0) return;
        double denominator = cross(d, f);
        if (denominator * denominator > 1e-24 * length2 * f_length2) {
            double t = cross(c - a, f) / denominator;
            double u = cross(c - a, d) / denominator;
            if (u >= -1e-12 && u <= 1 + 1e-12 && t > 0 && t < 1) cuts.push_back(t);
        } else if (std::abs(cross(c - a, d)) <= on_boundary_m * segment_length) {
            // Runs along the edge: its ends are where inside may change.
            for (Vec2 v : {c, e}) {
                double t = dot(v - a, d) / length2;
                if (t > 0 && t < 1) cuts.push_back(t);
            }
        }
    });
    std::sort(cuts.begin(), cuts.end());
    for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
        double t0 = cuts[k];
        double t1 = cuts[k + 1];
        if ((t1 - t0) * segment_length < 1e-12) continue;
        if (!inside_or_on(a + d * (0.5 * (t0 + t1)), ring, edges)) continue;
        double from = t0 * segment_length;
        double to = t1 * segment_length;
        if (out.size() > first && out.back().to_m >= from - 1e-12)
            out.back().to_m = to;
        else
            out.push_back({from, to});
    }
}

template <typename Edges>
std::vector<Interval> clip_with(Vec2 a, Vec2 b, std::span<const Vec2> ring, const Edges& edges) {
    std::vector<Interval> out;
    clip_into(a, b, ring, edges, out);
    return out;
}

/// Edges per band aimed at; rings of fewer vertices than min_banded_ring are scanned whole
/// (sorting them into bands costs more than it saves on the few segments a route meets).
constexpr std::size_t edges_per_band = 8;
constexpr std::size_t min_banded_ring = 64;
constexpr std::size_t max_bands = 1024;

}  // namespace

template <typename Visit>
void RingBands::for_edges(double y0, double y1, const Visit& visit) const {
    if (m_band_start.empty()) {
        if (m_size >= 3) AllEdges{m_size}(y0, y1, visit);
        return;
    }
    const std::size_t b0 = band_of(y0);
    const std::size_t b1 = band_of(y1);
    for (std::size_t b = b0; b <= b1; ++b)
        for (std::uint32_t k = m_band_start[b]; k < m_band_start[b + 1]; ++k) {
            const std::uint32_t entry = m_edges[k];
            // An edge spanning several bands is visited in the first one the query shares: in
            // b0 whatever its first band, above b0 only in its own first band.
            if (b != b0 && (entry & first_band_flag) == 0) continue;
            const std::uint32_t i = entry & ~first_band_flag;
            visit(i == 0 ? m_size - 1 : i - 1, i);
        }
}

std::vector<Interval> clip_segment(Vec2 a, Vec2 b, std::span<const Vec2> ring) {
    return clip_with(a, b, ring, AllEdges{ring.size()});
}

std::vector<Interval> clip_segment(Vec2 a, Vec2 b, std::span<const Vec2> ring,
                                   const RingBands& bands) {
    return clip_with(a, b, ring, [&bands](double y0, double y1, const auto& visit) {
        bands.for_edges(y0, y1, visit);
    });
}

void clip_segment(Vec2 a, Vec2 b, std::span<const Vec2> ring, const RingBands& bands,
                  const BandSpace& space, std::vector<Interval>& out) {
    clip_into(
        a, b, ring,
        [&bands, &space](double y0, double y1, const auto& visit) {
            // scale > 0 keeps y0 <= y1; the pad covers the rounding of either space.
            bands.for_edges(space.origin + y0 * space.scale - space.pad,
                            space.origin + y1 * space.scale + space.pad, visit);
        },
        out);
}

RingBands::RingBands(std::span<const Vec2> ring) : m_size(ring.size()) {
    const std::size_t n = ring.size();
    if (n < min_banded_ring || n >= first_band_flag) return;  // the flag needs the top bit
    double min_y = ring[0].y, max_y = ring[0].y;
    for (auto p : ring) {
        min_y = std::min(min_y, p.y);
        max_y = std::max(max_y, p.y);
    }
    if (!std::isfinite(min_y) || !std::isfinite(max_y)) return;
    const std::size_t bands = std::clamp<std::size_t>(n / edges_per_band, 1, max_bands);
    m_min_y = min_y;
    m_band_height = std::max((max_y - min_y) / static_cast<double>(bands), 1e-9);
    m_band_start.assign(bands + 2, 0);  // one spare band for max_y itself
    auto each_edge = [&](const auto& add) {
        for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
            const std::size_t b0 = band_of(std::min(ring[i].y, ring[j].y));
            const std::size_t b1 = band_of(std::max(ring[i].y, ring[j].y));
            for (std::size_t b = b0; b <= b1; ++b)
                add(b, static_cast<std::uint32_t>(i) | (b == b0 ? first_band_flag : 0));
        }
    };
    each_edge([&](std::size_t b, std::uint32_t) { ++m_band_start[b + 1]; });
    for (std::size_t b = 1; b < m_band_start.size(); ++b)
        m_band_start[b] += m_band_start[b - 1];
    m_edges.resize(m_band_start.back());
    std::vector<std::uint32_t> fill(m_band_start.begin(), m_band_start.end() - 1);
    each_edge([&](std::size_t b, std::uint32_t entry) { m_edges[fill[b]++] = entry; });
}

std::size_t RingBands::band_of(double y) const noexcept {
    const double band = std::floor((y - m_min_y) / m_band_height);
    const auto last = static_cast<double>(m_band_start.size() - 2);
    return static_cast<std::size_t>(std::clamp(band, 0.0, last));
}

std::vector<Interval> unite(std::vector<Interval> intervals) {
    unite_in_place(intervals);
    return intervals;
}

void unite_in_place(std::vector<Interval>& intervals) {
    std::sort(intervals.begin(), intervals.end(),
              [](const Interval& x, const Interval& y) { return x.from_m < y.from_m; });
    // Written over the sorted ones: the write index never passes the read index.
    std::size_t kept = 0;
    for (std::size_t r = 0; r < intervals.size(); ++r) {
        const Interval i = intervals[r];
        if (!(i.to_m > i.from_m)) continue;
        if (kept > 0 && i.from_m <= intervals[kept - 1].to_m)
            intervals[kept - 1].to_m = std::max(intervals[kept - 1].to_m, i.to_m);
        else
            intervals[kept++] = i;
    }
    intervals.resize(kept);
}

double total_length(std::span<const Interval> intervals) noexcept {
    double sum = 0;
    for (const auto& i : intervals)
        sum += i.to_m - i.from_m;
    return sum;
}

ViewshedIndex::ViewshedIndex(std::vector<PlacedViewshed> viewsheds, double cell_size_m)
    : viewsheds_(std::move(viewsheds)), cell_size_m_(cell_size_m) {
    ring_start_.reserve(viewsheds_.size() * dori_level_count + 1);
    std::uint32_t rings = 0;
    for (const auto& placed : viewsheds_)
        for (const auto& level : placed.viewshed.rings) {
            ring_start_.push_back(rings);
            rings += static_cast<std::uint32_t>(level.size());
        }
    ring_start_.push_back(rings);
    bands_.resize(rings);
    bands_made_ = std::make_unique<std::once_flag[]>(rings);
    if (!(std::isfinite(cell_size_m_) && cell_size_m_ > 0)) cell_size_m_ = 100.0;
    bool any = false;
    Vec2 lo{}, hi{};
    auto indexable = [](const Viewshed& v) {
        bool has_rings = false;
        for (const auto& level : v.rings)
            has_rings = has_rings || !level.empty();
        return has_rings && std::isfinite(v.min.x) && std::isfinite(v.min.y) &&
               std::isfinite(v.max.x) && std::isfinite(v.max.y);
    };
    for (const auto& p : viewsheds_) {
        const Viewshed& v = p.viewshed;
        if (!indexable(v)) continue;
        if (!any) lo = v.min, hi = v.max, any = true;
        lo = {std::min(lo.x, v.min.x), std::min(lo.y, v.min.y)};
        hi = {std::max(hi.x, v.max.x), std::max(hi.y, v.max.y)};
    }
    if (!any) return;
    double width = hi.x - lo.x + 1;
    double height = hi.y - lo.y + 1;
    cell_size_m_ = std::max(cell_size_m_, std::sqrt(width * height / max_grid_cells));
    min_ = lo;
    columns_ = static_cast<int>(width / cell_size_m_) + 1;
    rows_ = static_cast<int>(height / cell_size_m_) + 1;
    auto cells = [&](std::uint32_t i, int& c0, int& c1, int& r0, int& r1) {
        const Viewshed& v = viewsheds_[i].viewshed;
        if (!indexable(v)) return false;
        c0 = static_cast<int>((v.min.x - min_.x) / cell_size_m_);
        c1 = static_cast<int>((v.max.x - min_.x) / cell_size_m_);
        r0 = static_cast<int>((v.min.y - min_.y) / cell_size_m_);
        r1 = static_cast<int>((v.max.y - min_.y) / cell_size_m_);
        return true;
    };
    bucket_by_cells(viewsheds_.size(), columns_, rows_, cells, cell_start_, cell_items_);
}

const RingBands& ViewshedIndex::bands(std::uint32_t viewshed, std::size_t level,
                                      std::size_t ring) const {
    const std::size_t i = ring_start_[viewshed * dori_level_count + level] + ring;
    std::call_once(bands_made_[i], [&] {
        bands_[i] = RingBands(viewsheds_[viewshed].viewshed.rings[level][ring]);
    });
    return bands_[i];
}

const std::vector<PlacedViewshed>& ViewshedIndex::viewsheds() const noexcept {
    return viewsheds_;
}

void ViewshedIndex::candidates(Vec2 a, Vec2 b, std::vector<std::uint32_t>& out) const {
    out.clear();
    if (columns_ == 0) return;
    Vec2 lo{std::min(a.x, b.x), std::min(a.y, b.y)};
    Vec2 hi{std::max(a.x, b.x), std::max(a.y, b.y)};
    if (!std::isfinite(lo.x) || !std::isfinite(lo.y) || !std::isfinite(hi.x) ||
        !std::isfinite(hi.y))
        return;
    double x0 = (lo.x - min_.x) / cell_size_m_, x1 = (hi.x - min_.x) / cell_size_m_;
    double y0 = (lo.y - min_.y) / cell_size_m_, y1 = (hi.y - min_.y) / cell_size_m_;
    if (x1 < 0 || y1 < 0 || x0 >= columns_ || y0 >= rows_) return;
    auto clamp_cell = [](double v, int count) {
        return v < 0 ? 0 : (v >= count ? count - 1 : static_cast<int>(v));
    };
    int c0 = clamp_cell(x0, columns_), c1 = clamp_cell(x1, columns_);
    int r0 = clamp_cell(y0, rows_), r1 = clamp_cell(y1, rows_);
    for (int r = r0; r <= r1; ++r)
        for (int c = c0; c <= c1; ++c) {
            std::size_t cell = static_cast<std::size_t>(r) * columns_ + c;
            for (std::uint32_t k = cell_start_[cell]; k < cell_start_[cell + 1]; ++k) {
                const Viewshed& v = viewsheds_[cell_items_[k]].viewshed;
                if (v.min.x <= hi.x && v.max.x >= lo.x && v.min.y <= hi.y && v.max.y >= lo.y)
                    out.push_back(cell_items_[k]);
            }
        }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
}

LineExposure line_exposure(std::span<const Vec2> points, const ViewshedIndex& index) {
    LineExposure out;
    if (points.size() < 2) return out;
    out.segments.resize(points.size() - 1);
    using Levels = std::array<std::vector<Interval>, dori_level_count>;
    std::vector<CameraExposure> totals;  // sorted by camera id
    std::vector<std::uint32_t> candidates;
    std::vector<std::pair<std::int64_t, Levels>> hits;
    for (std::size_t i = 0; i + 1 < points.size(); ++i) {
        Vec2 a = points[i];
        Vec2 b = points[i + 1];
        out.length_m += length(b - a);
        index.candidates(a, b, candidates);
        hits.clear();
        for (std::uint32_t c : candidates) {
            const PlacedViewshed& placed = index.viewsheds()[c];
            double distance2 = squared_distance_to_segment(placed.viewshed.origin, a, b);
            Levels mine;
            for (std::size_t level = 0; level < dori_level_count; ++level) {
                // Finer levels lie inside coarser ones: nothing at one level, nothing finer.
                if (level > 0 && mine[level - 1].empty()) break;
                double r = placed.viewshed.range_m[level];
                if (r > 0 && distance2 > r * r * (1 + 1e-9) + 1e-12) break;  // 0: unknown
                const auto& rings = placed.viewshed.rings[level];
                for (std::size_t r = 0; r < rings.size(); ++r) {
                    auto part = clip_segment(a, b, rings[r], index.bands(c, level, r));
                    mine[level].insert(mine[level].end(), part.begin(), part.end());
                }
            }
            if (mine[0].empty()) continue;
            auto same = std::find_if(hits.begin(), hits.end(),
                                     [&](const auto& h) { return h.first == placed.camera_id; });
            if (same == hits.end()) {
                hits.emplace_back(placed.camera_id, std::move(mine));
            } else {
                for (std::size_t level = 0; level < dori_level_count; ++level)
                    same->second[level].insert(same->second[level].end(), mine[level].begin(),
                                               mine[level].end());
            }
        }
        Levels seen_by_any;
        for (auto& [id, levels] : hits) {
            auto total = std::lower_bound(
                totals.begin(), totals.end(), id,
                [](const CameraExposure& e, std::int64_t key) { return e.camera_id < key; });
            if (total == totals.end() || total->camera_id != id)
                total = totals.insert(total, CameraExposure{id, 0, {}});
            for (std::size_t level = 0; level < dori_level_count; ++level) {
                auto united = unite(std::move(levels[level]));
                total->by_level_m[level] += total_length(united);
                seen_by_any[level].insert(seen_by_any[level].end(), united.begin(), united.end());
            }
        }
        for (std::size_t level = 0; level < dori_level_count; ++level) {
            double metres = total_length(unite(std::move(seen_by_any[level])));
            out.segments[i][level] = metres;
            out.by_level_m[level] += metres;
        }
    }
    constexpr auto observe = static_cast<std::size_t>(DoriLevel::observe);
    out.seen_m = out.by_level_m[observe];
    for (auto& total : totals) {
        total.seen_m = total.by_level_m[observe];
        if (total.by_level_m[0] > 0) out.cameras.push_back(total);
    }
    return out;
}

}  // namespace sightline::analysis
