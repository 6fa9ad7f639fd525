// Watching an area: /feeds/area.atom?bbox= lists what happened to the cameras inside the box,
// newest first, as Atom 1.0 that validates against RFC 4287's schema (xmllint --relaxng, from
// libxml2-utils; the schema is tests/fixtures/atom/atom.rng).

#include <fstream>

#include <fmt/core.h>

#include "http/api_fixture.hpp"

namespace sightline::testing {
namespace {

constexpr std::string_view zagreb_bbox = "15.9,45.7,16.1,45.9";
constexpr std::string_view zagreb_feed = "/feeds/area.atom?bbox=15.9,45.7,16.1,45.9";

bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

class AreaFeed : public ApiTest {
  protected:
    /// Submits and accepts a report at the position; returns the new camera's id.
    std::int64_t accepted_camera(double lat, double lon) {
        auto report = example_report(lat, lon);
        report["tags"]["operator"] = "Grad <Zagreb> & \"Sons\"";
        auto id = submit_ok(report)["id"].get<std::int64_t>();
        return decide_ok(id, {{"action", "accept"}}, login())["camera"]["id"].get<std::int64_t>();
    }

    /// xmllint's verdict on `document` against the Atom schema: "" when valid.
    std::string atom_schema_errors(const std::string& document) {
        auto file = work_dir() / "feed.xml";
        std::ofstream(file, std::ios::binary) << document;
        auto result =
            run_program("/usr/bin/xmllint",
                        {"--noout", "--relaxng", std::string(SIGHTLINE_FIXTURES) + "/atom/atom.rng",
                         file.string()});
        return result.exit_code == 0 ? std::string() : result.err + result.out;
    }
};

TEST_F(AreaFeed, ListsTheCameraAcceptedInsideAndNotTheOneOutside) {
    const auto inside = accepted_camera(45.79, 15.95);
    const auto outside = accepted_camera(44.81, 20.46);

    auto feed = client().get(std::string(zagreb_feed));
    ASSERT_EQ(feed.status, 200) << feed.body;
    EXPECT_EQ(feed.header("content-type"), "application/atom+xml; charset=utf-8");
    EXPECT_EQ(atom_schema_errors(feed.body), "") << feed.body;

    EXPECT_TRUE(contains(feed.body, fmt::format("<title>Camera {} accepted</title>", inside)))
        << feed.body;
    EXPECT_TRUE(contains(feed.body, fmt::format("href=\"/camera/{}\"", inside))) << feed.body;
    EXPECT_FALSE(contains(feed.body, fmt::format("/camera/{}\"", outside))) << feed.body;
    EXPECT_FALSE(contains(feed.body, fmt::format("Camera {} ", outside))) << feed.body;
    EXPECT_TRUE(contains(feed.body, "operator Grad &lt;Zagreb&gt; &amp; &quot;Sons&quot;"))
        << feed.body;
    EXPECT_TRUE(contains(feed.body, "<rights>Data: ODbL 1.0")) << feed.body;
    // The schema's Schematron rule (xmllint checks only the grammar): a feed author, since the
    // entries have none.
    EXPECT_TRUE(contains(feed.body, "<author><name>Sightline</name></author>")) << feed.body;
    // A tag: URI per history entry; the feed's own id names the box.
    EXPECT_TRUE(contains(feed.body, fmt::format("/camera/{}/event/", inside))) << feed.body;
    EXPECT_TRUE(contains(feed.body, "/area/15.900000,45.700000,16.100000,45.900000</id>"))
        << feed.body;

    // The other box sees the other camera only.
    auto belgrade = client().get("/feeds/area.atom?bbox=20.4,44.7,20.5,44.9");
    ASSERT_EQ(belgrade.status, 200);
    EXPECT_TRUE(contains(belgrade.body, fmt::format("href=\"/camera/{}\"", outside)));
    EXPECT_FALSE(contains(belgrade.body, fmt::format("href=\"/camera/{}\"", inside)));
}

TEST_F(AreaFeed, NewestFirstWithStableIdsAndNotModifiedForTheSameVersion) {
    const auto camera = accepted_camera(45.79, 15.95);
    auto first = client().get(std::string(zagreb_feed));
    ASSERT_EQ(first.status, 200);
    const auto etag = first.header("etag");
    ASSERT_FALSE(etag.empty());
    auto again = client().get(std::string(zagreb_feed), {{"If-None-Match", etag}});
    EXPECT_EQ(again.status, 304);
    EXPECT_TRUE(again.body.empty());

    auto mod = login();
    ASSERT_EQ(client()
                  .post(fmt::format("/api/v1/cameras/{}/removal", camera), R"({"reason":"gone"})",
                        mod.cookie_and_csrf())
                  .status,
              200);
    auto after = client().get(std::string(zagreb_feed), {{"If-None-Match", etag}});
    ASSERT_EQ(after.status, 200);
    EXPECT_NE(after.header("etag"), etag);
    EXPECT_EQ(atom_schema_errors(after.body), "") << after.body;
    const auto removed = after.body.find(fmt::format("<title>Camera {} removed</title>", camera));
    const auto accepted = after.body.find(fmt::format("<title>Camera {} accepted</title>", camera));
    ASSERT_NE(removed, std::string::npos) << after.body;
    ASSERT_NE(accepted, std::string::npos) << after.body;
    EXPECT_LT(removed, accepted) << "newest first";
    // The accepted entry keeps its id: a feed reader does not show it twice.
    auto entry_id = [](const std::string& body, std::size_t title_at) {
        auto start = body.rfind("<id>", title_at);
        return body.substr(start, body.find("</id>", start) - start);
    };
    EXPECT_EQ(entry_id(after.body, accepted),
              entry_id(first.body,
                       first.body.find(fmt::format("<title>Camera {} accepted</title>", camera))));
}

TEST_F(AreaFeed, AnEmptyAreaIsAValidFeed) {
    auto feed = client().get(std::string(zagreb_feed));
    ASSERT_EQ(feed.status, 200);
    EXPECT_FALSE(contains(feed.body, "<entry>"));
    EXPECT_TRUE(contains(feed.body, "<updated>1970-01-01T00:00:00Z</updated>")) << feed.body;
    EXPECT_EQ(atom_schema_errors(feed.body), "") << feed.body;
}

TEST_F(AreaFeed, ABadBboxIsAJsonError) {
    expect_json_error(client().get("/feeds/area.atom"), 400, "invalid_argument");
    expect_json_error(client().get("/feeds/area.atom?bbox=15.9,45.7,16.1"), 400,
                      "invalid_argument");
    expect_json_error(client().get("/feeds/area.atom?bbox=16.1,45.7,15.9,45.9"), 400,
                      "invalid_argument");
    expect_json_error(client().get("/feeds/area.atom?bbox=a,b,c,d"), 400, "invalid_argument");
    // The documented area limit of bbox queries.
    expect_json_error(client().get("/feeds/area.atom?bbox=0,0,50,50"), 413, "too_large");
    EXPECT_EQ(client().get(fmt::format("/api/v1/cameras?bbox={}", zagreb_bbox)).status, 200);
}

}  // namespace
}  // namespace sightline::testing

