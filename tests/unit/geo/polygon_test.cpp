#include "geo/polygon.hpp"

#include <cmath>
#include <numbers>

#include <gtest/gtest.h>

#include "geo/distance.hpp"

namespace sightline::geo {
namespace {

Polygon box(double west, double south, double east, double north) {
    return {{{south, west}, {south, east}, {north, east}, {north, west}, {south, west}}};
}

}  // namespace

TEST(Polygon, AreaOfADegreeCellMatchesTheSphere) {
    // On the sphere: R² · Δλ · (sin φ2 − sin φ1).
    const double rad = std::numbers::pi / 180;
    double expected =
        earth_radius_m * earth_radius_m * 1 * rad * (std::sin(45 * rad) - std::sin(44 * rad));
    EXPECT_NEAR(area_m2({box(20, 44, 21, 45)}), expected, expected * 1e-9);
    // Orientation and closing point do not matter.
    Ring open_clockwise{{44, 20}, {45, 20}, {45, 21}, {44, 21}};
    EXPECT_NEAR(ring_area_m2(open_clockwise), expected, expected * 1e-9);
}

TEST(Polygon, HolesAreSubtractedAndPolygonsAdded) {
    Polygon with_hole = box(0, 0, 0.02, 0.02);
    with_hole.push_back(box(0.005, 0.005, 0.015, 0.015)[0]);
    double outer = ring_area_m2(with_hole[0]);
    double hole = ring_area_m2(with_hole[1]);
    EXPECT_NEAR(area_m2({with_hole}), outer - hole, 1e-6);
    EXPECT_NEAR(area_m2({with_hole, box(1, 1, 1.01, 1.01)}),
                outer - hole + ring_area_m2(box(1, 1, 1.01, 1.01)[0]), 1e-6);
    EXPECT_EQ(area_m2({}), 0);
}

TEST(Polygon, ContainsRespectsHoles) {
    Polygon with_hole = box(0, 0, 0.02, 0.02);
    with_hole.push_back(box(0.005, 0.005, 0.015, 0.015)[0]);
    MultiPolygon shape{with_hole};
    EXPECT_TRUE(contains(shape, {0.002, 0.002}));
    EXPECT_FALSE(contains(shape, {0.01, 0.01}));  // in the hole
    EXPECT_FALSE(contains(shape, {0.03, 0.01}));
    shape.push_back(box(0.008, 0.008, 0.012, 0.012));  // an island inside the hole
    EXPECT_TRUE(contains(shape, {0.01, 0.01}));
}

TEST(Polygon, APointOnASharedBorderLiesInExactlyOneOfTheNeighbours) {
    // Two districts split by a slanted border, as neighbouring OSM boundaries share their ways.
    // The west one runs the border northwards, the east one southwards.
    const LatLon s{44.80, 20.4537}, n{44.8213, 20.4611};
    MultiPolygon west{{{{44.80, 20.40}, s, n, {44.8213, 20.40}, {44.80, 20.40}}}};
    MultiPolygon east{{{s, {44.80, 20.52}, {44.8213, 20.52}, n, s}}};
    // Points on the border as either end would compute them: for about 1 latitude in 10,000
    // the two differ in the last bit, and a point between them must still be in one district.
    int wrong = 0;
    for (int i = 1; i < 400'000; ++i) {
        double lat = s.lat + (n.lat - s.lat) * (i / 400'000.0);
        double from_south = s.lon + (lat - s.lat) * (n.lon - s.lon) / (n.lat - s.lat);
        double from_north = n.lon + (lat - n.lat) * (s.lon - n.lon) / (s.lat - n.lat);
        for (double lon : {from_south, from_north}) {
            int in = (contains(west, {lat, lon}) ? 1 : 0) + (contains(east, {lat, lon}) ? 1 : 0);
            if (in != 1) ++wrong;
        }
    }
    EXPECT_EQ(wrong, 0);
    // The shared vertices themselves too.
    LatLon mid{44.81, 20.457};
    MultiPolygon west3{{{{44.80, 20.40}, s, mid, n, {44.8213, 20.40}, {44.80, 20.40}}}};
    MultiPolygon east3{{{s, {44.80, 20.52}, {44.8213, 20.52}, n, mid, s}}};
    EXPECT_EQ((contains(west3, mid) ? 1 : 0) + (contains(east3, mid) ? 1 : 0), 1);
}

}  // namespace sightline::geo
