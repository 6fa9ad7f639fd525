// `sightline search` on the hand-written extract tests/fixtures/osm/search.osm.

#include <nlohmann/json.hpp>

#include "cli/cli_fixture.hpp"

namespace sightline::testing {
namespace {

class SearchCommand : public CliTest {
  protected:
    void SetUp() override {
        auto result = sightline({"import", fixture("osm/search.osm").string(), "--quiet"});
        ASSERT_EQ(result.exit_code, 0) << describe(result);
    }
};

TEST_F(SearchCommand, PrintsOneLinePerHitWithItsPosition) {
    auto result = sightline({"search", "Knez", "Mihailova", "5"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_EQ(result.out.rfind("address  Knez Mihailova 5, Stari grad  44.816000,20.458600\n", 0),
              0u)
        << result.out;
}

TEST_F(SearchCommand, JsonIsTheApisGeoJson) {
    auto result = sightline({"search", "Terazije", "--json", "--limit", "2"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    auto collection = nlohmann::json::parse(result.out);
    EXPECT_EQ(collection["type"], "FeatureCollection");
    ASSERT_FALSE(collection["features"].empty());
    EXPECT_LE(collection["features"].size(), 2u);
    EXPECT_EQ(collection["features"][0]["properties"]["name"], "Terazije");
}

TEST_F(SearchCommand, NothingFoundExitsOneWithAMessage) {
    auto result = sightline({"search", "Nothing to find"});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("nothing found"), std::string::npos) << result.err;
}

TEST_F(SearchCommand, BadOptionsFailWithAMessage) {
    for (std::vector<std::string> args : {std::vector<std::string>{"search"},
                                          {"search", "x", "--limit", "0"},
                                          {"search", "x", "--limit", "abc"},
                                          {"search", "x", "--near", "95,1"}}) {
        auto result = sightline(args);
        EXPECT_EQ(result.exit_code, 2) << describe(result);
        EXPECT_FALSE(result.err.empty());
    }
}

}  // namespace
}  // namespace sightline::testing
