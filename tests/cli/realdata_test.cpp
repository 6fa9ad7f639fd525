// Real data (label realdata): the City of Zagreb's list of 137 surveillance cameras.

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

#include "cli/cli_fixture.hpp"

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

}  // namespace
}  // namespace sightline::testing
