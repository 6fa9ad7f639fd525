// GET /api/v1/districts (JSON, GeoJSON, CSV) and /api/v1/districts/{id} on the hand-drawn
// tests/fixtures/osm/districts.osm: Zapad and Istok share a border with a camera on it, two more
// cameras in Zapad, one in Istok, one outside both; "Cut" is cut off by the extract's edge.

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "http/api_fixture.hpp"
#include "support/command_output.hpp"

namespace sightline::testing {
namespace {

class DistrictsApi : public ApiTest {
  protected:
    [[nodiscard]] std::vector<Account> accounts() const override { return {}; }
    void prepare_data() override {
        auto result = run_cli(
            {"import", SIGHTLINE_FIXTURES "/osm/districts.osm", "--data", data_dir().string()});
        if (result.exit_code != 0) throw std::runtime_error("import failed: " + result.err);
        import_output = result.out;
    }

    nlohmann::json by_name(const nlohmann::json& list, std::string_view name) {
        for (const auto& d : list)
            if (d["name"] == name) return d;
        ADD_FAILURE() << "no district " << name;
        return {};
    }

    std::string import_output;
};

TEST_F(DistrictsApi, ImportSaysWhatItFound) {
    EXPECT_NE(import_output.find("districts: 2 at admin_level 9, 1 incomplete"), std::string::npos)
        << import_output;
}

TEST_F(DistrictsApi, ListsEachDistrictWithItsFigures) {
    auto response = client().get("/api/v1/districts");
    ASSERT_EQ(response.status, 200) << response.body;
    auto json = response.json();
    EXPECT_EQ(json["level"], 9);
    ASSERT_EQ(json["districts"].size(), 2u);
    EXPECT_EQ(json["districts"][0]["name"], "Istok");  // by name
    auto west = by_name(json["districts"], "Zapad");
    auto east = by_name(json["districts"], "Istok");
    EXPECT_EQ(west["osm"], "relation/1001");
    EXPECT_EQ(west["names"]["sr"], "Запад");
    EXPECT_EQ(west["names"]["en"], "West");
    EXPECT_EQ(west["admin_level"], 9);
    // 0.0201 x 0.01 degrees at 44.8 N: about 1.59 km x 1.11 km.
    EXPECT_NEAR(west["area_km2"].get<double>(), 1.76, 0.03);
    // Four cameras lie in the two districts, the one on their border in exactly one of them.
    const auto west_cameras = west["cameras"].get<int>();
    const auto east_cameras = east["cameras"].get<int>();
    EXPECT_EQ(west_cameras + east_cameras, 4);
    EXPECT_GE(west_cameras, 2);
    EXPECT_GE(east_cameras, 1);
    EXPECT_NEAR(west["cameras_per_km2"].get<double>(),
                west_cameras / west["area_km2"].get<double>(), 0.01);
    // The street along 44.805 N from 20.405 to 20.435 E is cut at the border (20.4201 E).
    EXPECT_NEAR(west["street_km"].get<double>(), 1.19, 0.02);
    EXPECT_NEAR(east["street_km"].get<double>(), 1.18, 0.02);
    EXPECT_NEAR(west["cameras_per_street_km"].get<double>(),
                west_cameras / west["street_km"].get<double>(), 0.01);
    auto shares = west["watched_share"];
    EXPECT_GT(shares["detect"].get<double>(), 0);
    EXPECT_LE(shares["detect"].get<double>(), 1);
    EXPECT_LE(shares["identify"].get<double>(), shares["observe"].get<double>());
    ASSERT_EQ(json["incomplete"].size(), 1u);
    EXPECT_EQ(json["incomplete"][0]["osm"], "relation/1003");
    EXPECT_EQ(json["incomplete"][0]["name"], "Cut");
}

TEST_F(DistrictsApi, OneDistrictHasItsOutline) {
    auto list = client().get("/api/v1/districts").json();
    auto id = by_name(list["districts"], "Zapad")["id"].get<std::int64_t>();
    auto response = client().get("/api/v1/districts/" + std::to_string(id));
    ASSERT_EQ(response.status, 200) << response.body;
    auto json = response.json();
    EXPECT_EQ(json["name"], "Zapad");
    EXPECT_EQ(json["cameras"], by_name(list["districts"], "Zapad")["cameras"]);
    EXPECT_EQ(json["geometry"]["type"], "MultiPolygon");
    ASSERT_EQ(json["geometry"]["coordinates"].size(), 1u);
    EXPECT_EQ(json["geometry"]["coordinates"][0][0].size(), 6u);  // 5 corners, closed

    expect_json_error(client().get("/api/v1/districts/999999"), 404, "not_found");
    expect_json_error(client().get("/api/v1/districts/abc"), 400, "invalid_argument");
}

TEST_F(DistrictsApi, GeoJsonAndCsvCarryTheSameFigures) {
    auto list = client().get("/api/v1/districts").json();
    auto geojson = client().get("/api/v1/districts.geojson");
    ASSERT_EQ(geojson.status, 200) << geojson.body;
    EXPECT_NE(geojson.header("content-type").find("application/geo+json"), std::string::npos);
    auto features = geojson.json()["features"];
    ASSERT_EQ(features.size(), 2u);
    for (const auto& f : features) {
        EXPECT_EQ(f["geometry"]["type"], "MultiPolygon");
        auto d = by_name(list["districts"], f["properties"]["name"].get<std::string>());
        EXPECT_EQ(f["id"], d["id"]);
        EXPECT_EQ(f["properties"]["cameras"], d["cameras"]);
    }

    auto csv = client().get("/api/v1/districts.csv");
    ASSERT_EQ(csv.status, 200) << csv.body;
    EXPECT_NE(csv.header("content-type").find("text/csv"), std::string::npos);
    auto west = by_name(list["districts"], "Zapad");
    EXPECT_EQ(csv.body.rfind("id,osm,name,admin_level,area_km2,cameras,", 0), 0u) << csv.body;
    EXPECT_NE(csv.body.find(fmt::format("{},relation/1001,Zapad,9,", west["id"].get<int>())),
              std::string::npos)
        << csv.body;
    EXPECT_EQ(std::count(csv.body.begin(), csv.body.end(), '\n'), 3);
}

TEST_F(DistrictsApi, FiguresFollowCameraChanges) {
    auto before = by_name(client().get("/api/v1/districts").json()["districts"], "Istok");
    import_cameras(data_dir(), "lat,lon,type\n44.8020,20.4350,fixed\n44.8080,20.4380,dome\n");
    // With PostgreSQL a server learns of another process's change by a notification, which may
    // arrive a moment after that process ends: look again for up to 10 s.
    auto after = by_name(client().get("/api/v1/districts").json()["districts"], "Istok");
    for (int i = 0; i < 200 && after["cameras"] == before["cameras"]; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        after = by_name(client().get("/api/v1/districts").json()["districts"], "Istok");
    }
    EXPECT_EQ(after["cameras"].get<int>(), before["cameras"].get<int>() + 2);
}

TEST_F(DistrictsApi, APrintableReportOfADistrict) {
    auto list = client().get("/api/v1/districts").json();
    auto west = by_name(list["districts"], "Zapad");
    auto response = client().get(
        fmt::format("/api/v1/report.pdf?district={}&lang=sr-Latn", west["id"].get<int>()));
    ASSERT_EQ(response.status, 200) << response.body.substr(0, 200);
    EXPECT_EQ(response.header("content-type"), "application/pdf");
    ASSERT_EQ(response.body.rfind("%PDF-", 0), 0u);
    // Read back with poppler: the district's Serbian name and its figures.
    auto path = data_dir() / "report.pdf";
    std::ofstream(path, std::ios::binary) << response.body;
    auto text = command_output("pdftotext -layout '" + path.string() + "' -");
    // One space between words, however far apart the layout puts a label and its value.
    text.erase(
        std::unique(text.begin(), text.end(), [](char a, char b) { return a == ' ' && b == ' '; }),
        text.end());
    EXPECT_NE(text.find("Video nadzor: Zapad"), std::string::npos) << text;
    EXPECT_NE(text.find(fmt::format("Kamere {}", west["cameras"].get<int>())), std::string::npos)
        << text;
}

TEST_F(DistrictsApi, APrintableReportOfABoundingBox) {
    auto response = client().get("/api/v1/report.pdf?bbox=20.40,44.80,20.44,44.81");
    ASSERT_EQ(response.status, 200) << response.body.substr(0, 200);
    auto path = data_dir() / "box.pdf";
    std::ofstream(path, std::ios::binary) << response.body;
    auto text = command_output("pdftotext -layout '" + path.string() + "' -");
    EXPECT_NE(text.find("Video surveillance: the selected area"), std::string::npos) << text;
}

TEST_F(DistrictsApi, TheReportRefusesBadQueries) {
    expect_json_error(client().get("/api/v1/report.pdf"), 400, "invalid_argument");
    expect_json_error(client().get("/api/v1/report.pdf?bbox=20.40,44.80,20.44,44.81&district=1"),
                      400, "invalid_argument");
    expect_json_error(client().get("/api/v1/report.pdf?district=abc"), 400, "invalid_argument");
    expect_json_error(client().get("/api/v1/report.pdf?district=999999"), 404, "not_found");
    expect_json_error(client().get("/api/v1/report.pdf?bbox=20.40,44.80,20.44,44.81&lang=de"), 400,
                      "invalid_argument");
    expect_json_error(client().get("/api/v1/report.pdf?bbox=10,47,12,49"), 413, "too_large");
}

}  // namespace
}  // namespace sightline::testing
