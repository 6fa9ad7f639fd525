// What scrub_video writes: an MP4 with H.264 yuv420p video and AAC audio, its index first, the
// input's frames and timestamps, nothing that names the encoders; progress, cancellation, and
// no file left behind when it fails.

#include <atomic>
#include <fstream>

#include <gtest/gtest.h>

#include "clip_tools.hpp"
#include "support/temp_dir.hpp"
#include "video/video_scrubber.hpp"

namespace sightline::testing {
namespace {

namespace fs = std::filesystem;

class ScrubVideo : public ::testing::Test {
  protected:
    fs::path at(std::string_view name) const { return m_tmp.path() / name; }

    // testsrc2 (a busy moving pattern) with a tone, as a phone would write it.
    fs::path make_clip(std::string_view name, std::vector<std::string> extra = {}) const {
        auto out = at(name);
        std::vector<std::string> args = {
            "-f",       "lavfi",   "-i",      "testsrc2=size=320x180:rate=25:duration=2",
            "-f",       "lavfi",   "-i",      "sine=frequency=440:sample_rate=44100:duration=2",
            "-c:v",     "libx264", "-preset", "ultrafast",
            "-pix_fmt", "yuv420p", "-c:a",    "aac"};
        args.insert(args.end(), extra.begin(), extra.end());
        args.push_back(out.string());
        ffmpeg(std::move(args));
        return out;
    }

    static video::VideoScrubOptions fast() {
        video::VideoScrubOptions options;
        options.preset = "ultrafast";
        return options;
    }

  private:
    TempDir m_tmp{"sightline-video"};
};

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

TEST_F(ScrubVideo, WritesH264AndAacInAnMp4WithItsIndexFirst) {
    const auto input = make_clip("in.mp4");
    const auto output = at("out.mp4");
    auto report = video::scrub_video(input, output, detector());  // veryfast, CRF 23
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(report->width, 320);
    EXPECT_EQ(report->height, 180);
    EXPECT_EQ(report->frames, 50);
    EXPECT_NEAR(report->duration_s, 2.0, 0.05);
    EXPECT_TRUE(report->audio_kept);
    EXPECT_FALSE(fs::exists(at("out.mp4.partial")));

    const auto info = probe(output);
    EXPECT_EQ(info["format"]["format_name"], "mov,mp4,m4a,3gp,3g2,mj2");
    ASSERT_EQ(info["streams"].size(), 2u) << info.dump(1);
    const auto& v = info["streams"][0];
    EXPECT_EQ(v["codec_name"], "h264");
    EXPECT_EQ(v["profile"], "High");
    EXPECT_EQ(v["pix_fmt"], "yuv420p");
    EXPECT_EQ(v["nb_frames"], "50");
    const auto& a = info["streams"][1];
    EXPECT_EQ(a["codec_name"], "aac");
    EXPECT_EQ(a["sample_rate"], "44100");
    EXPECT_EQ(a["channels"], 1);
    EXPECT_NEAR(std::stod(a["duration"].get<std::string>()), 2.0, 0.1);

    const auto boxes = top_level_boxes(output);
    const auto moov = std::ranges::find(boxes, "moov");
    const auto mdat = std::ranges::find(boxes, "mdat");
    ASSERT_NE(moov, boxes.end());
    ASSERT_NE(mdat, boxes.end());
    EXPECT_LT(moov, mdat) << "+faststart: the index comes before the media";
}

TEST_F(ScrubVideo, NamesNoEncoderOrLibraryVersion) {
    const auto input = make_clip("in.mp4");
    const auto output = at("out.mp4");
    ASSERT_TRUE(video::scrub_video(input, output, detector(), fast()));
    EXPECT_NE(slurp(input).find("x264 - core"), std::string::npos) << "the input names x264";
    const auto bytes = slurp(output);
    for (std::string_view word : {"x264", "Lavf", "Lavc", "libx264", "FFmpeg", "ffmpeg"})
        EXPECT_EQ(bytes.find(word), std::string::npos) << word;
    const auto info = probe(output);
    EXPECT_FALSE(info["format"].contains("tags") && info["format"]["tags"].contains("encoder"))
        << info["format"].dump(1);
}

}  // namespace
}  // namespace sightline::testing
