// sightline export geojson|csv: complete files, never half-written ones.

#include <algorithm>
#include <fstream>

#include "cli/cli_fixture.hpp"

namespace sightline::testing {
namespace {

class Export : public CliTest {
  protected:
    void SetUp() override {
        import_csv(fixture("csv/cameras_comma.csv"),
                   {"--tag", "camera:type=type", "--tag", "operator=operator", "--tag",
                    "addr:full=address"});
    }
};

TEST_F(Export, GeoJsonToAFileIsCompleteAndHasEveryCamera) {
    auto out = work() / "cameras.geojson";
    auto result = sightline({"export", "geojson", "--out", out.string()});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_NE(result.err.find("exported 3 cameras"), std::string::npos) << describe(result);
    EXPECT_TRUE(result.out.empty()) << "the data went to the file:\n" << result.out;
    EXPECT_FALSE(std::filesystem::exists(out.string() + ".partial"));

    auto text = slurp(out);
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\n');
    auto collection = nlohmann::json::parse(text);
    EXPECT_EQ(collection["type"], "FeatureCollection");
    ASSERT_EQ(collection["features"].size(), 3u);
    for (const auto& f : collection["features"]) {
        EXPECT_EQ(f["type"], "Feature");
        EXPECT_EQ(f["geometry"]["type"], "Point");
        EXPECT_EQ(f["geometry"]["coordinates"].size(), 2u);
        EXPECT_EQ(f["properties"]["tags"]["man_made"], "surveillance");
    }
    auto belgrade = feature_with_tag(collection, "addr:full", "Кнез Михаилова 5, Београд");
    ASSERT_TRUE(belgrade.is_object());
    EXPECT_NEAR(belgrade["geometry"]["coordinates"][0].get<double>(), 20.4569, 1e-7);
}

TEST_F(Export, CsvToAFileHasAHeaderAndOneQuotedRowPerCamera) {
    auto out = work() / "cameras.csv";
    auto result = sightline({"export", "csv", "--out", out.string()});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_FALSE(std::filesystem::exists(out.string() + ".partial"));

    auto text = slurp(out);
    EXPECT_TRUE(text.ends_with("\r\n")) << "RFC 4180 line ends";
    auto rows = parse_csv(text);
    ASSERT_EQ(rows.size(), 4u) << text;
    const auto& header = rows[0];
    EXPECT_EQ(header[0], "id");
    EXPECT_EQ(header.back(), "other_tags");
    for (std::size_t r = 1; r < rows.size(); ++r)
        EXPECT_EQ(rows[r].size(), header.size()) << r;
    EXPECT_NE(text.find("\"Grad Zagreb, Ured za sigurnost\""), std::string::npos) << text;
    auto op = std::find(header.begin(), header.end(), "operator") - header.begin();
    std::vector<std::string> operators;
    for (std::size_t r = 1; r < rows.size(); ++r)
        operators.push_back(rows[r][op]);
    std::sort(operators.begin(), operators.end());
    EXPECT_EQ(operators,
              (std::vector<std::string>{"Grad Zagreb, Ured za sigurnost", "Kanton Sarajevo",
                                        "Град Београд, Секретаријат"}));
}

TEST_F(Export, StandardOutputIsTheDefault) {
    auto result = sightline({"export", "geojson"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_EQ(nlohmann::json::parse(result.out)["features"].size(), 3u);
    auto dash = sightline({"export", "csv", "--out", "-"});
    ASSERT_EQ(dash.exit_code, 0) << describe(dash);
    EXPECT_EQ(parse_csv(dash.out).size(), 4u);
}

TEST_F(Export, AnExistingFileIsReplacedWhole) {
    auto out = work() / "cameras.geojson";
    {
        std::ofstream old(out);
        old << std::string(100'000, 'x');
    }
    ASSERT_EQ(sightline({"export", "geojson", "--out", out.string()}).exit_code, 0);
    EXPECT_EQ(nlohmann::json::parse(slurp(out))["features"].size(), 3u);
}

TEST_F(Export, AnUnwritableDestinationFailsAndLeavesNothing) {
    auto out = work() / "no-such-folder" / "cameras.csv";
    auto result = sightline({"export", "csv", "--out", out.string()});
    EXPECT_NE(result.exit_code, 0);
    EXPECT_NE(result.err.find("no-such-folder"), std::string::npos) << describe(result);
    EXPECT_FALSE(std::filesystem::exists(out));
}

TEST_F(Export, AGeoPackageToAFileReadsBackWithOgrinfo) {
    auto out = work() / "cameras.gpkg";
    auto result = sightline({"export", "gpkg", "--out", out.string()});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_NE(result.err.find("exported 3 cameras"), std::string::npos) << describe(result);
    EXPECT_FALSE(std::filesystem::exists(out.string() + ".partial"));
    auto info = run_program("/usr/bin/ogrinfo", {"-ro", "-al", "-so", out.string()});
    ASSERT_EQ(info.exit_code, 0) << describe(info);
    EXPECT_NE(info.out.find("Feature Count: 3"), std::string::npos) << info.out;
    EXPECT_NE(info.out.find("ID[\"EPSG\",4326]"), std::string::npos) << info.out;
    EXPECT_NE(info.out.find("ODbL"), std::string::npos) << info.out;
}

TEST_F(Export, AGeoPackageIsNotWrittenToStandardOutput) {
    for (auto args : {std::vector<std::string>{"export", "gpkg"},
                      std::vector<std::string>{"export", "gpkg", "--out", "-"}}) {
        auto result = sightline(args);
        EXPECT_EQ(result.exit_code, 2) << describe(result);
        EXPECT_NE(result.err.find("--out FILE"), std::string::npos) << describe(result);
        EXPECT_TRUE(result.out.empty());
    }
}

TEST_F(Export, AGeoPackageToAnUnwritablePlaceFailsAndLeavesNothing) {
    auto out = work() / "no-such-folder" / "cameras.gpkg";
    auto result = sightline({"export", "gpkg", "--out", out.string()});
    EXPECT_EQ(result.exit_code, 1) << describe(result);
    EXPECT_NE(result.err.find("no-such-folder"), std::string::npos) << describe(result);
    EXPECT_FALSE(std::filesystem::exists(out));
}

TEST_F(Export, KmlGoesToStandardOutputWithOnePlacemarkPerCamera) {
    auto result = sightline({"export", "kml"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_TRUE(result.out.ends_with("</kml>\n"));
    std::size_t placemarks = 0;
    for (auto at = result.out.find("<Placemark "); at != std::string::npos;
         at = result.out.find("<Placemark ", at + 1))
        ++placemarks;
    EXPECT_EQ(placemarks, 3u);
    EXPECT_NE(result.out.find("<Data name=\"license\">"), std::string::npos);
}

TEST_F(Export, AnUnknownFormatFails) {
    auto result = sightline({"export", "shp"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.err.find("geojson"), std::string::npos)
        << "the message names the formats there are:\n"
        << describe(result);
}

TEST(ExportEmpty, AnEmptyRegistryExportsValidEmptyFiles) {
    TempDir tmp("sightline-cli");
    auto data = (tmp.path() / "data").string();
    auto geojson = run_cli({"export", "geojson", "--data", data});
    ASSERT_EQ(geojson.exit_code, 0) << describe(geojson);
    auto collection = nlohmann::json::parse(geojson.out);
    EXPECT_EQ(collection["type"], "FeatureCollection");
    EXPECT_TRUE(collection["features"].empty());
    auto csv = run_cli({"export", "csv", "--data", data});
    ASSERT_EQ(csv.exit_code, 0) << describe(csv);
    EXPECT_EQ(parse_csv(csv.out).size(), 1u) << "the header only:\n" << csv.out;
}

}  // namespace
}  // namespace sightline::testing
