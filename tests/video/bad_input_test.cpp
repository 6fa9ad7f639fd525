// Bad input ends in a clear error of the documented kind and leaves nothing behind: no output,
// no ".partial". Headers that lie are caught while decoding.

#include <bit>
#include <cstring>
#include <fstream>

#include <gtest/gtest.h>

#include "clip_tools.hpp"
#include "support/temp_dir.hpp"
#include "video/video_scrubber.hpp"

namespace sightline::testing {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

void spit(const fs::path& path, std::string_view bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

// A minimal Matroska writer: enough for headers that claim what a test needs.
namespace ebml {
std::string id(std::uint32_t value) {
    std::string out;
    for (int shift = 24; shift >= 0; shift -= 8)
        if (value >> shift || !out.empty()) out.push_back(static_cast<char>(value >> shift & 0xFF));
    return out;
}
std::string element(std::uint32_t element_id, std::string_view payload) {
    std::string out = id(element_id);
    out.push_back('\x01');  // 8-byte size
    for (int shift = 48; shift >= 0; shift -= 8)
        out.push_back(static_cast<char>(payload.size() >> shift & 0xFF));
    return out + std::string(payload);
}
std::string uint(std::uint32_t element_id, std::uint64_t value) {
    std::string bytes;
    for (int shift = 56; shift >= 0; shift -= 8)
        bytes.push_back(static_cast<char>(value >> shift & 0xFF));
    return element(element_id, bytes);
}
std::string real(std::uint32_t element_id, double value) {
    const auto bits = std::bit_cast<std::uint64_t>(value);
    std::string bytes;
    for (int shift = 56; shift >= 0; shift -= 8)
        bytes.push_back(static_cast<char>(bits >> shift & 0xFF));
    return element(element_id, bytes);
}
// One VP8 track of the given size and a cluster with a (meaningless) frame.
std::string matroska(std::uint64_t width, std::uint64_t height, double duration_ms) {
    const std::string header =
        element(0x1A45DFA3, uint(0x4286, 1) + uint(0x42F7, 1) + uint(0x42F2, 4) + uint(0x42F3, 8) +
                                element(0x4282, "matroska") + uint(0x4287, 4) + uint(0x4285, 2));
    const std::string info =
        element(0x1549A966, uint(0x2AD7B1, 1'000'000) + real(0x4489, duration_ms));
    const std::string video = element(0xE0, uint(0xB0, width) + uint(0xBA, height));
    const std::string track = element(
        0xAE, uint(0xD7, 1) + uint(0x73C5, 1) + uint(0x83, 1) + element(0x86, "V_VP8") + video);
    const std::string cluster =
        element(0x1F43B675, uint(0xE7, 0) + element(0xA3, std::string("\x81\x00\x00\x80", 4) +
                                                              std::string(64, '\x55')));
    return header + element(0x18538067, info + element(0x1654AE6B, track) + cluster);
}
}  // namespace ebml

class BadInput : public ::testing::Test {
  protected:
    fs::path at(std::string_view name) const { return m_tmp.path() / name; }

    fs::path make_clip(std::string_view name, std::vector<std::string> output_args,
                       std::string_view source = "testsrc2=size=320x180:rate=25:duration=2") const {
        auto out = at(name);
        std::vector<std::string> args = {"-f", "lavfi", "-i", std::string(source)};
        args.insert(args.end(), output_args.begin(), output_args.end());
        args.push_back(out.string());
        ffmpeg(std::move(args));
        return out;
    }

    // Scrubs into out.mp4 and expects `code` with `message` in its text, and no file left.
    void expect_refused(const fs::path& input, Errc code, std::string_view message,
                        video::VideoScrubOptions options = fast()) const {
        const auto output = at("out.mp4");
        auto report = video::scrub_video(input, output, detector(), options);
        ASSERT_FALSE(report) << input.filename() << " was accepted";
        EXPECT_EQ(report.error().code, code)
            << input.filename() << ": " << errc_name(report.error().code) << ": "
            << report.error().message;
        EXPECT_NE(report.error().message.find(message), std::string::npos)
            << input.filename() << ": " << report.error().message;
        EXPECT_EQ(report.error().message.find(m_tmp.path().string()), std::string::npos)
            << "no paths in messages";
        EXPECT_FALSE(fs::exists(output));
        EXPECT_FALSE(fs::exists(at("out.mp4.partial")));
    }

    static video::VideoScrubOptions fast() {
        video::VideoScrubOptions options;
        options.preset = "ultrafast";
        return options;
    }

  private:
    TempDir m_tmp{"sightline-video-bad"};
};

constexpr std::string_view not_a_video = "not a video this tool can read";
constexpr std::string_view corrupt = "truncated or corrupt";

TEST_F(BadInput, AnEmptyFileIsRefused) {
    spit(at("empty.mp4"), "");
    expect_refused(at("empty.mp4"), Errc::unsupported_media_type, "empty");
}

TEST_F(BadInput, TextOrAPhotoIsNotAVideo) {
    spit(at("notes.mp4"), "just some text, not a video at all\n");
    expect_refused(at("notes.mp4"), Errc::unsupported_media_type, not_a_video);
    fs::copy_file(fs::path(SIGHTLINE_FIXTURES) / "photos/gps.jpg", at("photo.mp4"));
    expect_refused(at("photo.mp4"), Errc::unsupported_media_type, not_a_video);
    fs::copy_file(fs::path(SIGHTLINE_FIXTURES) / "photos/gps.heic", at("photo.mov"));
    expect_refused(at("photo.mov"), Errc::unsupported_media_type, not_a_video);
}

TEST_F(BadInput, ATruncatedFileIsCorrupt) {
    // The usual MP4: the index (moov) is written last, and is gone.
    const auto whole = make_clip("whole.mp4", {"-c:v", "libx264", "-preset", "ultrafast"});
    const auto bytes = slurp(whole);
    spit(at("cut.mp4"), bytes.substr(0, bytes.size() / 2));
    expect_refused(at("cut.mp4"), Errc::unprocessable, corrupt);
    // +faststart: the index is there, the media it points to is not.
    const auto fast_start = make_clip(
        "faststart.mp4", {"-c:v", "libx264", "-preset", "ultrafast", "-movflags", "+faststart"});
    const auto fast_bytes = slurp(fast_start);
    spit(at("cut_faststart.mp4"), fast_bytes.substr(0, fast_bytes.size() / 2));
    expect_refused(at("cut_faststart.mp4"), Errc::unprocessable, corrupt);
    // A Matroska file cut in the middle of its clusters.
    const auto mkv = slurp(make_clip("half.mkv", {"-c:v", "libx264", "-preset", "ultrafast"}));
    spit(at("cut.mkv"), mkv.substr(0, mkv.size() / 2));
    expect_refused(at("cut.mkv"), Errc::unprocessable, corrupt);
    // Only the first bytes.
    spit(at("head.mkv"),
         slurp(make_clip("whole.mkv", {"-c:v", "libx264", "-preset", "ultrafast"})).substr(0, 100));
    expect_refused(at("head.mkv"), Errc::unprocessable, corrupt);
}

TEST_F(BadInput, AHeaderClaiming100000x100000IsTooLarge) {
    spit(at("huge.mkv"), ebml::matroska(100000, 100000, 2000));
    expect_refused(at("huge.mkv"), Errc::too_large, "larger than 3840x2160");
}

TEST_F(BadInput, AHeaderClaimingTenHoursIsTooLong) {
    spit(at("long.mkv"), ebml::matroska(320, 180, 10 * 3600 * 1000.0));
    expect_refused(at("long.mkv"), Errc::too_large, "longer than 30 minutes");

    // An MP4 whose movie header says ten hours.
    auto bytes = slurp(make_clip("clip.mp4", {"-c:v", "libx264", "-preset", "ultrafast"}));
    const auto mvhd = bytes.find("mvhd");
    ASSERT_NE(mvhd, std::string::npos);
    ASSERT_EQ(bytes[mvhd + 4], 0) << "version 0: 32-bit times";
    const auto scale =
        static_cast<std::uint32_t>((static_cast<unsigned char>(bytes[mvhd + 16]) << 24) |
                                   (static_cast<unsigned char>(bytes[mvhd + 17]) << 16) |
                                   (static_cast<unsigned char>(bytes[mvhd + 18]) << 8) |
                                   static_cast<unsigned char>(bytes[mvhd + 19]));
    const std::uint32_t ten_hours = scale * 36000u;
    for (int i = 0; i < 4; ++i)
        bytes[mvhd + 20 + static_cast<std::size_t>(i)] =
            static_cast<char>(ten_hours >> (24 - 8 * i) & 0xFF);
    spit(at("long.mp4"), bytes);
    expect_refused(at("long.mp4"), Errc::too_large, "longer than 30 minutes");
}

TEST_F(BadInput, AStreamLongerThanItsHeaderSaysIsStoppedWhileDecoding) {
    // Matroska's Duration is an 8-byte float: the clip says 0.5 s and runs 2 s.
    auto bytes = slurp(make_clip("clip.mkv", {"-c:v", "libx264", "-preset", "ultrafast"}));
    const auto duration = bytes.find("\x44\x89\x88");
    ASSERT_NE(duration, std::string::npos);
    const auto half_second = std::bit_cast<std::uint64_t>(500.0);
    for (int i = 0; i < 8; ++i)
        bytes[duration + 3 + static_cast<std::size_t>(i)] =
            static_cast<char>(half_second >> (56 - 8 * i) & 0xFF);
    spit(at("liar.mkv"), bytes);
    auto options = fast();
    options.limits.max_duration_s = 1.0;
    expect_refused(at("liar.mkv"), Errc::too_large, "longer than 1 second", options);
}

TEST_F(BadInput, FramesLargerThanTheHeaderSaidAreStoppedWhileDecoding) {
    // Two H.264 streams back to back: 160x90, then 640x360; the header has the first size.
    const auto small = make_clip(
        "small.h264",
        {"-c:v", "libx264", "-preset", "ultrafast", "-bsf:v", "h264_mp4toannexb", "-f", "h264"},
        "testsrc2=size=160x90:rate=25:duration=1");
    const auto large = make_clip(
        "large.h264",
        {"-c:v", "libx264", "-preset", "ultrafast", "-bsf:v", "h264_mp4toannexb", "-f", "h264"},
        "testsrc2=size=640x360:rate=25:duration=1");
    spit(at("both.h264"), slurp(small) + slurp(large));
    const auto input = at("growing.mkv");
    ffmpeg(
        {"-r", "25", "-f", "h264", "-i", at("both.h264").string(), "-c", "copy", input.string()});
    auto options = fast();
    options.limits.max_pixels = 320 * 180;
    expect_refused(input, Errc::too_large, "megapixels", options);
}

TEST_F(BadInput, CodecsOutsideTheListAreRefused) {
    for (auto codec : {"ffv1", "rawvideo"}) {
        const auto input = make_clip(std::string(codec) + ".mkv", {"-c:v", codec},
                                     "testsrc2=size=160x90:rate=25:duration=1");
        expect_refused(input, Errc::unsupported_media_type, "cannot decode");
    }
}

TEST_F(BadInput, AudioWithoutPicturesIsRefused) {
    const auto input = at("voice.m4a");
    ffmpeg({"-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac", input.string()});
    expect_refused(input, Errc::unsupported_media_type, "no video stream");
}

TEST_F(BadInput, FilesOverTheSizeLimitAreNotOpened) {
    const auto input = make_clip("clip.mp4", {"-c:v", "libx264", "-preset", "ultrafast"});
    auto options = fast();
    options.limits.max_bytes = 1024;
    expect_refused(input, Errc::too_large, "larger than", options);
}

TEST_F(BadInput, AFolderThatCannotBeWrittenLeavesNothing) {
    const auto input = make_clip("clip.mp4", {"-c:v", "libx264", "-preset", "ultrafast"});
    const auto output = at("missing-folder") / "out.mp4";
    auto report = video::scrub_video(input, output, detector(), fast());
    ASSERT_FALSE(report);
    EXPECT_EQ(report.error().code, Errc::invalid_argument) << report.error().message;
    EXPECT_FALSE(fs::exists(at("missing-folder")));
}

TEST_F(BadInput, ACancelledScrubLeavesNothing) {
    const auto input = make_clip("clip.mp4", {"-c:v", "libx264", "-preset", "ultrafast"});
    std::atomic<bool> cancel{false};
    int calls = 0;
    // Cancelled from the progress callback: midway, with a partial file written.
    auto report = video::scrub_video(
        input, at("out.mp4"), detector(), fast(),
        [&](const video::VideoProgress&) {
            if (++calls == 1) cancel = true;
        },
        &cancel);
    ASSERT_FALSE(report);
    EXPECT_EQ(report.error().code, Errc::unavailable);
    EXPECT_EQ(report.error().message, "cancelled");
    EXPECT_FALSE(fs::exists(at("out.mp4")));
    EXPECT_FALSE(fs::exists(at("out.mp4.partial")));
}

TEST(LooksLikeVideo, JudgesByTheLeadingBytes) {
    using video::looks_like_video;
    EXPECT_TRUE(
        looks_like_video(std::string("\0\0\0\x20"
                                     "ftypisom\0\0\x02\0",
                                     16)));
    EXPECT_TRUE(
        looks_like_video(std::string("\0\0\0\x14"
                                     "ftypqt  \0\0\0\0",
                                     16)));
    EXPECT_TRUE(
        looks_like_video(std::string("\0\0\0\x18"
                                     "ftypmp42\0\0\0\0",
                                     16)));
    EXPECT_TRUE(looks_like_video("\x1A\x45\xDF\xA3\x9F\x42\x86\x81"));  // Matroska, WebM
    EXPECT_FALSE(
        looks_like_video(std::string("\0\0\0\x18"
                                     "ftypheic\0\0\0\0",
                                     16)));
    EXPECT_FALSE(
        looks_like_video(std::string("\0\0\0\x18"
                                     "ftypmif1\0\0\0\0",
                                     16)));
    EXPECT_FALSE(
        looks_like_video(std::string("\0\0\0\x18"
                                     "ftypavif\0\0\0\0",
                                     16)));
    EXPECT_FALSE(looks_like_video("\xFF\xD8\xFF\xE0"));             // JPEG
    EXPECT_FALSE(looks_like_video("#EXTM3U\n#EXT-X-VERSION:3\n"));  // a playlist
    EXPECT_FALSE(looks_like_video(""));
    EXPECT_FALSE(
        looks_like_video(std::string("\0\0\0\x18"
                                     "fty",
                                     7)));
}

}  // namespace
}  // namespace sightline::testing
