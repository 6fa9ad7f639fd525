// `sightline store copy` (issue 13): a SQLite instance with imported map data, CSV cameras,
// a moderator, a report with a photo that became a camera and a pending one is copied into an
// empty PostgreSQL database; a server on the copy answers byte for byte what the server on the
// original answered (cameras in a box, one camera with its history and photo, the photo itself,
// exports, statistics), and the moderator logs in with the same password. Runs in the suite's
// PostgreSQL pass.

#include <fstream>
#include <iterator>

#include <fmt/core.h>

#include "http/api_fixture.hpp"

namespace sightline::testing {
namespace {

constexpr std::string_view boundary = "sightline-copy-boundary-7MA4YWxk";

std::string read_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string report_with_photo(const nlohmann::json& report, const std::string& photo) {
    std::string body;
    body += "--" + std::string(boundary) +
            "\r\nContent-Disposition: form-data; name=\"report\"\r\n"
            "Content-Type: application/json\r\n\r\n" +
            report.dump() + "\r\n";
    body += "--" + std::string(boundary) +
            "\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.jpg\"\r\n"
            "Content-Type: image/jpeg\r\n\r\n" +
            photo + "\r\n";
    return body + "--" + std::string(boundary) + "--\r\n";
}

// The export's "generated" is when the response was made, not a property of the data.
std::string without_generated(std::string body) {
    auto at = body.find("\"generated\":\"");
    if (at != std::string::npos) body.erase(at, body.find('"', at + 13) + 1 - at);
    return body;
}

Login log_in(HttpClient& client) {
    nlohmann::json body{{"username", "mod"}, {"password", test_password}};
    auto response = client.post("/api/v1/session", body.dump());
    EXPECT_EQ(response.status, 200) << response.body;
    Login login;
    for (const auto& line : response.set_cookies)
        if (line.starts_with("sightline_session="))
            login.token = line.substr(18, line.find(';') - 18);
    login.csrf = response.json().value("csrf_token", "");
    return login;
}

TEST(StoreCopy, AServerOnTheCopyAnswersAsTheOriginalDid) {
    if (!testing_on_postgresql()) GTEST_SKIP() << "needs PostgreSQL (the pg. pass)";
    auto admin = PgDatabase::admin_url();
    ASSERT_TRUE(admin) << PgDatabase::missing_reason();
    TempDir tmp("sightline-copy");
    const auto original = tmp.path() / "original";

    // The original: SQLite (this test does not set SIGHTLINE_STORE).
    auto imported =
        run_cli({"import", SIGHTLINE_FIXTURES "/routing/ladder.osm", "--data", original.string()});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    import_cameras(original,
                   "lat,lon,camera:type,operator\n48.0001,11.0005,dome,City\n"
                   "48.0002,11.0010,fixed,\"Police, \"\"North\"\"\"\n",
                   {"--tag", "camera:type=camera:type", "--tag", "operator=operator"});
    add_user(original, "mod", "moderator");

    const std::vector<std::string> reads{
        "/api/v1/cameras?bbox=10.99,47.99,11.01,48.01",
        "/api/v1/export/cameras.geojson",
        "/api/v1/export/cameras.csv",
        "/api/v1/stats",
    };
    std::vector<std::string> before;
    std::string camera_page, photo_bytes, photo_url;
    {
        ServerProcess server(original, {"--report-rate", "0"});
        HttpClient client(server.port());
        auto photo = read_bytes(std::filesystem::path(SIGHTLINE_FIXTURES) / "api" / "street.jpg");
        auto sent = client.post(
            "/api/v1/reports", report_with_photo(example_report(48.00030, 11.0015), photo),
            {{"Content-Type", "multipart/form-data; boundary=" + std::string(boundary)}});
        ASSERT_EQ(sent.status, 201) << sent.body;
        const auto id = sent.json().at("id").get<std::int64_t>();
        photo_url = sent.json().at("photos")[0].at("url").get<std::string>();
        ASSERT_EQ(client.post("/api/v1/reports", example_report(48.0003, 11.002).dump()).status,
                  201);
        auto mod = log_in(client);
        auto decided = client.post(fmt::format("/api/v1/reports/{}/decision", id),
                                   R"({"action":"accept"})", mod.cookie_and_csrf());
        ASSERT_EQ(decided.status, 200) << decided.body;
        const auto camera = decided.json().at("camera").at("id").get<std::int64_t>();
        for (const auto& target : reads) {
            auto response = client.get(target);
            ASSERT_EQ(response.status, 200) << target;
            before.push_back(without_generated(response.body));
        }
        camera_page = client.get(fmt::format("/api/v1/cameras/{}", camera)).body;
        photo_bytes = client.get(photo_url).body;
        ASSERT_FALSE(photo_bytes.empty());
    }

    PgDatabase database(*admin);
    auto copied = run_cli({"store", "copy", "--from", "sqlite:" + original.string(), "--to",
                           database.url(), "--quiet"});
    ASSERT_EQ(copied.exit_code, 0) << copied.out << copied.err;
    EXPECT_NE(copied.out.find("counts and checksums match"), std::string::npos) << copied.out;
    // A second copy into the same database is refused and changes nothing.
    auto again = run_cli({"store", "copy", "--from", "sqlite:" + original.string(), "--to",
                          database.url(), "--quiet"});
    EXPECT_EQ(again.exit_code, 3) << again.err;

    ServerProcess copy(tmp.path() / "cache", {"--report-rate", "0"},
                       {{"SIGHTLINE_STORE", database.url()}});
    HttpClient client(copy.port());
    for (std::size_t i = 0; i < reads.size(); ++i) {
        SCOPED_TRACE(reads[i]);
        auto response = client.get(reads[i]);
        EXPECT_EQ(response.status, 200);
        EXPECT_EQ(without_generated(response.body), before[i]);
    }
    const auto camera_id = nlohmann::json::parse(camera_page).at("id").get<std::int64_t>();
    EXPECT_EQ(client.get(fmt::format("/api/v1/cameras/{}", camera_id)).body, camera_page);
    EXPECT_EQ(client.get(photo_url).body, photo_bytes);
    auto mod = log_in(client);
    auto pending = client.get("/api/v1/reports?status=pending", mod.cookie());
    ASSERT_EQ(pending.status, 200);
    EXPECT_EQ(pending.json().at("reports").size(), 1u);
}

TEST(StoreCopy, RefusesWhatItCannotDo) {
    TempDir tmp("sightline-copy-bad");
    auto no_source = run_cli({"store", "copy", "--from", "sqlite:" + (tmp.path() / "x").string(),
                              "--to", "postgresql://127.0.0.1:1/none"});
    EXPECT_NE(no_source.exit_code, 0);
    auto wrong_way = run_cli(
        {"store", "copy", "--from", "postgresql://h/db", "--to", "sqlite:" + tmp.path().string()});
    EXPECT_EQ(wrong_way.exit_code, 2);
    EXPECT_NE(wrong_way.err.find("pg_dump"), std::string::npos) << wrong_way.err;
    auto missing = run_cli({"store", "copy", "--from", "sqlite:" + tmp.path().string()});
    EXPECT_EQ(missing.exit_code, 2);
    auto no_action = run_cli({"store", "--from", "a", "--to", "b"});
    EXPECT_EQ(no_action.exit_code, 2);
}

}  // namespace
}  // namespace sightline::testing
