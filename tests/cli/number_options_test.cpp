// Numbers given to options: every command refuses a bad one at parse time with exit code 2 and a
// message naming the option, the accepted range and the text given (never a crash or an uncaught
// exception), and its --help states the same range.

#include <ostream>
#include <regex>

#include "cli/cli_fixture.hpp"

namespace sightline::testing {
namespace {

struct BadNumber {
    std::string name;               ///< test name
    std::vector<std::string> args;  ///< "{tmp}" stands for the test's temporary folder
    std::string option;             ///< as the message names it
    std::string given;              ///< as the message quotes it
};

// What gtest and CTest show for a case (instead of the struct's bytes).
void PrintTo(const BadNumber& bad, std::ostream* out) {
    *out << bad.option << " '" << bad.given << "'";
}

// Serve refused at parse time never listens; should it start anyway, not on a fixed port.
std::vector<std::string> serve(std::string option, std::string value) {
    return {"serve", "--listen", "127.0.0.1:0", std::move(option), std::move(value)};
}

const char* const from = "48.1374,11.5755";
const char* const to = "48.1405,11.5690";
const char* const bbox = "10.998,47.999,11.002,48.001";

const std::vector<BadNumber> bad_numbers{
    {"CoverageCellWithTrailingJunk",
     {"coverage", "--bbox", bbox, "--cell", "12abc"},
     "--cell",
     "12abc"},
    {"CoverageCellTooSmall", {"coverage", "--bbox", bbox, "--cell", "5"}, "--cell", "5"},
    {"CoverageThreadsNotWhole",
     {"coverage", "--bbox", bbox, "--threads", "1.5"},
     "--threads",
     "1.5"},
    {"ImportListMaxDistanceZero",
     {"import-list", "{tmp}/list.csv", "--source", "L", "--max-distance", "0"},
     "--max-distance",
     "0"},
    {"ImportListMaxAngleTooWide",
     {"import-list", "{tmp}/list.csv", "--source", "L", "--max-angle", "181"},
     "--max-angle",
     "181"},
    {"ExposureSpeedNaN", {"exposure", "{tmp}/walk.gpx", "--speed", "nan"}, "--speed", "nan"},
    {"ExposureSpeedZero", {"exposure", "{tmp}/walk.gpx", "--speed", "0"}, "--speed", "0"},
    {"ExposureThreadsTooMany",
     {"exposure", "{tmp}/walk.gpx", "--threads", "257"},
     "--threads",
     "257"},
    {"RouteMaxDetourOverflowing",
     {"route", from, to, "--max-detour", "1e999"},
     "--max-detour",
     "1e999"},
    {"RouteMaxDetourWithASpace", {"route", from, to, "--max-detour", " 2"}, "--max-detour", " 2"},
    {"ScrubJpegQualityWithPlus",
     {"scrub", "{tmp}/in.jpg", "--out", "{tmp}/out", "--jpeg-quality", "+5"},
     "--jpeg-quality",
     "+5"},
    {"ScrubThumbnailInHex",
     {"scrub", "{tmp}/in.jpg", "--out", "{tmp}/out", "--thumbnail", "0x20"},
     "--thumbnail",
     "0x20"},
    {"ServeListenPortWithPlus", {"serve", "--listen", "127.0.0.1:+80"}, "--listen port", "+80"},
    {"ServeThreadsNegative", serve("--threads", "-1"), "--threads", "-1"},
    {"ServeWorkersTooMany", serve("--workers", "257"), "--workers", "257"},
    {"ServeReportRateInfinite", serve("--report-rate", "inf"), "--report-rate", "inf"},
    {"ServeReadTimeoutEmpty", serve("--read-timeout", ""), "--read-timeout", ""},
    {"ServeMaxConnectionsTooFew", serve("--max-connections", "15"), "--max-connections", "15"},
    {"ServeHeavyThreadsZero", serve("--heavy-threads", "0"), "--heavy-threads", "0"},
    {"ServeHeavyQueueWithTrailingJunk", serve("--heavy-queue", "32x"), "--heavy-queue", "32x"},
    {"ServeHeavyPerClientTooMany", serve("--heavy-per-client", "100001"), "--heavy-per-client",
     "100001"},
    {"ServeMinUploadRateWithUnit", serve("--min-upload-rate", "1K"), "--min-upload-rate", "1K"},
    {"ServeScrubMaxBytesInTerabytes", serve("--scrub-max-bytes", "2T"), "--scrub-max-bytes", "2T"},
    {"ServeScrubMaxDurationWithUnit", serve("--scrub-max-duration", "1h"), "--scrub-max-duration",
     "1h"},
    {"ServeScrubMaxPixelsZeroHeight", serve("--scrub-max-pixels", "3840x0"),
     "--scrub-max-pixels height", "0"},
    {"ServeScrubQueueTooLong", serve("--scrub-queue", "1001"), "--scrub-queue", "1001"},
    {"ServeScrubWorkersInWords", serve("--scrub-workers", "two"), "--scrub-workers", "two"},
    {"ServeScrubRateNegative", serve("--scrub-rate", "-1"), "--scrub-rate", "-1"},
    {"TilesMinZoomNegative",
     {"tiles", "--out", "{tmp}/tiles", "--min-zoom", "-1"},
     "--min-zoom",
     "-1"},
    {"TilesMaxZoomTooDeep",
     {"tiles", "--out", "{tmp}/tiles", "--max-zoom", "23"},
     "--max-zoom",
     "23"},
    {"TilesMaxZoomNotWhole",
     {"tiles", "--out", "{tmp}/tiles", "--max-zoom", "1.5"},
     "--max-zoom",
     "1.5"},
};

class BadNumberOption : public ::testing::TestWithParam<BadNumber> {};

TEST_P(BadNumberOption, IsRefusedWithExitCode2AndAMessageNamingTheOptionAndItsRange) {
    const auto& bad = GetParam();
    TempDir tmp("sightline-cli");
    auto args = bad.args;
    for (auto& arg : args)
        if (auto at = arg.find("{tmp}"); at != std::string::npos)
            arg.replace(at, 5, tmp.path().string());
    args.insert(args.end(), {"--data", (tmp.path() / "data").string()});
    auto result = run_cli(args, "", {}, std::chrono::seconds(20));

    EXPECT_EQ(result.exit_code, 2) << describe(result);
    const std::string prefix = "sightline " + args[0] + ": " + bad.option + ": expected a ";
    EXPECT_TRUE(result.err.starts_with(prefix)) << "expected " << prefix << "\n"
                                                << describe(result);
    EXPECT_NE(result.err.find(", got '" + bad.given + "'\n"), std::string::npos)
        << describe(result);
    EXPECT_TRUE(result.out.empty()) << describe(result);
    EXPECT_TRUE(std::filesystem::is_empty(tmp.path()))
        << "a command refused at parse time must not create its data or output folder";

    // "from 1 to 256", "above 0 and up to 100", "1 to 1024G": the command's --help says it too.
    std::smatch range;
    ASSERT_TRUE(std::regex_search(
        result.err, range,
        std::regex("expected a (?:whole number|number|size) (?:from )?(.+?)(?: \\(bytes.*\\))?, "
                   "got ")))
        << result.err;
    auto help = run_cli({args[0], "--help"});
    EXPECT_NE(help.out.find(range[1].str()), std::string::npos)
        << "--help does not state the range '" << range[1] << "':\n"
        << help.out;
}

INSTANTIATE_TEST_SUITE_P(EveryCommand, BadNumberOption, ::testing::ValuesIn(bad_numbers),
                         [](const ::testing::TestParamInfo<BadNumber>& info) {
                             return info.param.name;
                         });

TEST(NumberOptions, AGoodNumberIsStillAccepted) {
    TempDir tmp("sightline-cli");
    // Parsing passes; the run then fails for want of the input file, not for the numbers.
    auto result = run_cli({"exposure", (tmp.path() / "missing.gpx").string(), "--speed", "1.25",
                           "--threads", "2", "--data", (tmp.path() / "data").string()});
    EXPECT_EQ(result.exit_code, 2) << describe(result);
    EXPECT_EQ(result.err.find("--speed"), std::string::npos) << describe(result);
    EXPECT_EQ(result.err.find("--threads"), std::string::npos) << describe(result);
    EXPECT_NE(result.err.find("missing.gpx"), std::string::npos) << describe(result);
}

}  // namespace
}  // namespace sightline::testing
