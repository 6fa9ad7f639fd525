// Viewsheds and street coverage over an imported city, against a naive GEOS version.
//
//   viewshed_bench --data DIR --bbox W,S,E,N [--synthetic N] [--seed S] [--sample K]
//
// Loads the streets and buildings of `sightline import` inside the bbox, and either the
// registry's cameras there or N synthetic cameras (uniformly along the streets, random
// fixed/dome/panning, random direction; fixed seed). Times every viewshed with 1 and with 2
// threads, then the coverage (viewshed index + every street segment measured). Then, for K
// sampled cameras, the naive way with GEOS (sector polygon minus the union of each nearby wall's
// shadow, intersected with the streets) against ours, per camera and in visible street metres
// at the observe level: the two must agree. bench/viewshed_bench.sh runs the documented cases.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numbers>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <fmt/core.h>
#include <geos_c.h>

#include "analysis/camera_capability.hpp"
#include "analysis/exposure.hpp"
#include "analysis/local_frame.hpp"
#include "analysis/viewshed.hpp"
#include "store/sqlite/sqlite_store.hpp"

using namespace sightline;
using analysis::Vec2;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Camera {
    std::int64_t id = 0;
    analysis::CameraCapability capability;
    Vec2 origin;
};

struct Segment {
    Vec2 a;
    Vec2 b;
};

// A uniform grid over street segments, for "segments near this camera" in both versions.
class SegmentGrid {
  public:
    SegmentGrid(const std::vector<Segment>& segments, double cell)
        : m_segments(segments), m_cell(cell) {
        for (const auto& s : segments) {
            m_min = {std::min({m_min.x, s.a.x, s.b.x}), std::min({m_min.y, s.a.y, s.b.y})};
            m_max = {std::max({m_max.x, s.a.x, s.b.x}), std::max({m_max.y, s.a.y, s.b.y})};
        }
        m_cols = static_cast<int>((m_max.x - m_min.x) / cell) + 1;
        m_rows = static_cast<int>((m_max.y - m_min.y) / cell) + 1;
        m_cells.resize(static_cast<std::size_t>(m_cols) * static_cast<std::size_t>(m_rows));
        for (std::uint32_t i = 0; i < segments.size(); ++i) {
            const auto& s = segments[i];
            for_cells({std::min(s.a.x, s.b.x), std::min(s.a.y, s.b.y)},
                      {std::max(s.a.x, s.b.x), std::max(s.a.y, s.b.y)},
                      [&](std::size_t c) { m_cells[c].push_back(i); });
        }
    }
    std::vector<std::uint32_t> near(Vec2 c, double r) const {
        std::vector<std::uint32_t> out;
        for_cells({c.x - r, c.y - r}, {c.x + r, c.y + r}, [&](std::size_t cell) {
            out.insert(out.end(), m_cells[cell].begin(), m_cells[cell].end());
        });
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
        return out;
    }

  private:
    template <typename F>
    void for_cells(Vec2 lo, Vec2 hi, F&& f) const {
        int c0 = std::clamp(static_cast<int>((lo.x - m_min.x) / m_cell), 0, m_cols - 1);
        int c1 = std::clamp(static_cast<int>((hi.x - m_min.x) / m_cell), 0, m_cols - 1);
        int r0 = std::clamp(static_cast<int>((lo.y - m_min.y) / m_cell), 0, m_rows - 1);
        int r1 = std::clamp(static_cast<int>((hi.y - m_min.y) / m_cell), 0, m_rows - 1);
        for (int r = r0; r <= r1; ++r)
            for (int c = c0; c <= c1; ++c)
                f(static_cast<std::size_t>(r) * static_cast<std::size_t>(m_cols) +
                  static_cast<std::size_t>(c));
    }
    const std::vector<Segment>& m_segments;
    double m_cell;
    Vec2 m_min{1e18, 1e18};
    Vec2 m_max{-1e18, -1e18};
    int m_cols = 1;
    int m_rows = 1;
    std::vector<std::vector<std::uint32_t>> m_cells;
};

