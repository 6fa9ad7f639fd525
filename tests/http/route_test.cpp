// GET /api/v1/route on the drawn fixture tests/fixtures/routing/ladder.osm: two parallel
// footways 40 m apart joined at x=0 and x=200 m, a camera watching the southern one at x=100.
// From S (0,0) to E (200,0) the direct way is 200 m with about 40 m observed; the way round by
// the northern footway is 280 m and unobserved.

#include <cmath>
#include <numbers>
#include <sstream>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>

#include "http/api_fixture.hpp"

namespace sightline::testing {
namespace {

// 3 m south of S and of E, so both are snapped.
constexpr const char* from_s = "47.99997305,11.0";
constexpr const char* to_e = "47.99997305,11.00268501";

std::string route_query(std::string_view extra = "") {
    return std::string("/api/v1/route?from=") + from_s + "&to=" + to_e + std::string(extra);
}

double distance_m(double lat1, double lon1, double lat2, double lon2) {
    constexpr double rad = std::numbers::pi / 180.0;
    double x = (lon2 - lon1) * rad * std::cos((lat1 + lat2) / 2 * rad);
    double y = (lat2 - lat1) * rad;
    return 6371008.8 * std::hypot(x, y);
}

const nlohmann::json& route_of_kind(const nlohmann::json& routes, std::string_view kind) {
    for (const auto& r : routes)
        if (r["kind"] == kind) return r;
    throw std::runtime_error("no route of kind " + std::string(kind));
}

class RouteApi : public ApiTest {
  protected:
    [[nodiscard]] std::vector<Account> accounts() const override { return {}; }
    void prepare_data() override {
        auto result = run_cli(
            {"import", SIGHTLINE_FIXTURES "/routing/ladder.osm", "--data", data_dir().string()});
        if (result.exit_code != 0) throw std::runtime_error("import failed: " + result.err);
    }
    /// A 400 invalid_argument whose message starts with the name of `parameter`.
    void expect_bad(std::string_view query, std::string_view parameter) {
        SCOPED_TRACE(std::string(query));
        auto response = client().get(std::string(query));
        expect_json_error(response, 400, "invalid_argument");
        if (response.status == 400) {
            auto message = response.json()["error"]["message"].get<std::string>();
            EXPECT_TRUE(message.starts_with(parameter)) << message;
        }
    }
};

TEST_F(RouteApi, RefusesMissingAndMalformedParametersNamingThem) {
    expect_bad(std::string("/api/v1/route?to=") + to_e, "from");
    expect_bad(std::string("/api/v1/route?from=") + from_s, "to");
    for (auto bad : {"48.0", "abc,11", "48,11,1", "nan,11", "48,inf", "91,11", "48,181", "48;11",
                     "48,%2011", ""}) {
        expect_bad(std::string("/api/v1/route?from=") + bad + "&to=" + to_e, "from");
        expect_bad(std::string("/api/v1/route?from=") + from_s + "&to=" + bad, "to");
    }
    for (auto bad : {"0.99", "5.01", "abc", "", "nan", "1.5x"})
        expect_bad(route_query(std::string("&max_detour=") + bad), "max_detour");
    for (auto bad : {"blurry", "", "observed"})
        expect_bad(route_query(std::string("&level=") + bad), "level");
    for (auto bad : {"kml", "", "JSON"})
        expect_bad(route_query(std::string("&format=") + bad), "format");
}

TEST_F(RouteApi, TheLeastExposedRouteGoesRoundTheCamera) {
    auto response = client().get(route_query());
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_TRUE(response.header("content-type").starts_with("application/json"));
    auto json = response.json();
    EXPECT_NEAR(json["from"]["lat"].get<double>(), 47.99997305, 1e-7);
    EXPECT_EQ(json["level"], "observe");
    EXPECT_EQ(json["max_detour"], 1.5);
    EXPECT_NEAR(json["from_snapped"]["distance_m"].get<double>(), 3.0, 0.1);
    EXPECT_NEAR(json["to_snapped"]["distance_m"].get<double>(), 3.0, 0.1);
    EXPECT_NEAR(json["from_snapped"]["lat"].get<double>(), 48.0, 1e-6);
    EXPECT_EQ(json["avoids_cameras"], true);
    EXPECT_EQ(json["message"], "");

    const auto& routes = json["routes"];
    ASSERT_GE(routes.size(), 2u);
    ASSERT_LE(routes.size(), 3u);
    EXPECT_EQ(routes[0]["kind"], "shortest");
    EXPECT_EQ(routes.back()["kind"], "least_exposed");
    const auto& shortest = routes[0];
    const auto& least = route_of_kind(routes, "least_exposed");

    double straight =
        distance_m(json["from_snapped"]["lat"].get<double>(), json["from_snapped"]["lon"],
                   json["to_snapped"]["lat"].get<double>(), json["to_snapped"]["lon"]);
    EXPECT_NEAR(straight, 200.0, 0.5);
    for (const auto& r : routes) {
        SCOPED_TRACE(r["kind"].get<std::string>());
        double length = r["length_m"].get<double>();
        EXPECT_GT(length, straight * 0.99);
        EXPECT_NEAR(r["duration_s"].get<double>(), length / 1.4, 0.1);
        EXPECT_NEAR(r["detour"].get<double>(), length / shortest["length_m"].get<double>(), 0.0006);
        EXPECT_EQ(r["seen_m"], r["by_level"]["observe"]);
        EXPECT_GE(r["by_level"]["detect"].get<double>(), r["by_level"]["observe"].get<double>());
        EXPECT_NEAR(r["seen_s"].get<double>(), r["seen_m"].get<double>() / 1.4, 0.1);
        const auto& line = r["geometry"];
        EXPECT_EQ(line["type"], "LineString");
        ASSERT_GE(line["coordinates"].size(), 2u);
        const auto& first = line["coordinates"].front();
        const auto& last = line["coordinates"].back();
        EXPECT_LT(distance_m(first[1], first[0], json["from_snapped"]["lat"],
                             json["from_snapped"]["lon"]),
                  2.0);
        EXPECT_LT(
            distance_m(last[1], last[0], json["to_snapped"]["lat"], json["to_snapped"]["lon"]),
            2.0);
    }
    EXPECT_EQ(shortest["detour"], 1.0);
    EXPECT_NEAR(shortest["length_m"].get<double>(), 200.0, 1.0);
    // The camera observes about 40 m of the direct footway; the northern one is 37 m away.
    EXPECT_NEAR(shortest["seen_m"].get<double>(), 39.5, 1.0);
    ASSERT_EQ(shortest["cameras"].size(), 1u);
    EXPECT_NEAR(shortest["cameras"][0]["lat"].get<double>(), 48.00002695, 1e-6);
    EXPECT_NEAR(shortest["cameras"][0]["seen_m"].get<double>(), 39.5, 1.0);
    bool observed_stretch = false;
    for (const auto& s : shortest["stretches"]) {
        EXPECT_EQ(s["geometry"]["type"], "LineString");
        if (s["level"] == "observe") observed_stretch = true;
    }
    EXPECT_TRUE(observed_stretch) << shortest["stretches"].dump();

    EXPECT_LT(least["seen_m"].get<double>(), shortest["seen_m"].get<double>());
    EXPECT_EQ(least["seen_m"].get<double>(), 0.0);
    EXPECT_LE(least["length_m"].get<double>(), 1.5 * shortest["length_m"].get<double>());
    EXPECT_NEAR(least["length_m"].get<double>(), 280.0, 1.0);
    EXPECT_NEAR(least["detour"].get<double>(), 1.4, 0.01);
}

TEST_F(RouteApi, SaysSoWhenNoRouteWithinTheLimitAvoidsTheCamera) {
    // 1.3x the shortest is 260 m: the way round (280 m) is too long.
    auto response = client().get(route_query("&max_detour=1.3&level=recognise"));
    ASSERT_EQ(response.status, 200) << response.body;
    auto json = response.json();
    EXPECT_EQ(json["avoids_cameras"], false);
    EXPECT_EQ(json["level"], "recognise");
    EXPECT_NE(json["message"].get<std::string>().find("recognise"), std::string::npos)
        << json["message"];
    for (const auto& r : json["routes"]) {
        EXPECT_LE(r["length_m"].get<double>(), 260.0);
        // seen_m counts the asked level.
        EXPECT_EQ(r["seen_m"], r["by_level"]["recognise"]);
        EXPECT_GT(r["seen_m"].get<double>(), 0.0);
    }
}

TEST_F(RouteApi, APointFarFromEveryStreetIsUnprocessable) {
    // About 5.5 km north of the fixture's streets.
    expect_json_error(client().get(std::string("/api/v1/route?from=48.05,11.0&to=") + to_e), 422,
                      "unprocessable");
    expect_json_error(client().get(std::string("/api/v1/route?from=") + from_s + "&to=48.05,11.0"),
                      422, "unprocessable");
}

TEST_F(RouteApi, GpxHasOneTrackPerRoute) {
    auto json = client().get(route_query()).json();
    auto response = client().get(route_query("&format=gpx"));
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_TRUE(response.header("content-type").starts_with("application/gpx+xml"))
        << response.header("content-type");
    boost::property_tree::ptree gpx;
    std::istringstream in(response.body);
    ASSERT_NO_THROW(boost::property_tree::read_xml(in, gpx)) << response.body;
    std::vector<const boost::property_tree::ptree*> tracks;
    for (const auto& [name, child] : gpx.get_child("gpx"))
        if (name == "trk") tracks.push_back(&child);
    ASSERT_EQ(tracks.size(), json["routes"].size()) << response.body;
    for (std::size_t i = 0; i < tracks.size(); ++i) {
        const auto& route = json["routes"][i];
        EXPECT_EQ(tracks[i]->get<std::string>("name"), route["kind"].get<std::string>());
        EXPECT_FALSE(tracks[i]->get<std::string>("desc").empty());
        std::size_t points = 0;
        for (const auto& [name, point] : tracks[i]->get_child("trkseg")) {
            if (name != "trkpt") continue;
            const auto& expected = route["geometry"]["coordinates"][points];
            EXPECT_NEAR(point.get<double>("<xmlattr>.lat"), expected[1].get<double>(), 1e-7);
            EXPECT_NEAR(point.get<double>("<xmlattr>.lon"), expected[0].get<double>(), 1e-7);
            ++points;
        }
        EXPECT_EQ(points, route["geometry"]["coordinates"].size());
    }
}

class RouteApiWithoutStreets : public ApiTest {
  protected:
    [[nodiscard]] std::vector<Account> accounts() const override { return {}; }
};

TEST_F(RouteApiWithoutStreets, AnEmptyDatabaseIsUnavailable) {
    expect_json_error(client().get(route_query()), 503, "unavailable");
    // Bad parameters are still the caller's fault.
    expect_json_error(client().get("/api/v1/route?from=x&to=1,1"), 400, "invalid_argument");
}

}  // namespace
}  // namespace sightline::testing
