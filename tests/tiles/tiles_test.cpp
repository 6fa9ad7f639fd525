// Vector tiles end to end: cameras go in through the CLI and the API, tiles come out over HTTP
// and from `sightline tiles`, and GDAL's MVT driver (ogrinfo) reads them.
//
// GDAL opens a tile file by its .mvt name; an empty tile (0 bytes, a valid tile without layers)
// only with the explicit "MVT:" prefix, so every call here uses the prefix.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include "api_fixture.hpp"

namespace sightline::testing {
namespace {

constexpr std::string_view belgrade_tile = "/tiles/16/36492/23623.mvt";
const std::vector<std::string> csv_mapping{
    "--tag", "camera:type=camera_type",    "--tag", "camera:mount=mount",
    "--tag", "camera:direction=direction", "--tag", "camera:angle=angle",
    "--tag", "operator=operator"};

std::string read_fixture(std::string_view relative) {
    std::ifstream in(std::filesystem::path(SIGHTLINE_FIXTURES) / relative, std::ios::binary);
    if (!in) throw std::runtime_error(fmt::format("fixture {} missing", relative));
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string gunzip(const std::string& in) {
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 16) != Z_OK) throw std::runtime_error("inflateInit2");
    std::string out(in.size() * 50 + 4096, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    int rc = inflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    inflateEnd(&zs);
    if (rc != Z_STREAM_END) throw std::runtime_error("not a complete gzip stream");
    return out;
}

/// What `ogrinfo -ro -al MVT:FILE` says about a tile.
struct OgrInfo {
    int exit_code = -1;
    std::string text;

    [[nodiscard]] bool has_layer(std::string_view name) const {
        return text.find(fmt::format("Layer name: {}\n", name)) != std::string::npos;
    }
    /// "Feature Count" of a layer, -1 if the layer is absent.
    [[nodiscard]] int feature_count(std::string_view name) const {
        auto at = text.find(fmt::format("Layer name: {}\n", name));
        if (at == std::string::npos) return -1;
        std::smatch m;
        std::string rest = text.substr(at);
        if (!std::regex_search(rest, m, std::regex("Feature Count: (\\d+)"))) return -1;
        return std::stoi(m[1]);
    }
    [[nodiscard]] bool contains(std::string_view s) const {
        return text.find(s) != std::string::npos;
    }
};

OgrInfo ogrinfo(const std::filesystem::path& file, bool summary_only = false) {
    std::vector<std::string> args{"-ro", "-al"};
    if (summary_only) args.push_back("-so");
    args.push_back("MVT:" + file.string());
    auto result = run_program("/usr/bin/ogrinfo", args);
    return {result.exit_code, result.out + result.err};
}

class Tiles : public ApiTest {
  protected:
    void prepare_data() override {
        import_cameras(data_dir(), read_fixture("tiles/cameras.csv"), csv_mapping);
    }
    /// GET `target`, which must answer 200; the body saved as a .mvt file and read by GDAL.
    OgrInfo fetch_and_decode(std::string_view target, bool summary_only = false) {
        auto response = client().get(std::string(target));
        EXPECT_EQ(response.status, 200) << target << ": " << response.body;
        auto file = save(response.body);
        auto info = ogrinfo(file, summary_only);
        EXPECT_EQ(info.exit_code, 0) << info.text;
        return info;
    }
    std::filesystem::path save(const std::string& bytes) {
        auto file = work_dir() / fmt::format("tile-{}.mvt", m_files++);
        std::ofstream(file, std::ios::binary) << bytes;
        return file;
    }

