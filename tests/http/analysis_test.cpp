// GET /api/v1/coverage and POST /api/v1/exposure on the drawn fixture
// tests/fixtures/analysis/street_building.osm: a 200 m footway along 48.0 N from x=-100 m to
// x=+100 m around 11.0 E, a camera at x=0 observing 20 m (detecting 50 m), and a building from
// x=10 to 30 m that hides the street east of it.

#include <cmath>
#include <numbers>

#include <fmt/core.h>

#include "http/api_fixture.hpp"

namespace sightline::testing {
namespace {

double lon_at(double x_m) {
    return 11.0 + x_m / (111'320.0 * std::cos(48.0 * std::numbers::pi / 180.0));
}

std::string street_geojson(double x_from, double x_to) {
    return fmt::format(
        R"({{"type":"Feature","properties":{{}},"geometry":{{"type":"LineString",
            "coordinates":[[{:.9f},48.0],[{:.9f},48.0]]}}}})",
        lon_at(x_from), lon_at(x_to));
}

class AnalysisApi : public ApiTest {
  protected:
    [[nodiscard]] std::vector<Account> accounts() const override { return {}; }
    void prepare_data() override {
        auto result = run_cli({"import", SIGHTLINE_FIXTURES "/analysis/street_building.osm",
                               "--data", data_dir().string()});
        if (result.exit_code != 0) throw std::runtime_error("import failed: " + result.err);
    }
};

TEST_F(AnalysisApi, CoverageOfABoundingBox) {
    auto response = client().get("/api/v1/coverage?bbox=10.998,47.999,11.002,48.001&cell=50");
    ASSERT_EQ(response.status, 200) << response.body;
    auto json = response.json();
    EXPECT_NEAR(json["street_m"].get<double>(), 200.0, 0.5);
    EXPECT_NEAR(json["by_level"]["observe"].get<double>(), 30.0, 0.5);
    EXPECT_NEAR(json["share"]["detect"].get<double>(), 0.30, 0.005);
    EXPECT_EQ(json["cell_m"], 50);
    EXPECT_GE(json["cells"].size(), 4u);

    // The second request reuses the viewshed and gives the same answer.
    auto again = client().get("/api/v1/coverage?bbox=10.998,47.999,11.002,48.001&cell=50");
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.json()["viewsheds_cached"], 1);
    EXPECT_EQ(again.json()["viewsheds_computed"], 0);
    EXPECT_EQ(again.json()["by_level"], json["by_level"]);
}

TEST_F(AnalysisApi, CoverageRefusesBadQueries) {
    expect_json_error(client().get("/api/v1/coverage"), 400, "invalid_argument");
    expect_json_error(client().get("/api/v1/coverage?bbox=11,48,10,47"), 400, "invalid_argument");
    expect_json_error(client().get("/api/v1/coverage?bbox=10.998,47.999,11.002,48.001&cell=abc"),
                      400, "invalid_argument");
    expect_json_error(client().get("/api/v1/coverage?bbox=10.998,47.999,11.002,48.001&cell=1"), 400,
                      "invalid_argument");
    expect_json_error(client().get("/api/v1/coverage?bbox=10,47,12,49"), 413, "too_large");
}

TEST_F(AnalysisApi, ExposureOfAGeoJsonRoute) {
    auto response = client().post("/api/v1/exposure?speed=2", street_geojson(-100, 100),
                                  {{"Content-Type", "application/geo+json"}});
    ASSERT_EQ(response.status, 200) << response.body;
    auto json = response.json();
    EXPECT_NEAR(json["length_m"].get<double>(), 200.0, 0.5);
    EXPECT_NEAR(json["seen_m"].get<double>(), 30.0, 0.5);
    EXPECT_NEAR(json["seen_s"].get<double>(), 15.0, 0.3);  // at 2 m/s
    EXPECT_NEAR(json["by_level"]["recognise"].get<double>(), 20.0, 0.5);
    ASSERT_EQ(json["cameras"].size(), 1u);
    EXPECT_NEAR(json["cameras"][0]["lat"].get<double>(), 48.0, 1e-6);
    ASSERT_EQ(json["segments"].size(), 1u);
    EXPECT_EQ(json["geojson"]["type"], "FeatureCollection");
    EXPECT_FALSE(json["geojson"]["features"].empty());
}

TEST_F(AnalysisApi, ExposureOfAGpxRoute) {
    auto gpx = fmt::format(R"(<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test"><rte><rtept lat="48.0" lon="{:.9f}"/>
<rtept lat="48.0" lon="{:.9f}"/></rte></gpx>)",
                           lon_at(-40), lon_at(0));
    auto response =
        client().post("/api/v1/exposure", gpx, {{"Content-Type", "application/gpx+xml"}});
    ASSERT_EQ(response.status, 200) << response.body;
    auto json = response.json();
    EXPECT_NEAR(json["length_m"].get<double>(), 40.0, 0.2);
    EXPECT_NEAR(json["seen_m"].get<double>(), 20.0, 0.5);
    EXPECT_NEAR(json["by_level"]["detect"].get<double>(), 40.0, 0.5);
}

TEST_F(AnalysisApi, ExposureRefusesBadBodies) {
    expect_json_error(client().post("/api/v1/exposure", street_geojson(-10, 10),
                                    {{"Content-Type", "text/plain"}}),
                      415, "unsupported_media_type");
    expect_json_error(
        client().post("/api/v1/exposure", "{\"type\":", {{"Content-Type", "application/json"}}),
        400, "invalid_argument");
    expect_json_error(
        client().post("/api/v1/exposure", R"({"type":"LineString","coordinates":[[11,48]]})",
                      {{"Content-Type", "application/json"}}),
        400, "invalid_argument");
    expect_json_error(client().post("/api/v1/exposure", "<gpx><trk><trkseg>",
                                    {{"Content-Type", "application/gpx+xml"}}),
                      400, "invalid_argument");
    expect_json_error(client().post("/api/v1/exposure?speed=-1", street_geojson(-10, 10),
                                    {{"Content-Type", "application/json"}}),
                      400, "invalid_argument");
    expect_json_error(client().post("/api/v1/exposure", std::string(100'000, '['),
                                    {{"Content-Type", "application/json"}}),
                      400, "invalid_argument");
}

}  // namespace
}  // namespace sightline::testing
