#include "formats/geojson_reader.hpp"

#include <string>

#include <gtest/gtest.h>

namespace sightline::formats {
namespace {

Error refused(std::string_view text, const GeoJsonLimits& limits = {}) {
    auto read = read_geojson(text, limits);
    EXPECT_FALSE(read) << text;
    return read ? Error{} : read.error();
}

std::string line_with(std::string_view coordinates) {
    return std::string(R"({"type":"LineString","coordinates":)") + std::string(coordinates) + "}";
}

bool mentions(const Error& error, std::string_view part) {
    return error.message.find(part) != std::string::npos;
}

TEST(GeoJsonReader, ReadsABareLineStringAsOneFeatureDroppingTheAltitude) {
    auto read =
        read_geojson(R"({"type":"LineString","coordinates":[[11.5,48.1,520],[11.6,48.2]]})");
    ASSERT_TRUE(read) << read.error().message;
    ASSERT_EQ(read->size(), 1u);
    const auto& feature = (*read)[0];
    EXPECT_EQ(feature.label, "the GeoJSON");
    EXPECT_FALSE(feature.name);
    ASSERT_EQ(feature.geometries.size(), 1u);
    EXPECT_EQ(feature.geometries[0].type, GeometryType::line_string);
    ASSERT_EQ(feature.geometries[0].lines.size(), 1u);
    EXPECT_EQ(feature.geometries[0].lines[0][0], (geo::LatLon{48.1, 11.5}));  // [lon, lat]
    EXPECT_EQ(feature.geometries[0].lines[0][1], (geo::LatLon{48.2, 11.6}));
}

TEST(GeoJsonReader, ReadsEveryGeometryTypeInsideFeaturesAndCollections) {
    auto read = read_geojson(R"({"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"name":"Altstadt"},"geometry":{"type":"MultiPolygon",
            "coordinates":[[[[0,0],[1,0],[1,1],[0,0]],[[0.1,0.1],[0.2,0.1],[0.2,0.2],[0.1,0.1]]],
                           [[[2,2],[3,2],[3,3],[2,2]]]]}},
        {"type":"Feature","properties":null,"geometry":null},
        {"type":"Feature","properties":{"name":7},"geometry":{"type":"GeometryCollection",
            "geometries":[{"type":"Point","coordinates":[1,2]},
                          {"type":"GeometryCollection","geometries":[
                              {"type":"MultiPoint","coordinates":[[3,4],[5,6]]},
                              {"type":"MultiLineString","coordinates":[[[1,2],[3,4]]]}]},
                          {"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}]}}]})");
    ASSERT_TRUE(read) << read.error().message;
    ASSERT_EQ(read->size(), 3u);
    EXPECT_EQ((*read)[0].label, "feature 1");
    EXPECT_EQ((*read)[0].name, "Altstadt");
    ASSERT_EQ((*read)[0].geometries.size(), 1u);
    const auto& multi = (*read)[0].geometries[0];
    EXPECT_EQ(multi.type, GeometryType::multi_polygon);
    ASSERT_EQ(multi.polygons.size(), 2u);
    EXPECT_EQ(multi.polygons[0].size(), 2u);  // outer ring and a hole
    EXPECT_EQ(multi.polygons[1][0].size(), 4u);
    EXPECT_TRUE((*read)[1].geometries.empty());  // null geometry: a feature with nothing
    EXPECT_FALSE((*read)[2].name);               // a name that is not a string is no name
    const auto& flat = (*read)[2].geometries;
    ASSERT_EQ(flat.size(), 4u);  // collections flattened, in order
    EXPECT_EQ(flat[0].type, GeometryType::point);
    EXPECT_EQ(flat[0].points[0], (geo::LatLon{2, 1}));
    EXPECT_EQ(flat[1].type, GeometryType::multi_point);
    EXPECT_EQ(flat[1].points.size(), 2u);
    EXPECT_EQ(flat[2].type, GeometryType::multi_line_string);
    EXPECT_EQ(flat[3].type, GeometryType::polygon);
    EXPECT_EQ(geometry_type_name(flat[2].type), "MultiLineString");
}

TEST(GeoJsonReader, RefusesMalformedJsonAndMembersOfTheWrongType) {
    for (const char* text : {
             "",
             "plain text",
             R"({"type":)",
             "[1,2]",
             "{}",
             R"({"type":7})",
             R"({"type":"FeatureCollection"})",
             R"({"type":"FeatureCollection","features":{}})",
             R"({"type":"FeatureCollection","features":[{"type":"Point","coordinates":[1,2]}]})",
             R"({"type":"FeatureCollection","features":[7]})",
             R"({"type":"Feature","properties":[],"geometry":null})",
             R"({"type":"Feature","geometry":7})",
             R"({"type":"GeometryCollection"})",
             R"({"type":"GeometryCollection","geometries":[{"type":"Feature","geometry":null}]})",
             R"({"type":"LineString"})",
             R"({"type":"LineString","coordinates":7})",
             R"({"type":"Circle","coordinates":[1,2]})",
             "{\"type\":\"LineString\",\"x\":\"\xff\"}",
         }) {
        auto error = refused(text);
        EXPECT_EQ(error.code, Errc::invalid_argument) << text;
        EXPECT_FALSE(error.message.empty()) << text;
    }
    EXPECT_TRUE(mentions(refused(R"({"type":"Circle","coordinates":[1,2]})"),
                         "\"Circle\" is not a GeoJSON geometry type"));
    EXPECT_TRUE(mentions(
        refused(R"({"type":"FeatureCollection","features":[{"type":"Feature","geometry":null},
                   {"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,2]]}}]})"),
        "feature 2: a line needs at least 2 positions"));
}

TEST(GeoJsonReader, RefusesAKeyTwiceInOneObject) {
    auto error = refused(R"({"type":"Point","type":"LineString","coordinates":[[1,2],[3,4]]})");
    EXPECT_EQ(error.code, Errc::invalid_argument);
    EXPECT_TRUE(mentions(error, "\"type\" twice")) << error.message;
    // The same key in two different objects is fine.
    EXPECT_TRUE(read_geojson(R"({"type":"Feature","properties":{"type":"x"},"geometry":null})"));
}

TEST(GeoJsonReader, RefusesPositionsThatAreNotTwoOrThreeNumbers) {
    for (const char* coordinates : {"[[1],[3,4]]", "[[1,2,3,4],[3,4]]", "[[\"1\",2],[3,4]]",
                                    "[[1,null],[3,4]]", "[[1,2],7]", "[[1,2],[true,4]]"}) {
        auto error = refused(line_with(coordinates));
        EXPECT_EQ(error.code, Errc::invalid_argument) << coordinates;
        EXPECT_TRUE(mentions(error, "[longitude, latitude]")) << error.message;
    }
}

TEST(GeoJsonReader, RefusesPositionsOutOfRangeAndSaysWhenTheyLookSwapped) {
    // Munich written as [lat, lon] stays in range and cannot be caught; written as [lat, lon]
    // with a longitude over 90 it can.
    auto swapped = refused(R"({"type":"Point","coordinates":[-33.9,151.2]})");
    EXPECT_EQ(swapped.code, Errc::invalid_argument);
    EXPECT_TRUE(mentions(swapped, "looks like [latitude, longitude]")) << swapped.message;
    auto far = refused(R"({"type":"Point","coordinates":[200,100]})");
    EXPECT_EQ(far.code, Errc::invalid_argument);
    EXPECT_TRUE(mentions(far, "outside -180..180, -90..90")) << far.message;
    EXPECT_FALSE(mentions(far, "looks like")) << far.message;
    EXPECT_EQ(refused(R"({"type":"Point","coordinates":[1e400,0]})").code, Errc::invalid_argument);
    EXPECT_TRUE(read_geojson(R"({"type":"Point","coordinates":[-180,-90]})"));
    EXPECT_TRUE(read_geojson(R"({"type":"Point","coordinates":[180,90]})"));
}

TEST(GeoJsonReader, RefusesRingsThatAreShortOrOpen) {
    auto short_ring = refused(R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]})");
    EXPECT_TRUE(mentions(short_ring, "at least 4 positions")) << short_ring.message;
    auto open = refused(R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]})");
    EXPECT_TRUE(mentions(open, "end at the position it starts from")) << open.message;
    auto no_ring = refused(R"({"type":"Polygon","coordinates":[]})");
    EXPECT_TRUE(mentions(no_ring, "outer ring")) << no_ring.message;
    auto hole =
        refused(R"({"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]],[]]]})");
    EXPECT_EQ(hole.code, Errc::invalid_argument);
}