std::vector<analysis::Viewshed> compute_all(const std::vector<Camera>& cameras,
                                            const analysis::ObstacleIndex& obstacles,
                                            unsigned threads) {
    std::vector<analysis::Viewshed> out(cameras.size());
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (std::size_t i = next++; i < cameras.size(); i = next++)
            out[i] =
                analysis::compute_viewshed(cameras[i].capability, cameras[i].origin, obstacles);
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t)
        pool.emplace_back(work);
    work();
    for (auto& t : pool)
        t.join();
    return out;
}

// Ours: street metres inside one camera's rings at `level`.
double visible_street_m(const analysis::Viewshed& v, std::size_t level,
                        const std::vector<Segment>& segments,
                        const std::vector<std::uint32_t>& near) {
    double total = 0;
    for (auto i : near) {
        std::vector<analysis::Interval> all;
        for (const auto& ring : v.rings[level]) {
            auto in = analysis::clip_segment(segments[i].a, segments[i].b, ring);
            all.insert(all.end(), in.begin(), in.end());
        }
        total += analysis::total_length(analysis::unite(std::move(all)));
    }
    return total;
}

// --- the naive GEOS version ---------------------------------------------------------------------

struct Geos {
    GEOSContextHandle_t ctx = GEOS_init_r();
    ~Geos() { GEOS_finish_r(ctx); }

    GEOSGeometry* polygon(const std::vector<Vec2>& ring) const {
        auto* seq = GEOSCoordSeq_create_r(ctx, static_cast<unsigned>(ring.size() + 1), 2);
        for (unsigned i = 0; i <= ring.size(); ++i) {
            Vec2 p = ring[i % ring.size()];
            GEOSCoordSeq_setXY_r(ctx, seq, i, p.x, p.y);
        }
        return GEOSGeom_createPolygon_r(ctx, GEOSGeom_createLinearRing_r(ctx, seq), nullptr, 0);
    }
    GEOSGeometry* line(Vec2 a, Vec2 b) const {
        auto* seq = GEOSCoordSeq_create_r(ctx, 2, 2);
        GEOSCoordSeq_setXY_r(ctx, seq, 0, a.x, a.y);
        GEOSCoordSeq_setXY_r(ctx, seq, 1, b.x, b.y);
        return GEOSGeom_createLineString_r(ctx, seq);
    }
};

// The camera's sectors at `range` as polygons (arcs in 1° steps).
std::vector<std::vector<Vec2>> sector_rings(const analysis::CameraCapability& cap, Vec2 c,
                                            double range) {
    std::vector<std::vector<Vec2>> rings;
    for (const auto& s : cap.sectors) {
        std::vector<Vec2> ring;
        double width = std::min(360.0, s.width_deg);
        int steps = std::max(2, static_cast<int>(std::ceil(width)));
        if (width < 360) ring.push_back(c);
        for (int k = 0; k <= steps; ++k) {
            if (width >= 360 && k == steps) break;
            double bearing =
                (s.direction_deg - width / 2 + width * k / steps) * std::numbers::pi / 180;
            ring.push_back({c.x + range * std::sin(bearing), c.y + range * std::cos(bearing)});
        }
        rings.push_back(std::move(ring));
    }
    return rings;
}

