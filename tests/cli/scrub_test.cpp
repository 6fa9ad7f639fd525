// sightline scrub: photos come out under the same names with no metadata and the faces blurred;
// a bad photo fails with a message and a non-zero exit code while the others are still written.

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
    EXPECT_NE(result.out.find("scrubbed 5 of 5 photos"), std::string::npos) << describe(result);
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
    EXPECT_NE(result.err.find("notes.jpg: not a JPEG, PNG, WebP or HEIC image"), std::string::npos)
        << describe(result);
    EXPECT_NE(result.err.find("2 failed"), std::string::npos) << describe(result);
    EXPECT_NE(result.out.find("scrubbed 1 of 3 photos"), std::string::npos) << describe(result);
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
    for (auto option : {"--out DIR", "--jpeg-quality N", "--no-dlib", "--thumbnail N"})
        EXPECT_NE(result.out.find(option), std::string::npos) << option << "\n" << result.out;
}

}  // namespace
}  // namespace sightline::testing
