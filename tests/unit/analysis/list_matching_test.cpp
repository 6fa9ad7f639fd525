// Matching an official list with the crowd's cameras (docs/adr/016) on constructed cases.

#include <algorithm>
#include <random>

#include <gtest/gtest.h>

#include "analysis/list_matching.hpp"

namespace sightline::analysis {
namespace {

using model::EntryState;

// A point `east_m` east and `north_m` north of a corner in Belgrade.
geo::LatLon at(double east_m, double north_m) {
    constexpr double lat0 = 44.8125, lon0 = 20.4612;
    constexpr double m_per_deg_lat = 111'195.0;
    const double m_per_deg_lon = m_per_deg_lat * std::cos(lat0 * M_PI / 180.0);
    return {lat0 + north_m / m_per_deg_lat, lon0 + east_m / m_per_deg_lon};
}

MatchEntry entry(std::int64_t id, double east_m, double north_m, std::vector<double> dirs = {}) {
    return MatchEntry{{id, at(east_m, north_m), std::move(dirs)}, false, std::nullopt};
}

MatchPoint camera(std::int64_t id, double east_m, double north_m, std::vector<double> dirs = {}) {
    return {id, at(east_m, north_m), std::move(dirs)};
}

const EntryMatch& of(const ListMatchResult& r, std::int64_t entry) {
    auto found = std::find_if(r.entries.begin(), r.entries.end(),
                              [&](const EntryMatch& m) { return m.entry == entry; });
    EXPECT_NE(found, r.entries.end()) << "entry " << entry;
    return *found;
}

TEST(ListMatching, NearPairsMatchOneToOne) {
    // Two entries, each 10 m from its own camera, the cameras 200 m apart.
    auto r = match_list({entry(1, 0, 0), entry(2, 200, 0)},
                        {camera(10, 10, 0), camera(20, 200, 10)}, {});
    EXPECT_EQ(of(r, 1).state, EntryState::matched);
    EXPECT_EQ(of(r, 1).camera, 10);
    EXPECT_NEAR(of(r, 1).distance_m, 10, 0.1);
    EXPECT_EQ(of(r, 2).camera, 20);
    EXPECT_TRUE(r.crowd_only.empty());
    EXPECT_TRUE(r.held.empty());
}

TEST(ListMatching, NothingNearLeavesBothSidesAlone) {
    auto r = match_list({entry(1, 0, 0)}, {camera(10, 31, 0), camera(20, 500, 500)}, {});
    EXPECT_EQ(of(r, 1).state, EntryState::unmatched);
    EXPECT_FALSE(of(r, 1).camera);
    EXPECT_EQ(r.crowd_only, (std::vector<std::int64_t>{10, 20}));
}

TEST(ListMatching, TheMaximumDistanceIsTunable) {
    ListMatchOptions wide;
    wide.max_distance_m = 50;
    auto r = match_list({entry(1, 0, 0)}, {camera(10, 40, 0)}, wide);
    EXPECT_EQ(of(r, 1).camera, 10);
    EXPECT_EQ(of(match_list({entry(1, 0, 0)}, {camera(10, 40, 0)}, {}), 1).state,
              EntryState::unmatched);
}

TEST(ListMatching, OneEntryNearTwoCamerasTakesTheClearlyNearerOne) {
    // 3 m and 20 m: the second camera is another camera, left to the crowd.
    auto r = match_list({entry(1, 0, 0)}, {camera(10, 3, 0), camera(20, 0, 20)}, {});
    EXPECT_EQ(of(r, 1).camera, 10);
    EXPECT_EQ(r.crowd_only, std::vector<std::int64_t>{20});
}

TEST(ListMatching, OneEntryNearTwoCamerasAtAboutTheSameDistanceIsAmbiguous) {
    // 10 m and 13 m: either could be the one on the list.
    auto r = match_list({entry(1, 0, 0)}, {camera(10, 10, 0), camera(20, -13, 0)}, {});
    EXPECT_EQ(of(r, 1).state, EntryState::ambiguous);
    EXPECT_EQ(of(r, 1).reason, "close_candidates");
    EXPECT_EQ(of(r, 1).candidates, (std::vector<std::int64_t>{10, 20}));
    EXPECT_TRUE(r.crowd_only.empty()) << "held for the review, not counted as the crowd's only";
    EXPECT_EQ(r.held, (std::vector<std::int64_t>{10, 20}));
}

TEST(ListMatching, TwoEntriesNearOneCameraAtAboutTheSameDistanceAreAmbiguous) {
    auto r = match_list({entry(1, 0, 0), entry(2, 18, 0)}, {camera(10, 8, 0)}, {});
    EXPECT_EQ(of(r, 1).state, EntryState::ambiguous);
    EXPECT_EQ(of(r, 2).state, EntryState::ambiguous);
    EXPECT_EQ(of(r, 1).candidates, std::vector<std::int64_t>{10});
    EXPECT_EQ(of(r, 2).candidates, std::vector<std::int64_t>{10});
}

TEST(ListMatching, TwoEntriesNearOneCameraGiveItToTheClearlyNearerOne) {
    // Entry 2 is 25 m away: the list has a camera the crowd has not found.
    auto r = match_list({entry(1, 0, 0), entry(2, 27, 0)}, {camera(10, 2, 0)}, {});
    EXPECT_EQ(of(r, 1).camera, 10);
    EXPECT_EQ(of(r, 2).state, EntryState::unmatched);
}

TEST(ListMatching, ManyToManyIsNearestFirstAndOneToOne) {
    // A row of entries and a row of cameras, each camera 2 m from "its" entry, 40 m apart.
    std::vector<MatchEntry> entries;
    std::vector<MatchPoint> cameras;
    for (int i = 0; i < 5; ++i) {
        entries.push_back(entry(i + 1, 40.0 * i, 0));
        cameras.push_back(camera(100 + i, 40.0 * i + 2, 0));
    }
    auto r = match_list(entries, cameras, {});
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(of(r, i + 1).camera, 100 + i);
}

TEST(ListMatching, DirectionsThatAgreeMatch) {
    auto r = match_list({entry(1, 0, 0, {90})}, {camera(10, 5, 0, {120})}, {});
    EXPECT_EQ(of(r, 1).camera, 10);
}

TEST(ListMatching, ADirectionConflictGoesToReview) {
    // Same place, looking opposite ways: two cameras on one pole, or one side has it wrong.
    auto r = match_list({entry(1, 0, 0, {90})}, {camera(10, 5, 0, {270})}, {});
    EXPECT_EQ(of(r, 1).state, EntryState::ambiguous);
    EXPECT_EQ(of(r, 1).reason, "direction_conflict");
    EXPECT_EQ(of(r, 1).candidates, std::vector<std::int64_t>{10});
    EXPECT_EQ(r.held, std::vector<std::int64_t>{10});
}

TEST(ListMatching, AnAgreeingCameraBeatsANearerConflictingOne) {
    auto r =
        match_list({entry(1, 0, 0, {0})}, {camera(10, 2, 0, {180}), camera(20, 15, 0, {10})}, {});
    EXPECT_EQ(of(r, 1).camera, 20);
    EXPECT_EQ(r.crowd_only, std::vector<std::int64_t>{10});
}

TEST(ListMatching, TheAngleIsTunableAndAMissingDirectionNeverConflicts) {
    ListMatchOptions strict;
    strict.max_angle_deg = 20;
    EXPECT_EQ(of(match_list({entry(1, 0, 0, {0})}, {camera(10, 5, 0, {30})}, strict), 1).state,
              EntryState::ambiguous);
    EXPECT_EQ(of(match_list({entry(1, 0, 0, {0})}, {camera(10, 5, 0, {30})}, {}), 1).state,
              EntryState::matched);
    EXPECT_EQ(of(match_list({entry(1, 0, 0)}, {camera(10, 5, 0, {30})}, strict), 1).state,
              EntryState::matched);
    EXPECT_TRUE(directions_agree({350}, {10}, 20)) << "across north";
}

TEST(ListMatching, ADecisionIsKeptAndItsCameraIsNoOneElses) {
    auto decided = entry(1, 0, 0);
    decided.decided = true;
    decided.decided_camera = 20;
    // Camera 10 is nearer to entry 1, but the moderator said 20; entry 2 gets 10.
    auto r = match_list({decided, entry(2, 40, 0)}, {camera(10, 25, 0), camera(20, 0, 12)}, {});
    EXPECT_EQ(of(r, 1).camera, 20);
    EXPECT_TRUE(of(r, 1).decided);
    EXPECT_EQ(of(r, 2).camera, 10);
}

TEST(ListMatching, DecidedNoneStaysUnmatchedAndADecisionForAGoneCameraIsIgnored) {
    auto none = entry(1, 0, 0);
    none.decided = true;
    auto gone = entry(2, 100, 0);
    gone.decided = true;
    gone.decided_camera = 99;  // removed since: not among the crowd's cameras
    auto r = match_list({none, gone}, {camera(10, 2, 0), camera(20, 102, 0)}, {});
    EXPECT_EQ(of(r, 1).state, EntryState::unmatched);
    EXPECT_TRUE(of(r, 1).decided);
    EXPECT_EQ(r.crowd_only, std::vector<std::int64_t>{10});
    EXPECT_EQ(of(r, 2).camera, 20);
    EXPECT_FALSE(of(r, 2).decided);
}

TEST(ListMatching, TheResultDoesNotDependOnTheInputOrder) {
    std::vector<MatchEntry> entries;
    std::vector<MatchPoint> cameras;
    std::mt19937 random(14);
    std::uniform_real_distribution<double> coordinate(0, 300);
    for (int i = 1; i <= 60; ++i) {
        entries.push_back(entry(i, coordinate(random), coordinate(random), {}));
        cameras.push_back(camera(1000 + i, coordinate(random), coordinate(random), {}));
    }
    auto first = match_list(entries, cameras, {});
    std::shuffle(entries.begin(), entries.end(), random);
    std::shuffle(cameras.begin(), cameras.end(), random);
    auto second = match_list(entries, cameras, {});
    for (const auto& m : first.entries) {
        const auto& again = of(second, m.entry);
        EXPECT_EQ(again.state, m.state) << m.entry;
        EXPECT_EQ(again.camera, m.camera) << m.entry;
        EXPECT_EQ(again.candidates, m.candidates) << m.entry;
    }
    EXPECT_EQ(first.crowd_only, second.crowd_only);
    EXPECT_EQ(first.held, second.held);
}

}  // namespace
}  // namespace sightline::analysis
