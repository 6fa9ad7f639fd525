// Every face in every frame is blurred: clips rendered from the labelled photos of
// ../shared/data/faces (so each face's box in each frame is known), encoded with the ffmpeg
// binary, scrubbed, decoded again and judged face by face with the photo tests' criterion.

#include <cmath>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "clip_tools.hpp"
#include "support/temp_dir.hpp"
#include "video/video_scrubber.hpp"

namespace sightline::testing {
namespace {

namespace fs = std::filesystem;

// The photos in faces_gt.csv order.
enum Photo { group_of_seven = 0, group_of_six = 1, two_close = 2, three_mid = 3 };

class RealDataFaces : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto csv = faces_dir() / "faces_gt.csv";
        if (!fs::exists(csv)) {
            if (in_ci()) FAIL() << csv << " is missing on CI";
            GTEST_SKIP() << csv << " is not here (set up ../shared/data to run this test)";
        }
        ASSERT_EQ(labelled_photos().size(), 4u);
    }

    const LabelledPhoto* photo(Photo which) const {
        return &labelled_photos()[static_cast<std::size_t>(which)];
    }

    fs::path at(std::string_view name) const { return m_tmp.path() / name; }

    // A clip as a phone would store it: H.264 at good quality, so the input frames the output is
    // compared with have all their detail.
    fs::path encode(const Clip& clip, std::string_view name) const {
        auto file = at(name);
        encode_frames(
            clip.frames, 25,
            {"-c:v", "libx264", "-preset", "veryfast", "-crf", "14", "-pix_fmt", "yuv420p"}, file);
        return file;
    }

    struct Scrubbed {
        std::vector<cv::Mat> input;   // decoded input, as a player shows it
        std::vector<cv::Mat> output;  // decoded output
        video::VideoScrubReport report;
    };

    Scrubbed scrub(const fs::path& input) const {
        Scrubbed out;
        const auto output = at("scrubbed.mp4");
        auto report = video::scrub_video(input, output, detector());
        EXPECT_TRUE(report) << report.error().message;
        if (!report) return out;
        out.report = *report;
        out.input = decode_frames(input);
        out.output = decode_frames(output);
        return out;
    }

    // Every labelled face of every frame is blurred, the frames are all there, and the picture
    // away from the faces is the input's (same orientation, same frame order).
    static void expect_all_faces_blurred(const Clip& clip, const Scrubbed& s) {
        ASSERT_EQ(s.input.size(), clip.frames.size());
        ASSERT_EQ(s.output.size(), clip.frames.size()) << "frame count preserved";
        EXPECT_EQ(s.report.frames, static_cast<std::int64_t>(clip.frames.size()));
        const BlurVerdict verdict = judge_blur(s.input, s.output, clip.faces);
        EXPECT_GT(verdict.faces_judged, 0);
        EXPECT_EQ(verdict.faces_blurred, verdict.faces_judged)
            << verdict.faces_judged - verdict.faces_blurred << " of " << verdict.faces_judged
            << " faces not blurred:\n"
            << ::testing::PrintToString(verdict.misses);
        double worst = 0;
        for (std::size_t i = 0; i < clip.frames.size(); ++i) {
            ASSERT_EQ(s.output[i].size(), s.input[i].size()) << "frame " << i;
            const double d = difference_away_from_faces(s.input[i], s.output[i], clip.faces[i]);
            worst = std::max(worst, d);
        }
        EXPECT_LT(worst, 6.0) << "the picture away from the faces changed";
        RecordProperty("faces_judged", verdict.faces_judged);
    }

  private:
    TempDir m_tmp{"sightline-video-faces"};
};

const cv::Size landscape(640, 360);

TEST_F(RealDataFaces, StillFacesAreBlurredInEveryFrame) {
    Clip clip;
    for (int i = 0; i < 40; ++i)
        clip.add(render(landscape, {{photo(group_of_seven), 0.96, {80, 0}}}));
    const auto s = scrub(encode(clip, "still.mp4"));
    expect_all_faces_blurred(clip, s);
    EXPECT_EQ(s.report.frames_with_faces, 40);
}

TEST_F(RealDataFaces, FacesInAPanAreBlurredInEveryFrame) {
    Clip clip;
    for (int i = 0; i < 60; ++i) {
        const double x = -6.0 * i;  // the camera pans right over two photos side by side
        clip.add(render(landscape, {{photo(group_of_seven), 1.0, {x, -8}},
                                    {photo(group_of_six), 1.0, {x + 500, -8}}}));
    }
    expect_all_faces_blurred(clip, scrub(encode(clip, "pan.mp4")));
}

