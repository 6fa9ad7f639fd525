// What goes in varies, what comes out does not: every codec on the list, 10-bit, 4:2:2 and
// full-range pictures, any rotation, streams that change size, variable frame rates, any audio
// layout all come out as H.264 yuv420p (+ AAC mono or stereo) looking like the input did.

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "clip_tools.hpp"
#include "support/temp_dir.hpp"
#include "video/video_scrubber.hpp"

namespace sightline::testing {
namespace {

namespace fs = std::filesystem;

class Formats : public ::testing::Test {
  protected:
    fs::path at(std::string_view name) const { return m_tmp.path() / name; }

    // testsrc2 (busy, moving, coloured) through the given encoder settings.
    fs::path make_clip(std::string_view name, std::vector<std::string> output_args,
                       std::string_view size = "320x180", std::string_view seconds = "1") const {
        auto out = at(name);
        std::vector<std::string> args = {
            "-f", "lavfi", "-i",
            "testsrc2=size=" + std::string(size) + ":rate=25:duration=" + std::string(seconds)};
        args.insert(args.end(), output_args.begin(), output_args.end());
        args.push_back(out.string());
        ffmpeg(std::move(args));
        return out;
    }

    video::VideoScrubReport scrub(const fs::path& input,
                                  video::VideoScrubOptions options = fast()) const {
        auto report = video::scrub_video(input, at("out.mp4"), detector(), options);
        EXPECT_TRUE(report) << input.filename() << ": " << report.error().message;
        return report ? *report : video::VideoScrubReport{};
    }

    // The output shows what the input showed (ffmpeg's own decoding, rotation applied): same
    // frame count and size, and a small mean difference per frame.
    void expect_same_picture(const fs::path& input) const {
        const auto before = decode_frames(input);
        const auto after = decode_frames(at("out.mp4"));
        ASSERT_EQ(after.size(), before.size());
        ASSERT_FALSE(before.empty());
        for (std::size_t i = 0; i < before.size(); ++i) {
            ASSERT_EQ(after[i].size(), before[i].size()) << "frame " << i;
            EXPECT_LT(difference_away_from_faces(before[i], after[i], {}), 6.0)
                << input.filename() << " frame " << i;
        }
    }

    static video::VideoScrubOptions fast() {
        video::VideoScrubOptions options;
        options.preset = "ultrafast";
        return options;
    }

