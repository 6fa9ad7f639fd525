// sightline import-csv: all rows or none, quoted fields, Cyrillic, semicolons and decimal commas.

#include <fstream>

#include "cli/cli_fixture.hpp"

namespace sightline::testing {
namespace {

using ImportCsv = CliTest;

void write_file(const std::filesystem::path& path, std::string_view text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

TEST_F(ImportCsv, ACommaSeparatedFileWithQuotedFieldsImportsEveryRow) {
    auto result = sightline({"import-csv", fixture("csv/cameras_comma.csv").string(), "--tag",
                             "camera:type=type", "--tag", "operator=operator", "--tag",
                             "addr:full=address", "--tag", "note=notes"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_NE(result.out.find("imported 3 cameras"), std::string::npos) << result.out;

    auto cameras = export_geojson();
    ASSERT_EQ(cameras["features"].size(), 3u);
    auto zagreb = feature_with_tag(cameras, "operator", "Grad Zagreb, Ured za sigurnost");
    ASSERT_TRUE(zagreb.is_object()) << cameras.dump(1);
    EXPECT_EQ(zagreb["properties"]["tags"]["addr:full"], "Trg bana Jelačića 1");
    EXPECT_EQ(zagreb["properties"]["tags"]["note"], "installed 2011, replaced 2019");
    EXPECT_EQ(zagreb["properties"]["tags"]["camera:type"], "dome");
    EXPECT_EQ(zagreb["properties"]["tags"]["man_made"], "surveillance");
    EXPECT_EQ(zagreb["properties"]["status"], "verified") << "the default status";
    EXPECT_NEAR(zagreb["geometry"]["coordinates"][0].get<double>(), 15.9770, 1e-7);
    EXPECT_NEAR(zagreb["geometry"]["coordinates"][1].get<double>(), 45.8130, 1e-7);

    auto belgrade = feature_with_tag(cameras, "operator", "Град Београд, Секретаријат");
    ASSERT_TRUE(belgrade.is_object()) << cameras.dump(1);
    EXPECT_EQ(belgrade["properties"]["tags"]["addr:full"], "Кнез Михаилова 5, Београд");
    EXPECT_FALSE(belgrade["properties"]["tags"].contains("note")) << "an empty field is no tag";

    auto sarajevo = feature_with_tag(cameras, "operator", "Kanton Sarajevo");
    ASSERT_TRUE(sarajevo.is_object());
    EXPECT_EQ(sarajevo["properties"]["tags"]["addr:full"], "Ferhadija 12, \"kod sata\"");
}

TEST_F(ImportCsv, ASemicolonFileWithDecimalCommasImportsEveryRow) {
    import_csv(fixture("csv/cameras_semicolon.csv"),
               {"--tag", "addr:full=Adresa", "--tag", "camera:type=Vrsta"});
    auto cameras = export_geojson();
    ASSERT_EQ(cameras["features"].size(), 3u);
    auto belgrade = feature_with_tag(cameras, "addr:full", "Кнез Михаилова 5, Београд");
    ASSERT_TRUE(belgrade.is_object()) << cameras.dump(1);
    EXPECT_NEAR(belgrade["geometry"]["coordinates"][0].get<double>(), 20.4569, 1e-7);
    EXPECT_NEAR(belgrade["geometry"]["coordinates"][1].get<double>(), 44.8176, 1e-7)
        << "44,8176 is a decimal comma, not two fields";
    EXPECT_EQ(belgrade["properties"]["tags"]["camera:type"], "fixed");
    auto sarajevo = feature_with_tag(cameras, "addr:full", "Ferhadija 12; \"kod sata\"");
    EXPECT_TRUE(sarajevo.is_object()) << cameras.dump(1);
}

TEST_F(ImportCsv, ACsvWithOneBadRowImportsNothingAndNamesTheRow) {
    auto result = sightline(
        {"import-csv", fixture("csv/cameras_bad_row.csv").string(), "--tag", "addr:full=address"});
    EXPECT_EQ(result.exit_code, 2) << describe(result);
    EXPECT_NE(result.err.find("row 5"), std::string::npos)
        << "the fifth line holds the bad latitude:\n"
        << describe(result);
    auto rows = export_csv();
    ASSERT_EQ(rows.size(), 1u) << "only the header: no camera was imported";
    EXPECT_EQ(rows[0][0], "id");
    EXPECT_TRUE(export_geojson()["features"].empty());
}

TEST_F(ImportCsv, ARowWithAnInvalidTagOrPositionImportsNothing) {
    auto file = work() / "bad.csv";
    write_file(file, "lat,lon,kind\n45.1,15.1,dome\n95.0,15.2,dome\n");
    auto out_of_range = sightline({"import-csv", file.string()});
    EXPECT_NE(out_of_range.exit_code, 0);
    EXPECT_NE(out_of_range.err.find("row 3"), std::string::npos) << describe(out_of_range);

    write_file(file, "lat,lon,kind\n45.1,15.1,dome\n45.2,15.2,invisible\n");
    auto bad_tag = sightline({"import-csv", file.string(), "--tag", "camera:type=kind"});
    EXPECT_NE(bad_tag.exit_code, 0);
    EXPECT_NE(bad_tag.err.find("row 3"), std::string::npos) << describe(bad_tag);
    EXPECT_NE(bad_tag.err.find("camera:type"), std::string::npos) << describe(bad_tag);

    write_file(file, "lat,lon\n45.1,15.1\n\"45.2,15.2\n");
    auto unterminated = sightline({"import-csv", file.string()});
    EXPECT_NE(unterminated.exit_code, 0);
    EXPECT_NE(unterminated.err.find("quote"), std::string::npos) << describe(unterminated);

    EXPECT_TRUE(export_geojson()["features"].empty());
}

TEST_F(ImportCsv, AMissingColumnIsNamed) {
    auto no_lat =
        sightline({"import-csv", fixture("csv/cameras_comma.csv").string(), "--lat", "Breite"});
    EXPECT_NE(no_lat.exit_code, 0);
    EXPECT_NE(no_lat.err.find("Breite"), std::string::npos) << describe(no_lat);
    auto no_tag_column = sightline(
        {"import-csv", fixture("csv/cameras_comma.csv").string(), "--tag", "operator=Betreiber"});
    EXPECT_NE(no_tag_column.exit_code, 0);
    EXPECT_NE(no_tag_column.err.find("Betreiber"), std::string::npos) << describe(no_tag_column);
}

TEST_F(ImportCsv, AMissingFileIsReportedWithItsPath) {
    auto missing = work() / "no-such-file.csv";
    auto result = sightline({"import-csv", missing.string()});
    EXPECT_NE(result.exit_code, 0);
    EXPECT_NE(result.err.find("no-such-file.csv"), std::string::npos) << describe(result);
}

TEST_F(ImportCsv, AByteOrderMarkAndCrlfLineEndsAreHandled) {
    auto file = work() / "windows.csv";
    write_file(file, "\xEF\xBB\xBFLatitude,Longitude,Name\r\n45.1,15.1,A\r\n45.2,15.2,B\r\n");
    import_csv(file, {"--tag", "name=Name"});
    auto cameras = export_geojson();
    ASSERT_EQ(cameras["features"].size(), 2u);
    EXPECT_TRUE(feature_with_tag(cameras, "name", "A").is_object()) << cameras.dump(1);
    EXPECT_TRUE(feature_with_tag(cameras, "name", "B").is_object()) << "no stray \\r in values";
}

TEST_F(ImportCsv, ConstantTagsAndTheStatusApplyToEveryRow) {
    import_csv(fixture("csv/cameras_comma.csv"), {"--set", "surveillance:type=camera", "--set",
                                                  "source=city list", "--status", "reported"});
    auto cameras = export_geojson();
    ASSERT_EQ(cameras["features"].size(), 3u);
    for (const auto& f : cameras["features"]) {
        EXPECT_EQ(f["properties"]["tags"]["surveillance:type"], "camera");
        EXPECT_EQ(f["properties"]["tags"]["source"], "city list");
        EXPECT_EQ(f["properties"]["status"], "reported");
    }
}

TEST_F(ImportCsv, ADryRunStoresNothing) {
    auto result = sightline({"import-csv", fixture("csv/cameras_comma.csv").string(), "--dry-run"});
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_NE(result.out.find("3"), std::string::npos) << result.out;
    EXPECT_TRUE(export_geojson()["features"].empty());
}

TEST_F(ImportCsv, UnmappedColumnsAreMentioned) {
    auto result = sightline({"import-csv", fixture("csv/cameras_comma.csv").string()});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_NE(result.err.find("operator"), std::string::npos) << describe(result);
    EXPECT_NE(result.err.find("address"), std::string::npos) << describe(result);
}

TEST_F(ImportCsv, ImportingTwiceAddsTheRowsTwice) {
    import_csv(fixture("csv/cameras_comma.csv"));
    import_csv(fixture("csv/cameras_comma.csv"));
    EXPECT_EQ(export_geojson()["features"].size(), 6u);
}

TEST_F(ImportCsv, StandardInputCanBeTheFile) {
    auto result = sightline({"import-csv", "-"}, "lat,lon\n45.1,15.1\n");
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_EQ(export_geojson()["features"].size(), 1u);
}

}  // namespace
}  // namespace sightline::testing
