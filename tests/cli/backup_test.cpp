// sightline backup and migrate.

#include <fstream>

#include "cli/cli_fixture.hpp"
#include "support/http_client.hpp"

namespace sightline::testing {
namespace {

using Backup = CliTest;

constexpr std::string_view sqlite_magic{"SQLite format 3\0", 16};

TEST_F(Backup, ABackupWhileTheServerRunsIsACompleteDatabase) {
    import_csv(fixture("csv/cameras_comma.csv"), {"--tag", "operator=operator"});
    add_user("mod", "moderator");
    ServerProcess server(data(), {"--report-rate", "0"});
    HttpClient client(server.port());
    // A change made through the running server (still in its write-ahead log, most likely).
    auto login = client.post(
        "/api/v1/session", nlohmann::json{{"username", "mod"}, {"password", cli_password}}.dump());
    ASSERT_EQ(login.status, 200) << login.body;
    auto cookie = login.set_cookies.at(0).substr(0, login.set_cookies.at(0).find(';'));
    auto csrf = login.json()["csrf_token"].get<std::string>();
    auto report = client.post(
        "/api/v1/reports",
        R"({"location":{"lat":45.8,"lon":15.95},"tags":{"operator":"added while running"}})");
    ASSERT_EQ(report.status, 201) << report.body;
    auto decision = client.post(
        "/api/v1/reports/" + std::to_string(report.json()["id"].get<std::int64_t>()) + "/decision",
        R"({"action":"accept"})", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
    ASSERT_EQ(decision.status, 200) << decision.body;

    auto copy_dir = work() / "copy";
    std::filesystem::create_directories(copy_dir);
    auto dest = copy_dir / "sightline.db";
    auto result = sightline({"backup", dest.string()});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_EQ(client.get("/healthz").status, 200) << "the server keeps serving";

    ASSERT_TRUE(std::filesystem::exists(dest));
    EXPECT_GT(std::filesystem::file_size(dest), 0u);
    EXPECT_TRUE(slurp(dest).starts_with(sqlite_magic));
    EXPECT_FALSE(std::filesystem::exists(dest.string() + ".partial"));

    // The copy is a usable data folder with everything, the server's last change included.
    auto exported = run_cli({"export", "geojson", "--data", copy_dir.string()});
    ASSERT_EQ(exported.exit_code, 0) << describe(exported);
    auto cameras = nlohmann::json::parse(exported.out);
    EXPECT_EQ(cameras["features"].size(), 4u);
    EXPECT_TRUE(feature_with_tag(cameras, "operator", "added while running").is_object());
    EXPECT_EQ(server.stop(), 0);
}

TEST_F(Backup, ABackupOntoAnExistingFileFailsAndLeavesItAlone) {
    import_csv(fixture("csv/cameras_comma.csv"));
    auto dest = work() / "precious.db";
    {
        std::ofstream out(dest);
        out << "do not overwrite me";
    }
    auto result = sightline({"backup", dest.string()});
    EXPECT_NE(result.exit_code, 0);
    EXPECT_NE(result.err.find("exists"), std::string::npos) << describe(result);
    EXPECT_EQ(slurp(dest), "do not overwrite me");
}

TEST_F(Backup, ABackupNeedsExactlyOneDestination) {
    EXPECT_EQ(sightline({"backup"}).exit_code, 2);
    EXPECT_EQ(sightline({"backup", (work() / "a").string(), (work() / "b").string()}).exit_code, 2);
}

TEST_F(Backup, MigrateCreatesTheSchemaAndIsIdempotent) {
    auto first = sightline({"migrate"});
    ASSERT_EQ(first.exit_code, 0) << describe(first);
    EXPECT_NE(first.out.find("schema version"), std::string::npos) << first.out;
    EXPECT_TRUE(slurp(data() / "sightline.db").starts_with(sqlite_magic));
    auto second = sightline({"migrate"});
    ASSERT_EQ(second.exit_code, 0) << describe(second);
    EXPECT_EQ(second.out, first.out);
}

TEST_F(Backup, ADatabaseThatIsNotSqliteIsRefusedWithAMessage) {
    std::filesystem::create_directories(data());
    {
        std::ofstream out(data() / "sightline.db");
        out << "this is not a database, it is a shopping list: milk, eggs, bread. "
            << std::string(4096, '.');
    }
    for (std::vector<std::string> command :
         {std::vector<std::string>{"migrate"}, std::vector<std::string>{"export", "csv"},
          std::vector<std::string>{"user", "list"}}) {
        auto result = sightline(command);
        EXPECT_NE(result.exit_code, 0) << command[0];
        EXPECT_LT(result.exit_code, 128) << "an error, not a crash:\n" << describe(result);
        EXPECT_FALSE(result.err.empty()) << describe(result);
    }
    EXPECT_TRUE(slurp(data() / "sightline.db").starts_with("this is not a database"))
        << "the file is left as it was";
}

}  // namespace
}  // namespace sightline::testing
