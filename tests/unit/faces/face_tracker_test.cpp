// FaceTracker on made-up detections: what the video pipeline relies on (every frame between and
// around detections covered, frames settled only when nothing later can change them).

#include "faces/face_tracker.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <tuple>
#include <vector>

#include "faces/detection_plan.hpp"

namespace sightline::faces {
namespace {

bool covers(const FaceBox& box, double x, double y) {
    return x >= box.x && x <= box.x + box.width && y >= box.y && y <= box.y + box.height;
}

bool any_covers(const std::vector<FaceBox>& boxes, double x, double y) {
    for (const auto& b : boxes)
        if (covers(b, x, y)) return true;
    return false;
}

// Feeds frames 0..last, with `detect(frame)` giving the detections of the frames searched.
template <typename Detect>
void run(FaceTracker& tracker, std::int64_t last, int every, Detect detect) {
    for (std::int64_t frame = 0; frame <= last; ++frame) {
        if (frame % every == 0) tracker.add_detections(frame, detect(frame));
        tracker.advance_to(frame);
    }
}

TEST(FaceTracker, CoversAStillFaceInTheFramesBetweenDetections) {
    FaceTracker tracker;
    run(tracker, 40, 4, [](std::int64_t) {
        return std::vector<FaceBox>{{100, 100, 40, 40, 0.9f}};
    });
    tracker.finish();
    for (std::int64_t frame = 0; frame <= 40; ++frame) {
        const auto boxes = tracker.boxes_for(frame);
        ASSERT_EQ(boxes.size(), 1u) << "frame " << frame;
        EXPECT_TRUE(covers(boxes[0], 120, 120)) << "frame " << frame;
    }
    EXPECT_EQ(tracker.tracks_started(), 1);
}

// A face crossing the frame at 12 px a frame, detected every 8th frame: the frames between get
// boxes on the line between the detections (the face's centre and corners inside).
TEST(FaceTracker, InterpolatesAMovingFaceBetweenDetections) {
    FaceTracker tracker;
    const auto at = [](std::int64_t frame) {
        return FaceBox{static_cast<int>(20 + 12 * frame), 200, 50, 50, 0.9f};
    };
    run(tracker, 64, 8, [&](std::int64_t frame) { return std::vector<FaceBox>{at(frame)}; });
    tracker.finish();
    for (std::int64_t frame = 0; frame <= 64; ++frame) {
        const auto boxes = tracker.boxes_for(frame);
        ASSERT_EQ(boxes.size(), 1u) << "frame " << frame;
        const FaceBox truth = at(frame);
        EXPECT_TRUE(covers(boxes[0], truth.x + 1, truth.y + 1)) << "frame " << frame;
        EXPECT_TRUE(covers(boxes[0], truth.x + truth.width - 1, truth.y + truth.height - 1))
            << "frame " << frame;
    }
}

// A face standing still while the camera shakes (up to 20 px a frame, changing direction),
// detected every 8th frame: with the camera's offsets the boxes between follow the shake; on a
// straight line between the detections they would miss the face.
TEST(FaceTracker, FollowsTheCameraBetweenDetections) {
    const auto offset = [](std::int64_t frame) {
        const double t = static_cast<double>(frame);
        return CameraOffset{40 * std::sin(t / 1.3), 25 * std::cos(t / 1.9)};
    };
    // Where the face appears in the frame: its scene position minus the camera's offset.
    const auto at = [&](std::int64_t frame) {
        const CameraOffset o = offset(frame);
        return FaceBox{static_cast<int>(std::lround(300 - o.x)),
                       static_cast<int>(std::lround(200 - o.y)), 30, 30, 0.9f};
    };
    for (const bool compensated : {true, false}) {
        FaceTracker tracker;
        for (std::int64_t frame = 0; frame <= 48; ++frame) {
            if (compensated) tracker.set_camera_offset(frame, offset(frame));
            if (frame % 8 == 0) tracker.add_detections(frame, std::vector<FaceBox>{at(frame)});
            tracker.advance_to(frame);
        }
        tracker.finish();
        int missed = 0;
        for (std::int64_t frame = 0; frame <= 48; ++frame) {
            const FaceBox truth = at(frame);
            const auto boxes = tracker.boxes_for(frame);
            if (!any_covers(boxes, truth.x + 2, truth.y + 2) ||
                !any_covers(boxes, truth.x + truth.width - 2, truth.y + truth.height - 2))
                ++missed;
        }
        if (compensated)
            EXPECT_EQ(missed, 0);
        else
            EXPECT_GT(missed, 10) << "the shake is large enough to matter";
    }
}

TEST(FaceTracker, CoversFramesBeforeTheFirstAndAfterTheLastDetection) {
    FaceTrackerOptions options;
    options.pre_roll_frames = 10;
    options.post_roll_frames = 6;
    FaceTracker tracker(options);
    run(tracker, 100, 2, [](std::int64_t frame) {
        return frame >= 40 && frame <= 60 ? std::vector<FaceBox>{{300, 300, 30, 30, 0.8f}}
                                          : std::vector<FaceBox>{};
    });
    tracker.finish();
    EXPECT_TRUE(tracker.boxes_for(29).empty());
    EXPECT_TRUE(any_covers(tracker.boxes_for(30), 315, 315));
    EXPECT_TRUE(any_covers(tracker.boxes_for(66), 315, 315));
    EXPECT_TRUE(tracker.boxes_for(67).empty());
}

// Extrapolated boxes follow the velocity and grow with the distance from the observation.
TEST(FaceTracker, ExtrapolatesAlongTheMotionAndGrows) {
    FaceTracker tracker;
    tracker.add_detections(0, std::vector<FaceBox>{{100, 100, 40, 40, 1}});
    tracker.add_detections(2, std::vector<FaceBox>{{110, 100, 40, 40, 1}});
    tracker.advance_to(2);
    tracker.finish();
    const auto boxes = tracker.boxes_for(6);
    ASSERT_EQ(boxes.size(), 1u);
    EXPECT_TRUE(covers(boxes[0], 130 + 20, 120));  // 5 px a frame: the face's centre at 150
    EXPECT_GT(boxes[0].width, 40);
}

TEST(FaceTracker, BridgesShortGapsButNotLongOnes) {
    FaceTrackerOptions options;
    options.pre_roll_frames = 4;
    options.post_roll_frames = 4;
    options.max_gap_frames = 16;
    FaceTracker tracker(options);
    const std::vector<FaceBox> face{{50, 50, 30, 30, 1}};
    for (const std::int64_t frame : {0, 14, 60})
        tracker.add_detections(frame, face);
    tracker.advance_to(60);
    tracker.finish();
    for (std::int64_t frame = 0; frame <= 14; ++frame)
        EXPECT_TRUE(any_covers(tracker.boxes_for(frame), 65, 65)) << "frame " << frame;
    EXPECT_TRUE(any_covers(tracker.boxes_for(18), 65, 65));  // post-roll
    EXPECT_TRUE(tracker.boxes_for(19).empty());              // the 46-frame gap is not bridged
    EXPECT_TRUE(tracker.boxes_for(55).empty());
    EXPECT_TRUE(any_covers(tracker.boxes_for(56), 65, 65));  // pre-roll of the next sighting
    EXPECT_EQ(tracker.tracks_started(), 2);
}

TEST(FaceTracker, KeepsTwoFacesApartAndMergesOneFaceSeenByTwoPasses) {
    FaceTracker tracker;
    for (std::int64_t frame = 0; frame <= 20; frame += 2) {
        const int shift = static_cast<int>(frame);
        tracker.add_detections(frame, std::vector<FaceBox>{
                                          {100 + shift, 100, 40, 40, 0.9f},
                                          {98 + shift, 97, 46, 46, 0.7f},  // same face, fine pass
                                          {400 - shift, 100, 40, 40, 0.9f},
                                      });
        tracker.advance_to(frame);
    }
    tracker.finish();
    EXPECT_EQ(tracker.tracks_started(), 2);
    const auto boxes = tracker.boxes_for(11);
    ASSERT_EQ(boxes.size(), 2u);
    EXPECT_TRUE(any_covers(boxes, 131, 120));
    EXPECT_TRUE(any_covers(boxes, 409, 120));
}

TEST(FaceTracker, SettlesFramesOnlyWhenNothingLaterCanChangeThem) {
    FaceTrackerOptions options;
    options.pre_roll_frames = 10;
    options.max_gap_frames = 16;
    FaceTracker tracker(options);
    EXPECT_EQ(tracker.look_ahead(), 16);
    tracker.advance_to(30);
    EXPECT_EQ(tracker.settled_until(), 15);  // frames 0..14
    // A face first seen at frame 24 reaches back to frame 14, which was not settled yet.
    tracker.add_detections(31, std::vector<FaceBox>{{10, 10, 20, 20, 1}});
    tracker.advance_to(31);
    EXPECT_FALSE(tracker.boxes_for(21).empty());
    EXPECT_TRUE(tracker.boxes_for(20).empty());
    tracker.finish();
    EXPECT_EQ(tracker.settled_until(), std::numeric_limits<std::int64_t>::max());
}

// The video pipeline emits each frame once it is settled and then forgets it: what it emits
// must be what a tracker that forgets nothing would say.
TEST(FaceTracker, ForgettingEmittedFramesDoesNotChangeLaterOnes) {
    const auto feed = [](FaceTracker& tracker, bool forget) {
        std::vector<std::vector<FaceBox>> emitted;
        std::int64_t next = 0;
        const auto emit_until = [&](std::int64_t end) {
            for (; next < end && next <= 80; ++next) {
                emitted.push_back(tracker.boxes_for(next));
                if (forget) tracker.forget_before(next + 1);
            }
        };
        for (std::int64_t frame = 0; frame <= 80; ++frame) {
            if (frame % 2 == 0 && frame < 50)
                tracker.add_detections(
                    frame, std::vector<FaceBox>{{static_cast<int>(3 * frame), 10, 30, 30, 1}});
            tracker.advance_to(frame);
            emit_until(tracker.settled_until());
        }
        tracker.finish();
        emit_until(tracker.settled_until());
        return emitted;
    };
    FaceTracker keeping;
    FaceTracker forgetting;
    const auto expected = feed(keeping, false);
    EXPECT_EQ(expected.size(), 81u);
    EXPECT_EQ(feed(forgetting, true), expected);
}

TEST(DetectionPlan, LooksOftenAtLowResolutionAndRarelyAtHigh) {
    const DetectionPlan hd = plan_detection(1920, 1080);
    ASSERT_EQ(hd.passes.size(), 2u);
    EXPECT_EQ(hd.passes[0].width, 512);
    EXPECT_EQ(hd.passes[0].height, 288);
    EXPECT_EQ(hd.passes[0].every_frames, 3);
    EXPECT_EQ(hd.passes[1].width, 1280);
    EXPECT_EQ(hd.passes[1].height, 720);
    EXPECT_EQ(hd.passes[1].every_frames, 15);
    EXPECT_EQ(hd.longest_interval, 15);
    EXPECT_EQ(hd.passes[1].every_frames % hd.passes[0].every_frames, 0)
        << "a fine pass always has a coarse pass beside it";

    const DetectionPlan portrait = plan_detection(1080, 1920);
    EXPECT_EQ(portrait.passes[0].width, 288);
    EXPECT_EQ(portrait.passes[0].height, 512);

    const DetectionPlan uhd = plan_detection(3840, 2160);
    EXPECT_EQ(uhd.passes[1].width, 1920);

    const DetectionPlan small = plan_detection(320, 240);  // at most 2x up
    EXPECT_EQ(small.passes[0].width, 512);
    EXPECT_EQ(small.passes[1].width, 640);
    EXPECT_TRUE(plan_detection(0, 100).passes.empty());
    for (const auto& pass : hd.passes)
        EXPECT_TRUE(pass.runs_on(0));
}

// Every pixel lies in a tile, every face up to `overlap` lies whole in one, and each tile keeps
// under the limit whenever it can.
void expect_covering(const Tiles& tiles, int cols, int rows, int max_pixels, int overlap) {
    ASSERT_FALSE(tiles.xs.empty());
    ASSERT_FALSE(tiles.ys.empty());
    for (const auto& [starts, size, length] :
         {std::tuple{tiles.xs, tiles.width, cols}, std::tuple{tiles.ys, tiles.height, rows}}) {
        EXPECT_EQ(starts.front(), 0);
        EXPECT_EQ(starts.back() + size, length) << "flush with the end";
        if (starts.size() > 1) {
            EXPECT_EQ(size % 32, 0);
        }
        for (std::size_t i = 1; i < starts.size(); ++i) {
            EXPECT_GT(starts[i], starts[i - 1]);
            EXPECT_GE(starts[i - 1] + size - starts[i], overlap)
                << cols << "x" << rows << " tile " << i;
        }
    }
    if (tiles.count() > 1) {
        EXPECT_LE(static_cast<std::int64_t>(tiles.width) * tiles.height, max_pixels)
            << cols << "x" << rows;
    }
}

TEST(Tiles, CoverTheImageWithinTheLimitAndOverlap) {
    for (const int max_pixels : {300'000, 600'000, 1'200'000})
        for (const auto& [cols, rows] : std::vector<std::pair<int, int>>{{1280, 720},
                                                                         {2048, 1536},
                                                                         {2000, 1500},
                                                                         {640, 360},
                                                                         {1920, 1080},
                                                                         {300, 5000},
                                                                         {5000, 300},
                                                                         {1080, 1920}}) {
            SCOPED_TRACE(max_pixels);
            expect_covering(plan_tiles(cols, rows, max_pixels, 96), cols, rows, max_pixels, 96);
        }
    EXPECT_EQ(plan_tiles(640, 360, 600'000, 96).count(), 1u);
    // Full-width strips when asked for one column (the video's fine pass).
    const Tiles strips = plan_tiles(1280, 720, 600'000, 96, 1);
    EXPECT_EQ(strips.xs.size(), 1u);
    EXPECT_EQ(strips.width, 1280);
    EXPECT_EQ(strips.ys.size(), 2u);
    expect_covering(strips, 1280, 720, 600'000, 96);
    // The video's fine pass of a 1080p frame: 2x2 tiles, fewer pixels than 3 full-width strips.
    const Tiles fine = plan_tiles(1280, 720, 300'000, 96);
    EXPECT_EQ(fine.count(), 4u);
    EXPECT_LT(static_cast<std::int64_t>(fine.count()) * fine.width * fine.height, 3LL * 1280 * 320);
}

}  // namespace
}  // namespace sightline::faces
