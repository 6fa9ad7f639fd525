// Nothing that says where, when or with what survives scrubbing: inputs made with the ffmpeg
// binary carry location, creation time, make/model, Apple keys, handler and encoder names, a
// timecode track, subtitles, chapters and an attachment, each with a recognisable value; the
// output's ffprobe JSON and bytes hold none of those values, and only H.264 yuv420p + AAC.

#include <fstream>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "clip_tools.hpp"
#include "support/temp_dir.hpp"
#include "video/removed_kinds.hpp"
#include "video/video_scrubber.hpp"

namespace sightline::testing {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

// A stream's or the format's tags as plain strings.
std::map<std::string, std::string> tags_of(const nlohmann::json& object) {
    std::map<std::string, std::string> tags;
    if (!object.contains("tags")) return tags;
    const nlohmann::json& json = object["tags"];
    for (auto it = json.begin(); it != json.end(); ++it)
        tags[it.key()] = it.value().is_string() ? it.value().get<std::string>() : it.value().dump();
    return tags;
}

bool lists(const std::vector<std::string>& removed, std::string_view kind) {
    return std::ranges::find(removed, kind) != removed.end();
}

class Metadata : public ::testing::Test {
  protected:
    fs::path at(std::string_view name) const { return m_tmp.path() / name; }

    fs::path write(std::string_view name, std::string_view text) const {
        std::ofstream(at(name), std::ios::binary) << text;
        return at(name);
    }

    video::VideoScrubReport scrub(const fs::path& input, const fs::path& output) const {
        video::VideoScrubOptions options;
        options.preset = "ultrafast";
        auto report = video::scrub_video(input, output, detector(), options);
        EXPECT_TRUE(report) << report.error().message;
        return report ? *report : video::VideoScrubReport{};
    }

    // The checks every scrubbed file passes: the secret values are in the input (so the test
    // means something) and nowhere in the output, neither in ffprobe's JSON nor in the bytes;
    // two streams, H.264 yuv420p and AAC; no chapters; only structural tags.
    static void expect_clean(const fs::path& input, const fs::path& output,
                             const std::vector<std::string>& secrets) {
        // Subtitle text and attachments are in the file's bytes rather than ffprobe's JSON.
        const std::string before = probe(input).dump() + slurp(input);
        const std::string after_json = probe(output).dump();
        const std::string after_bytes = slurp(output);
        for (const auto& secret : secrets) {
            EXPECT_NE(before.find(secret), std::string::npos) << secret << " not in the input";
            EXPECT_EQ(after_json.find(secret), std::string::npos) << secret << " in " << after_json;
            EXPECT_EQ(after_bytes.find(secret), std::string::npos) << secret << " in the bytes";
        }
        const auto info = probe(output);
        ASSERT_EQ(info["streams"].size(), 2u) << info.dump(1);
        EXPECT_EQ(info["streams"][0]["codec_name"], "h264");
        EXPECT_EQ(info["streams"][0]["pix_fmt"], "yuv420p");
        EXPECT_FALSE(info["streams"][0].contains("side_data_list"));
        EXPECT_EQ(info["streams"][1]["codec_name"], "aac");
        EXPECT_TRUE(info["chapters"].empty()) << info["chapters"].dump(1);
        const std::set<std::string> format_tags = {"major_brand", "minor_version",
                                                   "compatible_brands"};
        for (const auto& [key, value] : tags_of(info["format"]))
            EXPECT_TRUE(format_tags.contains(key)) << key << " = " << value;
        const std::set<std::string> generic = {"und", "VideoHandler", "SoundHandler",
                                               "[0][0][0][0]"};
        for (const auto& stream : info["streams"])
            for (const auto& [key, value] : tags_of(stream))
                EXPECT_TRUE(generic.contains(value)) << key << " = " << value;
        const auto boxes = top_level_boxes(output);
        EXPECT_LT(std::ranges::find(boxes, "moov"), std::ranges::find(boxes, "mdat"));
    }

