#include "geo/lat_lon_text.hpp"

#include <gtest/gtest.h>

namespace sightline::geo {

TEST(LatLonText, ParsesLatitudeThenLongitude) {
    auto position = parse_lat_lon("48.1374,11.5755", "from");
    ASSERT_TRUE(position) << position.error().message;
    EXPECT_EQ(*position, (LatLon{48.1374, 11.5755}));
    auto south_west = parse_lat_lon("-33.9,-70", "to");
    ASSERT_TRUE(south_west);
    EXPECT_EQ(*south_west, (LatLon{-33.9, -70.0}));
}

TEST(LatLonText, AcceptsTheEdgesOfTheRanges) {
    EXPECT_TRUE(parse_lat_lon("90,180", "p"));
    EXPECT_TRUE(parse_lat_lon("-90,-180", "p"));
}

TEST(LatLonText, RejectsMalformedTextNamingTheParameter) {
    for (auto text :
         {"", ",", "48.1", "48.1,", ",11.5", "48.1,11.5,3", "48.1;11.5", " 48.1,11.5", "48.1, 11.5",
          "48.1,11.5 ", "a,b", "0x10,1", "nan,11", "48,inf", "1e999,1", "+48,11"}) {
        auto position = parse_lat_lon(text, "from");
        EXPECT_FALSE(position) << "'" << text << "'";
        if (!position) {
            EXPECT_EQ(position.error().code, Errc::invalid_argument);
            EXPECT_TRUE(position.error().message.starts_with("from ")) << position.error().message;
        }
    }
}

TEST(LatLonText, RejectsPositionsOutOfRange) {
    for (auto text : {"90.0001,0", "-91,0", "0,180.5", "0,-181", "11.5,200"}) {
        auto position = parse_lat_lon(text, "to");
        EXPECT_FALSE(position) << text;
        if (!position) {
            EXPECT_EQ(position.error().code, Errc::invalid_argument);
            EXPECT_NE(position.error().message.find("out of range"), std::string::npos);
            EXPECT_TRUE(position.error().message.starts_with("to "));
        }
    }
}

}  // namespace sightline::geo
