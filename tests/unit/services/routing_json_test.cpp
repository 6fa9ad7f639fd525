#include "services/routing_json.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace sightline::services {
namespace {

RouteAlternative alternative(routing::RouteKind kind, double length_m, LevelMetres seen) {
    RouteAlternative route;
    route.kind = kind;
    route.points = {{48.0, 11.0}, {48.001, 11.0}, {48.001, 11.002}};
    route.exposure.length_m = length_m;
    route.exposure.by_level_m = seen;
    route.exposure.seen_m = seen[1];
    route.exposure.speed_m_s = 1.4;
    route.exposure.duration_s = length_m / 1.4;
    route.exposure.seen_s = seen[1] / 1.4;
    return route;
}

RouteReport two_routes() {
    RouteReport report;
    report.from = {47.99997, 11.00001};
    report.to = {48.001, 11.002};
    report.from_snapped = {48.0, 11.0};
    report.to_snapped = {48.001, 11.002};
    report.from_snap_m = 3.337;
    report.max_detour = 1.5;
    report.level = analysis::DoriLevel::recognise;
    report.message = "No route within 1.5x <avoids> \"every\" camera & more";
    report.routes.push_back(alternative(routing::RouteKind::shortest, 300, {90, 60, 30, 10}));
    report.routes.push_back(alternative(routing::RouteKind::least_exposed, 400, {50, 20, 5, 0}));
    return report;
}

TEST(RouteJson, WritesTheDecidedShapeWithDetourAndSeenAtTheLevel) {
    auto json = nlohmann::json::parse(route_json(two_routes()));
    EXPECT_EQ(json["level"], "recognise");
    EXPECT_EQ(json["max_detour"], 1.5);
    EXPECT_EQ(json["avoids_cameras"], false);
    EXPECT_EQ(json["from"]["lat"], 47.99997);
    EXPECT_EQ(json["from_snapped"]["distance_m"], 3.34);
    ASSERT_EQ(json["routes"].size(), 2u);
    const auto& least = json["routes"][1];
    EXPECT_EQ(least["kind"], "least_exposed");
    EXPECT_EQ(least["detour"], 1.333);
    EXPECT_EQ(least["seen_m"], 5.0);  // recognise or finer, not observe
    EXPECT_NEAR(least["seen_s"].get<double>(), 5.0 / 1.4, 0.05);
    EXPECT_EQ(least["by_level"]["observe"], 20.0);
    EXPECT_EQ(json["routes"][0]["detour"], 1.0);
    const auto& line = least["geometry"];
    EXPECT_EQ(line["type"], "LineString");
    ASSERT_EQ(line["coordinates"].size(), 3u);
    EXPECT_EQ(line["coordinates"][2][0], 11.002);  // [lon, lat]
    EXPECT_EQ(line["coordinates"][2][1], 48.001);
    EXPECT_TRUE(least["cameras"].is_array());
    EXPECT_TRUE(least["stretches"].is_array());
}

TEST(RouteGpx, EscapesTextAndWritesOneTrackPerRoute) {
    auto gpx = route_gpx(two_routes());
    EXPECT_NE(gpx.find("1.5x &lt;avoids&gt; &quot;every&quot; camera &amp; more"),
              std::string::npos)
        << gpx;
    EXPECT_EQ(gpx.find("<avoids>"), std::string::npos);
    EXPECT_NE(gpx.find("<name>shortest</name>"), std::string::npos);
    EXPECT_NE(gpx.find("<desc>400 m, 5 m seen at recognise level or finer</desc>"),
              std::string::npos)
        << gpx;
    EXPECT_NE(gpx.find(R"(<trkpt lat="48.0010000" lon="11.0020000"/>)"), std::string::npos);
    std::size_t tracks = 0;
    for (auto at = gpx.find("<trk>"); at != std::string::npos; at = gpx.find("<trk>", at + 1))
        ++tracks;
    EXPECT_EQ(tracks, 2u);
}

TEST(RouteGpx, AnEmptyMessageWritesNoMetadata) {
    auto report = two_routes();
    report.message.clear();
    EXPECT_EQ(route_gpx(report).find("<metadata>"), std::string::npos);
}

}  // namespace
}  // namespace sightline::services
