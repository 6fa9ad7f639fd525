// Route and district files (analysis/route_file, analysis/district_file) and AnalysisService
// over a real SQLite store: the viewshed cache, camera changes, removed cameras and limits.

#include <cmath>
#include <filesystem>
#include <map>
#include <numbers>
#include <random>

#include <gtest/gtest.h>

#include "analysis/district_file.hpp"
#include "analysis/exposure.hpp"
#include "analysis/local_frame.hpp"
#include "analysis/route_file.hpp"
#include "services/analysis_service.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace sightline::services {
namespace {

using analysis::parse_gpx;
using analysis::parse_route;
using analysis::parse_route_geojson;

TEST(RouteFile, ReadsEveryTrackSegmentAndRoute) {
    auto route = parse_gpx(R"(<?xml version="1.0"?>
<!DOCTYPE gpx>
<gpx:gpx xmlns:gpx="http://www.topografix.com/GPX/1/1">
  <gpx:wpt lat="1" lon="1"/>
  <gpx:trk><gpx:trkseg>
    <gpx:trkpt lat='48.1' lon="11.5"><gpx:ele>5</gpx:ele></gpx:trkpt>
    <gpx:trkpt lat="48.2" lon="11.6"/>
  </gpx:trkseg><gpx:trkseg>
    <gpx:trkpt lat="48.3" lon="11.7"/>
  </gpx:trkseg><gpx:trkseg>
    <!-- <gpx:trkpt lat="0" lon="0"/> --><![CDATA[ <trkpt lat="0" lon="0"/> ]]>
    <gpx:trkpt lat="-33.9" lon="151.2"/><gpx:trkpt lat="-33.8" lon="151.3"/>
  </gpx:trkseg></gpx:trk>
  <gpx:rte><gpx:rtept lat="1" lon="2"/><gpx:rtept lat="3" lon="4"/></gpx:rte>
</gpx:gpx>)");
    ASSERT_TRUE(route) << route.error().message;
    // The one-point segment is dropped; waypoints, comments and CDATA are not points.
    ASSERT_EQ(route->polylines.size(), 3u);
    EXPECT_EQ(route->polylines[0][1], (geo::LatLon{48.2, 11.6}));
    EXPECT_EQ(route->polylines[1][0], (geo::LatLon{-33.9, 151.2}));
    EXPECT_EQ(route->polylines[2][1], (geo::LatLon{3, 4}));
    EXPECT_EQ(route->point_count(), 6u);
}

TEST(RouteFile, RefusesBrokenGpxWithALineNumber) {
    auto truncated = parse_gpx("<gpx>\n<trk><trkseg><trkpt lat=\"1\" lon=\"2\"/>");
    ASSERT_FALSE(truncated);
    EXPECT_EQ(truncated.error().code, Errc::invalid_argument);
    auto bad_lat =
        parse_gpx("<gpx>\n<trk><trkseg>\n<trkpt lat=\"91\" lon=\"2\"/></trkseg></trk></gpx>");
    ASSERT_FALSE(bad_lat);
    EXPECT_NE(bad_lat.error().message.find("line 3"), std::string::npos) << bad_lat.error().message;
    EXPECT_FALSE(parse_gpx("<gpx><trk><trkseg><trkpt lat=\"x\" lon=\"2\"/></trkseg></trk></gpx>"));
    EXPECT_FALSE(parse_gpx("<kml><trk/></kml>"));
    EXPECT_FALSE(parse_gpx("<gpx><trk></trkseg></gpx>"));
    EXPECT_FALSE(parse_gpx("<gpx><trk><trkseg></trkseg></trk></gpx>"));  // no line
    EXPECT_FALSE(parse_gpx("<gpx><trkpt lat=1 lon=2/></gpx>"));          // unquoted
    EXPECT_FALSE(parse_gpx(""));
    EXPECT_FALSE(parse_gpx(std::string(100'000, '<')));
    // Entity declarations were skipped by the old hand-written reader; expat would expand them,
    // so formats::read_gpx refuses them (billion laughs).
    EXPECT_FALSE(parse_gpx(R"(<!DOCTYPE gpx [ <!ENTITY x "y"> ]><gpx><rte>
        <rtept lat="1" lon="2"/><rtept lat="3" lon="4"/></rte></gpx>)"));
}

TEST(RouteFile, EnforcesItsLimits) {
    analysis::RouteLimits limits;
    limits.max_points = 3;
    std::string gpx = "<gpx><trk><trkseg>";
    for (int i = 0; i < 4; ++i)
        gpx += "<trkpt lat=\"1\" lon=\"1\"/>";
    gpx += "</trkseg></trk></gpx>";
    auto many = parse_gpx(gpx, limits);
    ASSERT_FALSE(many);
    EXPECT_EQ(many.error().code, Errc::too_large);
    limits = {};
    limits.max_bytes = 10;
    auto big = parse_route(R"({"type":"LineString","coordinates":[[1,2],[3,4]]})", limits);
    ASSERT_FALSE(big);
    EXPECT_EQ(big.error().code, Errc::too_large);
}

TEST(RouteFile, ReadsGeoJsonLines) {
    auto route = parse_route_geojson(R"({"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[0,0]}},
        {"type":"Feature","properties":{},"geometry":{"type":"LineString",
            "coordinates":[[11.5,48.1,520],[11.6,48.2]]}},
        {"type":"Feature","properties":{},"geometry":{"type":"MultiLineString",
            "coordinates":[[[1,2],[3,4]],[[5,6],[7,8],[9,10]]]}}]})");
    ASSERT_TRUE(route) << route.error().message;
    ASSERT_EQ(route->polylines.size(), 3u);
    EXPECT_EQ(route->polylines[0][0], (geo::LatLon{48.1, 11.5}));  // [lon, lat]
    EXPECT_EQ(route->polylines[2].size(), 3u);
    EXPECT_TRUE(
        parse_route("\xEF\xBB\xBF  {\"type\":\"LineString\",\"coordinates\":[[1,2],[3,4]]}"));
}

TEST(RouteFile, RefusesGeoJsonThatIsNotALine) {
    for (const char* text :
         {R"({"type":"Polygon","coordinates":[[[1,2],[3,4],[5,6],[1,2]]]})",
          R"({"type":"LineString","coordinates":[[1,2]]})",
          R"({"type":"LineString","coordinates":[[1,200],[3,4]]})",
          R"({"type":"LineString","coordinates":[["1",2],[3,4]]})", R"({"type":"LineString"})",
          R"({"type":"FeatureCollection","features":[]})", R"([1,2])", R"({"type":)",
          "plain text"}) {
        auto r = parse_route(text);
        ASSERT_FALSE(r) << text;
        EXPECT_EQ(r.error().code, Errc::invalid_argument) << text;
    }
    auto deep = parse_route(std::string(10'000, '[') + std::string(10'000, ']'));
    EXPECT_FALSE(deep);
    auto deep_object = parse_route("{\"a\":" + std::string(10'000, '[') + "}");
    EXPECT_FALSE(deep_object);
}

TEST(DistrictFile, ReadsNamedPolygonsAndMultiPolygons) {
    auto districts = analysis::parse_districts_geojson(R"({"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"name":"Altstadt"},"geometry":{"type":"Polygon",
            "coordinates":[[[0,0],[1,0],[1,1],[0,0]],[[0.1,0.1],[0.2,0.1],[0.2,0.2],[0.1,0.1]]]}},
        {"type":"Feature","properties":null,"geometry":{"type":"MultiPolygon",
            "coordinates":[[[[2,2],[3,2],[3,3],[2,2]]],[[[4,4],[5,4],[5,5],[4,4]]]]}}]})");
    ASSERT_TRUE(districts) << districts.error().message;
    ASSERT_EQ(districts->size(), 2u);
    EXPECT_EQ((*districts)[0].name, "Altstadt");
    EXPECT_EQ((*districts)[0].polygons[0].size(), 2u);  // outer ring and a hole
    EXPECT_EQ((*districts)[1].name, "district 2");
    EXPECT_EQ((*districts)[1].polygons.size(), 2u);
    EXPECT_FALSE(analysis::parse_districts_geojson(
        R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]})"));
    EXPECT_FALSE(analysis::parse_districts_geojson(R"({"type":"LineString","coordinates":[]})"));
}

