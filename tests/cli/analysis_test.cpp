// `sightline coverage` and `sightline exposure` on the drawn fixture
// tests/fixtures/analysis/street_building.osm (a 200 m footway, one camera, one building that
// hides part of the street), and on the City of Jyväskylä's cameras and walks (label realdata).

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <numbers>
#include <regex>

#include <fmt/core.h>

#include "cli/cli_fixture.hpp"

namespace sightline::testing {
namespace {

// The fixture's footway runs along 48.0 N from x=-100 m to x=+100 m around 11.0 E.
constexpr double lat0 = 48.0;
constexpr double lon0 = 11.0;
double lon_at(double x_m) {
    return lon0 + x_m / (111'320.0 * std::cos(lat0 * std::numbers::pi / 180.0));
}

class Analysis : public CliTest {
  protected:
    void SetUp() override {
        auto result = sightline({"import", fixture("analysis/street_building.osm").string()});
        ASSERT_EQ(result.exit_code, 0) << describe(result);
    }
    std::filesystem::path write(const std::string& name, const std::string& text) {
        auto path = work() / name;
        std::ofstream(path) << text;
        return path;
    }
    /// A GPX track along the footway from x_from to x_to (metres).
    std::filesystem::path street_gpx(double x_from, double x_to) {
        return write("walk.gpx", fmt::format(R"(<?xml version="1.0"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <!-- a comment with <trkpt lat="1" lon="1"/> inside is not a point -->
  <trk><name>walk</name><trkseg>
    <trkpt lat="{0}" lon="{1:.9f}"><ele>500</ele></trkpt>
    <trkpt lat="{0}" lon="{2:.9f}"/>
  </trkseg></trk>
</gpx>
)",
                                             lat0, lon_at(x_from), lon_at(x_to)));
    }
};

const char* const fixture_bbox = "10.998,47.999,11.002,48.001";

TEST_F(Analysis, CoverageCountsTheStreetAndWhatTheBuildingHides) {
    auto result = sightline({"coverage", "--bbox", fixture_bbox, "--format", "json"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    auto json = nlohmann::json::parse(result.out);
    EXPECT_NEAR(json["street_m"].get<double>(), 200.0, 0.5);
    // Observe 20 m each way, cut at the building's west wall 10 m east of the camera.
    EXPECT_NEAR(json["by_level"]["observe"].get<double>(), 30.0, 0.5);
    EXPECT_NEAR(json["by_level"]["detect"].get<double>(), 60.0, 0.5);
    EXPECT_NEAR(json["share"]["observe"].get<double>(), 0.15, 0.003);
    EXPECT_EQ(json["cameras"], 1);
    EXPECT_EQ(json["buildings"], 1);
    double cells_street = 0;
    double cells_observe = 0;
    for (const auto& cell : json["cells"]) {
        cells_street += cell["street_m"].get<double>();
        cells_observe += cell["by_level"]["observe"].get<double>();
    }
    EXPECT_NEAR(cells_street, 200.0, 0.1);
    EXPECT_NEAR(cells_observe, 30.0, 0.1);
}

TEST_F(Analysis, CoverageGivesGeoJsonCellsAndATable) {
    auto geojson =
        sightline({"coverage", "--bbox", fixture_bbox, "--cell", "50", "--format", "geojson"});
    ASSERT_EQ(geojson.exit_code, 0) << describe(geojson);
    auto collection = nlohmann::json::parse(geojson.out);
    EXPECT_EQ(collection["type"], "FeatureCollection");
    ASSERT_GE(collection["features"].size(), 4u);  // 200 m of street in cells of 50 m
    EXPECT_EQ(collection["features"][0]["geometry"]["type"], "Polygon");

    auto table = sightline({"coverage", "--bbox", fixture_bbox});
    ASSERT_EQ(table.exit_code, 0) << describe(table);
    EXPECT_NE(table.out.find("walkable streets: 0.20 km"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("15.0 %"), std::string::npos) << table.out;
}

TEST_F(Analysis, CoverageRefusesBadAreas) {
    auto no_area = sightline({"coverage"});
    EXPECT_EQ(no_area.exit_code, 2) << describe(no_area);
    auto swapped = sightline({"coverage", "--bbox", "11.002,48.001,10.998,47.999"});
    EXPECT_EQ(swapped.exit_code, 2) << describe(swapped);
    auto huge = sightline({"coverage", "--bbox", "0,0,10,10"});
    EXPECT_NE(huge.exit_code, 0) << describe(huge);
    EXPECT_NE(huge.err.find("limit"), std::string::npos) << huge.err;
    auto bad_cell = sightline({"coverage", "--bbox", fixture_bbox, "--cell", "1"});
    EXPECT_EQ(bad_cell.exit_code, 2) << describe(bad_cell);
}

TEST_F(Analysis, CoverageByDistrict) {
    // West and east halves of the street.
    auto file = write("districts.geojson", fmt::format(R"({{"type":"FeatureCollection","features":[
      {{"type":"Feature","properties":{{"name":"West"}},"geometry":{{"type":"Polygon","coordinates":
        [[[{0},47.999],[{1},47.999],[{1},48.001],[{0},48.001],[{0},47.999]]]}}}},
      {{"type":"Feature","properties":{{"name":"East"}},"geometry":{{"type":"Polygon","coordinates":
        [[[{1},47.999],[{2},47.999],[{2},48.001],[{1},48.001],[{1},47.999]]]}}}}]}})",
                                                       10.998, lon0, 11.002));
    auto result = sightline({"coverage", "--districts", file.string(), "--format", "json"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    auto json = nlohmann::json::parse(result.out);
    ASSERT_EQ(json["districts"].size(), 2u);
    EXPECT_EQ(json["districts"][0]["name"], "West");
    EXPECT_NEAR(json["districts"][0]["street_m"].get<double>(), 100.0, 0.5);
    EXPECT_NEAR(json["districts"][0]["by_level"]["observe"].get<double>(), 20.0, 0.5);
    EXPECT_NEAR(json["districts"][1]["by_level"]["observe"].get<double>(), 10.0, 0.5);
}

TEST_F(Analysis, ExposureOfAWalkAlongTheStreet) {
    auto gpx = street_gpx(-100, 100);
    auto result = sightline({"exposure", gpx.string(), "--json", "--geojson", "--speed", "1.0"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    auto json = nlohmann::json::parse(result.out);
    EXPECT_NEAR(json["length_m"].get<double>(), 200.0, 0.5);
    EXPECT_NEAR(json["seen_m"].get<double>(), 30.0, 0.5);
    EXPECT_NEAR(json["seen_s"].get<double>(), 30.0, 0.5);  // at 1 m/s
    EXPECT_NEAR(json["by_level"]["identify"].get<double>(), 10.0, 0.5);
    ASSERT_EQ(json["cameras"].size(), 1u);
    EXPECT_NEAR(json["cameras"][0]["seen_m"].get<double>(), 30.0, 0.5);
    ASSERT_EQ(json["segments"].size(), 1u);
    EXPECT_NEAR(json["segments"][0]["seen_m"].get<double>(), json["seen_m"].get<double>(), 0.01);
    // The seen stretches add up to the detect metres, each at its finest level.
    double stretches = 0;
    double seen_stretches = 0;
    for (const auto& f : json["geojson"]["features"]) {
        EXPECT_EQ(f["geometry"]["type"], "LineString");
        stretches += f["properties"]["length_m"].get<double>();
        if (f["properties"]["seen"].get<bool>())
            seen_stretches += f["properties"]["length_m"].get<double>();
    }
    EXPECT_NEAR(stretches, json["by_level"]["detect"].get<double>(), 0.1);
    EXPECT_NEAR(seen_stretches, json["seen_m"].get<double>(), 0.1);
}

TEST_F(Analysis, ExposureReadsGeoJsonAndPrintsATable) {
    auto file = write("walk.geojson", fmt::format(R"({{"type":"Feature","properties":{{}},
        "geometry":{{"type":"MultiLineString","coordinates":[[[{0:.9f},48.0],[{1:.9f},48.0]],
        [[{2:.9f},48.0],[{3:.9f},48.0]]]}}}})",
                                                  lon_at(-100), lon_at(0), lon_at(0), lon_at(100)));
    auto result = sightline({"exposure", file.string()});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_NE(result.out.find("route: 200 m in 2 lines"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("seen (observe or finer): 30 m = 15.0 %"), std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("cameras that see it: 1"), std::string::npos) << result.out;
}

TEST_F(Analysis, ExposureRefusesBadRoutes) {
    auto truncated = write("bad.gpx", "<gpx><trk><trkseg><trkpt lat=\"48\" lon=\"11\"/>");
    auto r1 = sightline({"exposure", truncated.string()});
    EXPECT_EQ(r1.exit_code, 2) << describe(r1);
    EXPECT_NE(r1.err.find("bad.gpx"), std::string::npos) << r1.err;
    auto polygon =
        write("bad.geojson",
              R"({"type":"Polygon","coordinates":[[[11,48],[11.1,48],[11,48.1],[11,48]]]})");
    auto r2 = sightline({"exposure", polygon.string()});
    EXPECT_EQ(r2.exit_code, 2) << describe(r2);
    EXPECT_NE(r2.err.find("not a line"), std::string::npos) << r2.err;
    auto r3 = sightline({"exposure", (work() / "missing.gpx").string()});
    EXPECT_EQ(r3.exit_code, 2) << describe(r3);
    auto r4 = sightline({"exposure", street_gpx(-10, 10).string(), "--speed", "0"});
    EXPECT_EQ(r4.exit_code, 2) << describe(r4);
}

// --- Jyväskylä ----------------------------------------------------------------------------------

using RealData = CliTest;

struct LatLon {
    double lat;
    double lon;
};

double haversine_m(LatLon a, LatLon b) {
    constexpr double r = 6371008.8;
    constexpr double rad = std::numbers::pi / 180.0;
    double dlat = (b.lat - a.lat) * rad;
    double dlon = (b.lon - a.lon) * rad;
    double h =
        std::sin(dlat / 2) * std::sin(dlat / 2) +
        std::cos(a.lat * rad) * std::cos(b.lat * rad) * std::sin(dlon / 2) * std::sin(dlon / 2);
    return 2 * r * std::asin(std::sqrt(h));
}

/// Share of the track within 10 m of a camera, by points every 0.5 m (no occlusion, circles).
double brute_force_share(const std::vector<LatLon>& track, const std::vector<LatLon>& cameras) {
    double total = 0;
    double seen = 0;
    for (std::size_t i = 0; i + 1 < track.size(); ++i) {
        double d = haversine_m(track[i], track[i + 1]);
        int n = std::max(1, static_cast<int>(std::ceil(d / 0.5)));
        for (int k = 0; k < n; ++k) {
            double f = (k + 0.5) / n;
            LatLon p{track[i].lat + (track[i + 1].lat - track[i].lat) * f,
                     track[i].lon + (track[i + 1].lon - track[i].lon) * f};
            total += d / n;
            for (const auto& c : cameras)
                if (std::abs(c.lat - p.lat) < 0.001 && haversine_m(c, p) <= 10.0) {
                    seen += d / n;
                    break;
                }
        }
    }
    return total > 0 ? seen / total : 0;
}

TEST_F(RealData, JyvaskylaWalksUnderTheCitysCameras) {
    const std::filesystem::path dir = SIGHTLINE_SHARED_DATA "/cameras";
    const auto csv = dir / "jyvaskyla_cctv_NC.csv";
    if (!std::filesystem::exists(csv)) {
        const char* ci = std::getenv("CI");
        if (ci && std::string_view(ci) == "true") FAIL() << csv << " is missing on CI";
        GTEST_SKIP() << csv << " is not here (set up ../shared/data to run this test)";
    }
    // camera:type accepts only fixed/dome/panning and the importer maps no values, so the
    // file's round/directed goes to survey:camera_type; radius and angle_of_view become the
    // camera model's overrides (observe range 10 m, full circle): the paper's own model.
    auto imported =
        sightline({"import-csv", csv.string(), "--tag", "survey:camera_type=camera_type", "--tag",
                   "sightline:range_m=radius", "--tag", "sightline:hfov_deg=angle_of_view", "--tag",
                   "camera:model=camera_model", "--set", "man_made=surveillance"});
    ASSERT_EQ(imported.exit_code, 0) << describe(imported);
    EXPECT_NE(imported.out.find("imported 450 cameras"), std::string::npos) << imported.out;

    std::vector<LatLon> cameras;
    auto rows = parse_csv(slurp(csv));
    for (std::size_t r = 1; r < rows.size(); ++r)
        cameras.push_back({std::stod(rows[r][0]), std::stod(rows[r][1])});

    const std::regex trkpt(R"re(<trkpt lat="([-0-9.]+)" lon="([-0-9.]+)")re");
    for (int walk = 1; walk <= 4; ++walk) {
        const auto gpx = dir / fmt::format("jyvaskyla_walk{}_NC.gpx", walk);
        ASSERT_TRUE(std::filesystem::exists(gpx)) << gpx;
        auto result = sightline({"exposure", gpx.string(), "--json"});
        ASSERT_EQ(result.exit_code, 0) << describe(result);
        auto json = nlohmann::json::parse(result.out);
        double length = json["length_m"].get<double>();
        double seen = json["seen_m"].get<double>();
        double share = seen / length;
        int seeing = 0;
        for (const auto& c : json["cameras"])
            if (c["seen_m"].get<double>() > 0) ++seeing;
        SCOPED_TRACE(fmt::format("walk {}: {:.0f} m, seen {:.1f} m ({:.1f} %), {} cameras", walk,
                                 length, seen, 100 * share, seeing));
        EXPECT_GT(seeing, 0);
        EXPECT_GT(share, 0.0);
        EXPECT_LT(share, 1.0);
        double segments = 0;
        for (const auto& s : json["segments"])
            segments += s["seen_m"].get<double>();
        EXPECT_NEAR(segments, seen, 0.05);
        EXPECT_NEAR(json["seen_s"].get<double>(), seen / 1.4, 0.1);

        std::vector<LatLon> track;
        auto text = slurp(gpx);
        for (auto it = std::sregex_iterator(text.begin(), text.end(), trkpt);
             it != std::sregex_iterator(); ++it)
            track.push_back({std::stod((*it)[1].str()), std::stod((*it)[2].str())});
        ASSERT_GE(track.size(), 2u);
        EXPECT_NEAR(share, brute_force_share(track, cameras), 0.02);
    }
}

}  // namespace
}  // namespace sightline::testing
