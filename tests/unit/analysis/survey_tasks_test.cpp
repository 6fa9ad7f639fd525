// Survey tasks on streets drawn as text: '-' and '|' are streets, '+' a node shared by the
// horizontal and the vertical street through it; one character is 10 m, the first row is the
// northernmost.

#include "analysis/survey_tasks.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "analysis/local_frame.hpp"

namespace sightline::analysis {
namespace {

const LocalFrame frame({48.0, 11.0});
constexpr double cell_m = 10;

std::vector<std::vector<geo::LatLon>> streets_of(const std::vector<std::string>& map) {
    std::vector<std::vector<geo::LatLon>> streets;
    const int rows = static_cast<int>(map.size());
    auto at = [&](int c, int r) { return frame.to_lat_lon({c * cell_m, (rows - 1 - r) * cell_m}); };
    auto cell = [&](int c, int r) {
        return r >= 0 && r < rows && c >= 0 && c < static_cast<int>(map[r].size()) ? map[r][c]
                                                                                   : ' ';
    };
    auto runs = [&](bool horizontal) {
        const int outer = horizontal ? rows : 64, inner = horizontal ? 64 : rows;
        for (int o = 0; o < outer; ++o) {
            std::vector<geo::LatLon> run;
            for (int i = 0; i <= inner; ++i) {
                int c = horizontal ? i : o, r = horizontal ? o : i;
                char ch = cell(c, r);
                if (ch == '+' || ch == (horizontal ? '-' : '|')) {
                    run.push_back(at(c, r));
                } else {
                    if (run.size() >= 2) streets.push_back(run);
                    run.clear();
                }
            }
        }
    };
    runs(true);
    runs(false);
    return streets;
}

Vec2 local(geo::LatLon p) {
    return frame.to_local(p);
}

}  // namespace

TEST(SurveyTasks, CrossingsAndTeeJunctionsAreIntersectionsCornersAreNot) {
    auto streets = streets_of({
        "..|....|..",
        "--+----+--",  // two crossings
        "..|....|..",
        "..|....+--",  // a T junction
        "..|....|..",
        "..+----+..",  // two corners: only two segments meet
    });
    auto spots = find_intersections(streets);
    ASSERT_EQ(spots.size(), 3u);
    // Sorted by latitude: the T junction (row 3, 20 m north) first, then the crossings.
    EXPECT_NEAR(local(spots[0].location).x, 70, 0.01);
    EXPECT_NEAR(local(spots[0].location).y, 20, 0.01);
    EXPECT_NEAR(local(spots[1].location).x, 20, 0.01);
    EXPECT_NEAR(local(spots[1].location).y, 40, 0.01);
    EXPECT_NEAR(local(spots[2].location).x, 70, 0.01);
    // An intersection's ground is the box of survey_radius_m around it.
    EXPECT_NEAR(spots[0].area.area_km2() * 1e6, 4 * survey_radius_m * survey_radius_m, 100);
}

TEST(SurveyTasks, NearbyNodesOfOneJunctionBecomeOneCorner) {
    auto streets = streets_of({
        "..|.|..",
        "--+-+--",  // two crossings 20 m apart
        "..|.|..",
    });
    EXPECT_EQ(find_intersections(streets, 15).size(), 2u);
    auto merged = find_intersections(streets, 25);
    ASSERT_EQ(merged.size(), 1u);
    EXPECT_NEAR(local(merged[0].location).x, 30, 0.01);  // halfway
}

TEST(SurveyTasks, OnlySpotsInsideTheAreaAreKept) {
    auto streets = streets_of({
        "..|....|..",
        "--+----+--",
        "..|....|..",
    });
    // A polygon around the western crossing only (x 0..40 m).
    geo::Ring ring{frame.to_lat_lon({0, 0}), frame.to_lat_lon({40, 0}), frame.to_lat_lon({40, 30}),
                   frame.to_lat_lon({0, 30}), frame.to_lat_lon({0, 0})};
    auto spots = find_intersections(streets, 15, {{ring}});
    ASSERT_EQ(spots.size(), 1u);
    EXPECT_NEAR(local(spots[0].location).x, 20, 0.01);
}

TEST(SurveyTasks, CellsAreThoseStreetsPassThrough) {
    // One street along y = 5 m from x = 5 to 95 m: the bottom row of 50 m cells only.
    std::vector<std::vector<geo::LatLon>> streets{
        {frame.to_lat_lon({5, 5}), frame.to_lat_lon({95, 5})}};
    geo::BBox box{frame.to_lat_lon({0, 0}).lon, frame.to_lat_lon({0, 0}).lat,
                  frame.to_lat_lon({100, 100}).lon, frame.to_lat_lon({100, 100}).lat};
    auto cells = street_cells(streets, box, 50);
    ASSERT_EQ(cells.size(), 2u);
    for (const auto& c : cells)
        EXPECT_NEAR(local(c.location).y, 25, 0.5);
}

TEST(SurveyTasks, LengthInsideCountsOverlapsOnce) {
    // A 100 m segment along the x axis through a circle of radius 10 at x = 20 (20 m inside),
    // another overlapping it at x = 25 (adds 5 m), and a box from x = 60 to 70 (10 m).
    std::vector<Circle> circles{{{20, 0}, 10}, {{25, 0}, 10}};
    std::vector<Rect> rects{{{60, -5}, {70, 5}}};
    EXPECT_NEAR(length_inside({0, 0}, {100, 0}, circles, rects), 25 + 10, 1e-9);
    EXPECT_NEAR(length_inside({0, 0}, {100, 0}, {}, {}), 0, 1e-12);
    // A segment that stops inside the circle counts only its part.
    EXPECT_NEAR(length_inside({0, 0}, {20, 0}, {{{20, 0}, 10}}, {}), 10, 1e-9);
    // The indexed ground gives the same.
    SurveyedGround ground(circles, rects, 7);
    EXPECT_NEAR(ground.length_inside({0, 0}, {100, 0}), 35, 1e-9);
    EXPECT_NEAR(ground.length_inside({0, 50}, {100, 50}), 0, 1e-12);
}

}  // namespace sightline::analysis
