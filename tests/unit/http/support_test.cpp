// The fixtures that end-to-end tests use to drive the real binary, tested on small stand-ins.

#include <fstream>

#include <gtest/gtest.h>

#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace sightline::testing {
namespace {

std::filesystem::path write_script(const std::filesystem::path& path, const std::string& body) {
    std::ofstream(path) << "#!/bin/sh\n" << body;
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
    return path;
}

}  // namespace

TEST(TempDir, CreatesAndRemovesADirectory) {
    std::filesystem::path kept;
    {
        TempDir dir;
        kept = dir.path();
        EXPECT_TRUE(std::filesystem::is_directory(kept));
        EXPECT_TRUE(kept.string().starts_with("/tmp/sightline-test-"));
        std::filesystem::create_directories(kept / "a" / "b");
        std::ofstream(kept / "a" / "b" / "file") << "x";
        TempDir other;
        EXPECT_NE(other.path(), kept);
    }
    EXPECT_FALSE(std::filesystem::exists(kept));
}

TEST(RunProgram, FeedsStdinAndCollectsOutputAndExitCode) {
    auto result = run_program("/bin/sh", {"-c", "cat; echo oops >&2; exit 3"}, "hello\n",
                              {{"SIGHTLINE_TEST_VAR", "v"}});
    EXPECT_EQ(result.exit_code, 3);
    EXPECT_EQ(result.out, "hello\n");
    EXPECT_EQ(result.err, "oops\n");
    EXPECT_EQ(run_program("/bin/sh", {"-c", "printf %s \"$SIGHTLINE_TEST_VAR\""}, "",
                          {{"SIGHTLINE_TEST_VAR", "from env"}})
                  .out,
              "from env");
}

TEST(RunProgram, DoesNotDeadlockOnLargeOutputBothWays) {
    std::string input(2 * 1024 * 1024, 'x');
    auto result = run_program("/bin/sh", {"-c", "cat; cat /dev/zero | head -c 1000000 >&2"}, input);
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.out.size(), input.size());
    EXPECT_EQ(result.err.size(), 1000000u);
}

TEST(RunProgram, SurvivesAChildThatIgnoresItsInput) {
    auto result = run_program("/bin/sh", {"-c", "exit 0"}, std::string(1024 * 1024, 'x'));
    EXPECT_EQ(result.exit_code, 0);
}

TEST(RunProgram, ReportsSignalsAndTimeouts) {
    EXPECT_EQ(run_program("/bin/sh", {"-c", "kill -9 $$"}).exit_code, 128 + 9);
    auto result = run_program("/bin/sleep", {"30"}, "", {}, std::chrono::seconds(1));
    EXPECT_EQ(result.exit_code, 128 + 9);
    EXPECT_NE(result.err.find("killed after 1 s"), std::string::npos);
}

TEST(ServerProcess, WaitsForTheListeningLineAndStopsWithSigterm) {
    TempDir dir;
    auto script = write_script(dir.path() / "fake-server",
                               "echo \"starting with $FAKE_SETTING\" >&2\n"
                               "sleep 60 & child=$!\n"
                               "trap 'echo stopping >&2; kill $child; exit 0' TERM\n"
                               "echo 'some other line'\n"
                               "echo 'listening on http://127.0.0.1:4242'\n"
                               "wait $child\n");
    ServerProcess server(ServerProcess::Program{script, {}}, dir.path() / "data",
                         {{"FAKE_SETTING", "x"}});
    EXPECT_EQ(server.port(), 4242);
    EXPECT_TRUE(server.running());
    EXPECT_EQ(server.log_path(), dir.path() / ("server-" + std::to_string(server.pid()) + ".log"));
    EXPECT_EQ(server.stop(), 0);
    EXPECT_FALSE(server.running());
    EXPECT_EQ(server.log_text(), "starting with x\nstopping\n");
    EXPECT_EQ(server.stop(), 0);  // idempotent
}

TEST(ServerProcess, KillHardReportsSigkill) {
    TempDir dir;
    auto script = write_script(dir.path() / "fake-server",
                               "echo 'listening on http://127.0.0.1:1234'\nexec sleep 60\n");
    ServerProcess server(ServerProcess::Program{script, {}}, dir.path() / "data");
    EXPECT_EQ(server.kill_hard(), 128 + 9);
}

TEST(ServerProcess, FailsWithTheLogWhenTheServerExitsEarly) {
    TempDir dir;
    auto script =
        write_script(dir.path() / "fake-server", "echo 'cannot open database' >&2\nexit 4\n");
    try {
        ServerProcess server(ServerProcess::Program{script, {}}, dir.path() / "data");
        FAIL() << "no exception";
    } catch (const std::runtime_error& e) {
        std::string message = e.what();
        EXPECT_NE(message.find("cannot open database"), std::string::npos) << message;
        EXPECT_NE(message.find("exit status 4"), std::string::npos) << message;
    }
}

TEST(ServerProcess, BuildsTheServeCommandLine) {
    // The real binary may not serve yet; check the arguments with a stand-in on PATH instead.
    TempDir dir;
    auto script = write_script(dir.path() / "fake-server",
                               "echo \"$@\" >&2\necho 'listening on http://127.0.0.1:1'\n"
                               "exec sleep 60\n");
    ServerProcess server(ServerProcess::Program{script, {"serve", "--data", "D"}},
                         dir.path() / "data");
    server.kill_hard();
    EXPECT_EQ(server.log_text(), "serve --data D\n");
}

}  // namespace sightline::testing
