// Help, version and argument errors of every command.

#include <regex>
#include <sstream>

#include "cli/cli_fixture.hpp"

namespace sightline::testing {
namespace {

/// Every subcommand (src/cli/commands.cpp). A new command goes here too, which gives it the
/// --help and unknown-option tests below; TheMainHelpListsExactlyTheseCommands checks that.
const std::vector<std::string> subcommands{
    "serve",  "user",     "import",   "import-csv", "import-list", "export",    "tiles",
    "scrub",  "coverage", "exposure", "districts",  "report",      "campaigns", "route",
    "search", "stats",    "backup",   "migrate",    "store"};

TEST(Help, TheMainHelpListsExactlyTheseCommandsAndExitsZero) {
    auto result = run_cli({"--help"});
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_NE(result.out.find("Usage: sightline COMMAND"), std::string::npos) << result.out;
    // "Commands:" then one "  NAME  summary" line per command, up to an empty line.
    std::vector<std::string> listed;
    std::istringstream in(result.out.substr(result.out.find("Commands:\n") + 10));
    for (std::string line; std::getline(in, line) && !line.empty();)
        listed.push_back(line.substr(2, line.find(' ', 2) - 2));
    EXPECT_EQ(listed, subcommands) << result.out;
    EXPECT_EQ(run_cli({"-h"}).out, result.out);
    EXPECT_EQ(run_cli({"help"}).out, result.out);
}

TEST(Help, NoCommandAtAllPrintsTheUsageAndFails) {
    auto result = run_cli({});
    EXPECT_NE(result.exit_code, 0);
    EXPECT_NE(result.out.find("Usage:"), std::string::npos) << describe(result);
}

TEST(Help, VersionPrintsTheVersionAndExitsZero) {
    auto result = run_cli({"--version"});
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_TRUE(std::regex_match(result.out, std::regex("sightline [0-9]+\\.[0-9]+\\.[0-9]+\n")))
        << result.out;
    EXPECT_TRUE(result.err.empty()) << result.err;
}

TEST(Help, AnUnknownCommandFailsWithAMessageOnStderr) {
    auto result = run_cli({"frobnicate"});
    EXPECT_NE(result.exit_code, 0);
    EXPECT_NE(result.err.find("unknown command 'frobnicate'"), std::string::npos)
        << describe(result);
    EXPECT_TRUE(result.out.empty()) << result.out;
}

TEST(Help, AnUnknownOptionBeforeTheCommandFails) {
    auto result = run_cli({"--frobnicate"});
    EXPECT_NE(result.exit_code, 0);
    EXPECT_FALSE(result.err.empty()) << describe(result);
}

class Subcommand : public ::testing::TestWithParam<std::string> {};

TEST_P(Subcommand, HelpPrintsAUsageLineAndExitsZero) {
    auto result = run_cli({GetParam(), "--help"});
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_TRUE(result.out.starts_with("Usage:")) << result.out;
    EXPECT_NE(result.out.find("sightline " + GetParam()), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("--data DIR"), std::string::npos) << "every command takes --data:\n"
                                                                << result.out;
    EXPECT_TRUE(result.err.empty()) << result.err;
    EXPECT_EQ(run_cli({GetParam(), "-h"}).out, result.out);
}

TEST_P(Subcommand, HelpWinsOverOtherArguments) {
    auto result = run_cli({GetParam(), "whatever", "--no-such-option", "--help"});
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_TRUE(result.out.starts_with("Usage:")) << result.out;
}

TEST_P(Subcommand, AnUnknownOptionFailsWithAMessageOnStderr) {
    TempDir tmp("sightline-cli");
    auto result = run_cli({GetParam(), "--no-such-option", "--data", (tmp.path() / "d").string()});
    EXPECT_EQ(result.exit_code, 2) << describe(result);
    EXPECT_NE(result.err.find("unknown option '--no-such-option'"), std::string::npos)
        << describe(result);
    EXPECT_FALSE(std::filesystem::exists(tmp.path() / "d"))
        << "a command refused at parse time must not touch the data folder";
}

INSTANTIATE_TEST_SUITE_P(EveryCommand, Subcommand, ::testing::ValuesIn(subcommands),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                             std::string name = info.param;
                             for (auto& c : name)
                                 if (c == '-') c = '_';
                             return name;
                         });

TEST(Arguments, CommandsThatChangeTheMapOrTheCamerasCanLeaveOutTheRoutingStep) {
    for (std::string command : {"import", "import-csv"}) {
        auto result = run_cli({command, "--help"});
        EXPECT_NE(result.out.find("--no-routing"), std::string::npos) << command << "\n"
                                                                      << result.out;
        EXPECT_NE(result.out.find("routing.bin"), std::string::npos) << command << "\n"
                                                                     << result.out;
    }
}

TEST(Arguments, AnOptionWithoutItsValueFails) {
    TempDir tmp("sightline-cli");
    auto result = run_cli({"export", "csv", "--data", tmp.path().string(), "--out"});
    EXPECT_NE(result.exit_code, 0);
    EXPECT_NE(result.err.find("--out"), std::string::npos) << describe(result);
}

TEST(Arguments, ANonRepeatableOptionGivenTwiceFails) {
    TempDir tmp("sightline-cli");
    auto result = run_cli({"export", "csv", "--data", tmp.path().string(), "--data", "x"});
    EXPECT_NE(result.exit_code, 0);
    EXPECT_NE(result.err.find("twice"), std::string::npos) << describe(result);
}

TEST(Arguments, ServeRefusesABadListenAddress) {
    TempDir tmp("sightline-cli");
    for (std::string listen : {"8080", "127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:http", ":80"}) {
        auto result = run_cli({"serve", "--data", tmp.path().string(), "--listen", listen}, "", {},
                              std::chrono::seconds(20));
        EXPECT_EQ(result.exit_code, 2) << listen << "\n" << describe(result);
        EXPECT_NE(result.err.find("--listen"), std::string::npos) << describe(result);
    }
}

TEST(Arguments, ServeRefusesANegativeReportRate) {
    TempDir tmp("sightline-cli");
    auto result = run_cli({"serve", "--data", tmp.path().string(), "--report-rate", "-1"}, "", {},
                          std::chrono::seconds(20));
    EXPECT_EQ(result.exit_code, 2) << describe(result);
    EXPECT_NE(result.err.find("--report-rate"), std::string::npos) << describe(result);
}

}  // namespace
}  // namespace sightline::testing
