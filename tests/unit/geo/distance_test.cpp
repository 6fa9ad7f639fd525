#include "geo/distance.hpp"

#include <gtest/gtest.h>

namespace sightline::geo {

TEST(Distance, MatchesAKnownCityDistance) {
    // Belgrade Republic Square to Slavija square: about 1.63 km (independently computed).
    LatLon republic{44.8163, 20.4603};
    LatLon slavija{44.8023, 20.4666};
    EXPECT_NEAR(distance_m(republic, slavija), 1640, 30);
}

TEST(Distance, DestinationRoundTripsWithBearingAndDistance) {
    LatLon start{48.137, 11.575};
    for (double bearing : {0.0, 45.0, 135.0, 270.0}) {
        LatLon end = destination(start, bearing, 250.0);
        EXPECT_NEAR(distance_m(start, end), 250.0, 0.01);
        EXPECT_NEAR(heading_difference_deg(bearing_deg(start, end), bearing), 0.0, 0.01);
    }
}

TEST(Distance, HeadingDifferenceWrapsAroundNorth) {
    EXPECT_DOUBLE_EQ(heading_difference_deg(350, 10), 20);
    EXPECT_DOUBLE_EQ(heading_difference_deg(0, 180), 180);
    EXPECT_DOUBLE_EQ(heading_difference_deg(90, 90), 0);
}

}  // namespace sightline::geo