TEST_F(RealDataFaces, FacesInAZoomAreBlurredInEveryFrame) {
    Clip clip;
    for (int i = 0; i < 50; ++i) {
        const double scale = 0.45 + 0.6 * i / 49.0;  // faces from ~28 to ~95 pixels
        clip.add(render(
            landscape,
            {{photo(three_mid), scale, {(640 - 500 * scale) / 2, (360 - 375 * scale) / 2}}}));
    }
    expect_all_faces_blurred(clip, scrub(encode(clip, "zoom.mp4")));
}

TEST_F(RealDataFaces, AFaceEnteringAndLeavingIsBlurredInEveryFrame) {
    Clip clip;
    for (int i = 0; i < 75; ++i)  // from beyond the left edge to beyond the right, 12 px a frame
        clip.add(render(landscape, {{photo(two_close), 0.7, {-252.0 + 12 * i, 12}}}));
    const auto s = scrub(encode(clip, "enter_leave.mp4"));
    expect_all_faces_blurred(clip, s);
    EXPECT_LT(s.report.frames_with_faces, 75) << "no face while the photo is off screen";
}

// A phone carried while walking: the picture shakes and changes direction every few frames, so
// boxes interpolated in a straight line between two detections would miss; the detection cadence
// and the tracker's padding must cover it. Up to ~25 px a frame at 640 wide.
TEST_F(RealDataFaces, FacesInAShakyHandheldClipAreBlurredInEveryFrame) {
    Clip clip;
    for (int i = 0; i < 60; ++i) {
        const double t = i;
        const double x = 30 * std::sin(t / 3.1) + 18 * std::sin(t / 1.7) - 2.0 * i;
        const double y = 16 * std::sin(t / 2.3) + 8 * std::sin(t / 1.1);
        clip.add(render(landscape, {{photo(group_of_six), 0.75, {30 + x, 20 + y}},
                                    {photo(two_close), 0.55, {420 + x, 50 + y}}}));
    }
    expect_all_faces_blurred(clip, scrub(encode(clip, "shaky.mp4")));
}

// Far faces in a 720p frame are too small for the coarse pass (18 px at 640 wide): only the fine
// pass every 8th frame sees them, the tracker covers the frames between.
TEST_F(RealDataFaces, SmallFacesInA720pClipAreBlurredInEveryFrame) {
    Clip clip;
    for (int i = 0; i < 40; ++i)
        clip.add(render({1280, 720}, {{photo(group_of_six), 1.0, {100.0 + 2 * i, 40}},
                                      {photo(group_of_seven), 1.0, {700.0 - 2 * i, 320}}}));
    expect_all_faces_blurred(clip, scrub(encode(clip, "small_720p.mp4")));
}

// A phone held upright records landscape pixels and a display matrix saying "turn by 90
// degrees". The output is portrait pixels with no matrix.
TEST_F(RealDataFaces, APortraitPhoneClipIsTurnedUprightAndBlurred) {
    Clip portrait;
    Clip stored;  // what the phone's encoder got: the portrait picture turned right
    for (int i = 0; i < 40; ++i) {
        RenderedFrame frame = render({360, 640}, {{photo(two_close), 0.9, {18, 60.0 + 2 * i}}});
        cv::Mat sideways;
        cv::rotate(frame.image, sideways, cv::ROTATE_90_CLOCKWISE);
        stored.frames.push_back(sideways);
        portrait.add(std::move(frame));
    }
    const auto sideways = encode(stored, "sideways.mp4");
    const auto input = at("phone.mp4");
    ffmpeg({"-i", sideways.string(), "-c", "copy", "-metadata:s:v:0", "rotate=90", input.string()});
    const auto input_info = probe(input);
    ASSERT_EQ(input_info["streams"][0]["width"], 640) << "stored sideways";
    ASSERT_TRUE(input_info["streams"][0].contains("side_data_list")) << input_info.dump(1);

    const auto s = scrub(input);
    ASSERT_FALSE(s.input.empty());
    ASSERT_EQ(s.input[0].size(), cv::Size(360, 640)) << "players show it upright";
    EXPECT_LT(difference_away_from_faces(s.input[0], portrait.frames[0], portrait.faces[0]), 6.0)
        << "the test's clip is what it means to be";
    EXPECT_EQ(s.report.width, 360);
    EXPECT_EQ(s.report.height, 640);
    const auto output_info = probe(at("scrubbed.mp4"));
    EXPECT_EQ(output_info["streams"][0]["width"], 360);
    EXPECT_EQ(output_info["streams"][0]["height"], 640);
    EXPECT_FALSE(output_info["streams"][0].contains("side_data_list"))
        << "no display matrix: the pixels are upright";
    EXPECT_NE(std::ranges::find(s.report.removed, "rotation (applied to the pixels)"),
              s.report.removed.end());
    expect_all_faces_blurred(portrait, s);
}

}  // namespace
}  // namespace sightline::testing
