#include "geo/bbox.hpp"

#include <gtest/gtest.h>

namespace sightline::geo {

TEST(BBox, ParsesWestSouthEastNorth) {
    auto box = parse_bbox("20.45,44.80,20.47,44.82");
    ASSERT_TRUE(box);
    EXPECT_EQ(*box, (BBox{20.45, 44.80, 20.47, 44.82}));
}

TEST(BBox, RejectsMalformedText) {
    for (auto text : {"", "1,2,3", "1,2,3,4,5", "a,b,c,d", "1,,3,4", "1,2,3,4 ", "nan,1,2,3",
                      "inf,1,2,3", "0,0,0,91", "-181,0,0,0", "10,0,5,1", "0,10,1,5"}) {
        auto box = parse_bbox(text);
        EXPECT_FALSE(box) << text;
        if (!box) {
            EXPECT_EQ(box.error().code, Errc::invalid_argument);
        }
    }
}

TEST(BBox, TreatsEdgesAsInside) {
    BBox box{0, 0, 1, 1};
    EXPECT_TRUE(box.contains({0, 0}));
    EXPECT_TRUE(box.contains({1, 1}));
    EXPECT_FALSE(box.contains({1.0000001, 0.5}));
}

TEST(BBox, GrowsFromEmptyToHoldEveryPoint) {
    auto box = BBox::empty_box();
    EXPECT_TRUE(box.is_empty());
    box.extend({48.1, 11.5});
    EXPECT_FALSE(box.is_empty());
    EXPECT_EQ(box, (BBox{11.5, 48.1, 11.5, 48.1}));
    box.extend({47.9, 11.7});
    box.extend({48.0, -0.5});
    EXPECT_EQ(box, (BBox{-0.5, 47.9, 11.7, 48.1}));
}

TEST(BBox, ComputesAreaOfOneDegreeAtTheEquator) {
    // 1 degree x 1 degree at the equator is about 111.2 km x 110.6 km.
    EXPECT_NEAR((BBox{0, 0, 1, 1}).area_km2(), 12363.0, 20.0);
}

TEST(BBox, AroundAPointContainsPointsWithinTheRadius) {
    LatLon centre{44.8125, 20.4612};
    BBox box = BBox::around(centre, 100);
    EXPECT_TRUE(box.contains(centre));
    EXPECT_TRUE(box.contains({44.8125 + 0.0008, 20.4612}));   // ~89 m north
    EXPECT_FALSE(box.contains({44.8125 + 0.0010, 20.4612}));  // ~111 m north
}

}  // namespace sightline::geo
