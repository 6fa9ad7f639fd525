#include "analysis/viewshed.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "ascii_map.hpp"

namespace sightline::analysis {
namespace {

using testing::camera_with;
using testing::parse_scene;
using testing::sees;

double ring_area(const std::vector<Vec2>& ring) {
    double twice = 0;
    for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++)
        twice += cross(ring[j], ring[i]);
    return twice / 2;
}

TEST(Viewshed, AWallHidesWhatIsBehindItButNotWhatIsBesideIt) {
    auto scene = parse_scene({
        ".......E..",
        "..........",
        ".....#....",
        ".C...#..A.",
        ".....#....",
        "........D.",
        ".......B..",
    });
    auto obstacles = scene.obstacles();
    auto v = compute_viewshed(camera_with(20), scene.at('C'), obstacles);
    EXPECT_FALSE(sees(v, DoriLevel::observe, scene.at('A')));
    EXPECT_FALSE(sees(v, DoriLevel::observe, scene.at('D')));
    EXPECT_TRUE(sees(v, DoriLevel::observe, scene.at('B')));
    EXPECT_TRUE(sees(v, DoriLevel::observe, scene.at('E')));
    EXPECT_TRUE(sees(v, DoriLevel::observe, {4.5, 3.5}));  // in front of the wall
    // Exactly behind the wall's shadow edge through its corner (5, 2): y = 3.5 - 1.5/3.5 (x - 1.5).
    auto shadow_edge_y = [](double x) { return 3.5 - 1.5 / 3.5 * (x - 1.5); };
    EXPECT_FALSE(sees(v, DoriLevel::observe, {9, shadow_edge_y(9) + 1e-6}));
    EXPECT_TRUE(sees(v, DoriLevel::observe, {9, shadow_edge_y(9) - 1e-6}));
}

TEST(Viewshed, ADomeAtACrossingSeesTheFourArmsUpToItsRange) {
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
    auto v = compute_viewshed(camera_with(30), scene.at('C'), obstacles);  // detect 75 m
    Vec2 c = scene.at('C');
    for (Vec2 arm : {Vec2{1, 0}, Vec2{-1, 0}, Vec2{0, 1}, Vec2{0, -1}}) {
        EXPECT_TRUE(sees(v, DoriLevel::observe, c + arm * 4));
        EXPECT_TRUE(sees(v, DoriLevel::observe, c + arm * 29.9));
        EXPECT_FALSE(sees(v, DoriLevel::observe, c + arm * 30.1));
        EXPECT_TRUE(sees(v, DoriLevel::detect, c + arm * 74.9));
        EXPECT_FALSE(sees(v, DoriLevel::identify, c + arm * 7.6));  // identify: 7.5 m
    }
    EXPECT_FALSE(sees(v, DoriLevel::detect, {1.5, 1.5}));  // inside a block
    EXPECT_FALSE(sees(v, DoriLevel::detect, {-3, -3}));    // behind a block
    EXPECT_TRUE(sees(v, DoriLevel::detect, {4.9, 4.2}));   // the crossing itself
}

TEST(Viewshed, AFixedCameraFacingEastWithSixtyDegreesSeesEastOnly) {
    auto tags = model::Tags{{"camera:type", "fixed"},
                            {"camera:direction", "90"},
                            {"sightline:hfov_deg", "60"},
                            {"sightline:range_m", "10"}};
    auto cap = camera_capability({}, tags, CameraCatalogue::builtin());
    ASSERT_TRUE(cap.has_value());
    ObstacleIndex none;
    auto v = compute_viewshed(*cap, {0, 0}, none);
    EXPECT_TRUE(sees(v, DoriLevel::observe, {5, 0}));
    EXPECT_TRUE(sees(v, DoriLevel::observe, {5, 2.5}));    // 26.6 degrees off axis
    EXPECT_FALSE(sees(v, DoriLevel::observe, {5, 3.5}));   // 35 degrees off axis
    EXPECT_FALSE(sees(v, DoriLevel::observe, {5, -3.5}));  // likewise to the south
    EXPECT_FALSE(sees(v, DoriLevel::observe, {-5, 0}));    // west
    EXPECT_FALSE(sees(v, DoriLevel::observe, {0, 5}));     // north
    EXPECT_FALSE(sees(v, DoriLevel::observe, {10.1, 0}));  // beyond the observe range
    EXPECT_TRUE(sees(v, DoriLevel::detect, {24.9, 0}));    // detect: 25 m
    ASSERT_EQ(v.rings[1].size(), 1u);
    EXPECT_EQ(v.rings[1][0].front(), (Vec2{0, 0}));  // a sector ring starts at the camera
    EXPECT_NEAR(v.max.x, 25, 1e-9);
    EXPECT_NEAR(v.min.x, 0, 1e-9);
}

TEST(Viewshed, ASectorAcrossNorthWrapsAround) {
    ObstacleIndex none;
    auto v = compute_viewshed(camera_with(10, {{350, 40}}), {0, 0}, none);
    EXPECT_TRUE(sees(v, DoriLevel::observe, {0, 5}));
    EXPECT_TRUE(sees(v, DoriLevel::observe, {-2, 5}));    // 338 degrees
    EXPECT_TRUE(sees(v, DoriLevel::observe, {0.5, 5}));   // 5.7 degrees
    EXPECT_FALSE(sees(v, DoriLevel::observe, {1.5, 5}));  // 16.7 degrees
    EXPECT_GT(ring_area(v.rings[1][0]), 0);
}

TEST(Viewshed, ACameraOnAFacadeStillSeesTheStreet) {
    auto scene = parse_scene({
        "#########",
        ".........",
        ".........",
        "....A....",
        "#########",
        "#########",
    });
    auto obstacles = scene.obstacles();
    // On the facade (y = 2), 0.3 m inside it, and 1.2 m deep inside the building.
    for (Vec2 camera : {Vec2{4.5, 2.0}, Vec2{4.5, 1.7}, Vec2{4.5, 0.8}}) {
        auto v = compute_viewshed(camera_with(20), camera, obstacles);
        EXPECT_TRUE(sees(v, DoriLevel::observe, scene.at('A'))) << camera.y;
        EXPECT_TRUE(sees(v, DoriLevel::observe, {0.5, 4.5})) << camera.y;
        EXPECT_TRUE(sees(v, DoriLevel::observe, {8.5, 2.5})) << camera.y;
        // The building across the street still blocks.
        EXPECT_FALSE(sees(v, DoriLevel::observe, {4.5, 7.5})) << camera.y;
    }
    // Without building ids only the 0.5 m facade rule applies: 1.2 m inside, the walls blind it.
    std::vector<Wall> anonymous = scene.walls;
    for (auto& w : anonymous)
        w.building = no_building;
    ObstacleIndex plain(anonymous);
    EXPECT_TRUE(
        sees(compute_viewshed(camera_with(20), {4.5, 1.7}, plain), DoriLevel::observe, {4.5, 3.5}));
    EXPECT_FALSE(
        sees(compute_viewshed(camera_with(20), {4.5, 0.8}, plain), DoriLevel::observe, {4.5, 3.5}));
}

TEST(Viewshed, DegenerateAndRadialWallsHideNothing) {
    std::vector<Wall> walls{
        {{3, 3}, {3, 3}},    // zero length
        {{2, 0}, {5, 0}},    // radial: along the ray east
        {{-3, -3}, {3, 3}},  // through the camera
        {{0, -4}, {0, -2}},  // radial below
    };
    ObstacleIndex obstacles(walls);
    auto v = compute_viewshed(camera_with(10), {0, 0}, obstacles);
    ASSERT_EQ(v.rings[1].size(), 1u);
    EXPECT_NEAR(ring_area(v.rings[1][0]), std::numbers::pi * 100, std::numbers::pi * 100 * 1e-3);
    EXPECT_TRUE(sees(v, DoriLevel::observe, {6, 1e-3}));
    EXPECT_TRUE(sees(v, DoriLevel::observe, {6, -1e-3}));
    EXPECT_TRUE(sees(v, DoriLevel::observe, {4, 4}));
}

TEST(Viewshed, NothingToSeeWithoutRangeOrSectors) {
    ObstacleIndex none;
    auto v = compute_viewshed(camera_with(0), {1, 2}, none);
    for (const auto& level : v.rings)
        EXPECT_TRUE(level.empty());
    EXPECT_EQ(v.min, (Vec2{1, 2}));
    auto nan = compute_viewshed(camera_with(10), {std::nan(""), 0}, none);
    EXPECT_TRUE(nan.rings[0].empty());
}

TEST(ObstacleIndex, FindsEachNearbyWallOnce) {
    std::vector<Wall> walls{{{0, 0}, {200, 0}},
                            {{10, 10}, {11, 10}},
                            {{500, 500}, {501, 501}},
                            {{std::nan(""), 0}, {1, 1}}};  // dropped
    ObstacleIndex index(walls, 10);
    std::vector<std::uint32_t> found;
    index.near({100, 5}, 6, found);
    ASSERT_EQ(found.size(), 1u);  // the long wall spans many cells but comes once
    EXPECT_EQ(index.wall(found[0]).b, (Vec2{200, 0}));
    int count = 0;
    index.for_each_near({10, 5}, 6, [&](const Wall&) { ++count; });
    EXPECT_EQ(count, 2);
    index.near({-1000, -1000}, 5, found);
    EXPECT_TRUE(found.empty());
    EXPECT_EQ(index.size(), 3u);
    index.near({std::nan(""), 0}, 5, found);
    EXPECT_TRUE(found.empty());
    index.near({0, 0}, 1e300, found);
    EXPECT_EQ(found.size(), 3u);
}

// --- Property test against a brute-force sampler --------------------------------------------

struct Layout {
    std::vector<Wall> walls;
    std::vector<std::vector<Vec2>> building_rings;  // ring of building i
};

// wide: buildings over +-60 m, so that long ranges go through the radius-growing culling.
Layout random_layout(std::mt19937& rng, bool on_grid, bool wide) {
    Layout layout;
    double half = wide ? 60 : 20;
    std::uniform_real_distribution<double> centre(-half, half), size(0.5, 6),
        turn(0, 2 * std::numbers::pi);
    std::uniform_int_distribution<int> cell(-static_cast<int>(half), static_cast<int>(half) - 2),
        side(1, 5), count(wide ? 60 : 5, wide ? 250 : 40);
    int buildings = count(rng);
    for (int b = 0; b < buildings; ++b) {
        std::vector<Vec2> ring;
        if (on_grid) {
            double x = cell(rng), y = cell(rng), w = side(rng), h = side(rng);
            ring = {{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}};
        } else {
            Vec2 c{centre(rng), centre(rng)};
            double w = size(rng), h = size(rng), a = turn(rng);
            Vec2 u{std::cos(a), std::sin(a)}, v{-u.y, u.x};
            int corners = (b % 5 == 0) ? 3 : 4;
            for (int k = 0; k < corners; ++k) {
                double sx = (k == 1 || k == 2) ? w : 0, sy = k >= 2 ? h : 0;
                if (corners == 3 && k == 2) sx = w / 2;
                ring.push_back(c + u * sx + v * sy);
            }
        }
        for (std::size_t k = 0; k < ring.size(); ++k)
            layout.walls.push_back({ring[k], ring[(k + 1) % ring.size()], b});
        layout.building_rings.push_back(ring);
    }
    layout.walls.push_back({{1, 1}, {1, 1}});  // degenerate
    for (int k = 0; k < 3; ++k)                // stray walls without a building
        layout.walls.push_back({{centre(rng), centre(rng)}, {centre(rng), centre(rng)}});
    return layout;
}

double orient(Vec2 a, Vec2 b, Vec2 c) {
    return cross(b - a, c - a);
}
bool segments_meet(Vec2 a, Vec2 b, Vec2 c, Vec2 d) {
    double o1 = orient(a, b, c), o2 = orient(a, b, d), o3 = orient(c, d, a), o4 = orient(c, d, b);
    return o1 * o2 <= 0 && o3 * o4 <= 0;
}
double point_segment(Vec2 p, Vec2 a, Vec2 b) {
    Vec2 d = b - a;
    double l2 = dot(d, d);
    double t = l2 > 0 ? std::clamp(dot(p - a, d) / l2, 0.0, 1.0) : 0.0;
    return length(p - (a + d * t));
}

TEST(ViewshedProperty, AgreesWithABruteForceSamplerOnRandomLayouts) {
    std::mt19937 rng(20261126);
    int checked = 0;
    int mismatches = 0;
    for (int trial = 0; trial < 160; ++trial) {
        bool on_grid = trial % 2 == 0;
        bool wide = trial % 4 >= 2;
        Layout layout = random_layout(rng, on_grid, wide);
        ObstacleIndex obstacles(layout.walls, 8);
        std::uniform_real_distribution<double> coord(-15, 15), range(3, wide ? 40 : 15),
            dir(0, 360), width(5, 350), unit(0, 1);
        Vec2 camera{coord(rng), coord(rng)};
        if (on_grid) camera = {std::round(camera.x * 2) / 2, std::round(camera.y * 2) / 2};
        std::vector<Sector> sectors{{0, 360}};
        double pick = unit(rng);
        if (pick < 0.35)
            sectors = {{dir(rng), width(rng)}};
        else if (pick < 0.5)
            sectors = {{dir(rng), width(rng) / 4}, {dir(rng), width(rng) / 4}};
        auto cap = camera_with(range(rng), sectors);
        auto v = compute_viewshed(cap, camera, obstacles);
        for (const auto& level : v.rings)
            for (const auto& ring : level)
                EXPECT_GT(ring_area(ring), 0) << "trial " << trial;

        // Which walls the rules ignore: within 0.5 m, or of a building containing the camera.
        std::vector<Wall> blocking;
        for (const auto& w : layout.walls) {
            if (point_segment(camera, w.a, w.b) <= facade_tolerance_m) continue;
            if (w.building >= 0 && testing::in_ring(camera, layout.building_rings[w.building]))
                continue;
            blocking.push_back(w);
        }
        double reach = cap.range_m[0];
        std::uniform_real_distribution<double> offset(-reach * 1.05, reach * 1.05);
        for (int s = 0; s < 400; ++s) {
            Vec2 p = camera + Vec2{offset(rng), offset(rng)};
            double dist = length(p - camera);
            if (dist < 1e-6) continue;
            bool marginal = false;
            bool blocked = false;
            for (const auto& w : blocking) {
                if (point_segment(p, w.a, w.b) < 1e-6 || point_segment(w.a, camera, p) < 1e-6 ||
                    point_segment(w.b, camera, p) < 1e-6) {
                    marginal = true;
                    break;
                }
                if (segments_meet(camera, p, w.a, w.b)) blocked = true;
            }
            if (marginal) continue;
            double bearing = std::atan2(p.x - camera.x, p.y - camera.y) * 180 / std::numbers::pi;
            bool in_sector = false;
            for (const auto& sector : sectors) {
                double off = std::remainder(bearing - sector.direction_deg, 360.0);
                if (std::abs(std::abs(off) - sector.width_deg / 2) * std::numbers::pi / 180 * dist <
                    1e-6)
                    marginal = true;
                if (sector.width_deg >= 360 || std::abs(off) <= sector.width_deg / 2)
                    in_sector = true;
            }
            if (marginal) continue;
            for (std::size_t level = 0; level < dori_level_count; ++level) {
                double r = cap.range_m[level];
                double arc_error =
                    r * (1 - std::cos(max_arc_step_deg / 2 * std::numbers::pi / 180));
                if (dist > r - arc_error - 1e-6 && dist < r + 1e-6) continue;
                bool expected = in_sector && !blocked && dist <= r;
                bool actual = sees(v, static_cast<DoriLevel>(level), p);
                ++checked;
                if (expected != actual) {
                    ++mismatches;
                    ADD_FAILURE() << "trial " << trial << " level " << level << " point (" << p.x
                                  << ", " << p.y << ") camera (" << camera.x << ", " << camera.y
                                  << ") expected " << expected;
                    if (mismatches > 10) return;
                }
            }
        }
    }
    EXPECT_GT(checked, 100'000);
    EXPECT_EQ(mismatches, 0);
}

}  // namespace
}  // namespace sightline::analysis
