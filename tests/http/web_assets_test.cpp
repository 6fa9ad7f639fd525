// The web app's files (GET /assets/{file}): the bundle's precompressed copies, as web/build.mjs
// writes them, sent as they are to the clients that accept them; per client the same answer
// from disk and from the memory cache of hashed files. The app's pages may not be framed by
// another site; the embed (/embed) may, by any. The offline field mode's service worker is
// served from the root (/sw.js), its manifest with its own type.

#include <fstream>

#include "http/api_fixture.hpp"
#include "support/temp_dir.hpp"

namespace sightline::testing {
namespace {

constexpr std::string_view script = "console.log('sightline');\n";
constexpr std::string_view script_br = "stored brotli bytes";
constexpr std::string_view script_gz = "stored gzip bytes";

void write(const std::filesystem::path& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
}

class WebAssets : public ApiTest {
  protected:
    void prepare_data() override {
        const auto assets = m_web.path() / "assets";
        std::filesystem::create_directories(assets);
        write(m_web.path() / "index.html", "<!doctype html><title>Sightline</title>");
        write(m_web.path() / "embed.html", "<!doctype html><title>Sightline map</title>");
        write(assets / "app-ABCD1234.js", script);
        write(assets / "app-ABCD1234.js.br", script_br);
        write(assets / "app-ABCD1234.js.gz", script_gz);
        write(assets / "app-EFGH5678.css", "body{}");  // too small to be worth compressing
        write(m_web.path() / "sw.js", "self.addEventListener('fetch', () => {});");
        write(assets / "manifest.webmanifest", R"({"name": "Sightline"})");
    }
    std::vector<std::string> server_args() const override {
        return {"--report-rate", "0", "--web", m_web.path().string()};
    }
    HttpResponse asset(std::string_view file, std::optional<std::string> accept) {
        HttpClient::Headers headers;
        if (accept) headers.push_back({"Accept-Encoding", *accept});
        return client().get("/assets/" + std::string(file), headers);
    }

    TempDir m_web{"sightline-web-assets"};
};

TEST_F(WebAssets, TheBestStoredCodingTheClientAcceptsIsSentAsItIs) {
    struct Case {
        std::optional<std::string> accept;
        std::string_view encoding;
        std::string_view body;
    };
    const std::vector<Case> cases{{"gzip, deflate, br", "br", script_br},
                                  {"gzip", "gzip", script_gz},
                                  {"br;q=0, gzip", "gzip", script_gz},
                                  {"*", "br", script_br},
                                  {"identity", "", script},
                                  {std::nullopt, "", script}};
    for (int round = 0; round < 2; ++round)  // from disk, then from the memory cache
        for (const auto& c : cases) {
            SCOPED_TRACE(c.accept.value_or("(no Accept-Encoding)") + " round " +
                         std::to_string(round));
            auto res = asset("app-ABCD1234.js", c.accept);
            ASSERT_EQ(res.status, 200) << res.body;
            EXPECT_EQ(res.header("content-encoding"), c.encoding);
            EXPECT_EQ(res.body, c.body);
            EXPECT_EQ(res.header("content-type"), "text/javascript; charset=utf-8");
            EXPECT_EQ(res.header("vary"), "Accept-Encoding");
            EXPECT_EQ(res.header("cache-control"), "public, max-age=31536000, immutable");
        }
}

TEST_F(WebAssets, AFileWithoutStoredCopiesIsSentPlainAndTheCopiesAreNotAddressable) {
    auto css = asset("app-EFGH5678.css", "br, gzip");
    ASSERT_EQ(css.status, 200);
    EXPECT_EQ(css.header("content-encoding"), "");
    EXPECT_EQ(css.body, "body{}");
    EXPECT_EQ(asset("app-ABCD1234.js.br", "br").status, 404) << "only known content types";
    EXPECT_EQ(asset("app-ABCD1234.js.gz", std::nullopt).status, 404);
}

TEST_F(WebAssets, TheAppRefusesFramesAndTheEmbedAllowsEveryFrame) {
    for (const char* path :
         {"/", "/camera/1", "/stats", "/districts", "/district/3", "/campaigns", "/campaign/2"}) {
        SCOPED_TRACE(path);
        auto res = client().get(path);
        ASSERT_EQ(res.status, 200) << res.body;
        EXPECT_EQ(res.body, "<!doctype html><title>Sightline</title>");
        EXPECT_NE(res.header("content-security-policy").find("frame-ancestors 'none'"),
                  std::string::npos);
    }
    auto embed = client().get("/embed");
    ASSERT_EQ(embed.status, 200) << embed.body;
    EXPECT_EQ(embed.body, "<!doctype html><title>Sightline map</title>");
    EXPECT_EQ(embed.header("content-type"), "text/html; charset=utf-8");
    const auto csp = embed.header("content-security-policy");
    EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("frame-ancestors"), std::string::npos) << csp;
    EXPECT_EQ(embed.header("x-frame-options"), "");
    EXPECT_EQ(embed.header("set-cookie"), "");
}

TEST_F(WebAssets, TheServiceWorkerComesFromTheRootAndIsAlwaysRevalidated) {
    auto sw = client().get("/sw.js");
    ASSERT_EQ(sw.status, 200) << sw.body;
    EXPECT_EQ(sw.body, "self.addEventListener('fetch', () => {});");
    EXPECT_EQ(sw.header("content-type"), "text/javascript; charset=utf-8");
    EXPECT_EQ(sw.header("cache-control"), "no-cache");
    auto manifest = asset("manifest.webmanifest", std::nullopt);
    ASSERT_EQ(manifest.status, 200) << manifest.body;
    EXPECT_EQ(manifest.header("content-type"), "application/manifest+json");
}

}  // namespace
}  // namespace sightline::testing