// --- the service ---------------------------------------------------------------------------------

constexpr geo::LatLon camera_at{48.0, 11.0};

double lon_at(double x_m) {
    return 11.0 + x_m / (111'320.0 * std::cos(48.0 * std::numbers::pi / 180.0));
}

class AnalysisServiceTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::random_device rd;
        m_dir =
            std::filesystem::temp_directory_path() / ("sightline-analysis-" + std::to_string(rd()));
        m_store = store::open_sqlite_store(m_dir);
        model::NewCamera camera;
        camera.location = camera_at;
        camera.status = model::CameraStatus::verified;
        camera.tags = {{"man_made", "surveillance"},
                       {"camera:type", "dome"},
                       {"sightline:range_m", "10"},
                       {"sightline:hfov_deg", "360"}};
        auto ids = m_store->insert_cameras({camera}, {"test", "", 1});
        ASSERT_TRUE(ids) << ids.error().message;
        m_camera = ids->front();
    }
    void TearDown() override {
        m_store.reset();
        std::filesystem::remove_all(m_dir);
    }
    /// A walk along 48.0 N from x=-50 m to x=+50 m: through the camera's 10 m circle.
    static ExposureRequest walk() {
        ExposureRequest r;
        r.polylines = {{{48.0, lon_at(-50)}, {48.0, lon_at(50)}}};
        return r;
    }

    std::filesystem::path m_dir;
    std::unique_ptr<store::SqliteStore> m_store;
    model::CameraId m_camera;
};

