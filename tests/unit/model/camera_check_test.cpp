#include "model/camera_check.hpp"

#include <string>

#include <gtest/gtest.h>

namespace sightline::model {
namespace {

constexpr std::int64_t now = 1796000000;  // 2026-11-30T01:33:20Z

TEST(CameraCheck, NotesAreLimitedAndMustBeText) {
    EXPECT_TRUE(validate_check({true, "", {}}));
    EXPECT_TRUE(validate_check({false, "gone since May,\nthe pole is empty", {}}));
    EXPECT_TRUE(validate_check({false, std::string(max_check_note_length, 'a'), {}}));
    auto long_note = validate_check({false, std::string(max_check_note_length + 1, 'a'), {}});
    ASSERT_FALSE(long_note);
    EXPECT_EQ(long_note.error().code, Errc::invalid_argument);
    // 500 Cyrillic letters are 1000 bytes but 500 characters.
    std::string cyrillic;
    for (std::size_t i = 0; i < max_check_note_length; ++i)
        cyrillic += "ж";
    EXPECT_TRUE(validate_check({false, cyrillic, {}}));
    EXPECT_FALSE(validate_check({false, "bad \xff byte", {}}));
    EXPECT_FALSE(validate_check({false, std::string("nul \0 inside", 12), {}}));
}

TEST(CameraCheck, StaleCutOffIsTheStartOfTodayMinusTheAge) {
    constexpr std::int64_t today = now - now % 86'400;
    EXPECT_EQ(stale_before(now, 365 * 86'400), today - 365 * 86'400);
    EXPECT_EQ(stale_before(today, 86'400), today - 86'400);
    EXPECT_EQ(stale_before(today + 86'399, 86'400), today - 86'400);
}

TEST(CameraCheck, OsmCamerasAreConfirmedAtTheirEditOrSurveyDate) {
    EXPECT_EQ(osm_last_confirmed({}, 1577934245, now), 1577934245);
    EXPECT_EQ(osm_last_confirmed({}, 0, now), 0);
    // check_date later than the edit wins (StreetComplete's "still there").
    EXPECT_EQ(osm_last_confirmed({{"check_date", "2024-05-06"}}, 1577934245, now), 1714953600);
    EXPECT_EQ(osm_last_confirmed({{"check_date", "2019-05-06"}}, 1577934245, now), 1577934245);
    for (const char* bad : {"2024-5-6", "06.05.2024", "2024-13-01", "2024-05-06T10:00", ""})
        EXPECT_EQ(osm_last_confirmed({{"check_date", bad}}, 1577934245, now), 1577934245) << bad;
    EXPECT_EQ(osm_last_confirmed({{"check_date", "2099-01-01"}}, 1577934245, now), now)
        << "never in the future";
}

}  // namespace
}  // namespace sightline::model
