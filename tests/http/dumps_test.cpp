// The bulk open data beside GeoJSON and CSV: GeoPackage and KML read back with GDAL (ogrinfo, from
// gdal-bin), each dump's licence and date, and conditional requests (ETag, Last-Modified, 304)
// on every camera export so that mirrors fetch only changes.

#include <fstream>

#include <fmt/core.h>

#include "http/api_fixture.hpp"

namespace sightline::testing {
namespace {

// A camera whose tags hold what XML must escape and what is not ASCII.
constexpr std::string_view cameras_csv =
    "lat,lon,camera_type,operator\n"
    "45.8130,15.9770,dome,\"Grad <Zagreb> & \"\"Sons\"\" 'Čačak' Кнез\"\n"
    "44.8125,20.4612,fixed,Beograd\n";
constexpr std::string_view awkward_operator = "Grad <Zagreb> & \"Sons\" 'Čačak' Кнез";

constexpr std::string_view exports[] = {"geojson", "csv", "osm", "gpkg", "kml"};

class Dumps : public ApiTest {
  protected:
    void prepare_data() override {
        import_cameras(data_dir(), std::string(cameras_csv),
                       {"--tag", "camera:type=camera_type", "--tag", "operator=operator"});
    }

    std::filesystem::path save(const std::string& name, const std::string& bytes) {
        auto path = work_dir() / name;
        std::ofstream(path, std::ios::binary) << bytes;
        return path;
    }

    static std::string ogrinfo(const std::filesystem::path& file) {
        auto result = run_program("/usr/bin/ogrinfo", {"-ro", "-al", file.string()});
        EXPECT_EQ(result.exit_code, 0) << result.err;
        return result.out;
    }

