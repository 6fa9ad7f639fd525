// Real data (label realdata): the City of Zagreb's list of 137 surveillance cameras.

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "cli/cli_fixture.hpp"
#include "support/command_output.hpp"

namespace sightline::testing {
namespace {

using RealData = CliTest;

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.pop_back();
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.erase(0, 1);
    return s;
}

TEST_F(RealData, TheZagrebListImportsEveryCameraWithItsAddress) {
    const std::filesystem::path file =
        SIGHTLINE_SHARED_DATA "/cameras/zagreb_surveillance_cameras.csv";
    if (!std::filesystem::exists(file)) {
        const char* ci = std::getenv("CI");
        if (ci && std::string_view(ci) == "true") FAIL() << file << " is missing on CI";
        GTEST_SKIP() << file << " is not here (set up ../shared/data to run this test)";
    }

    auto result = sightline({"import-csv", file.string(), "--lat", "Latitude", "--lon", "Longitude",
                             "--tag", "addr:full=Adress"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_NE(result.out.find("imported 137 cameras"), std::string::npos) << result.out;

    // What the file says, read independently of the importer.
    auto rows = parse_csv(slurp(file));
    ASSERT_EQ(rows.size(), 138u) << "header + 137 cameras";
    const auto& header = rows[0];
    auto col = [&](std::string_view name) {
        return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) -
                                        header.begin());
    };
    std::map<std::string, int> expected_addresses;
    for (std::size_t r = 1; r < rows.size(); ++r)
        ++expected_addresses[trim(rows[r][col("Adress")])];

    auto cameras = export_geojson();
    ASSERT_EQ(cameras["features"].size(), 137u);
    std::map<std::string, int> addresses;
    for (const auto& f : cameras["features"]) {
        const auto& tags = f["properties"]["tags"];
        ASSERT_TRUE(tags.contains("addr:full")) << f.dump();
        ++addresses[tags["addr:full"].get<std::string>()];
        double lon = f["geometry"]["coordinates"][0].get<double>();
        double lat = f["geometry"]["coordinates"][1].get<double>();
        EXPECT_TRUE(lat > 45.7 && lat < 45.9 && lon > 15.8 && lon < 16.2)
            << "outside Zagreb (latitude and longitude swapped?): " << f.dump();
    }
    EXPECT_EQ(addresses, expected_addresses);

    // Every row arrives at its own position with its own address (ids follow a space-filling
    // curve, not the file order, so rows and features are matched by position).
    std::vector<nlohmann::json> unmatched(cameras["features"].begin(), cameras["features"].end());
    for (std::size_t r = 1; r < rows.size(); ++r) {
        double lat = std::stod(rows[r][col("Latitude")]);
        double lon = std::stod(rows[r][col("Longitude")]);
        auto address = trim(rows[r][col("Adress")]);
        auto match = std::find_if(unmatched.begin(), unmatched.end(), [&](const nlohmann::json& f) {
            const auto& c = f["geometry"]["coordinates"];
            return std::abs(c[1].get<double>() - lat) < 1e-6 &&
                   std::abs(c[0].get<double>() - lon) < 1e-6 &&
                   f["properties"]["tags"]["addr:full"] == address;
        });
        if (match == unmatched.end()) {
            ADD_FAILURE() << "row " << r + 1 << " (" << lat << ", " << lon << ", " << address
                          << ") is not among the exported cameras";
        } else {
            unmatched.erase(match);
        }
    }
    EXPECT_TRUE(unmatched.empty());
}

// Munich's centre (munich_center.osm.pbf): 5 Bezirksteile (admin_level 10) lie wholly inside
// the extract, 11 more are cut by its edge. Each district's camera count is checked against
// SpatiaLite (through GDAL) on the same outlines and cameras: at least the cameras strictly
// within, at most those touching it, and all districts together count every camera in any of
// them exactly once.
TEST_F(RealData, DistrictCamerasAgreeWithSpatialite) {
    const std::filesystem::path file = SIGHTLINE_SHARED_DATA "/osm/munich_center.osm.pbf";
    if (!std::filesystem::exists(file)) {
        const char* ci = std::getenv("CI");
        if (ci && std::string_view(ci) == "true") FAIL() << file << " is missing on CI";
        GTEST_SKIP() << file << " is not here (set up ../shared/data to run this test)";
    }
    auto imported = sightline({"import", file.string(), "--quiet"});
    ASSERT_EQ(imported.exit_code, 0) << describe(imported);
    EXPECT_NE(imported.out.find("districts: 5 at admin_level 10, 11 incomplete"), std::string::npos)
        << imported.out;

    auto listed = sightline({"districts", "--json", "--quiet"});
    ASSERT_EQ(listed.exit_code, 0) << describe(listed);
    auto districts = nlohmann::json::parse(listed.out);
    ASSERT_EQ(districts["districts"].size(), 5u);
    ASSERT_EQ(districts["incomplete"].size(), 11u);

    auto outlines = sightline({"districts", "--geojson", "--quiet"});
    ASSERT_EQ(outlines.exit_code, 0) << describe(outlines);
    std::ofstream(work() / "districts.geojson") << outlines.out;
    ASSERT_EQ(
        sightline({"export", "geojson", "--out", (work() / "cameras.geojson").string()}).exit_code,
        0);
    const auto gpkg = (work() / "both.gpkg").string();
    command_output("ogr2ogr -f GPKG '" + gpkg + "' '" + (work() / "districts.geojson").string() +
                   "' -nln districts 2>&1");
    command_output("ogr2ogr -update -f GPKG '" + gpkg + "' '" +
                   (work() / "cameras.geojson").string() + "' -nln cameras 2>&1");
    auto count = [&](const std::string& predicate) {
        std::map<std::string, int> counts;
        auto out = command_output(
            "ogrinfo -q '" + gpkg +
            "' -dialect sqlite -sql \"SELECT d.name AS n, count(c.status) "
            "AS k FROM districts d LEFT JOIN cameras c ON " +
            predicate + "(c.geom, d.geom) AND c.status <> 'removed' GROUP BY d.name\" 2>&1");
        // ogrinfo prints "  n (String) = NAME" then "  k (Integer) = COUNT" per feature.
        std::string name;
        std::istringstream lines(out);
        for (std::string line; std::getline(lines, line);) {
            if (auto at = line.find("n (String) = "); at != std::string::npos)
                name = line.substr(at + 13);
            else if (auto k = line.find("k (Integer) = "); k != std::string::npos)
                counts[name] = std::stoi(line.substr(k + 14));
        }
        return counts;
    };
    auto within = count("ST_Within");
    auto touching = count("ST_Intersects");
    ASSERT_EQ(within.size(), 5u) << "ogrinfo read no districts";
    int ours_total = 0;
    for (const auto& d : districts["districts"]) {
        auto name = d["name"].get<std::string>();
        int ours = d["cameras"].get<int>();
        EXPECT_GE(ours, within[name]) << name;
        EXPECT_LE(ours, touching[name]) << name;
        ours_total += ours;
    }
    auto union_count =
        command_output("ogrinfo -q '" + gpkg +
                       "' -dialect sqlite -sql \"SELECT count(*) AS k FROM cameras c "
                       "WHERE c.status <> 'removed' AND EXISTS (SELECT 1 FROM districts d WHERE "
                       "ST_Intersects(c.geom, d.geom))\" 2>&1");
    auto at = union_count.find("k (Integer) = ");
    ASSERT_NE(at, std::string::npos) << union_count;
    EXPECT_EQ(ours_total, std::stoi(union_count.substr(at + 14)));
    EXPECT_GT(ours_total, 100);  // the old town is densely watched
}

}  // namespace
}  // namespace sightline::testing