  private:
    TempDir m_tmp{"sightline-video-formats"};
};

TEST_F(Formats, EveryListedCodecIsReadAndWrittenAsH264) {
    const std::vector<std::pair<std::string, std::vector<std::string>>> inputs = {
        {"h264.mp4", {"-c:v", "libx264", "-preset", "ultrafast"}},
        {"hevc.mp4", {"-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=0"}},
        {"vp8.webm", {"-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8"}},
        {"vp9.webm", {"-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8"}},
        {"av1.mkv", {"-c:v", "libaom-av1", "-cpu-used", "8", "-usage", "realtime"}},
        {"mpeg4.mp4", {"-c:v", "mpeg4", "-q:v", "2"}},
    };
    for (const auto& [name, args] : inputs) {
        SCOPED_TRACE(name);
        const auto input = make_clip(name, args, "160x90");
        const auto report = scrub(input);
        EXPECT_EQ(report.frames, 25);
        const auto info = probe(at("out.mp4"));
        EXPECT_EQ(info["streams"][0]["codec_name"], "h264");
        EXPECT_EQ(info["streams"][0]["pix_fmt"], "yuv420p");
        expect_same_picture(input);
    }
}

TEST_F(Formats, TenBitFourTwoTwoAndFullRangePicturesBecomeYuv420p) {
    for (auto [name, pix_fmt] :
         {std::pair{"10bit.mkv", "yuv420p10le"}, std::pair{"422.mkv", "yuv422p"},
          std::pair{"444_10bit.mkv", "yuv444p10le"}, std::pair{"fullrange.mp4", "yuvj420p"}}) {
        SCOPED_TRACE(name);
        const auto input =
            make_clip(name, {"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", pix_fmt});
        scrub(input);
        const auto info = probe(at("out.mp4"));
        EXPECT_EQ(info["streams"][0]["pix_fmt"], "yuv420p");
        EXPECT_NE(info["streams"][0].value("color_range", "tv"), "pc");
        expect_same_picture(input);  // a range mistake shows as washed-out or crushed colours
    }
}

TEST_F(Formats, EveryDisplayRotationIsAppliedAsFfmpegDoes) {
    const auto plain = make_clip("plain.mp4", {"-c:v", "libx264", "-preset", "ultrafast"});
    for (int degrees : {90, 180, 270}) {
        SCOPED_TRACE(degrees);
        const auto rotated = at("rotated" + std::to_string(degrees) + ".mp4");
        ffmpeg({"-i", plain.string(), "-c", "copy", "-metadata:s:v:0",
                "rotate=" + std::to_string(degrees), rotated.string()});
        const auto report = scrub(rotated);
        EXPECT_EQ(report.width, degrees == 180 ? 320 : 180);
        EXPECT_EQ(report.height, degrees == 180 ? 180 : 320);
        expect_same_picture(rotated);
    }
}

TEST_F(Formats, AStreamThatChangesSizeKeepsItsFirstSize) {
    const auto first = make_clip(
        "first.h264",
        {"-c:v", "libx264", "-preset", "ultrafast", "-bsf:v", "h264_mp4toannexb", "-f", "h264"},
        "320x180");
    const auto second = make_clip(
        "second.h264",
        {"-c:v", "libx264", "-preset", "ultrafast", "-bsf:v", "h264_mp4toannexb", "-f", "h264"},
        "480x270");
    {
        std::ofstream both(at("both.h264"), std::ios::binary);
        for (const auto& part : {first, second}) {
            std::ifstream in(part, std::ios::binary);
            both << in.rdbuf();
        }
    }
    const auto input = at("changing.mkv");
    ffmpeg(
        {"-r", "25", "-f", "h264", "-i", at("both.h264").string(), "-c", "copy", input.string()});
    const auto report = scrub(input);
    EXPECT_EQ(report.frames, 50);
    EXPECT_EQ(report.width, 320);
    EXPECT_EQ(report.height, 180);
    const auto after = decode_frames(at("out.mp4"));
    ASSERT_EQ(after.size(), 50u);
    EXPECT_EQ(after.back().size(), cv::Size(320, 180));
}

TEST_F(Formats, VariableFrameTimestampsAreKept) {
    // 10 frames 40 ms apart, then 10 frames 120 ms apart.
    const auto input =
        make_clip("vfr.mkv",
                  {"-vf", "setpts='if(lt(N,10),N*0.04,0.4+(N-10)*0.12)/TB'", "-fps_mode",
                   "passthrough", "-frames:v", "20", "-c:v", "libx264", "-preset", "ultrafast"},
                  "320x180", "1");
    scrub(input);
    auto times = [](const fs::path& file) {
        auto run = run_program("/usr/bin/ffprobe",
                               {"-v", "error", "-select_streams", "v:0", "-show_entries",
                                "frame=pts_time", "-of", "csv=p=0", file.string()});
        std::vector<double> out;
        std::istringstream lines(run.out);
        for (std::string line; std::getline(lines, line);)
            if (!line.empty()) out.push_back(std::stod(line));
        return out;
    };
    const auto before = times(input);
    const auto after = times(at("out.mp4"));
    ASSERT_EQ(before.size(), 20u);
    ASSERT_EQ(after.size(), before.size());
    for (std::size_t i = 0; i < before.size(); ++i)
        EXPECT_NEAR(after[i] - after[0], before[i] - before[0], 0.002) << "frame " << i;
}

TEST_F(Formats, AudioBecomesAacMonoOrStereo) {
    for (auto [layout, channels] :
         {std::pair{"mono", 1}, std::pair{"stereo", 2}, std::pair{"5.1", 2}}) {
        SCOPED_TRACE(layout);
        const auto input = at(std::string("audio_") + layout + ".mkv");
        ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=1", "-f", "lavfi", "-i",
                "sine=frequency=440:sample_rate=32000:duration=1", "-ac",
                layout == std::string("mono") ? "1" : (layout == std::string("stereo") ? "2" : "6"),
                "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "flac", input.string()});
        const auto report = scrub(input);
        EXPECT_TRUE(report.audio_kept);
        const auto info = probe(at("out.mp4"));
        ASSERT_EQ(info["streams"].size(), 2u);
        EXPECT_EQ(info["streams"][1]["codec_name"], "aac");
        EXPECT_EQ(info["streams"][1]["channels"], channels);
        EXPECT_EQ(info["streams"][1]["sample_rate"], "32000");
        EXPECT_NEAR(std::stod(info["streams"][1]["duration"].get<std::string>()), 1.0, 0.1);
    }
}

TEST_F(Formats, AudioCanBeDropped) {
    const auto input = at("talk.mp4");
    ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=1", "-f", "lavfi", "-i",
            "sine=frequency=440:duration=1", "-c:v", "libx264", "-preset", "ultrafast", "-c:a",
            "aac", input.string()});
    auto options = fast();
    options.audio = video::AudioMode::drop;
    const auto report = scrub(input, options);
    EXPECT_FALSE(report.audio_kept);
    EXPECT_NE(std::ranges::find(report.removed, "audio"), report.removed.end());
    const auto info = probe(at("out.mp4"));
    ASSERT_EQ(info["streams"].size(), 1u);
    EXPECT_EQ(info["streams"][0]["codec_type"], "video");
}

TEST_F(Formats, ProgressCountsTheFramesUpToTheEnd) {
    const auto input =
        make_clip("clip.mp4", {"-c:v", "libx264", "-preset", "ultrafast"}, "320x180", "2");
    std::vector<video::VideoProgress> calls;
    auto report = video::scrub_video(input, at("out.mp4"), detector(), fast(),
                                     [&](const video::VideoProgress& p) { calls.push_back(p); });
    ASSERT_TRUE(report) << report.error().message;
    ASSERT_FALSE(calls.empty());
    for (std::size_t i = 1; i < calls.size(); ++i) {
        EXPECT_GE(calls[i].frames_done, calls[i - 1].frames_done);
        EXPECT_GE(calls[i].fraction, calls[i - 1].fraction);
    }
    EXPECT_EQ(calls.back().frames_done, 50);
    EXPECT_EQ(calls.back().frames_expected, 50);
    EXPECT_EQ(calls.back().fraction, 1.0);
    EXPECT_LT(calls.size(), 50u) << "throttled, not once per frame";
}

}  // namespace
}  // namespace sightline::testing
