// sightline serve: one server per data folder.

#include "cli/cli_fixture.hpp"
#include "support/http_client.hpp"

namespace sightline::testing {
namespace {

using Serve = CliTest;

// A second server on the same folder would empty the first one's scrub jobs as it starts: it
// refuses at once, naming the folder, and leaves the first serving and its job folder alone.
TEST_F(Serve, ASecondServerOnTheSameDataFolderIsRefused) {
    ServerProcess first(data(), {"--report-rate", "0"});
    const auto marker = data() / "scrub-jobs" / "held-by-the-first";
    std::filesystem::create_directories(marker);

    auto second = run_cli({"serve", "--data", data().string(), "--listen", "127.0.0.1:0"}, "", {},
                          std::chrono::seconds(20));
    EXPECT_EQ(second.exit_code, 1) << describe(second);
    EXPECT_NE(second.err.find("another sightline serve is using the data folder"),
              std::string::npos)
        << describe(second);
    EXPECT_NE(second.err.find(data().string()), std::string::npos) << describe(second);
    EXPECT_TRUE(std::filesystem::exists(marker));
    EXPECT_EQ(HttpClient(first.port()).get("/healthz").status, 200);

    // Once the first has stopped, the folder is free again.
    EXPECT_EQ(first.stop(), 0);
    ServerProcess next(data(), {"--report-rate", "0"});
    EXPECT_EQ(HttpClient(next.port()).get("/healthz").status, 200);
}

}  // namespace
}  // namespace sightline::testing