    void accept_a_report() {
        auto id = submit_ok(example_report(45.79, 15.95))["id"].get<std::int64_t>();
        decide_ok(id, {{"action", "accept"}}, login());
    }
};

bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

TEST_F(Dumps, TheGeoPackageReadsBackWithItsCamerasSrsAndLicence) {
    auto response = client().get("/api/v1/export/cameras.gpkg");
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(response.header("content-type"), "application/geopackage+sqlite3");
    EXPECT_TRUE(contains(response.header("content-disposition"), "cameras.gpkg"));
    // SQLite's header, then the GeoPackage application id "GPKG" at offset 68.
    ASSERT_GT(response.body.size(), 100u);
    EXPECT_TRUE(response.body.starts_with(std::string_view("SQLite format 3\0", 16)));
    EXPECT_EQ(response.body.substr(68, 4), "GPKG");

    auto info = ogrinfo(save("cameras.gpkg", response.body));
    EXPECT_TRUE(contains(info, "using driver `GPKG' successful")) << info;
    EXPECT_TRUE(contains(info, "Layer name: cameras")) << info;
    EXPECT_TRUE(contains(info, "Feature Count: 2")) << info;
    EXPECT_TRUE(contains(info, "ID[\"EPSG\",4326]")) << info;
    EXPECT_TRUE(contains(info, "ODbL 1.0")) << "licence in gpkg_contents.description\n" << info;
    EXPECT_TRUE(contains(info, "Generated 20")) << info;
    EXPECT_TRUE(contains(info, fmt::format("operator (String) = {}", awkward_operator))) << info;
    EXPECT_TRUE(contains(info, "camera:type (String) = dome")) << info;
    EXPECT_TRUE(contains(info, "status (String) = verified")) << info;
    EXPECT_TRUE(contains(info, "POINT (15.977 45.813)")) << info;
    EXPECT_TRUE(contains(info, "POINT (20.4612 44.8125)")) << info;
}

TEST_F(Dumps, TheKmlEscapesTagsAndReadsBack) {
    auto response = client().get("/api/v1/export/cameras.kml");
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(response.header("content-type"), "application/vnd.google-earth.kml+xml");
    EXPECT_TRUE(contains(response.body, "<kml xmlns=\"http://www.opengis.net/kml/2.2\">"));
    EXPECT_TRUE(contains(response.body,
                         "Grad &lt;Zagreb&gt; &amp; &quot;Sons&quot; &apos;Čačak&apos; Кнез"))
        << response.body;
    EXPECT_TRUE(contains(response.body, "<Data name=\"license\">")) << response.body;
    EXPECT_TRUE(contains(response.body, "<Data name=\"generated\">")) << response.body;

    auto info = ogrinfo(save("cameras.kml", response.body));
    EXPECT_TRUE(contains(info, fmt::format("operator (String) = {}", awkward_operator))) << info;
    EXPECT_TRUE(contains(info, "Name (String) = Camera 1")) << info;
    EXPECT_TRUE(contains(info, "POINT (15.977 45.813)")) << info;
    EXPECT_TRUE(contains(info, "POINT (20.4612 44.8125)")) << info;
    std::size_t features = 0;
    for (auto at = info.find("OGRFeature("); at != std::string::npos;
         at = info.find("OGRFeature(", at + 1))
        ++features;
    EXPECT_EQ(features, 2u) << info;
}

TEST_F(Dumps, TheGeoJsonStatesItsLicenceAndDate) {
    auto collection = client().get("/api/v1/export/cameras.geojson").json();
    EXPECT_TRUE(contains(collection.value("license", ""), "ODbL 1.0")) << collection.dump();
    EXPECT_EQ(collection.value("license_url", ""),
              "https://opendatacommons.org/licenses/odbl/1-0/");
    EXPECT_EQ(collection.value("generated", "").size(), 20u) << "RFC 3339 UTC, to the second";
    EXPECT_EQ(collection["features"].size(), 2u);
}

TEST_F(Dumps, TheOsmXmlStatesItsLicenceAndOsmiumStillReadsIt) {
    auto osm = client().get("/api/v1/export/cameras.osm");
    ASSERT_EQ(osm.status, 200);
    EXPECT_TRUE(contains(osm.body, "license=\"https://opendatacommons.org/licenses/odbl/1-0/\""))
        << osm.body.substr(0, 400);
    EXPECT_TRUE(contains(osm.body, "ODbL 1.0")) << osm.body.substr(0, 400);
    EXPECT_TRUE(contains(osm.body, ". Generated 20")) << osm.body.substr(0, 400);
    auto info = run_program("/usr/bin/osmium", {"fileinfo", "-e", "-g", "data.count.nodes",
                                                save("cameras.osm", osm.body).string()});
    EXPECT_EQ(info.exit_code, 0) << info.err;
    EXPECT_EQ(info.out, "2\n") << info.err;
}

TEST_F(Dumps, AMirrorGetsNotModifiedUntilTheCamerasChange) {
    std::map<std::string, std::string, std::less<>> etags;
    for (auto format : exports) {
        const auto target = fmt::format("/api/v1/export/cameras.{}", format);
        auto first = client().get(target);
        ASSERT_EQ(first.status, 200) << target;
        const auto etag = first.header("etag");
        const auto last_modified = first.header("last-modified");
        ASSERT_FALSE(etag.empty()) << target;
        ASSERT_TRUE(last_modified.ends_with(" GMT")) << target << ": " << last_modified;
        EXPECT_TRUE(contains(first.header("link"), "rel=\"license\"")) << target;

        auto same = client().get(target, {{"If-None-Match", etag}});
        EXPECT_EQ(same.status, 304) << target;
        EXPECT_TRUE(same.body.empty()) << target;
        EXPECT_EQ(same.header("etag"), etag) << target;
        auto listed = client().get(target, {{"If-None-Match", "\"other\", " + etag}});
        EXPECT_EQ(listed.status, 304) << target;
        auto since = client().get(target, {{"If-Modified-Since", last_modified}});
        EXPECT_EQ(since.status, 304) << target;
        EXPECT_TRUE(since.body.empty()) << target;
        auto older = client().get(target, {{"If-Modified-Since", "Thu, 01 Jan 2015 00:00:00 GMT"}});
        EXPECT_EQ(older.status, 200) << target;
        // If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2).
        auto stale = client().get(
            target, {{"If-None-Match", "W/\"stale\""}, {"If-Modified-Since", last_modified}});
        EXPECT_EQ(stale.status, 200) << target;
        etags[std::string(format)] = etag;
    }

    accept_a_report();
    for (auto format : exports) {
        const auto target = fmt::format("/api/v1/export/cameras.{}", format);
        const auto& old_etag = etags[std::string(format)];
        auto changed = client().get(target, {{"If-None-Match", old_etag}});
        EXPECT_EQ(changed.status, 200) << target;
        EXPECT_FALSE(changed.body.empty()) << target;
        EXPECT_NE(changed.header("etag"), old_etag) << target;
        EXPECT_FALSE(changed.header("etag").empty()) << target;
    }
    // The new GeoPackage has the accepted camera.
    auto gpkg = client().get("/api/v1/export/cameras.gpkg");
    auto info = ogrinfo(save("after.gpkg", gpkg.body));
    EXPECT_TRUE(contains(info, "Feature Count: 3")) << info;
}

TEST_F(Dumps, AHeadOfTheGeoPackageHasItsValidators) {
    auto head = client().request("HEAD", "/api/v1/export/cameras.gpkg");
    EXPECT_EQ(head.status, 200);
    EXPECT_TRUE(head.body.empty());
    EXPECT_FALSE(head.header("etag").empty());
    EXPECT_EQ(client().get("/healthz").status, 200) << "the connection is still in step";
}

}  // namespace
}  // namespace sightline::testing