double naive_visible_street_m(const Geos& g, const Camera& camera, double range,
                              const analysis::ObstacleIndex& obstacles,
                              const std::vector<Segment>& segments,
                              const std::vector<std::uint32_t>& near) {
    Vec2 c = camera.origin;
    std::vector<GEOSGeometry*> sectors;
    for (const auto& ring : sector_rings(camera.capability, c, range))
        sectors.push_back(g.polygon(ring));
    GEOSGeometry* view = GEOSUnaryUnion_r(
        g.ctx, GEOSGeom_createCollection_r(g.ctx, GEOS_MULTIPOLYGON, sectors.data(),
                                           static_cast<unsigned>(sectors.size())));
    // Shadows: from each wall's ends out past the range, around the arc it hides.
    std::vector<GEOSGeometry*> shadows;
    std::vector<std::uint32_t> walls;
    obstacles.near(c, range, walls);
    for (auto w : walls) {
        const auto& wall = obstacles.wall(w);
        Vec2 a = wall.a - c;
        Vec2 b = wall.b - c;
        if (analysis::length(a) < 1e-6 || analysis::length(b) < 1e-6) continue;
        double cr = analysis::cross(a, b);
        if (std::abs(cr) < 1e-9) continue;  // edge-on: casts no area
        if (cr < 0) std::swap(a, b);        // a -> b counter-clockwise seen from the camera
        double from = std::atan2(a.y, a.x);
        double to = std::atan2(b.y, b.x);
        if (to < from) to += 2 * std::numbers::pi;
        std::vector<Vec2> ring{c + a, c + b};
        double far = 2 * std::max({range, analysis::length(a), analysis::length(b)});
        int steps = std::max(1, static_cast<int>(std::ceil((to - from) / 0.2)));
        for (int k = steps; k >= 0; --k) {
            double t = from + (to - from) * k / steps;
            ring.push_back({c.x + far * std::cos(t), c.y + far * std::sin(t)});
        }
        shadows.push_back(g.polygon(ring));
    }
    GEOSGeometry* visible = view;
    if (!shadows.empty()) {
        GEOSGeometry* all = GEOSGeom_createCollection_r(
            g.ctx, GEOS_GEOMETRYCOLLECTION, shadows.data(), static_cast<unsigned>(shadows.size()));
        GEOSGeometry* shadow = GEOSUnaryUnion_r(g.ctx, all);
        visible = view && shadow ? GEOSDifference_r(g.ctx, view, shadow) : nullptr;
        GEOSGeom_destroy_r(g.ctx, all);
        if (shadow) GEOSGeom_destroy_r(g.ctx, shadow);
        if (view) GEOSGeom_destroy_r(g.ctx, view);
    }
    if (!visible) return -1;  // a GEOS topology exception
    double total = 0;
    if (!near.empty()) {
        std::vector<GEOSGeometry*> lines;
        for (auto i : near)
            lines.push_back(g.line(segments[i].a, segments[i].b));
        GEOSGeometry* streets = GEOSGeom_createCollection_r(
            g.ctx, GEOS_MULTILINESTRING, lines.data(), static_cast<unsigned>(lines.size()));
        // Intersect segment by segment: overlapping street segments count twice, as in ours.
        for (std::size_t i = 0; i < lines.size(); ++i) {
            GEOSGeometry* part = GEOSIntersection_r(
                g.ctx, GEOSGetGeometryN_r(g.ctx, streets, static_cast<int>(i)), visible);
            double len = 0;
            if (part) {
                GEOSLength_r(g.ctx, part, &len);
                GEOSGeom_destroy_r(g.ctx, part);
            }
            total += len;
        }
        GEOSGeom_destroy_r(g.ctx, streets);
    }
    GEOSGeom_destroy_r(g.ctx, visible);
    return total;
}

}  // namespace

