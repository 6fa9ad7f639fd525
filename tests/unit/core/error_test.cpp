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

TEST(Clock, FormatsUtcLikeTheCalendar) {
    EXPECT_EQ(format_utc(951782400), "2000-02-29T00:00:00Z");  // leap day of a century leap year
    EXPECT_EQ(format_utc(1795706096), "2026-11-26T15:14:56Z");
    EXPECT_EQ(format_utc(4107542399), "2100-02-28T23:59:59Z");  // 2100 is not a leap year
    EXPECT_EQ(format_utc(4107542400), "2100-03-01T00:00:00Z");
    EXPECT_EQ(format_utc(-1), "1969-12-31T23:59:59Z");
    EXPECT_EQ(format_utc(253402300799), "9999-12-31T23:59:59Z");
}

}  // namespace sightline