namespace sightline::testing {
namespace {

// tests/fixtures/osm/districts.osm: Zapad (West) and Istok (East) share a border at about
// 20.42 E between 44.80 and 44.81 N; "Cut" is cut off by the extract's edge.
class DistrictFeed : public AreaFeed {
  protected:
    void prepare_data() override {
        auto result = run_cli(
            {"import", SIGHTLINE_FIXTURES "/osm/districts.osm", "--data", data_dir().string()});
        if (result.exit_code != 0) throw std::runtime_error("import failed: " + result.err);
    }

    std::int64_t district_id(std::string_view name) {
        auto list = client().get("/api/v1/districts");
        const auto json = list.json();  // kept: the loop must not run over a temporary's member
        for (const auto& d : json["districts"])
            if (d["name"].get<std::string>() == name) return d["id"].get<std::int64_t>();
        throw std::runtime_error(fmt::format("no district {}: {}", name, list.body));
    }
};

TEST_F(DistrictFeed, ListsTheCamerasInsideTheDistrictOnly) {
    const auto west = accepted_camera(44.8040, 20.4080);
    // Inside Zapad's bounding box but east of the slanted border: in Istok.
    const auto east = accepted_camera(44.8005, 20.4205);
    const auto id = district_id("Zapad");

    auto feed = client().get(fmt::format("/feeds/district/{}.atom", id));
    ASSERT_EQ(feed.status, 200) << feed.body;
    EXPECT_EQ(feed.header("content-type"), "application/atom+xml; charset=utf-8");
    EXPECT_EQ(atom_schema_errors(feed.body), "") << feed.body;
    EXPECT_TRUE(contains(feed.body, "<title>Cameras in Zapad</title>")) << feed.body;
    EXPECT_TRUE(contains(feed.body, fmt::format("/district/{}</id>", id))) << feed.body;
    EXPECT_TRUE(contains(feed.body, fmt::format("<title>Camera {} accepted</title>", west)))
        << feed.body;
    EXPECT_FALSE(contains(feed.body, fmt::format("href=\"/camera/{}\"", east))) << feed.body;
    // The imported cameras of the district are there too, as imported.
    EXPECT_TRUE(contains(feed.body, "imported</title>")) << feed.body;

    auto again = client().get(fmt::format("/feeds/district/{}.atom", id),
                              {{"If-None-Match", feed.header("etag")}});
    EXPECT_EQ(again.status, 304);

    auto other = client().get(fmt::format("/feeds/district/{}.atom", district_id("Istok")));
    ASSERT_EQ(other.status, 200);
    EXPECT_TRUE(contains(other.body, fmt::format("href=\"/camera/{}\"", east))) << other.body;
    EXPECT_FALSE(contains(other.body, fmt::format("href=\"/camera/{}\"", west))) << other.body;
}

TEST_F(DistrictFeed, AnUnknownDistrictIsNotFound) {
    expect_json_error(client().get("/feeds/district/99999.atom"), 404, "not_found");
    expect_json_error(client().get("/feeds/district/1.xml"), 404, "not_found");
    expect_json_error(client().get("/feeds/district/abc.atom"), 400, "invalid_argument");
}

}  // namespace
}  // namespace sightline::testing
