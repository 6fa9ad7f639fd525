// Official lists against the crowd's map: comparison counts and layers, the review of ambiguous
// entries and moderators' decisions, camera sources (issue 14, docs/adr/016).

#include <cmath>
#include <fstream>

#include <fmt/core.h>

#include "http/api_fixture.hpp"

namespace sightline::testing {
namespace {

// Positions `north_m` north and `east_m` east of the corner every test starts from (Zagreb).
constexpr double lat0 = 45.8129, lon0 = 15.9772;
double lat_at(double north_m) {
    return lat0 + north_m / metres_per_degree_lat;
}
double lon_at(double east_m) {
    return lon0 + east_m / (metres_per_degree_lat * std::cos(lat0 * M_PI / 180.0));
}

class Sources : public ApiTest {
  protected:
    // The crowd (accepted reports):       the list:
    //   c1 at 0 m                            line 2: 3 m north of c1        -> both
    //   c2 at 50 m north                     (no entry)                     -> only_crowd
    //   c3 at 100 m north, 10 m east         line 3: 100 m north            -> ambiguous
    //   c4 at 100 m north, 13 m west           (c3 and c4 about as near)
    //   c5 at 1 km north (outside the list's coverage: counted nowhere)
    //                                        line 4: 200 m north            -> only_list
    void SetUp() override {
        ApiTest::SetUp();
        m_mod = login();
        c1 = accepted(0, 0);
        c2 = accepted(50, 0);
        c3 = accepted(100, 10);
        c4 = accepted(100, -13);
        c5 = accepted(1000, 0);
        auto list = work_dir() / "police.csv";
        std::ofstream(list) << fmt::format(
            "name,lat,lon\nA,{:.7f},{:.7f}\nB,{:.7f},{:.7f}\nC,{:.7f},{:.7f}\n", lat_at(3),
            lon_at(0), lat_at(100), lon_at(0), lat_at(200), lon_at(0));
        // The CLI writes while the server runs, as a moderator would.
        auto result = run_cli({"import-list", list.string(), "--source", "Police list 2021",
                               "--data", data_dir().string()});
        ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
        auto sources = client().get("/api/v1/sources");
        ASSERT_EQ(sources.status, 200) << sources.body;
        auto listed = nlohmann::json::parse(sources.body)["sources"];
        ASSERT_EQ(listed.size(), 1u) << sources.body;
        EXPECT_EQ(listed[0]["name"], "Police list 2021");
        EXPECT_EQ(listed[0]["entries"], 3);
        m_source = listed[0]["id"].get<std::int64_t>();
    }

    std::int64_t accepted(double north_m, double east_m) {
        auto report = example_report(lat_at(north_m), lon_at(east_m));
        auto id = submit_ok(report)["id"].get<std::int64_t>();
        return decide_ok(id, {{"action", "accept"}}, m_mod)["camera"]["id"].get<std::int64_t>();
    }

    nlohmann::json comparison() {
        auto response = client().get(fmt::format("/api/v1/sources/{}/comparison", m_source));
        EXPECT_EQ(response.status, 200) << response.body;
        return nlohmann::json::parse(response.body);
    }

    static nlohmann::json counts(std::int64_t both, std::int64_t only_list, std::int64_t only_crowd,
                                 std::int64_t ambiguous) {
        return {{"both", both},
                {"only_list", only_list},
                {"only_crowd", only_crowd},
                {"ambiguous", ambiguous}};
    }

    // The entry id of a list line, from the comparison.
    std::int64_t entry_of_line(int line) {
        const auto c = comparison();  // kept: a range-for over a temporary's member dangles
        for (const auto& f : c["geojson"]["features"])
            if (f["properties"].value("line", 0) == line) return f["properties"]["entry"];
        ADD_FAILURE() << "no entry for line " << line;
        return 0;
    }

    HttpResponse decide_entry(std::int64_t entry, const nlohmann::json& body,
                              HttpClient::Headers headers) {
        return client().post(fmt::format("/api/v1/sources/{}/entries/{}/match", m_source, entry),
                             body.dump(), std::move(headers));
    }

