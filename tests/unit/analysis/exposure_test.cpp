#include "analysis/exposure.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "ascii_map.hpp"

namespace sightline::analysis {
namespace {

using testing::camera_with;
using testing::parse_scene;

const std::vector<Vec2> square{{0, 0}, {4, 0}, {4, 4}, {0, 4}};

// The bands only skip edges a segment cannot meet: on random star-shaped rings (like viewsheds,
// up to 400 vertices, some on a grid so that edges run along segments and through vertices)
// clipping with them gives exactly the intervals of the plain scan.
TEST(ClipSegment, BandsGiveExactlyThePlainScansIntervals) {
    std::mt19937_64 rng(2024);
    std::uniform_real_distribution<double> unit(0, 1);
    for (int shape = 0; shape < 60; ++shape) {
        const std::size_t n = 3 + rng() % 400;
        const bool grid = shape % 3 == 0;
        std::vector<Vec2> ring;
        for (std::size_t k = 0; k < n; ++k) {
            const double angle = 2 * std::numbers::pi * (k + 0.5 * unit(rng)) / n;
            double r = 5 + 45 * unit(rng);
            Vec2 p{r * std::cos(angle), r * std::sin(angle)};
            if (grid) p = {std::round(p.x), std::round(p.y)};
            ring.push_back(p);
        }
        const RingBands bands(ring);
        for (int s = 0; s < 200; ++s) {
            Vec2 a{-60 + 120 * unit(rng), -60 + 120 * unit(rng)};
            Vec2 b{-60 + 120 * unit(rng), -60 + 120 * unit(rng)};
            if (grid) {
                a = {std::round(a.x), std::round(a.y)};
                b = s % 2 == 0 ? Vec2{std::round(b.x), a.y}
                               : Vec2{std::round(b.x), std::round(b.y)};
            }
            const auto plain = clip_segment(a, b, ring);
            const auto banded = clip_segment(a, b, ring, bands);
            ASSERT_EQ(banded.size(), plain.size()) << "shape " << shape << " segment " << s;
            for (std::size_t k = 0; k < plain.size(); ++k) {
                EXPECT_EQ(banded[k].from_m, plain[k].from_m);
                EXPECT_EQ(banded[k].to_m, plain[k].to_m);
            }
        }
    }
    // Degenerate rings: too few points, or not finite.
    const std::vector<Vec2> two{{0, 0}, {1, 1}};
    EXPECT_TRUE(clip_segment({-1, 0}, {1, 0}, two, RingBands(two)).empty());
    const std::vector<Vec2> broken{{0, 0}, {std::nan(""), 1}, {1, 0}};
    EXPECT_EQ(clip_segment({-1, 0.5}, {2, 0.5}, broken, RingBands(broken)).size(),
              clip_segment({-1, 0.5}, {2, 0.5}, broken).size());
}

// Bands made once over a ring in degrees (y = latitude) serve any frame through a BandSpace:
// the intervals are exactly the plain scan's, appended after what the vector already holds.
TEST(ClipSegment, BandsMadeInDegreesGiveThePlainScansIntervalsInAnyFrame) {
    std::mt19937_64 rng(17);
    std::uniform_real_distribution<double> unit(0, 1);
    constexpr double metres_per_deg = 111'320.0;
    for (int shape = 0; shape < 40; ++shape) {
        const std::size_t n = 64 + rng() % 400;       // banded rings
        const double lat0 = 48.1 + 0.01 * unit(rng);  // the frame's origin
        std::vector<Vec2> ring;                       // in the frame
        std::vector<Vec2> ring_deg;                   // y in degrees of latitude
        for (std::size_t k = 0; k < n; ++k) {
            const double angle = 2 * std::numbers::pi * (k + 0.5 * unit(rng)) / n;
            const double r = 5 + 45 * unit(rng);
            const double lat = 48.1 + (r * std::sin(angle)) / metres_per_deg;
            ring_deg.push_back({r * std::cos(angle), lat});
            ring.push_back({r * std::cos(angle), (lat - lat0) * metres_per_deg});
        }
        const RingBands bands(ring_deg);
        const BandSpace space{lat0, 1.0 / metres_per_deg, 1e-9};
        for (int s = 0; s < 200; ++s) {
            const double y_shift = (48.1 - lat0) * metres_per_deg;
            const Vec2 a{-60 + 120 * unit(rng), y_shift - 60 + 120 * unit(rng)};
            const Vec2 b = s % 4 == 0 ? Vec2{-60 + 120 * unit(rng), a.y}  // along a band
                                      : Vec2{-60 + 120 * unit(rng), y_shift - 60 + 120 * unit(rng)};
            const auto plain = clip_segment(a, b, ring);
            std::vector<Interval> banded{{-5, -4}};
            clip_segment(a, b, ring, bands, space, banded);
            ASSERT_EQ(banded.size(), plain.size() + 1) << "shape " << shape << " segment " << s;
            EXPECT_EQ(banded[0].to_m, -4);
            for (std::size_t k = 0; k < plain.size(); ++k) {
                EXPECT_EQ(banded[k + 1].from_m, plain[k].from_m);
                EXPECT_EQ(banded[k + 1].to_m, plain[k].to_m);
            }
        }
    }
}

TEST(ClipSegment, CrossingASquareGivesTheInsidePart) {
    auto in = clip_segment({-1, 2}, {5, 2}, square);
    ASSERT_EQ(in.size(), 1u);
    EXPECT_NEAR(in[0].from_m, 1, 1e-12);
    EXPECT_NEAR(in[0].to_m, 5, 1e-12);
    EXPECT_TRUE(clip_segment({-1, 5}, {5, 5}, square).empty());
    auto inside = clip_segment({1, 1}, {2, 3}, square);
    ASSERT_EQ(inside.size(), 1u);
    EXPECT_NEAR(inside[0].to_m, std::sqrt(5.0), 1e-12);
}

TEST(ClipSegment, RunningAlongAnEdgeCountsAsSeen) {
    auto along = clip_segment({-2, 0}, {6, 0}, square);
    ASSERT_EQ(along.size(), 1u);
    EXPECT_NEAR(along[0].from_m, 2, 1e-12);
    EXPECT_NEAR(along[0].to_m, 6, 1e-12);
}

TEST(ClipSegment, PassingThroughVerticesIsRobust) {
    auto diagonal = clip_segment({-1, -1}, {5, 5}, square);
    ASSERT_EQ(diagonal.size(), 1u);
    EXPECT_NEAR(diagonal[0].from_m, std::sqrt(2.0), 1e-12);
    EXPECT_NEAR(diagonal[0].to_m, 5 * std::sqrt(2.0), 1e-12);
    // Touching a corner only: nothing of positive length.
    EXPECT_TRUE(clip_segment({-1, 3}, {1, 5}, square).empty());
    // Along the hypotenuse of a triangle from outside: the edge part counts.
    std::vector<Vec2> triangle{{0, 0}, {4, 0}, {0, 4}};
    EXPECT_NEAR(total_length(clip_segment({-1, 5}, {1, 3}, triangle)), std::sqrt(2.0), 1e-12);
}

TEST(ClipSegment, AConcavePolygonGivesSeveralSortedIntervals) {
    // A U open to the north: x in [0,3], y in [0,3], minus the notch [1,2] x [1,3].
    std::vector<Vec2> u{{0, 0}, {3, 0}, {3, 3}, {2, 3}, {2, 1}, {1, 1}, {1, 3}, {0, 3}};
    auto in = clip_segment({-1, 2}, {4, 2}, u);
    ASSERT_EQ(in.size(), 2u);
    EXPECT_NEAR(in[0].from_m, 1, 1e-12);
    EXPECT_NEAR(in[0].to_m, 2, 1e-12);
    EXPECT_NEAR(in[1].from_m, 3, 1e-12);
    EXPECT_NEAR(in[1].to_m, 4, 1e-12);
    // Along the bottom of the notch (an edge inside the U's outline): all of it is seen.
    EXPECT_NEAR(total_length(clip_segment({0.5, 1}, {2.5, 1}, u)), 2, 1e-12);
    EXPECT_TRUE(clip_segment({0, 0}, {0, 0}, u).empty());
    EXPECT_TRUE(clip_segment({0, 0}, {1, 1}, std::vector<Vec2>{{0, 0}, {1, 0}}).empty());
}

TEST(Intervals, UniteSortsMergesAndDropsEmpty) {
    auto u = unite({{5, 6}, {0, 2}, {1, 3}, {3, 4}, {7, 7}});
    ASSERT_EQ(u.size(), 2u);
    EXPECT_DOUBLE_EQ(u[0].from_m, 0);
    EXPECT_DOUBLE_EQ(u[0].to_m, 4);
    EXPECT_DOUBLE_EQ(total_length(u), 5);
    EXPECT_TRUE(unite({}).empty());
}

TEST(LineExposure, ARouteBehindABuildingIsSeenExactlyWhereItIsInView) {
    auto scene = parse_scene({
        "..........",
        "..........",
        "...##.....",
        "..........",
        ".C........",
    });
    // Camera (1.5, 0.5), building [3,5] x [2,3]; observe 8 m, so detect 20, recognise 4.
    auto obstacles = scene.obstacles();
    ViewshedIndex index(
        {PlacedViewshed{7, compute_viewshed(camera_with(8), scene.at('C'), obstacles)}});
    // Along y = 4.5, the shadow spans x from 1.5 + 0.6 * 4 = 3.9 (ray through the corner (3, 3))
    // to 1.5 + 7/3 * 4 = 10.8333 (through (5, 2)); observe (8 m) reaches x = 1.5 + sqrt(48).
    std::vector<Vec2> route{{0, 4.5}, {6, 4.5}, {12, 4.5}};
    auto e = line_exposure(route, index);
    EXPECT_DOUBLE_EQ(e.length_m, 12);
    EXPECT_NEAR(e.by_level_m[0], 3.9 + (12 - (1.5 + 28.0 / 3)), 1e-9);
    EXPECT_NEAR(e.by_level_m[1], 3.9, 1e-9);
    EXPECT_NEAR(e.by_level_m[2], 0, 1e-9);  // recognise: 4 m, just touching the route
    EXPECT_NEAR(e.by_level_m[3], 0, 1e-9);
    EXPECT_DOUBLE_EQ(e.seen_m, e.by_level_m[1]);
    ASSERT_EQ(e.segments.size(), 2u);
    EXPECT_NEAR(e.segments[0][0], 3.9, 1e-9);
    EXPECT_NEAR(e.segments[1][0], 12 - (1.5 + 28.0 / 3), 1e-9);
    EXPECT_NEAR(e.segments[1][1], 0, 1e-9);
    ASSERT_EQ(e.cameras.size(), 1u);
    EXPECT_EQ(e.cameras[0].camera_id, 7);
    EXPECT_NEAR(e.cameras[0].seen_m, 3.9, 1e-9);
}

TEST(LineExposure, TheStreetsOfACrossingAreSeenUpToTheDomesRange) {
    auto scene = parse_scene({
        "####.####",
        "####.####",
        "####.####",
        "####.####",
        "....C....",
        "####.####",
        "####.####",
        "####.####",
        "####.####",
    });
    auto obstacles = scene.obstacles();
    ViewshedIndex index(
        {PlacedViewshed{1, compute_viewshed(camera_with(3), scene.at('C'), obstacles)}});
    std::vector<Vec2> street{{-5, 4.5}, {14, 4.5}};
    auto e = line_exposure(street, index);
    // 3 m either way of the camera; arcs are chords of at most 2 degrees (documented error).
    double arc_error = 2 * 3 * (1 - std::cos(std::numbers::pi / 180));
    EXPECT_NEAR(e.seen_m, 6, arc_error + 1e-9);
    EXPECT_NEAR(e.by_level_m[0], 15, 2 * 7.5 * (1 - std::cos(std::numbers::pi / 180)) + 1e-9);
    // A parallel street 1.5 m beyond the blocks (y = 10.5) is seen only through the opening of
    // the north arm: between the rays through (4, 9) and (5, 9), x = 4.5 -+ 0.5 * 6 / 4.5.
    std::vector<Vec2> behind{{-5, 10.5}, {14, 10.5}};
    auto far = line_exposure(behind, index);
    EXPECT_NEAR(far.by_level_m[0], 4.0 / 3, 1e-9);
    EXPECT_DOUBLE_EQ(far.by_level_m[1], 0);
}

TEST(LineExposure, OverlappingCamerasAreCountedOnceAndListedById) {
    ObstacleIndex none;
    ViewshedIndex index({
        PlacedViewshed{30, compute_viewshed(camera_with(4), {0, 0}, none)},
        PlacedViewshed{10, compute_viewshed(camera_with(4), {4, 0}, none)},
        PlacedViewshed{20, compute_viewshed(camera_with(4), {100, 100}, none)},
    });
    std::vector<Vec2> line{{-10, 0}, {20, 0}};
    auto e = line_exposure(line, index);
    EXPECT_NEAR(e.seen_m, 12, 1e-9);  // [-4, 8]: arc vertices at 0 and 180 degrees are exact
    ASSERT_EQ(e.cameras.size(), 2u);
    EXPECT_EQ(e.cameras[0].camera_id, 10);
    EXPECT_EQ(e.cameras[1].camera_id, 30);
    EXPECT_NEAR(e.cameras[0].seen_m, 8, 1e-9);
    EXPECT_NEAR(e.cameras[1].by_level_m[0], 20, 1e-9);
    for (std::size_t l = 1; l < dori_level_count; ++l)
        EXPECT_LE(e.by_level_m[l], e.by_level_m[l - 1]);
    ViewshedIndex with_nothing(
        {PlacedViewshed{1, compute_viewshed(camera_with(4), {std::nan(""), 0}, none)},
         PlacedViewshed{2, compute_viewshed(camera_with(0), {0, 0}, none)}});
    EXPECT_DOUBLE_EQ(line_exposure(line, with_nothing).by_level_m[0], 0);
    // A viewshed rebuilt without its ranges (e.g. from a cache) is measured the same.
    auto rebuilt = index.viewsheds();
    for (auto& p : rebuilt)
        p.viewshed.range_m = {};
    EXPECT_NEAR(line_exposure(line, ViewshedIndex(rebuilt)).seen_m, 12, 1e-9);
    std::vector<Vec2> one{{1, 1}};
    EXPECT_DOUBLE_EQ(line_exposure(one, index).length_m, 0);
}

TEST(LineExposure, AgreesWithSamplingAlongRandomLines) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> coord(-25, 25), range(2, 10);
    auto scene = parse_scene({
        "..........",
        "..##...#..",
        "..##...#..",
        ".......#..",
        "..........",
        "#####.....",
        "......##..",
        "......##..",
    });
    auto obstacles = scene.obstacles();
    std::vector<PlacedViewshed> placed;
    for (int i = 0; i < 12; ++i)
        placed.push_back(
            {i, compute_viewshed(camera_with(range(rng), {{coord(rng) * 14, 120}}),
                                 {coord(rng) / 5 + 5, coord(rng) / 6 + 4}, obstacles)});
    ViewshedIndex index(placed, 3);
    for (int trial = 0; trial < 25; ++trial) {
        std::vector<Vec2> line{{coord(rng), coord(rng)}, {coord(rng), coord(rng)}};
        auto e = line_exposure(line, index);
        constexpr int samples = 10'000;  // each change of state costs at most half a step
        std::array<int, dori_level_count> hits{};
        for (int s = 0; s < samples; ++s) {
            Vec2 p = line[0] + (line[1] - line[0]) * ((s + 0.5) / samples);
            for (std::size_t l = 0; l < dori_level_count; ++l)
                for (const auto& pv : placed)
                    if (testing::sees(pv.viewshed, static_cast<DoriLevel>(l), p)) {
                        ++hits[l];
                        break;
                    }
        }
        for (std::size_t l = 0; l < dori_level_count; ++l)
            EXPECT_NEAR(e.by_level_m[l], e.length_m * hits[l] / samples, e.length_m * 1e-3)
                << "trial " << trial << " level " << l;
    }
}

}  // namespace
}  // namespace sightline::analysis