  private:
    int m_files = 0;
};

TEST_F(Tiles, ACameraTileHoldsEveryCameraWithItsAttributes) {
    auto response = client().get(std::string(belgrade_tile));
    ASSERT_EQ(response.status, 200);
    EXPECT_EQ(response.header("content-type"), "application/vnd.mapbox-vector-tile");
    EXPECT_EQ(response.header("cache-control"), "public, no-cache")
        << "revalidated each time: an accepted camera shows at once";
    EXPECT_FALSE(response.header("etag").empty());
    EXPECT_TRUE(response.header("content-encoding").empty());

    auto info = ogrinfo(save(response.body));
    ASSERT_EQ(info.exit_code, 0) << info.text;
    EXPECT_EQ(info.feature_count("cameras"), 3) << info.text;
    for (auto expected :
         {"type (String) = dome", "type (String) = fixed", "type (String) = panning",
          "mount (String) = wall", "mount (String) = pole", "direction (String) = 90;180",
          "direction (String) = NE", "directions (Real) = 90", "directions (Real) = 45",
          "angle (Real) = 15", "status (String) = verified", "confirmations (Integer) = 0"})
        EXPECT_TRUE(info.contains(expected)) << "missing '" << expected << "' in\n" << info.text;
    EXPECT_FALSE(info.contains("Grad Zagreb"));
    EXPECT_FALSE(info.contains("cluster"));
}

TEST_F(Tiles, TheZoomZeroTileIsValidAndHoldsClusters) {
    auto info = fetch_and_decode("/tiles/0/0/0.mvt");
    // A cell of z0's 16x16 grid spans 22.5 degrees of longitude: Zagreb and Belgrade share one.
    EXPECT_EQ(info.feature_count("cameras"), 1) << info.text;
    EXPECT_TRUE(info.contains("cluster (Integer(Boolean)) = 1")) << info.text;
    EXPECT_TRUE(info.contains("count (Integer) = 4")) << info.text;
    // At z10 the Belgrade three are one cluster and Zagreb is in another tile.
    auto z10 = fetch_and_decode("/tiles/10/570/369.mvt");
    EXPECT_EQ(z10.feature_count("cameras"), 1) << z10.text;
    EXPECT_TRUE(z10.contains("count (Integer) = 3")) << z10.text;
}

TEST_F(Tiles, AnEmptyTileIsAValidTileWithoutLayers) {
    auto response = client().get("/tiles/10/0/0.mvt");
    ASSERT_EQ(response.status, 200);
    EXPECT_EQ(response.header("content-type"), "application/vnd.mapbox-vector-tile");
    EXPECT_TRUE(response.body.empty());
    EXPECT_FALSE(response.header("etag").empty());
    auto info = ogrinfo(save(response.body), true);
    EXPECT_EQ(info.exit_code, 0) << info.text;
    EXPECT_FALSE(info.contains("Layer name")) << info.text;
    // Asking for gzip changes nothing: there is nothing to compress.
    auto gz = client().get("/tiles/10/0/0.mvt", {{"Accept-Encoding", "gzip"}});
    EXPECT_EQ(gz.status, 200);
    EXPECT_TRUE(gz.body.empty());
    EXPECT_TRUE(gz.header("content-encoding").empty());
}

TEST_F(Tiles, ConditionalRequestsGetNotModified) {
    auto first = client().get(std::string(belgrade_tile));
    ASSERT_EQ(first.status, 200);
    auto etag = first.header("etag");
    auto again = client().get(std::string(belgrade_tile), {{"If-None-Match", etag}});
    EXPECT_EQ(again.status, 304);
    EXPECT_TRUE(again.body.empty());
    EXPECT_EQ(again.header("etag"), etag);
    auto listed =
        client().get(std::string(belgrade_tile), {{"If-None-Match", "\"other\", " + etag}});
    EXPECT_EQ(listed.status, 304);
    auto other = client().get(std::string(belgrade_tile), {{"If-None-Match", "W/\"0\""}});
    EXPECT_EQ(other.status, 200);
    EXPECT_EQ(other.body, first.body);
}

TEST_F(Tiles, GzipIsUsedWhenTheClientAcceptsIt) {
    auto plain = client().get(std::string(belgrade_tile));
    auto gz = client().get(std::string(belgrade_tile), {{"Accept-Encoding", "br, gzip, deflate"}});
    ASSERT_EQ(gz.status, 200);
    EXPECT_EQ(gz.header("content-encoding"), "gzip");
    EXPECT_NE(gz.header("vary").find("Accept-Encoding"), std::string::npos);
    EXPECT_EQ(gunzip(gz.body), plain.body);
    EXPECT_EQ(gz.header("etag"), plain.header("etag"));
    auto refused = client().get(std::string(belgrade_tile), {{"Accept-Encoding", "gzip;q=0"}});
    EXPECT_TRUE(refused.header("content-encoding").empty());
}

TEST_F(Tiles, AcceptingACameraChangesTheTile) {
    auto before = client().get(std::string(belgrade_tile));
    ASSERT_EQ(before.status, 200);
    auto id = submit_ok(example_report(44.8120, 20.4600))["id"].get<std::int64_t>();
    // A pending report is not a camera: the tile stays as it was.
    auto pending =
        client().get(std::string(belgrade_tile), {{"If-None-Match", before.header("etag")}});
    EXPECT_EQ(pending.status, 304);
    decide_ok(id, {{"action", "accept"}}, login());
    auto after =
        client().get(std::string(belgrade_tile), {{"If-None-Match", before.header("etag")}});
    ASSERT_EQ(after.status, 200);
    EXPECT_NE(after.header("etag"), before.header("etag"));
    auto info = ogrinfo(save(after.body), true);
    EXPECT_EQ(info.feature_count("cameras"), 4) << info.text;
}

TEST_F(Tiles, BadTileAddressesAreRefused) {
    expect_json_error(client().get("/tiles/a/0/0.mvt"), 400, "invalid_argument");
    expect_json_error(client().get("/tiles/1/0/x.mvt"), 400, "invalid_argument");
    expect_json_error(client().get("/tiles/1/-1/0.mvt"), 400, "invalid_argument");
    expect_json_error(client().get("/tiles/1/2/0.mvt"), 404, "not_found");
    expect_json_error(client().get("/tiles/23/0/0.mvt"), 404, "not_found");
    expect_json_error(client().get("/tiles/1/0/0.png"), 404, "not_found");
    EXPECT_EQ(client().request("POST", "/tiles/0/0/0.mvt").status, 405);
}

TEST_F(Tiles, TileJsonDescribesTheLayers) {
    auto response = client().get("/tiles/tilejson.json");
    ASSERT_EQ(response.status, 200);
    auto doc = response.json();
    EXPECT_EQ(doc["tilejson"], "3.0.0");
    EXPECT_EQ(doc["minzoom"], 0);
    EXPECT_EQ(doc["maxzoom"], 22);
    EXPECT_EQ(doc["attribution"], "© OpenStreetMap contributors");
    EXPECT_EQ(doc["bounds"].size(), 4u);
    auto url = doc["tiles"][0].get<std::string>();
    EXPECT_TRUE(url.ends_with("/tiles/{z}/{x}/{y}.mvt")) << url;
    std::set<std::string> ids;
    for (const auto& layer : doc["vector_layers"])
        ids.insert(layer["id"].get<std::string>());
    EXPECT_EQ(ids, (std::set<std::string>{"cameras", "streets", "buildings", "water", "parks",
                                          "viewsheds", "surveys"}));
}

TEST_F(Tiles, TheTilesCommandWritesTheTilesItServes) {
    auto out = work_dir() / "static";
    auto result =
        run_cli({"tiles", "--data", data_dir().string(), "--out", out.string(), "--min-zoom", "14",
                 "--max-zoom", "16", "--bbox", "20.45,44.80,20.47,44.82", "--quiet"});
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("wrote "), std::string::npos) << result.out;
    EXPECT_TRUE(result.err.empty()) << "--quiet: " << result.err;
    auto file = out / "16" / "36492" / "23623.mvt";
    ASSERT_TRUE(std::filesystem::exists(file));
    auto read = [](const std::filesystem::path& path) {
        std::ifstream in(path, std::ios::binary);
        return std::string{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    };
    // Viewsheds are computed in a frame of their own camera, so whichever request filled the
    // analysis cache, the tiles are the same bytes: here the server renders neighbours first.
    for (std::string neighbour : {"/tiles/16/36493/23623.mvt", "/tiles/15/18246/11811.mvt"})
        ASSERT_EQ(client().get(neighbour).status, 200) << neighbour;
    for (const auto& [path, url] :
         {std::pair{out / "14" / "9123" / "5905.mvt", std::string("/tiles/14/9123/5905.mvt")},
          std::pair{file, std::string(belgrade_tile)}}) {
        ASSERT_TRUE(std::filesystem::exists(path)) << path;
        EXPECT_EQ(read(path), client().get(url).body) << url;
    }
    auto info = ogrinfo(file, true);
    EXPECT_EQ(info.feature_count("cameras"), 3) << info.text;
    EXPECT_GT(info.feature_count("viewsheds"), 0) << info.text;
    // Empty tiles are not written; every written one has content.
    int files = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(out))
        if (entry.path().extension() == ".mvt") {
            ++files;
            EXPECT_GT(entry.file_size(), 0u) << entry.path();
        }
    EXPECT_GE(files, 3);
    EXPECT_LT(files, 30);
    auto tilejson = nlohmann::json::parse(std::ifstream(out / "tilejson.json"));
    EXPECT_EQ(tilejson["tiles"][0], "{z}/{x}/{y}.mvt");
    EXPECT_EQ(tilejson["minzoom"], 14);
    EXPECT_EQ(tilejson["maxzoom"], 16);
}

TEST_F(Tiles, TheTilesCommandRefusesHugeJobsUnlessForced) {
    auto out = work_dir() / "huge";
    auto result = run_cli({"tiles", "--data", data_dir().string(), "--out", out.string(),
                           "--max-zoom", "12", "--bbox", "-180,-85,180,85"});
    EXPECT_NE(result.exit_code, 0);
    EXPECT_NE(result.err.find("--force"), std::string::npos) << result.err;
    EXPECT_FALSE(std::filesystem::exists(out / "0"));
    auto bad = run_cli({"tiles", "--data", data_dir().string(), "--out", out.string(), "--min-zoom",
                        "5", "--max-zoom", "3"});
    EXPECT_NE(bad.exit_code, 0);
    // Without --bbox the area is the cameras' bounds: Zagreb to Belgrade.
    auto fitted = run_cli({"tiles", "--data", data_dir().string(), "--out", out.string(),
                           "--max-zoom", "10", "--quiet"});
    ASSERT_EQ(fitted.exit_code, 0) << fitted.err;
    EXPECT_TRUE(std::filesystem::exists(out / "10" / "570" / "369.mvt"));
}

// --- the basemap, on a real OpenStreetMap extract ------------------------------------------------

class TilesRealData : public ApiTest {
  protected:
    void prepare_data() override {
        if (!std::filesystem::exists(m_file)) return;
        auto result =
            run_cli({"import", m_file.string(), "--data", data_dir().string(), "--quiet"});
        if (result.exit_code != 0)
            throw std::runtime_error("sightline import failed: " + result.out + result.err);
    }
    const std::filesystem::path m_file = SIGHTLINE_SHARED_DATA "/osm/munich_center.osm.pbf";
};

TEST_F(TilesRealData, MunichHasStreetsBuildingsWaterAndParks) {
    if (!std::filesystem::exists(m_file)) {
        const char* ci = std::getenv("CI");
        if (ci && std::string_view(ci) == "true") FAIL() << m_file << " is missing on CI";
        GTEST_SKIP() << m_file << " is not here (set up ../shared/data to run this test)";
    }
    // Marienplatz at z15 (48.137 N, 11.575 E).
    auto response = client().get("/tiles/15/17437/11371.mvt");
    ASSERT_EQ(response.status, 200);
    auto file = work_dir() / "munich.mvt";
    std::ofstream(file, std::ios::binary) << response.body;
    auto info = ogrinfo(file);
    ASSERT_EQ(info.exit_code, 0) << info.text.substr(0, 2000);
    EXPECT_GT(info.feature_count("streets"), 50);
    EXPECT_GT(info.feature_count("buildings"), 50);
    EXPECT_GT(info.feature_count("cameras"), 0);
    EXPECT_GE(info.feature_count("parks"), 1);
    EXPECT_TRUE(info.contains("class (String) = primary") ||
                info.contains("class (String) = secondary"));
    EXPECT_TRUE(info.contains("class (String) = footway") ||
                info.contains("class (String) = pedestrian"));

    // Below the building zoom, no buildings; below the street zoom only major streets.
    auto z11 = client().get("/tiles/11/1089/710.mvt");
    ASSERT_EQ(z11.status, 200);
    auto file11 = work_dir() / "munich11.mvt";
    std::ofstream(file11, std::ios::binary) << z11.body;
    auto info11 = ogrinfo(file11);
    EXPECT_FALSE(info11.has_layer("buildings"));
    EXPECT_FALSE(info11.contains("class (String) = footway"));
    EXPECT_TRUE(info11.contains("cluster (Integer(Boolean)) = 1"));
}

}  // namespace
}  // namespace sightline::testing
