// Search over HTTP (issue 15): GET /api/v1/search and /api/v1/reverse on a hand-written extract
// (tests/fixtures/osm/search.osm) imported with the real CLI.

#include <fmt/core.h>

#include "geo/distance.hpp"
#include "http/api_fixture.hpp"

namespace sightline::testing {
namespace {

class Search : public ApiTest {
  protected:
    void prepare_data() override {
        auto imported = run_cli(
            {"import", (std::filesystem::path(SIGHTLINE_FIXTURES) / "osm" / "search.osm").string(),
             "--data", data_dir().string(), "--quiet"});
        ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
        import_cameras(data_dir(), "lat,lon,type\n44.8161,20.4585,dome\n");
    }
    nlohmann::json features(const std::string& query_string) {
        auto response = client().get("/api/v1/search?" + query_string);
        EXPECT_EQ(response.status, 200) << response.body;
        EXPECT_EQ(response.header("content-type"), "application/geo+json");
        return response.json()["features"];
    }
    static std::string q(std::string_view text) {
        std::string out = "q=";
        for (unsigned char c : text) {
            if (std::isalnum(c) || c == '-' || c == '.' || c == '_')
                out += static_cast<char>(c);
            else
                out += fmt::format("%{:02X}", c);
        }
        return out;
    }
    static double metres_from(const nlohmann::json& feature, double lat, double lon) {
        const auto& c = feature["geometry"]["coordinates"];
        return geo::distance_m({c[1].get<double>(), c[0].get<double>()}, {lat, lon});
    }
};

// The statistics name an imported area by its most important settlement, not by the file.
TEST_F(Search, TheStatisticsNameTheImportedAreaByItsPlace) {
    auto stats = client().get("/api/v1/stats");
    ASSERT_EQ(stats.status, 200) << stats.body;
    const auto areas = stats.json()["imported_areas"];
    ASSERT_EQ(areas.size(), 1u) << areas.dump();
    EXPECT_EQ(areas[0]["name"], "search.osm");
    EXPECT_EQ(areas[0]["place"], "Стари град") << "the extract's only settlement, a suburb";
}

TEST_F(Search, AnAddressInLatinFindsTheCyrillicAddressAndShowsItInLatin) {
    auto hits = features(q("Knez Mihailova 5"));
    ASSERT_FALSE(hits.empty());
    EXPECT_EQ(hits[0]["properties"]["kind"], "address");
    EXPECT_EQ(hits[0]["properties"]["name"], "Knez Mihailova 5");
    EXPECT_EQ(hits[0]["properties"]["label"], "Knez Mihailova 5, Stari grad");
    EXPECT_LT(metres_from(hits[0], 44.8160, 20.4586), 1.0);
}

TEST_F(Search, TheSameAddressInCyrillicIsShownInCyrillic) {
    auto hits = features(q("Кнез Михаилова 5"));
    ASSERT_FALSE(hits.empty());
    EXPECT_EQ(hits[0]["properties"]["name"], "Кнез Михаилова 5");
    EXPECT_EQ(hits[0]["properties"]["label"], "Кнез Михаилова 5, Стари град");
    EXPECT_LT(metres_from(hits[0], 44.8160, 20.4586), 1.0);
}

TEST_F(Search, TypingAPrefixFindsTheStreetOnceForAllItsWays) {
    auto hits = features(q("knez mih"));
    ASSERT_FALSE(hits.empty());
    EXPECT_EQ(hits[0]["properties"]["kind"], "street");
    EXPECT_EQ(hits[0]["properties"]["name"], "Knez Mihailova");
    int streets = 0;
    for (const auto& h : hits)
        streets += h["properties"]["kind"] == "street";
    EXPECT_EQ(streets, 1) << "two ways, one street: " << hits.dump();
}

TEST_F(Search, OneTypoInALongWordIsForgiven) {
    auto hits = features(q("Knez Mihajlova 5"));
    ASSERT_FALSE(hits.empty());
    EXPECT_EQ(hits[0]["properties"]["kind"], "address");
    EXPECT_LT(metres_from(hits[0], 44.8160, 20.4586), 1.0);
    EXPECT_TRUE(features(q("Knez Mxxxxlova 5")).empty()) << "but not four";
}

TEST_F(Search, HouseNumbersWithLettersAndSlashesAreFound) {
    auto lettered = features(q("Knez Mihailova 5a"));
    ASSERT_FALSE(lettered.empty());
    EXPECT_LT(metres_from(lettered[0], 44.8176, 20.4576), 15.0) << "the building's centre";
    auto slashed = features(q("Terazije 3/1"));
    ASSERT_FALSE(slashed.empty());
    EXPECT_EQ(slashed[0]["properties"]["kind"], "address");
    EXPECT_LT(metres_from(slashed[0], 44.8135, 20.4614), 1.0);
}

TEST_F(Search, StreetAbbreviationsAndCompoundsMatchTheFullName) {
    for (std::string_view text :
         {"Leopoldstr. 12a", "leopold str 12a", "Leopoldstrasse 12a", "LEOPOLDSTRASSE 12A"}) {
        SCOPED_TRACE(text);
        auto hits = features(q(text));
        ASSERT_FALSE(hits.empty());
        EXPECT_EQ(hits[0]["properties"]["kind"], "address");
        EXPECT_LT(metres_from(hits[0], 44.8305, 20.4705), 1.0);
    }
}

TEST_F(Search, TwoStreetsOfOneNameAreTwoHitsAndTheNearerComesFirst) {
    auto hits = features(q("Dositejeva") + "&lat=44.8203&lon=20.4603");
    ASSERT_GE(hits.size(), 2u);
    EXPECT_LT(metres_from(hits[0], 44.8203, 20.4603), 200.0);
    EXPECT_TRUE(hits[0]["properties"].contains("distance_m"));
    auto other = features(q("Dositejeva") + "&lat=44.8022&lon=20.4422");
    EXPECT_LT(metres_from(other[0], 44.8022, 20.4422), 200.0);
}

TEST_F(Search, PointsOfInterestByNameAndCamerasByNumber) {
    auto cafe = features(q("znak pitanja"));
    ASSERT_FALSE(cafe.empty());
    EXPECT_EQ(cafe[0]["properties"]["kind"], "poi");
    EXPECT_EQ(cafe[0]["properties"]["type"], "cafe");
    auto camera = features(q("#1"));
    ASSERT_FALSE(camera.empty());
    EXPECT_EQ(camera[0]["properties"]["kind"], "camera");
    EXPECT_EQ(camera[0]["properties"]["camera_id"], 1);
    EXPECT_TRUE(features(q("Nothing to find")).empty());
}

TEST_F(Search, TheLimitCutsTheList) {
    EXPECT_LE(features(q("k") + "&limit=1").size(), 1u);
}

TEST_F(Search, ReverseNamesTheNearestAddress) {
    auto response = client().get("/api/v1/reverse?lat=44.81601&lon=20.45861");
    ASSERT_EQ(response.status, 200) << response.body;
    auto hit = response.json();
    EXPECT_EQ(hit["properties"]["kind"], "address");
    EXPECT_EQ(hit["properties"]["name"], "Кнез Михаилова 5");
    EXPECT_LT(hit["properties"]["distance_m"].get<double>(), 5);
    expect_json_error(client().get("/api/v1/reverse?lat=10&lon=10"), 404, "not_found");
}

TEST_F(Search, BadQueriesGetClearErrors) {
    expect_json_error(client().get("/api/v1/search"), 400, "invalid_argument");
    expect_json_error(client().get("/api/v1/search?q="), 400, "invalid_argument");
    expect_json_error(client().get("/api/v1/search?q=%20%20"), 400, "invalid_argument");
    expect_json_error(client().get("/api/v1/search?" + q(std::string(201, 'a'))), 400,
                      "invalid_argument");
    expect_json_error(client().get("/api/v1/search?q=a&limit=0"), 400, "invalid_argument");
    expect_json_error(client().get("/api/v1/search?q=a&limit=51"), 400, "invalid_argument");
    expect_json_error(client().get("/api/v1/search?q=a&limit=2.5"), 400, "invalid_argument");
    expect_json_error(client().get("/api/v1/search?q=a&lat=44"), 400, "invalid_argument");
    expect_json_error(client().get("/api/v1/search?q=a&lat=91&lon=0"), 400, "invalid_argument");
    expect_json_error(client().get("/api/v1/reverse?lat=x&lon=1"), 400, "invalid_argument");
    expect_json_error(client().get("/api/v1/reverse"), 400, "invalid_argument");
    // Characters FTS5 gives meaning to are only text here.
    for (std::string_view text : {"\"", "*", "a OR b", "NEAR(a b)", "-x", "^k", "(", "a:b"}) {
        SCOPED_TRACE(text);
        EXPECT_EQ(client().get("/api/v1/search?" + q(text)).status, 200);
    }
}

TEST_F(Search, ANewImportReplacesThePlacesOfItsArea) {
    auto again = run_cli(
        {"import", (std::filesystem::path(SIGHTLINE_FIXTURES) / "osm" / "search.osm").string(),
         "--data", data_dir().string(), "--quiet"});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    auto hits = features(q("knez mihailova 5 "));
    int addresses = 0;
    for (const auto& h : hits)
        addresses += h["properties"]["kind"] == "address" && metres_from(h, 44.8160, 20.4586) < 1.0;
    EXPECT_EQ(addresses, 1) << "not twice after importing twice: " << hits.dump();
}

}  // namespace
}  // namespace sightline::testing
