#include "model/report.hpp"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "geo/distance.hpp"
#include "model/camera.hpp"

namespace sightline::model {

namespace {
NewReport belgrade_report() {
    NewReport r;
    r.location = {44.8125, 20.4612};
    r.accuracy_m = 8;
    r.directions_deg = {135};
    r.tags = {{"surveillance:type", "camera"}, {"camera:type", "fixed"}};
    r.note = "Na stubu kod semafora";
    return r;
}
}  // namespace

TEST(ReportValidation, CompletesTagsFromDirections) {
    auto r = validate_report(belgrade_report());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->tags.at("man_made"), "surveillance");
    EXPECT_EQ(r->tags.at("camera:direction"), "135");
}

TEST(ReportValidation, TakesDirectionsFromTheTagWhenNoneGiven) {
    auto input = belgrade_report();
    input.directions_deg.clear();
    input.tags["camera:direction"] = "W;90";
    auto r = validate_report(input);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->directions_deg, (std::vector<double>{270, 90}));
}

TEST(ReportValidation, RejectsDirectionsThatDisagreeWithTheTag) {
    auto input = belgrade_report();
    input.tags["camera:direction"] = "270";
    auto r = validate_report(input);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("disagree"), std::string::npos);
    input.tags["camera:direction"] = "SE";  // 135, the same as directions_deg
    EXPECT_TRUE(validate_report(input));
}

TEST(ReportValidation, RejectsOutOfRangeValues) {
    auto nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<NewReport> bad(6, belgrade_report());
    bad[0].location.lat = 91;
    bad[1].location.lon = nan;
    bad[2].accuracy_m = -1;
    bad[3].directions_deg = {360};
    bad[4].note = std::string(2001, 'x');
    bad[5].tags["camera:type"] = "<script>";
    for (auto& r : bad) {
        auto result = validate_report(r);
        EXPECT_FALSE(result);
        if (!result) {
            EXPECT_EQ(result.error().code, Errc::invalid_argument);
        }
    }
}

TEST(ReportValidation, AllowsLineBreaksInNotesButNotOtherControls) {
    auto r = belgrade_report();
    r.note = "first line\nsecond line";
    EXPECT_TRUE(validate_report(r));
    r.note = "bell\x07";
    EXPECT_FALSE(validate_report(r));
}

TEST(DuplicateScore, PrefersNearbyCamerasOfTheSameKindFacingTheSameWay) {
    auto report = *validate_report(belgrade_report());
    auto near = geo::destination(report.location, 90, 5);
    auto far = geo::destination(report.location, 90, 25);
    Tags fixed_se{{"camera:type", "fixed"}, {"camera:direction", "140"}};
    Tags dome{{"camera:type", "dome"}};
    Tags fixed_nw{{"camera:type", "fixed"}, {"camera:direction", "315"}};

    auto a = score_duplicate(report, CameraId{1}, near, fixed_se);
    auto b = score_duplicate(report, CameraId{2}, far, fixed_se);
    auto c = score_duplicate(report, CameraId{3}, near, dome);
    auto d = score_duplicate(report, CameraId{4}, near, fixed_nw);
    EXPECT_NEAR(a.distance_m, 5, 0.01);
    EXPECT_TRUE(a.same_kind);
    EXPECT_FALSE(c.same_kind);
    EXPECT_GT(a.score, b.score);
    EXPECT_GT(a.score, c.score);
    EXPECT_GT(a.score, d.score);
    auto gone =
        score_duplicate(report, CameraId{5}, geo::destination(report.location, 0, 200), fixed_se);
    EXPECT_EQ(gone.score, 0);
}

}  // namespace sightline::model