TEST_F(AnalysisServiceTest, MeasuresAWalkThroughOneCamera) {
    AnalysisService service(*m_store, *m_store);
    auto e = service.exposure(walk());
    ASSERT_TRUE(e) << e.error().message;
    EXPECT_NEAR(e->length_m, 100.0, 0.2);
    EXPECT_NEAR(e->seen_m, 20.0, 0.3);  // the diameter of the observe circle
    EXPECT_NEAR(e->seen_s, 20.0 / 1.4, 0.3);
    ASSERT_EQ(e->cameras.size(), 1u);
    EXPECT_EQ(e->cameras[0].camera_id, m_camera.value);
    EXPECT_GE(e->by_level_m[0], e->by_level_m[1]);
    EXPECT_GE(e->by_level_m[1], e->by_level_m[2]);
    EXPECT_GE(e->by_level_m[2], e->by_level_m[3]);
}

TEST_F(AnalysisServiceTest, RemovedCamerasSeeNothing) {
    AnalysisService service(*m_store, *m_store);
    ASSERT_TRUE(m_store->remove_camera(m_camera, {"mod", "gone", 2}));
    auto e = service.exposure(walk());
    ASSERT_TRUE(e) << e.error().message;
    EXPECT_EQ(e->seen_m, 0);
    EXPECT_TRUE(e->cameras.empty());
}

TEST_F(AnalysisServiceTest, ReusesViewshedsUntilTheMapChanges) {
    AnalysisService service(*m_store, *m_store);
    CoverageRequest request;
    request.bbox = geo::BBox{10.999, 47.999, 11.001, 48.001};
    auto first = service.coverage(request);
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_EQ(first->viewsheds_computed, 1u);
    EXPECT_EQ(first->street_m, 0);  // no streets imported
    auto second = service.coverage(request);
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_EQ(second->viewsheds_computed, 0u);
    EXPECT_EQ(second->viewsheds_cached, 1u);
    // An import bumps the map version: the buildings may have changed.
    model::OsmExtract extract;
    extract.source_name = "test";
    extract.bounds = geo::BBox{20, 20, 21, 21};
    ASSERT_TRUE(m_store->apply_osm_import(extract, {"import", "", 3}));
    auto third = service.coverage(request);
    ASSERT_TRUE(third) << third.error().message;
    EXPECT_EQ(third->viewsheds_computed, 1u);
}

