// sightline scrub: photos come out under the same names with no metadata and the faces blurred,
// videos as NAME.mp4 with no metadata; a bad file fails with a message and a non-zero exit code
// while the others are still written. (Faces in videos: tests/video.)

#include <fstream>
#include <sstream>

#include "cli/cli_fixture.hpp"

namespace sightline::testing {
namespace {

class Scrub : public CliTest {
  protected:
    std::filesystem::path photo(std::string_view name) {
        auto target = work() / "in" / name;
        std::filesystem::create_directories(target.parent_path());
        std::filesystem::copy_file(fixture("photos/" + std::string(name)), target,
                                   std::filesystem::copy_options::overwrite_existing);
        return target;
    }
    std::filesystem::path out() const { return work() / "out"; }

    static CliResult scrub(std::vector<std::string> args) {
        args.insert(args.begin(), "scrub");
        return run_cli(std::move(args));
    }

    // exiftool's "Group:Tag" lines for a file, with the file-system ones left out.
    static std::vector<std::string> metadata_of(const std::filesystem::path& file) {
        auto run = run_program("/usr/bin/exiftool", {"-G1", "-a", "-s", file.string()});
        EXPECT_EQ(run.exit_code, 0) << describe(run);
        std::vector<std::string> lines;
        std::istringstream in(run.out);
        for (std::string line; std::getline(in, line);)
            if (!line.starts_with("[System]") && !line.starts_with("[ExifTool]") &&
                !line.starts_with("[File]") && !line.starts_with("[Composite]"))
                lines.push_back(line);
        return lines;
    }
};

bool mentions_private_metadata(const std::vector<std::string>& lines) {
    for (const auto& line : lines)
        for (std::string_view bad : {"[GPS]", "[IFD0]", "[IFD1]", "[ExifIFD]", "[XMP", "[IPTC]",
                                     "Make", "Model", "Comment", "DateTime", "Thumbnail"})
            if (line.find(bad) != std::string::npos) return true;
    return false;
}

TEST_F(Scrub, WritesEveryPhotoUnderItsNameWithNoMetadata) {
    std::vector<std::string> args;
    for (auto name : {"gps.jpg", "gps.png", "gps.webp", "gps.heic", "rotated.jpg"})
        args.push_back(photo(name).string());
    args.insert(args.end(), {"--out", out().string()});
    auto result = scrub(args);
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_NE(result.err.find("[1/5] gps.jpg: 0 faces blurred, removed EXIF, GPS, device, date, "
                              "XMP, IPTC, comment, thumbnail"),
              std::string::npos)
        << describe(result);
    EXPECT_NE(result.err.find("[5/5] rotated.jpg"), std::string::npos) << describe(result);
    EXPECT_NE(result.out.find("scrubbed 5 of 5 files"), std::string::npos) << describe(result);
    for (auto name : {"gps.jpg", "gps.png", "gps.webp", "gps.heic", "rotated.jpg"}) {
        auto written = out() / name;
        ASSERT_TRUE(std::filesystem::exists(written)) << name;
        auto lines = metadata_of(written);
        EXPECT_FALSE(mentions_private_metadata(lines)) << name << ":\n"
                                                       << ::testing::PrintToString(lines);
    }
    EXPECT_TRUE(std::filesystem::is_empty(out()) == false);
    EXPECT_FALSE(std::filesystem::exists(out() / "gps.jpg.partial"));
    // The input is untouched: its GPS is still there.
    EXPECT_TRUE(mentions_private_metadata(metadata_of(work() / "in" / "gps.jpg")));
}

TEST_F(Scrub, ABadPhotoFailsByNameButTheOthersAreStillWritten) {
    auto good = photo("gps.jpg");
    auto truncated = work() / "in" / "cut.jpg";
    auto bytes = slurp(good);
    std::ofstream(truncated, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    auto text = work() / "in" / "notes.jpg";
    std::ofstream(text) << "not a photo at all\n";

    auto result =
        scrub({truncated.string(), good.string(), text.string(), "--out", out().string()});
    EXPECT_EQ(result.exit_code, 2) << describe(result);
    auto cut_at = result.err.find("cut.jpg: ");
    ASSERT_NE(cut_at, std::string::npos) << describe(result);
    auto cut_line = result.err.substr(cut_at);
    EXPECT_NE(cut_line.substr(0, cut_line.find('\n')).find("corrupt"), std::string::npos)
        << describe(result);
    EXPECT_NE(result.err.find("notes.jpg: the file is not a photo or video"), std::string::npos)
        << describe(result);
    EXPECT_NE(result.err.find("2 failed"), std::string::npos) << describe(result);
    EXPECT_NE(result.out.find("scrubbed 1 of 3 files"), std::string::npos) << describe(result);
    EXPECT_TRUE(std::filesystem::exists(out() / "gps.jpg"));
    EXPECT_FALSE(std::filesystem::exists(out() / "cut.jpg"));
    EXPECT_FALSE(std::filesystem::exists(out() / "notes.jpg"));
}

TEST_F(Scrub, AFileWhoseNameLiesKeepsTheFormatOfItsContent) {
    auto liar = work() / "in" / "liar.jpg";
    std::filesystem::create_directories(liar.parent_path());
    std::filesystem::copy_file(fixture("photos/gps.png"), liar);
    auto result = scrub({liar.string(), "--out", out().string()});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_TRUE(slurp(out() / "liar.jpg").starts_with("\x89PNG")) << "still a PNG";
}

TEST_F(Scrub, NeverOverwritesAnInput) {
    auto input = photo("gps.jpg");
    auto before = slurp(input);
    auto result = scrub({input.string(), "--out", input.parent_path().string()});
    EXPECT_EQ(result.exit_code, 3) << describe(result);
    EXPECT_NE(result.err.find("refusing to overwrite"), std::string::npos) << describe(result);
    EXPECT_EQ(slurp(input), before);
}

TEST_F(Scrub, TwoPhotosOfTheSameNameDoNotOverwriteEachOther) {
    auto first = photo("gps.jpg");
    auto second_dir = work() / "other";
    std::filesystem::create_directories(second_dir);
    std::filesystem::copy_file(fixture("photos/base.jpg"), second_dir / "gps.jpg");
    auto result =
        scrub({first.string(), (second_dir / "gps.jpg").string(), "--out", out().string()});
    EXPECT_EQ(result.exit_code, 3) << describe(result);
    EXPECT_NE(result.err.find("same name"), std::string::npos) << describe(result);
}

TEST_F(Scrub, WritesAThumbnailOnRequest) {
    auto result = scrub({photo("gps.jpg").string(), "--out", out().string(), "--thumbnail", "32"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    auto thumb = slurp(out() / "gps.jpg.thumb.webp");
    ASSERT_GT(thumb.size(), 12u);
    EXPECT_EQ(thumb.substr(8, 4), "WEBP");
}

TEST_F(Scrub, RefusesBadArguments) {
    auto in = photo("gps.jpg").string();
    EXPECT_EQ(scrub({in}).exit_code, 2) << "no --out";
    EXPECT_EQ(scrub({"--out", out().string()}).exit_code, 2) << "no photos";
    auto bad_quality = scrub({in, "--out", out().string(), "--jpeg-quality", "101"});
    EXPECT_EQ(bad_quality.exit_code, 2);
    EXPECT_NE(bad_quality.err.find("--jpeg-quality"), std::string::npos) << describe(bad_quality);
    EXPECT_FALSE(std::filesystem::exists(out())) << "refused at parse time";
}

TEST_F(Scrub, HelpDescribesTheOptions) {
    auto result = scrub({"--help"});
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    for (auto option : {"--out DIR", "--jpeg-quality N", "--thumbnail N", "--audio keep|drop"})
        EXPECT_NE(result.out.find(option), std::string::npos) << option << "\n" << result.out;
}

// A short clip with sound and the tags a phone writes, made by ffmpeg.
std::filesystem::path make_clip(const std::filesystem::path& path) {
    std::filesystem::create_directories(path.parent_path());
    auto made = run_program("/usr/bin/ffmpeg", {"-hide_banner",
                                                "-loglevel",
                                                "error",
                                                "-nostdin",
                                                "-y",
                                                "-f",
                                                "lavfi",
                                                "-i",
                                                "testsrc2=size=320x240:rate=25:duration=1",
                                                "-f",
                                                "lavfi",
                                                "-i",
                                                "sine=frequency=440:duration=1",
                                                "-c:v",
                                                "libx264",
                                                "-pix_fmt",
                                                "yuv420p",
                                                "-c:a",
                                                "aac",
                                                "-metadata",
                                                "creation_time=2025-03-15T18:30:00Z",
                                                "-metadata",
                                                "location=+44.8125+020.4612/",
                                                "-metadata",
                                                "make=Huawei",
                                                "-metadata",
                                                "model=P30",
                                                path.string()});
    EXPECT_EQ(made.exit_code, 0) << describe(made);
    return path;
}

nlohmann::json probe(const std::filesystem::path& file) {
    auto run = run_program("/usr/bin/ffprobe", {"-v", "error", "-show_format", "-show_streams",
                                                "-show_chapters", "-of", "json", file.string()});
    EXPECT_EQ(run.exit_code, 0) << describe(run);
    return nlohmann::json::parse(run.out, nullptr, false);
}

TEST_F(Scrub, AVideoBecomesAnMp4WithNoMetadata) {
    auto clip = make_clip(work() / "in" / "protest.mov");
    auto result = scrub({clip.string(), photo("gps.jpg").string(), "--out", out().string()});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_NE(result.err.find("[1/2] protest.mov: written as protest.mp4"), std::string::npos)
        << describe(result);
    EXPECT_NE(result.err.find("location"), std::string::npos) << describe(result);
    EXPECT_EQ(result.err.find("44.81"), std::string::npos) << "never a value\n" << describe(result);
    EXPECT_NE(result.out.find("scrubbed 2 of 2 files"), std::string::npos) << describe(result);
    auto info = probe(out() / "protest.mp4");
    ASSERT_TRUE(info.is_object());
    // Every tag left, of the file and of each stream (chroma_location etc. are not tags).
    std::string tags = info["format"].value("tags", nlohmann::json::object()).dump();
    for (const auto& stream : info["streams"])
        tags += stream.value("tags", nlohmann::json::object()).dump();
    for (auto leak : {"creation_time", "location", "Huawei", "P30", "2025-03-15", "encoder"})
        EXPECT_EQ(tags.find(leak), std::string::npos) << leak << " in " << tags;
    std::vector<std::string> kinds;
    for (const auto& stream : info["streams"])
        kinds.push_back(stream["codec_type"]);
    EXPECT_EQ(kinds, (std::vector<std::string>{"video", "audio"}));
    EXPECT_EQ(info["streams"][0]["codec_name"], "h264");
    EXPECT_TRUE(std::filesystem::exists(out() / "gps.jpg"));
}

TEST_F(Scrub, AudioDropRemovesTheSound) {
    auto clip = make_clip(work() / "in" / "clip.mp4");
    auto result = scrub({clip.string(), "--out", out().string(), "--audio", "drop", "--quiet"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    auto info = probe(out() / "clip.mp4");
    ASSERT_EQ(info["streams"].size(), 1u) << info.dump();
    EXPECT_EQ(info["streams"][0]["codec_type"], "video");
    auto bad = scrub({clip.string(), "--out", out().string(), "--audio", "mute"});
    EXPECT_EQ(bad.exit_code, 2) << describe(bad);
    EXPECT_NE(bad.err.find("--audio is keep or drop"), std::string::npos) << describe(bad);
}

TEST_F(Scrub, ABadVideoFailsWithExitCode2AndLeavesNothing) {
    auto clip = make_clip(work() / "in" / "whole.mp4");
    auto bytes = slurp(clip);
    auto truncated = work() / "in" / "cut.mp4";
    std::ofstream(truncated, std::ios::binary) << bytes.substr(0, bytes.size() / 3);
    auto empty = work() / "in" / "empty.mp4";
    std::ofstream(empty, std::ios::binary) << "";
    auto photo_as_video = work() / "in" / "holiday.mp4";
    std::filesystem::copy_file(fixture("photos/gps.jpg"), photo_as_video);
    for (const auto& input : {truncated, empty, photo_as_video}) {
        auto result = scrub({input.string(), "--out", out().string()});
        EXPECT_EQ(result.exit_code, 2) << describe(result);
        EXPECT_NE(result.err.find(input.filename().string() + ": "), std::string::npos)
            << describe(result);
        EXPECT_TRUE(std::filesystem::is_empty(out())) << input << " left a file behind";
    }
}

}  // namespace
}  // namespace sightline::testing