  private:
    TempDir m_tmp{"sightline-video-metadata"};
};

TEST_F(Metadata, AMovLosesLocationTimeDeviceTimecodeSubtitlesAndChapters) {
    const auto subtitles =
        write("subs.srt", "1\n00:00:00,000 --> 00:00:01,500\nSecretSubtitleText\n");
    const auto chapters = write("chapters.txt",
                                ";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1000\n"
                                "title=SecretChapterTitle\n[CHAPTER]\nTIMEBASE=1/1000\n"
                                "START=1000\nEND=2000\ntitle=SecondChapter\n");
    const auto input = at("phone.mov");
    ffmpeg({"-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x180:rate=25:duration=2",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=48000:duration=2",
            "-i",
            subtitles.string(),
            "-i",
            chapters.string(),
            "-map",
            "0",
            "-map",
            "1",
            "-map",
            "2",
            "-map_chapters",
            "3",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-c:a",
            "aac",
            "-c:s",
            "mov_text",
            "-timecode",
            "12:34:56:07",
            "-metadata",
            "location=+48.1374+011.5755/",
            "-metadata",
            "creation_time=2024-05-01T12:34:56Z",
            "-metadata",
            "make=SecretMakeCorp",
            "-metadata",
            "model=SecretModel9",
            "-metadata",
            "title=SecretTitle",
            "-metadata",
            "comment=SecretComment",
            "-metadata:s:v",
            "handler_name=SecretHandlerName",
            "-metadata:s:v",
            "encoder=SecretEncoderName",
            input.string()});
    const auto before = probe(input);
    ASSERT_FALSE(before["chapters"].empty());

    const auto output = at("out.mp4");
    const auto report = scrub(input, output);
    expect_clean(input, output,
                 {"+48.1374+011.5755", "2024-05-01", "12:34:56", "SecretMakeCorp", "SecretModel9",
                  "SecretTitle", "SecretComment", "SecretHandlerName", "SecretEncoderName",
                  "SecretSubtitleText", "SecretChapterTitle"});
    for (auto kind : {"location", "creation time", "device make/model", "software",
                      "other metadata", "subtitle stream", "timecode stream", "chapters"})
        EXPECT_TRUE(lists(report.removed, kind))
            << kind << " in " << ::testing::PrintToString(report.removed);
    EXPECT_FALSE(lists(report.removed, "rotation (applied to the pixels)"));
    EXPECT_FALSE(lists(report.removed, "audio"));
    EXPECT_TRUE(report.audio_kept);
}

TEST_F(Metadata, AnMp4LosesItsAppleKeys) {
    const auto input = at("iphone.mp4");
    ffmpeg({"-f",          "lavfi",
            "-i",          "testsrc2=size=320x180:rate=25:duration=1",
            "-f",          "lavfi",
            "-i",          "sine=frequency=300:sample_rate=44100:duration=1",
            "-c:v",        "libx264",
            "-preset",     "ultrafast",
            "-c:a",        "aac",
            "-movflags",   "use_metadata_tags",
            "-metadata",   "com.apple.quicktime.location.ISO6709=+48.1374+011.5755+520.000/",
            "-metadata",   "com.apple.quicktime.make=SecretAppleMake",
            "-metadata",   "com.apple.quicktime.model=SecretAppleModel",
            "-metadata",   "com.apple.quicktime.software=SecretAppleSoftware",
            "-metadata",   "com.apple.quicktime.creationdate=2024-05-01T12:34:56+0200",
            "-metadata",   "com.apple.quicktime.content.identifier=SecretContentId",
            input.string()});
    const auto output = at("out.mp4");
    const auto report = scrub(input, output);
    expect_clean(input, output,
                 {"+48.1374+011.5755", "SecretAppleMake", "SecretAppleModel", "SecretAppleSoftware",
                  "2024-05-01T12:34:56", "SecretContentId", "com.apple.quicktime"});
    for (auto kind :
         {"location", "creation time", "device make/model", "software", "Apple metadata"})
        EXPECT_TRUE(lists(report.removed, kind))
            << kind << " in " << ::testing::PrintToString(report.removed);
}

TEST_F(Metadata, AnMkvLosesItsAttachmentSubtitlesAndTags) {
    const auto subtitles =
        write("subs.srt", "1\n00:00:00,000 --> 00:00:01,500\nSecretSubtitleText\n");
    const auto attachment = write("notes.txt", "SecretAttachmentContent\n");
    const auto input = at("clip.mkv");
    ffmpeg({"-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x180:rate=25:duration=2",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=48000:duration=2",
            "-i",
            subtitles.string(),
            "-map",
            "0",
            "-map",
            "1",
            "-map",
            "2",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-c:a",
            "libopus",
            "-c:s",
            "srt",
            "-attach",
            attachment.string(),
            "-metadata:s:t",
            "mimetype=text/plain",
            "-metadata:s:t",
            "filename=SecretAttachmentName.txt",
            "-metadata",
            "DATE_RECORDED=2024-05-01",
            "-metadata",
            "title=SecretMkvTitle",
            "-metadata:s:v",
            "title=SecretTrackTitle",
            input.string()});
    const auto output = at("out.mp4");
    const auto report = scrub(input, output);
    expect_clean(input, output,
                 {"SecretSubtitleText", "SecretAttachmentName", "2024-05-01", "SecretMkvTitle",
                  "SecretTrackTitle"});
    EXPECT_EQ(slurp(output).find("SecretAttachmentContent"), std::string::npos);
    for (auto kind :
         {"attachment", "subtitle stream", "creation time", "other metadata", "software"})
        EXPECT_TRUE(lists(report.removed, kind))
            << kind << " in " << ::testing::PrintToString(report.removed);
    const auto info = probe(output);
    EXPECT_EQ(info["streams"][1]["sample_rate"], "48000") << "Opus at 48 kHz stays at 48 kHz";
}

TEST(RemovedKinds, GroupsKeysByWhatTheySay) {
    using video::classify_metadata_key;
    using video::Removed;
    EXPECT_EQ(classify_metadata_key("location", "+48.1+011.5/"), Removed::location);
    EXPECT_EQ(classify_metadata_key("com.apple.quicktime.location.ISO6709", "x"),
              Removed::location);
    EXPECT_EQ(classify_metadata_key("location-eng", "x"), Removed::location);
    EXPECT_EQ(classify_metadata_key("creation_time", "x"), Removed::creation_time);
    EXPECT_EQ(classify_metadata_key("com.apple.quicktime.creationdate", "x"),
              Removed::creation_time);
    EXPECT_EQ(classify_metadata_key("DATE_RECORDED", "x"), Removed::creation_time);
    EXPECT_EQ(classify_metadata_key("timecode", "12:00:00:00"), Removed::creation_time);
    EXPECT_EQ(classify_metadata_key("_STATISTICS_WRITING_DATE_UTC", "x"), Removed::creation_time);
    EXPECT_EQ(classify_metadata_key("make", "x"), Removed::device);
    EXPECT_EQ(classify_metadata_key("com.apple.quicktime.model", "x"), Removed::device);
    EXPECT_EQ(classify_metadata_key("com.apple.quicktime.camera.lens_model", "x"), Removed::device);
    EXPECT_EQ(classify_metadata_key("encoder", "Lavf59.27.100"), Removed::software);
    EXPECT_EQ(classify_metadata_key("com.apple.quicktime.software", "17.1"), Removed::software);
    EXPECT_EQ(classify_metadata_key("com.android.version", "14"), Removed::software);
    EXPECT_EQ(classify_metadata_key("_STATISTICS_WRITING_APP", "mkvmerge"), Removed::software);
    EXPECT_EQ(classify_metadata_key("handler_name", "Core Media Video"), Removed::software);
    EXPECT_EQ(classify_metadata_key("handler_name", "VideoHandler"), Removed::count_);
    EXPECT_EQ(classify_metadata_key("vendor_id", "[0][0][0][0]"), Removed::count_);
    EXPECT_EQ(classify_metadata_key("vendor_id", "appl"), Removed::software);
    EXPECT_EQ(classify_metadata_key("com.apple.quicktime.content.identifier", "x"),
              Removed::apple_metadata);
    EXPECT_EQ(classify_metadata_key("title", "x"), Removed::other_metadata);
    EXPECT_EQ(classify_metadata_key("comment", "x"), Removed::other_metadata);
    for (auto structural : {"major_brand", "minor_version", "compatible_brands", "language",
                            "DURATION", "BPS", "NUMBER_OF_FRAMES", "_STATISTICS_TAGS"})
        EXPECT_EQ(classify_metadata_key(structural, "x"), Removed::count_) << structural;
}

TEST(RemovedKinds, ListsEachKindOnceInAFixedOrder) {
    video::RemovedKinds kinds;
    kinds.add(video::Removed::chapters);
    kinds.add_metadata("make", "x");
    kinds.add_metadata("location", "x");
    kinds.add_metadata("model", "x");
    kinds.add_metadata("major_brand", "isom");
    EXPECT_EQ(kinds.labels(),
              (std::vector<std::string>{"location", "device make/model", "chapters"}));
}

}  // namespace
}  // namespace sightline::testing
