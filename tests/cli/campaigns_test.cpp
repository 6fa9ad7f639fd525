// sightline campaigns on tests/fixtures/osm/survey_grid.osm (a 3 x 3 street grid: 9 crossings).

#include "cli/cli_fixture.hpp"

namespace sightline::testing {
namespace {

using Campaigns = CliTest;

TEST_F(Campaigns, CreateListAndShow) {
    ASSERT_EQ(sightline({"import", fixture("osm/survey_grid.osm").string(), "--quiet"}).exit_code,
              0);
    auto empty = sightline({"campaigns", "list"});
    ASSERT_EQ(empty.exit_code, 0) << describe(empty);
    EXPECT_NE(empty.out.find("no campaigns yet"), std::string::npos) << empty.out;

    auto created = sightline({"campaigns", "create", "--name", "Grid", "--bbox",
                              "10.998,47.998,11.005,48.004", "--json"});
    ASSERT_EQ(created.exit_code, 0) << describe(created);
    auto json = nlohmann::json::parse(created.out);
    EXPECT_EQ(json["tasks"], 9);
    EXPECT_EQ(json["unit"], "intersection");
    EXPECT_EQ(json["answers_needed"], 2);

    auto cells = sightline({"campaigns", "create", "--name", "Cells", "--bbox",
                            "10.998,47.998,11.005,48.004", "--unit", "cell", "--cell", "100",
                            "--answers-needed", "1"});
    ASSERT_EQ(cells.exit_code, 0) << describe(cells);
    EXPECT_NE(cells.out.find("Cells  (by cell, 1 equal answer close a place)"), std::string::npos)
        << cells.out;

    auto list = sightline({"campaigns", "list"});
    ASSERT_EQ(list.exit_code, 0);
    EXPECT_NE(list.out.find("0 of 9 places surveyed"), std::string::npos) << list.out;
    auto shown = sightline({"campaigns", "show", std::to_string(json["id"].get<int>())});
    ASSERT_EQ(shown.exit_code, 0) << describe(shown);
    EXPECT_NE(shown.out.find("Grid"), std::string::npos) << shown.out;
}

TEST_F(Campaigns, BadArgumentsAreRefused) {
    ASSERT_EQ(sightline({"import", fixture("osm/survey_grid.osm").string(), "--quiet"}).exit_code,
              0);
    EXPECT_EQ(sightline({"campaigns"}).exit_code, 2);
    EXPECT_EQ(sightline({"campaigns", "show"}).exit_code, 2);
    EXPECT_EQ(sightline({"campaigns", "show", "abc"}).exit_code, 2);
    EXPECT_EQ(sightline({"campaigns", "create", "--name", "x"}).exit_code, 2);
    EXPECT_EQ(sightline({"campaigns", "create", "--name", "x", "--bbox", "11,48,10,49"}).exit_code,
              2);
    EXPECT_EQ(sightline({"campaigns", "create", "--name", "x", "--bbox",
                         "10.998,47.998,11.005,48.004", "--unit", "street"})
                  .exit_code,
              2);
    auto nowhere = sightline({"campaigns", "create", "--name", "x", "--bbox", "20,44,20.01,44.01"});
    EXPECT_NE(nowhere.exit_code, 0);
    EXPECT_NE(nowhere.err.find("import its map first"), std::string::npos) << nowhere.err;
    auto missing = sightline({"campaigns", "show", "99"});
    EXPECT_NE(missing.exit_code, 0);
    EXPECT_NE(missing.err.find("no campaign 99"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace sightline::testing
