// `sightline route` on the drawn fixture tests/fixtures/routing/ladder.osm (two parallel
// footways 40 m apart, a camera watching the southern one; see the drawing there), and across
// Munich's Altstadt (label realdata).

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <regex>

#include "cli/cli_fixture.hpp"

namespace sightline::testing {
namespace {

// 3 m south of the ends S (x=0) and E (x=200 m) of the watched footway.
const std::string from_s = "47.99997305,11.0";
const std::string to_e = "47.99997305,11.00268501";

class Route : public CliTest {
  protected:
    void SetUp() override {
        auto result = sightline({"import", fixture("routing/ladder.osm").string()});
        ASSERT_EQ(result.exit_code, 0) << describe(result);
    }
};

TEST_F(Route, PrintsATableWithTheShortestAndTheLeastExposedRoute) {
    auto result = sightline({"route", from_s, to_e, "--quiet"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    // kind, length m, walk min, seen m, seen %, cameras
    std::smatch m;
    ASSERT_TRUE(std::regex_search(
        result.out, m, std::regex(R"(\n  shortest +(\d+) +([\d.]+) +(\d+) +([\d.]+) % +(\d+)\n)")))
        << result.out;
    EXPECT_EQ(m[1], "200");
    EXPECT_EQ(m[2], "2.4");  // 200 m at 1.4 m/s
    EXPECT_EQ(m[3], "40");
    EXPECT_EQ(m[5], "1");
    ASSERT_TRUE(std::regex_search(
        result.out, m,
        std::regex(R"(\n  least_exposed +(\d+) +([\d.]+) +(\d+) +([\d.]+) % +(\d+)\n)")))
        << result.out;
    EXPECT_EQ(m[1], "280");
    EXPECT_EQ(m[3], "0");
    EXPECT_EQ(m[5], "0");
    EXPECT_NE(result.out.find("passes no camera at the observe level"), std::string::npos)
        << result.out;
}

TEST_F(Route, JsonAndGpxCarryTheSameRoutes) {
    auto json_run = sightline({"route", from_s, to_e, "--json", "--max-detour", "1.3"});
    ASSERT_EQ(json_run.exit_code, 0) << describe(json_run);
    auto json = nlohmann::json::parse(json_run.out);
    EXPECT_EQ(json["max_detour"], 1.3);
    // Within 1.3x (260 m) every way passes the camera: said plainly, the least exposed shown.
    EXPECT_EQ(json["avoids_cameras"], false);
    EXPECT_NE(json["message"].get<std::string>().find("1.3x"), std::string::npos);
    ASSERT_FALSE(json["routes"].empty());
    EXPECT_EQ(json["routes"][0]["kind"], "shortest");

    auto wide = nlohmann::json::parse(sightline({"route", from_s, to_e, "--json"}).out);
    const auto& routes = wide["routes"];
    ASSERT_GE(routes.size(), 2u);
    EXPECT_EQ(routes.back()["kind"], "least_exposed");
    EXPECT_LT(routes.back()["seen_m"].get<double>(), routes[0]["seen_m"].get<double>());
    EXPECT_LE(routes.back()["length_m"].get<double>(), 1.5 * routes[0]["length_m"].get<double>());

    auto gpx = sightline({"route", from_s, to_e, "--gpx"});
    ASSERT_EQ(gpx.exit_code, 0) << describe(gpx);
    EXPECT_TRUE(gpx.out.starts_with("<?xml")) << gpx.out;
    std::size_t tracks = 0;
    for (auto at = gpx.out.find("<trk>"); at != std::string::npos;
         at = gpx.out.find("<trk>", at + 1))
        ++tracks;
    EXPECT_EQ(tracks, routes.size()) << gpx.out;
    EXPECT_NE(gpx.out.find("<name>least_exposed</name>"), std::string::npos) << gpx.out;
}

TEST_F(Route, RefusesBadArgumentsWithExitCode2) {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"route"},
             {"route", from_s},
             {"route", from_s, to_e, to_e},
             {"route", "48.0", to_e},
             {"route", from_s, "48,200"},
             {"route", from_s, to_e, "--max-detour", "0.5"},
             {"route", from_s, to_e, "--max-detour", "6"},
             {"route", from_s, to_e, "--max-detour", "x"},
             {"route", from_s, to_e, "--level", "blurry"},
             {"route", from_s, to_e, "--json", "--gpx"},
             {"route", "48.05,11.0", to_e},  // 5.5 km from any street: unprocessable
         }) {
        auto result = sightline(args);
        EXPECT_EQ(result.exit_code, 2) << describe(result);
        EXPECT_TRUE(result.err.starts_with("sightline route: ")) << describe(result);
        EXPECT_TRUE(result.out.empty()) << describe(result);
    }
}

/// The prepared routing file's inode (0 when there is none): a file written again is a new one,
/// renamed over the old.
ino_t inode_of(const std::filesystem::path& file) {
    struct stat info {};
    return ::stat(file.c_str(), &info) == 0 ? info.st_ino : 0;
}

TEST_F(Route, TheImportPreparedTheRoutingDataAndRouteMapsItAsItIs) {
    const auto file = data() / "routing.bin";
    const auto before = inode_of(file);
    ASSERT_NE(before, 0u) << "import left no " << file;
    auto result = sightline({"route", from_s, to_e, "--quiet"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_EQ(inode_of(file), before) << "route built and wrote the routing data again";
    EXPECT_EQ(result.err.find("seen metres measured"), std::string::npos) << describe(result);
}

TEST_F(Route, ImportCsvBringsTheRoutingDataUpToDateWithItsCameras) {
    const auto file = data() / "routing.bin";
    const auto before = inode_of(file);
    const auto csv = work() / "camera.csv";
    std::ofstream(csv) << "lat,lon\n48.00002,11.0013\n";
    auto imported = sightline({"import-csv", csv.string(), "--set", "camera:type=dome"});
    ASSERT_EQ(imported.exit_code, 0) << describe(imported);
    EXPECT_NE(imported.out.find("routing data: updated"), std::string::npos) << describe(imported);
    const auto updated = inode_of(file);
    EXPECT_NE(updated, before);
    auto result = sightline({"route", from_s, to_e, "--quiet"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_EQ(inode_of(file), updated) << "route found the routing data out of date";
}

TEST(RouteImport, WithNoRoutingLeavesTheRoutingDataToTheNextRoute) {
    TempDir tmp{"sightline-cli"};
    const auto data = tmp.path() / "data";
    auto imported = run_cli({"import", fixture("routing/ladder.osm").string(), "--data",
                             data.string(), "--no-routing", "--quiet"});
    ASSERT_EQ(imported.exit_code, 0) << describe(imported);
    EXPECT_EQ(imported.out.find("routing data"), std::string::npos) << describe(imported);
    EXPECT_FALSE(std::filesystem::exists(data / "routing.bin"));
    auto result = run_cli({"route", from_s, to_e, "--data", data.string(), "--quiet"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_TRUE(std::filesystem::exists(data / "routing.bin"));
}

TEST(RouteImport, PreparesTheRoutingDataAndSaysSo) {
    TempDir tmp{"sightline-cli"};
    const auto data = tmp.path() / "data";
    auto imported = run_cli(
        {"import", fixture("routing/ladder.osm").string(), "--data", data.string(), "--quiet"});
    ASSERT_EQ(imported.exit_code, 0) << describe(imported);
    EXPECT_NE(imported.out.find("routing data: prepared"), std::string::npos) << describe(imported);
    EXPECT_TRUE(std::filesystem::exists(data / "routing.bin"));
}

TEST(RouteWithoutStreets, SaysToImportFirst) {
    TempDir tmp{"sightline-cli"};
    auto result =
        run_cli({"route", from_s, to_e, "--data", (tmp.path() / "data").string(), "--quiet"});
    EXPECT_EQ(result.exit_code, 4) << describe(result);
    EXPECT_NE(result.err.find("sightline import"), std::string::npos) << describe(result);
}

// --- Munich ---------------------------------------------------------------------------------

using RealData = CliTest;

TEST_F(RealData, RoutesAcrossMunichsAltstadtTradeLengthForExposure) {
    const std::filesystem::path pbf = SIGHTLINE_SHARED_DATA "/osm/munich_center.osm.pbf";
    if (!std::filesystem::exists(pbf)) {
        const char* ci = std::getenv("CI");
        if (ci && std::string_view(ci) == "true") FAIL() << pbf << " is missing on CI";
        GTEST_SKIP() << pbf << " is not here (set up ../shared/data to run this test)";
    }
    auto imported = sightline({"import", pbf.string(), "--quiet"});
    ASSERT_EQ(imported.exit_code, 0) << describe(imported);
    // Marienplatz to the Lenbachhaus side of the old town, about 600 m as the crow flies.
    auto result = sightline({"route", "48.1374,11.5755", "48.1405,11.5690", "--json", "--quiet"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    auto json = nlohmann::json::parse(result.out);
    const auto& routes = json["routes"];
    ASSERT_GE(routes.size(), 1u);
    ASSERT_LE(routes.size(), 3u);
    const std::vector<std::string> order{"shortest", "balanced", "least_exposed"};
    std::size_t next_kind = 0;
    for (std::size_t i = 0; i < routes.size(); ++i) {
        auto kind = routes[i]["kind"].get<std::string>();
        while (next_kind < order.size() && order[next_kind] != kind)
            ++next_kind;
        EXPECT_LT(next_kind, order.size()) << "kind out of order: " << kind;
        ++next_kind;
        EXPECT_LE(routes[i]["length_m"].get<double>(),
                  1.5 * routes[0]["length_m"].get<double>() + 0.01);
        if (i == 0) continue;
        EXPECT_GE(routes[i]["length_m"].get<double>(), routes[i - 1]["length_m"].get<double>());
        EXPECT_LE(routes[i]["seen_m"].get<double>(), routes[i - 1]["seen_m"].get<double>());
    }
    EXPECT_EQ(routes[0]["kind"], "shortest");
    EXPECT_GT(routes[0]["length_m"].get<double>(), 500.0);
    EXPECT_LT(json["from_snapped"]["distance_m"].get<double>(), 100.0);
}

}  // namespace
}  // namespace sightline::testing