    Login m_mod;
    std::int64_t m_source = 0;
    std::int64_t c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0;
};

TEST_F(Sources, TheComparisonCountsAndDrawsTheThreeLayersAndTheAmbiguousOnes) {
    auto c = comparison();
    EXPECT_EQ(c["counts"], counts(1, 1, 1, 1)) << c.dump(1);
    EXPECT_EQ(c["source"]["name"], "Police list 2021");
    ASSERT_EQ(c["coverage"].size(), 4u);
    EXPECT_LT(c["coverage"][1].get<double>(), lat_at(3));
    EXPECT_GT(c["coverage"][3].get<double>(), lat_at(200));
    EXPECT_LT(c["coverage"][3].get<double>(), lat_at(1000)) << "c5 is outside the coverage";

    std::map<std::string, std::vector<nlohmann::json>> layers;
    for (const auto& f : c["geojson"]["features"]) {
        EXPECT_EQ(f["geometry"]["type"], "Point");
        layers[f["properties"]["layer"].get<std::string>()].push_back(f["properties"]);
    }
    ASSERT_EQ(layers["both"].size(), 1u);
    EXPECT_EQ(layers["both"][0]["camera"], c1);
    EXPECT_EQ(layers["both"][0]["line"], 2);
    EXPECT_NEAR(layers["both"][0]["distance_m"].get<double>(), 3, 0.2);
    ASSERT_EQ(layers["only_crowd"].size(), 1u);
    EXPECT_EQ(layers["only_crowd"][0]["camera"], c2);
    ASSERT_EQ(layers["only_list"].size(), 1u);
    EXPECT_EQ(layers["only_list"][0]["line"], 4);
    ASSERT_EQ(layers["ambiguous"].size(), 1u);
    EXPECT_EQ(layers["ambiguous"][0]["reason"], "close_candidates");
    EXPECT_EQ(layers["ambiguous"][0]["candidates"], nlohmann::json({c3, c4}));
}

TEST_F(Sources, AMatchedCameraNamesTheListAmongItsSources) {
    auto camera1 = camera(c1);
    const auto& sources = camera1["properties"]["sources"];
    ASSERT_EQ(sources.size(), 2u) << camera1.dump(1);
    EXPECT_EQ(sources[0]["kind"], "report");
    EXPECT_TRUE(sources[0]["since"].is_string());
    EXPECT_EQ(sources[1]["kind"], "list");
    EXPECT_EQ(sources[1]["name"], "Police list 2021");
    EXPECT_EQ(sources[1]["source_id"], m_source);
    EXPECT_EQ(camera(c2)["properties"]["sources"].size(), 1u);
}

TEST_F(Sources, AModeratorsDecisionsChangeTheCounts) {
    auto unauthenticated = client().get(fmt::format("/api/v1/sources/{}/review", m_source));
    expect_json_error(unauthenticated, 401, "unauthorized");
    auto review = client().get(fmt::format("/api/v1/sources/{}/review", m_source), m_mod.cookie());
    ASSERT_EQ(review.status, 200) << review.body;
    auto entries = nlohmann::json::parse(review.body)["entries"];
    ASSERT_EQ(entries.size(), 1u) << review.body;
    EXPECT_EQ(entries[0]["line"], 3);
    ASSERT_EQ(entries[0]["candidates"].size(), 2u);
    EXPECT_NEAR(entries[0]["candidates"][0]["distance_m"].get<double>(), 10, 0.2);
    const std::int64_t ambiguous = entries[0]["entry"];

    // The one 13 m west is the camera on the list.
    auto decided = decide_entry(ambiguous, {{"camera", c4}}, m_mod.cookie_and_csrf());
    ASSERT_EQ(decided.status, 200) << decided.body;
    EXPECT_EQ(nlohmann::json::parse(decided.body)["counts"], counts(2, 1, 2, 0));
    EXPECT_EQ(comparison()["counts"], counts(2, 1, 2, 0));
    review = client().get(fmt::format("/api/v1/sources/{}/review", m_source), m_mod.cookie());
    EXPECT_TRUE(nlohmann::json::parse(review.body)["entries"].empty()) << review.body;
    EXPECT_EQ(camera(c4)["properties"]["sources"].size(), 2u);

    // Line 2 is none of the crowd's after all: c1 becomes the crowd's only.
    auto none = decide_entry(entry_of_line(2), {{"camera", nullptr}}, m_mod.cookie_and_csrf());
    ASSERT_EQ(none.status, 200) << none.body;
    EXPECT_EQ(comparison()["counts"], counts(1, 2, 3, 0));
    EXPECT_EQ(camera(c1)["properties"]["sources"].size(), 1u) << "the list no longer names c1";

    // A camera far outside the list's area can be decided too (the list's position was off).
    auto far = decide_entry(entry_of_line(4), {{"camera", c5}}, m_mod.cookie_and_csrf());
    ASSERT_EQ(far.status, 200) << far.body;
    EXPECT_EQ(comparison()["counts"], counts(2, 1, 3, 0));
    EXPECT_EQ(camera(c5)["properties"]["sources"].size(), 2u);

    // One camera cannot be two entries by decision.
    auto twice = decide_entry(entry_of_line(4), {{"camera", c4}}, m_mod.cookie_and_csrf());
    expect_json_error(twice, 409, "conflict");
}

TEST_F(Sources, AnonymousUsersAndBadRequestsCannotDecide) {
    const auto entry = entry_of_line(3);
    auto anonymous = decide_entry(entry, {{"camera", c3}}, {});
    EXPECT_TRUE(anonymous.status == 401 || anonymous.status == 403) << anonymous.status;
    auto without_csrf = decide_entry(entry, {{"camera", c3}}, m_mod.cookie());
    EXPECT_EQ(without_csrf.status, 403) << without_csrf.body;
    EXPECT_EQ(comparison()["counts"], counts(1, 1, 1, 1)) << "nothing changed";

    auto headers = m_mod.cookie_and_csrf();
    expect_json_error(decide_entry(entry, nlohmann::json::object(), headers), 400,
                      "invalid_argument");
    expect_json_error(decide_entry(entry, {{"camera", "c3"}}, headers), 400, "invalid_argument");
    expect_json_error(decide_entry(entry, {{"camera", 999999}}, headers), 404, "not_found");
    expect_json_error(decide_entry(999999, {{"camera", c3}}, headers), 404, "not_found");
    expect_json_error(client().get("/api/v1/sources/999/comparison"), 404, "not_found");
    expect_json_error(client().get("/api/v1/sources/abc/comparison"), 400, "invalid_argument");
    EXPECT_EQ(comparison()["counts"], counts(1, 1, 1, 1));
}

TEST_F(Sources, NewCrowdCamerasAreMatchedWithoutAReimport) {
    // A camera reported 2 m from line 4 after the list was imported.
    const auto late = accepted(202, 0);
    auto c = comparison();
    EXPECT_EQ(c["counts"], counts(2, 0, 1, 1)) << c.dump(1);
    EXPECT_EQ(camera(late)["properties"]["sources"].size(), 2u);
}

}  // namespace
}  // namespace sightline::testing
