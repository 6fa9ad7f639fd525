// sightline import-list: official lists stored as sources, matched with the crowd's cameras.

#include <algorithm>

#include "cli/cli_fixture.hpp"

namespace sightline::testing {
namespace {

class ImportList : public CliTest {
  protected:
    CliResult import_list(const std::string& fixture_name, std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"import-list", fixture("csv/" + fixture_name).string(),
                                      "--source", "Police list 2021"};
        args.insert(args.end(), extra.begin(), extra.end());
        return sightline(args);
    }
    void import_map(std::string_view file) {
        auto result = sightline({"import", fixture(file).string(), "--quiet"});
        ASSERT_EQ(result.exit_code, 0) << describe(result);
    }
};

TEST_F(ImportList, CoordinatesAreMatchedWithTheCrowdsCameras) {
    import_map("osm/basic.osm");
    auto result = import_list("official_list_coordinates.csv");
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_NE(result.out.find("imported list 1 'Police list 2021': 2 rows, 2 entries placed"),
              std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("both: 1, only on the list: 1, only the crowd's: 1, ambiguous: 0"),
              std::string::npos)
        << result.out;

    // The OSM camera the list names now has two sources, in the exports too.
    auto collection = export_geojson();
    nlohmann::json node;
    for (const auto& f : collection["features"])
        if (f["properties"].contains("osm") && f["properties"]["osm"]["type"] == "node") node = f;
    ASSERT_TRUE(node.is_object()) << collection.dump();
    const auto& sources = node["properties"]["sources"];
    ASSERT_EQ(sources.size(), 2u) << sources.dump();
    EXPECT_EQ(sources[0]["kind"], "osm");
    EXPECT_EQ(sources[0]["name"], "node/1");
    EXPECT_EQ(sources[1]["kind"], "list");
    EXPECT_EQ(sources[1]["name"], "Police list 2021");
    EXPECT_EQ(sources[1]["source_id"], 1);

    auto rows = export_csv();
    auto column = std::find(rows[0].begin(), rows[0].end(), "sources") - rows[0].begin();
    ASSERT_LT(static_cast<std::size_t>(column), rows[0].size());
    std::vector<std::string> texts;
    for (std::size_t r = 1; r < rows.size(); ++r)
        texts.push_back(rows[r][column]);
    std::sort(texts.begin(), texts.end());
    EXPECT_EQ(texts, (std::vector<std::string>{"osm:node/1|list:Police list 2021", "osm:way/100"}));
}

TEST_F(ImportList, ADirectionThatDisagreesIsLeftForModerators) {
    import_map("osm/basic.osm");
    // Node 1 looks east (90°); with at most 5° between directions, 100° disagrees.
    auto result = import_list("official_list_coordinates.csv", {"--max-angle", "5"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_NE(result.out.find("both: 0, only on the list: 1, only the crowd's: 1, ambiguous: 1"),
              std::string::npos)
        << result.out;
}

TEST_F(ImportList, AddressesArePlacedOnlyOnTheSameHouseNumberAndStreet) {
    import_map("osm/search.osm");
    auto result = import_list("official_list_addresses.csv", {"--address", "address"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_NE(result.out.find("7 rows, 4 entries placed, 3 not placed"), std::string::npos)
        << result.out;
    // Listed with their line numbers (the header is line 1), never guessed.
    EXPECT_NE(result.out.find("line 4: not placed: \"Knez Mihailova 99\""), std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("line 6: not placed: \"\" (empty address)"), std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("line 8: not placed: \"Knez Mihajlova 5\""), std::string::npos)
        << result.out;
    for (const char* placed : {"line 2:", "line 3:", "line 5:", "line 7:"})
        EXPECT_EQ(result.out.find(placed), std::string::npos) << placed << "\n" << result.out;
    EXPECT_NE(result.out.find("only on the list: 4"), std::string::npos) << result.out;
}

TEST_F(ImportList, AddressesNeedAnImportedMap) {
    auto result = import_list("official_list_addresses.csv", {"--address", "address"});
    EXPECT_EQ(result.exit_code, 2) << describe(result);
    EXPECT_NE(result.err.find("import a map"), std::string::npos) << describe(result);
}

TEST_F(ImportList, ADryRunStoresNothing) {
    import_map("osm/basic.osm");
    auto dry = import_list("official_list_coordinates.csv", {"--dry-run"});
    ASSERT_EQ(dry.exit_code, 0) << describe(dry);
    EXPECT_NE(dry.out.find("would import (dry run)"), std::string::npos) << dry.out;
    EXPECT_NE(dry.out.find("both: 1, only on the list: 1"), std::string::npos) << dry.out;
    const auto exported = export_geojson();
    for (const auto& f : exported["features"])
        EXPECT_EQ(f["properties"]["sources"].size(), 1u) << f.dump();
    // The name is still free, and the list gets the first id.
    auto real = import_list("official_list_coordinates.csv");
    ASSERT_EQ(real.exit_code, 0) << describe(real);
    EXPECT_NE(real.out.find("imported list 1 "), std::string::npos) << real.out;
}

TEST_F(ImportList, ABadFileChangesNothing) {
    import_map("osm/basic.osm");
    auto bad = import_list("official_list_bad_row.csv");
    EXPECT_EQ(bad.exit_code, 2) << describe(bad);
    EXPECT_NE(bad.err.find("row 3"), std::string::npos) << describe(bad);
    auto real = import_list("official_list_coordinates.csv");
    ASSERT_EQ(real.exit_code, 0) << describe(real);
    EXPECT_NE(real.out.find("imported list 1 "), std::string::npos) << real.out;
    // A second list of the same name is refused.
    auto again = import_list("official_list_coordinates.csv");
    EXPECT_EQ(again.exit_code, 3) << describe(again);
}

TEST_F(ImportList, ANameIsRequiredAndCoordinatesOrAddressesNotBoth) {
    auto nameless =
        sightline({"import-list", fixture("csv/official_list_coordinates.csv").string()});
    EXPECT_EQ(nameless.exit_code, 2);
    EXPECT_NE(nameless.err.find("--source"), std::string::npos) << describe(nameless);
    auto both =
        import_list("official_list_coordinates.csv", {"--address", "name", "--lat", "latitude"});
    EXPECT_EQ(both.exit_code, 2) << describe(both);
}

TEST_F(ImportList, CsvImportsAreTheirCamerasSource) {
    import_csv(fixture("csv/cameras_comma.csv"), {"--source", "Zagreb open data"});
    const auto exported = export_geojson();
    for (const auto& f : exported["features"]) {
        const auto& sources = f["properties"]["sources"];
        ASSERT_EQ(sources.size(), 1u) << f.dump();
        EXPECT_EQ(sources[0]["kind"], "list");
        EXPECT_EQ(sources[0]["name"], "Zagreb open data");
    }
}

}  // namespace
}  // namespace sightline::testing