TEST(GeoJsonReader, EnforcesEveryLimit) {
    GeoJsonLimits limits;
    limits.max_bytes = 20;
    auto big = refused(R"({"type":"Point","coordinates":[1,2]})", limits);
    EXPECT_EQ(big.code, Errc::too_large);

    limits = {};
    limits.max_positions = 3;
    EXPECT_TRUE(read_geojson(R"({"type":"LineString","coordinates":[[1,2],[3,4],[5,6]]})", limits));
    auto many = refused(R"({"type":"LineString","coordinates":[[1,2],[3,4],[5,6],[7,8]]})", limits);
    EXPECT_EQ(many.code, Errc::too_large);
    EXPECT_TRUE(mentions(many, "more than 3 positions")) << many.message;
    // Points count too, over all features.
    auto spread = refused(R"({"type":"FeatureCollection","features":[
        {"type":"Feature","geometry":{"type":"MultiPoint","coordinates":[[1,2],[3,4]]}},
        {"type":"Feature","geometry":{"type":"MultiPoint","coordinates":[[1,2],[3,4]]}}]})",
                          limits);
    EXPECT_EQ(spread.code, Errc::too_large);

    limits = {};
    limits.max_features = 2;
    std::string three = R"({"type":"FeatureCollection","features":[)";
    for (int i = 0; i < 3; ++i)
        three += std::string(i ? "," : "") + R"({"type":"Feature","geometry":null})";
    three += "]}";
    EXPECT_EQ(refused(three, limits).code, Errc::too_large);

    limits = {};
    limits.max_depth = 3;  // a Polygon needs 4: {"coordinates":[[[
    auto deep = refused(R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]})", limits);
    EXPECT_EQ(deep.code, Errc::invalid_argument);
    EXPECT_TRUE(mentions(deep, "nested deeper than 3")) << deep.message;
}

TEST(GeoJsonReader, RefusesDeepNestingBeforeParsing) {
    for (const std::string& text :
         {std::string(100'000, '['), std::string(100'000, '[') + std::string(100'000, ']'),
          "{\"type\":\"GeometryCollection\",\"geometries\":[" +
              std::string(50'000, '{') /* never closed */,
          [] {
              std::string nested;
              for (int i = 0; i < 40; ++i)
                  nested += R"({"type":"GeometryCollection","geometries":[)";
              nested += R"({"type":"Point","coordinates":[1,2]})";
              for (int i = 0; i < 40; ++i)
                  nested += "]}";
              return nested;
          }()}) {
        auto error = refused(text);
        EXPECT_EQ(error.code, Errc::invalid_argument);
        EXPECT_TRUE(mentions(error, "nested deeper than 32")) << error.message;
    }
}

}  // namespace
}  // namespace sightline::formats