// exposures() reads cameras from tiles and places viewsheds lazily; its figures must be exactly
// those of line_exposure over a ViewshedIndex of the area's viewsheds in the same frame, for
// cameras on and around a tile edge (48.01 N, 11.01 E), and follow a camera's removal.
TEST_F(AnalysisServiceTest, RouteFiguresEqualLineExposureOverTheWholeScene) {
    std::vector<model::NewCamera> cameras;
    for (auto [lat, lon] : std::vector<std::pair<double, double>>{
             {48.01, 11.01}, {48.0101, 11.0098}, {48.0099, 11.0102}, {48.0102, 11.0103}}) {
        model::NewCamera& c = cameras.emplace_back();
        c.location = {lat, lon};
        c.status = model::CameraStatus::verified;
        c.tags = {{"man_made", "surveillance"},
                  {"camera:type", "dome"},
                  {"sightline:range_m", "25"},
                  {"sightline:hfov_deg", "360"}};
    }
    auto ids = m_store->insert_cameras(cameras, {"test", "", 1});
    ASSERT_TRUE(ids) << ids.error().message;
    const std::vector<std::vector<geo::LatLon>> route{
        {{48.0096, 11.0094}, {48.0100, 11.0100}, {48.01005, 11.01}, {48.0104, 11.0107}},
        {{48.0104, 11.0094}, {48.0097, 11.0106}}};

    auto reference = [&](AnalysisService& service) {
        auto area = geo::BBox::empty_box();
        for (const auto& line : route)
            for (auto p : line)
                area.extend(p);
        const analysis::LocalFrame frame(
            {(area.south + area.north) / 2, (area.west + area.east) / 2});
        auto rings = service.viewsheds(area);
        EXPECT_TRUE(rings) << rings.error().message;
        std::vector<analysis::PlacedViewshed> placed;
        for (const auto& camera : *rings) {
            analysis::PlacedViewshed& p = placed.emplace_back();
            p.camera_id = camera.camera_id;
            bool first = true;
            for (std::size_t level = 0; level < analysis::dori_level_count; ++level)
                for (const auto& ring : camera.rings[level]) {
                    auto& out = p.viewshed.rings[level].emplace_back();
                    for (auto q : ring) {
                        const auto v = frame.to_local(q);
                        if (first) p.viewshed.min = p.viewshed.max = v, first = false;
                        p.viewshed.min = {std::min(p.viewshed.min.x, v.x),
                                          std::min(p.viewshed.min.y, v.y)};
                        p.viewshed.max = {std::max(p.viewshed.max.x, v.x),
                                          std::max(p.viewshed.max.y, v.y)};
                        out.push_back(v);
                    }
                }
        }
        const analysis::ViewshedIndex index(std::move(placed));
        std::vector<analysis::LineExposure> lines;
        for (const auto& line : route) {
            std::vector<analysis::Vec2> points;
            for (auto q : line)
                points.push_back(frame.to_local(q));
            lines.push_back(analysis::line_exposure(points, index));
        }
        return lines;
    };
    auto check = [&](AnalysisService& service, std::size_t cameras_seeing) {
        auto measured = service.exposures({route}, 1.4, 1);
        ASSERT_TRUE(measured) << measured.error().message;
        const auto expected = reference(service);
        const RouteExposure& e = measured->front();
        ASSERT_EQ(e.segments.size(), expected.size());
        std::map<std::int64_t, LevelMetres> cameras_expected;
        for (std::size_t i = 0; i < expected.size(); ++i) {
            EXPECT_EQ(e.segments[i].length_m, expected[i].length_m);
            EXPECT_EQ(e.segments[i].by_level_m, expected[i].by_level_m);
            for (const auto& c : expected[i].cameras)
                for (std::size_t l = 0; l < analysis::dori_level_count; ++l)
                    cameras_expected[c.camera_id][l] += c.by_level_m[l];
        }
        ASSERT_EQ(e.cameras.size(), cameras_expected.size());
        EXPECT_EQ(e.cameras.size(), cameras_seeing);
        for (const auto& c : e.cameras)
            EXPECT_EQ(c.by_level_m, cameras_expected[c.camera_id]) << c.camera_id;
        double stretches_m = 0;
        for (const auto& s : e.stretches)
            stretches_m += s.length_m;
        EXPECT_NEAR(stretches_m, e.by_level_m[0], 1e-6);
    };
    AnalysisService service(*m_store, *m_store);
    check(service, 4);
    ASSERT_TRUE(m_store->remove_camera(ids->front(), {"mod", "gone", 2}));
    check(service, 3);  // the tiles follow the camera version
}

TEST_F(AnalysisServiceTest, RefusesOversizedAndInvalidRequests) {
    AnalysisService service(*m_store, *m_store);
    CoverageRequest huge;
    huge.bbox = geo::BBox{10, 47, 12, 49};
    auto r1 = service.coverage(huge);
    ASSERT_FALSE(r1);
    EXPECT_EQ(r1.error().code, Errc::too_large);
    CoverageRequest tiny_cells;
    tiny_cells.bbox = geo::BBox{10.999, 47.999, 11.001, 48.001};
    tiny_cells.cell_m = 1;
    EXPECT_FALSE(service.coverage(tiny_cells));
    EXPECT_FALSE(service.coverage(CoverageRequest{}));
    auto slow = walk();
    slow.speed_m_s = 0;
    EXPECT_FALSE(service.exposure(slow));
    ExposureRequest one_point;
    one_point.polylines = {{camera_at}};
    EXPECT_FALSE(service.exposure(one_point));
    EXPECT_FALSE(service.exposure(ExposureRequest{}));
    // A route whose box spans more than max_route_area_km2 (400): refused before any camera is
    // read, however few its points.
    auto wide = walk();
    wide.polylines = {{geo::LatLon{48.13, 11.56}, geo::LatLon{48.9, 12.5}}};
    auto too_wide = service.exposure(wide);
    ASSERT_FALSE(too_wide);
    EXPECT_EQ(too_wide.error().code, Errc::too_large);
}

}  // namespace
}  // namespace sightline::services
