#include "core/error.hpp"

#include <gtest/gtest.h>

#include "core/clock.hpp"

namespace sightline {

TEST(Errc, MapsEveryKindToAClientErrorStatus) {
    for (auto code : {Errc::invalid_argument, Errc::unprocessable, Errc::not_found, Errc::conflict,
                      Errc::too_large, Errc::unsupported_media_type, Errc::unauthorized,
                      Errc::forbidden, Errc::rate_limited}) {
        EXPECT_GE(http_status(code), 400);
        EXPECT_LT(http_status(code), 500);
        EXPECT_NE(errc_name(code), "error");
    }
    EXPECT_EQ(http_status(Errc::not_found), 404);
    EXPECT_EQ(http_status(Errc::unavailable), 503);
}

TEST(Clock, RoundsReportTimesDownToTheHour) {
    EXPECT_EQ(round_down_to_hour(3600 * 5 + 1799), 3600 * 5);
    EXPECT_EQ(round_down_to_hour(3600 * 5), 3600 * 5);
    EXPECT_EQ(format_utc(0), "1970-01-01T00:00:00Z");
}

}  // namespace sightline