int main(int argc, char** argv) {
    std::string data;
    std::string bbox_text;
    int synthetic = 0;
    unsigned seed = 42;
    int sample = 200;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string k = argv[i];
        if (k == "--data")
            data = argv[i + 1];
        else if (k == "--bbox")
            bbox_text = argv[i + 1];
        else if (k == "--synthetic")
            synthetic = std::stoi(argv[i + 1]);
        else if (k == "--seed")
            seed = static_cast<unsigned>(std::stoul(argv[i + 1]));
        else if (k == "--sample")
            sample = std::stoi(argv[i + 1]);
    }
    auto bbox = geo::parse_bbox(bbox_text);
    if (data.empty() || !bbox) {
        fmt::print(stderr,
                   "usage: viewshed_bench --data DIR --bbox W,S,E,N [--synthetic N] "
                   "[--seed S] [--sample K]\n");
        return 2;
    }
    auto store = store::open_sqlite_store(data);
    analysis::LocalFrame frame({(bbox->south + bbox->north) / 2, (bbox->west + bbox->east) / 2});

    auto t_load = Clock::now();
    std::vector<Segment> segments;
    std::vector<double> cumulative;  // street length up to each segment, for sampling
    double street_m = 0;
    store->for_each_street(*bbox, [&](const model::Street& s) {
        for (std::size_t i = 0; i + 1 < s.points.size(); ++i) {
            Segment seg{frame.to_local(s.points[i]), frame.to_local(s.points[i + 1])};
            street_m += analysis::length(seg.b - seg.a);
            segments.push_back(seg);
            cumulative.push_back(street_m);
        }
    });
    std::vector<std::vector<std::vector<Vec2>>> buildings;
    store->for_each_area(*bbox, model::AreaKind::building, [&](const model::Area& a) {
        auto& rings = buildings.emplace_back();
        for (const auto& ring : a.rings) {
            auto& r = rings.emplace_back();
            for (auto p : ring)
                r.push_back(frame.to_local(p));
        }
    });
    const auto& catalogue = analysis::CameraCatalogue::builtin();
    std::vector<Camera> cameras;
    if (synthetic > 0) {
        std::mt19937_64 rng(seed);
        std::uniform_real_distribution<double> along(0, street_m);
        std::uniform_real_distribution<double> unit(0, 1);
        const char* types[] = {"fixed", "dome", "panning"};
        for (int i = 0; i < synthetic; ++i) {
            double at = along(rng);
            auto k = static_cast<std::size_t>(
                std::lower_bound(cumulative.begin(), cumulative.end(), at) - cumulative.begin());
            k = std::min(k, segments.size() - 1);
            Vec2 p = segments[k].a + (segments[k].b - segments[k].a) * unit(rng);
            model::Tags tags;
            tags["man_made"] = "surveillance";
            tags["camera:type"] = types[rng() % 3];
            tags["camera:direction"] = std::to_string(static_cast<int>(unit(rng) * 360));
            auto cap = analysis::camera_capability(frame.to_lat_lon(p), tags, catalogue);
            if (!cap) continue;
            cameras.push_back({i + 1, std::move(*cap), p});
        }
    } else {
        store::CameraQuery q;
        q.bbox = *bbox;
        q.limit = 1'000'000;
        for (const auto& c : store->find_cameras(q)) {
            auto cap = analysis::camera_capability(c.location, c.tags, catalogue);
            if (!cap) continue;
            cameras.push_back({c.id.value, std::move(*cap), frame.to_local(c.location)});
        }
    }
    for (auto& c : cameras)  // the service caps ranges the same way
        for (auto& r : c.capability.range_m)
            r = std::min(r, 500.0);
    double load_s = seconds_since(t_load);

    auto t_index = Clock::now();
    auto obstacles = analysis::ObstacleIndex::from_buildings(buildings);
    double index_s = seconds_since(t_index);
    fmt::print("cameras {}  buildings {}  walls {}  street segments {}  streets {:.1f} km\n",
               cameras.size(), buildings.size(), obstacles.size(), segments.size(),
               street_m / 1000);
    fmt::print("load from store {:.2f} s, obstacle index {:.3f} s\n", load_s, index_s);

    std::vector<analysis::Viewshed> viewsheds;
    for (unsigned threads : {1u, 2u}) {
        auto t = Clock::now();
        viewsheds = compute_all(cameras, obstacles, threads);
        double s = seconds_since(t);
        fmt::print("viewsheds, {} thread{}: {:.3f} s ({:.1f} µs per camera)\n", threads,
                   threads == 1 ? "" : "s", s, 1e6 * s / std::max<std::size_t>(1, cameras.size()));
    }
    std::array<double, analysis::dori_level_count> covered{};
    for (unsigned threads : {1u, 2u}) {
        auto t_cov = Clock::now();
        std::vector<analysis::PlacedViewshed> placed;
        for (std::size_t i = 0; i < cameras.size(); ++i)
            placed.push_back({cameras[i].id, viewsheds[i]});
        analysis::ViewshedIndex index(std::move(placed));
        double index_built_s = seconds_since(t_cov);
        // Street segments split among the threads; each sums its own share.
        struct alignas(64) Sum {
            std::array<double, analysis::dori_level_count> m{};
        };
        std::vector<Sum> partial(threads);
        auto work = [&](unsigned t) {
            for (std::size_t i = t; i < segments.size(); i += threads) {
                const Vec2 pts[2] = {segments[i].a, segments[i].b};
                auto e = analysis::line_exposure(pts, index);
                for (std::size_t l = 0; l < covered.size(); ++l)
                    partial[t].m[l] += e.by_level_m[l];
            }
        };
        std::vector<std::thread> pool;
        for (unsigned t = 1; t < threads; ++t)
            pool.emplace_back(work, t);
        work(0);
        for (auto& t : pool)
            t.join();
        covered = {};
        for (const auto& p : partial)
            for (std::size_t l = 0; l < covered.size(); ++l)
                covered[l] += p.m[l];
        fmt::print(
            "coverage, {} thread{} (viewshed index {:.3f} s + {} street segments): {:.3f} s\n",
            threads, threads == 1 ? "" : "s", index_built_s, segments.size(), seconds_since(t_cov));
    }
    fmt::print(
        "street seen: detect {:.1f} %, observe {:.1f} %, recognise {:.1f} %, identify "
        "{:.1f} %\n",
        100 * covered[0] / street_m, 100 * covered[1] / street_m, 100 * covered[2] / street_m,
        100 * covered[3] / street_m);

    // Naive GEOS against ours on a sample, observe level.
    constexpr std::size_t level = 1;
    SegmentGrid grid(segments, 100);
    Geos geos;
    std::mt19937_64 rng(seed + 1);
    std::vector<std::size_t> picks(cameras.size());
    for (std::size_t i = 0; i < picks.size(); ++i)
        picks[i] = i;
    std::shuffle(picks.begin(), picks.end(), rng);
    picks.resize(std::min<std::size_t>(picks.size(), static_cast<std::size_t>(sample)));
    double ours_m = 0;
    double naive_m = 0;
    double ours_s = 0;
    double naive_s = 0;
    int inside = 0;
    int geos_failed = 0;
    double worst = 0;
    for (auto i : picks) {
        const auto& cam = cameras[i];
        double range = cam.capability.range_m[level];
        auto near = grid.near(cam.origin, range);
        // Cameras mapped inside a building see out of it in ours (by design); the naive version
        // cannot, so they are left out of the comparison.
        bool in_building = false;
        std::vector<std::uint32_t> close;
        obstacles.near(cam.origin, range, close);
        for (auto w : close)
            if (obstacles.inside_building(cam.origin, obstacles.wall(w).building))
                in_building = true;
        if (in_building) {
            ++inside;
            continue;
        }
        auto t1 = Clock::now();
        auto v = analysis::compute_viewshed(cam.capability, cam.origin, obstacles);
        double a = visible_street_m(v, level, segments, near);
        ours_s += seconds_since(t1);
        auto t2 = Clock::now();
        double b = naive_visible_street_m(geos, cam, range, obstacles, segments, near);
        naive_s += seconds_since(t2);
        if (b < 0) {
            ++geos_failed;
            continue;
        }
        ours_m += a;
        naive_m += b;
        if (std::getenv("VIEWSHED_BENCH_DEBUG"))
            fmt::print(
                "camera {} range {:.1f} sectors {} ({:.0f}/{:.0f}) near {}: ours {:.1f} GEOS "
                "{:.1f}\n",
                cam.id, range, cam.capability.sectors.size(),
                cam.capability.sectors[0].direction_deg, cam.capability.sectors[0].width_deg,
                near.size(), a, b);
        worst = std::max(worst, std::abs(a - b));
    }
    std::size_t compared = picks.size() - static_cast<std::size_t>(inside + geos_failed);
    if (geos_failed > 0)
        fmt::print("GEOS failed (topology exception) on {} cameras\n", geos_failed);
    fmt::print(
        "naive GEOS on {} sampled cameras ({} inside buildings left out): GEOS {:.3f} s, "
        "ours {:.3f} s (viewshed + street clip) -> {:.1f}x faster\n",
        compared, inside, naive_s, ours_s, ours_s > 0 ? naive_s / ours_s : 0);
    fmt::print(
        "visible street at observe level: ours {:.1f} m, GEOS {:.1f} m, difference {:.2f} "
        "% (largest per camera {:.2f} m)\n",
        ours_m, naive_m, naive_m > 0 ? 100 * (ours_m - naive_m) / naive_m : 0, worst);
    fmt::print("GEOS extrapolated to all {} cameras: {:.1f} s (1 thread)\n", cameras.size(),
               compared > 0
                   ? naive_s / static_cast<double>(compared) * static_cast<double>(cameras.size())
                   : 0);
    return 0;
}
