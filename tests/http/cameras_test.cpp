// Open data: the camera map (bbox listing with filters and limit), single cameras, the GeoJSON
// and CSV exports and the statistics.

#include <algorithm>
#include <set>

#include <fmt/core.h>

#include "http/api_fixture.hpp"
#include "support/csv_reader.hpp"

namespace sightline::testing {
namespace {

constexpr std::string_view zagreb_bbox = "15.9,45.7,16.1,45.9";

// Four verified cameras in Zagreb and one in Belgrade, with the awkward values open data has:
// commas and quotes inside fields, Cyrillic, a value a spreadsheet would run as a formula.
constexpr std::string_view verified_csv =
    "lat,lon,camera_type,operator,address\n"
    "45.8130,15.9770,dome,\"Grad Zagreb, Ured za sigurnost\",Trg bana Jelačića 1\n"
    "45.8140,15.9780,fixed,Zagrebački holding,\"Ilica 1, Zagreb\"\n"
    "45.8150,15.9790,fixed,\"=HYPERLINK(\"\"http://example.com\"\")\",Ilica 5\n"
    "45.8100,15.9700,panning,HŽ,\"Кнеза Милоша 1, \"\"Загреб\"\"\"\n"
    "44.8125,20.4612,dome,Beograd,Кнез Михаилова 5\n";

// One camera only reported (not verified), in Zagreb.
constexpr std::string_view reported_csv =
    "lat,lon,camera_type\n"
    "45.8160,15.9800,dome\n";

class OpenData : public ApiTest {
  protected:
    void prepare_data() override {
        const std::vector<std::string> mapping{"--tag", "camera:type=camera_type",
                                               "--tag", "operator=operator",
                                               "--tag", "addr:full=address"};
        import_cameras(data_dir(), std::string(verified_csv), mapping);
        import_cameras(data_dir(), std::string(reported_csv),
                       {"--tag", "camera:type=camera_type", "--status", "reported"});
    }

    /// The feature whose tag `key` is `value`, or null.
    static nlohmann::json find_feature(const nlohmann::json& collection, const std::string& key,
                                       const std::string& value) {
        for (const auto& f : collection["features"])
            if (f["properties"]["tags"].value(key, "") == value) return f;
        return nullptr;
    }
};

std::size_t column(const std::vector<std::string>& header, std::string_view name) {
    auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw std::runtime_error(fmt::format("no CSV column {}", name));
    return static_cast<std::size_t>(it - header.begin());
}

void expect_valid_point_feature(const nlohmann::json& f) {
    EXPECT_EQ(f["type"], "Feature");
    EXPECT_TRUE(f["id"].is_number_integer());
    EXPECT_EQ(f["geometry"]["type"], "Point");
    const auto& c = f["geometry"]["coordinates"];
    ASSERT_TRUE(c.is_array() && c.size() == 2) << f.dump();
    ASSERT_TRUE(c[0].is_number() && c[1].is_number()) << f.dump();
    EXPECT_LE(std::abs(c[0].get<double>()), 180.0);
    EXPECT_LE(std::abs(c[1].get<double>()), 90.0);
    EXPECT_TRUE(f["properties"].is_object());
    EXPECT_EQ(f["properties"]["id"], f["id"]);
}

TEST_F(OpenData, TheBboxListIsAGeoJsonFeatureCollectionWithLonLatAndTags) {
    auto response = client().get(fmt::format("/api/v1/cameras?bbox={}", zagreb_bbox));
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_TRUE(response.header("content-type").starts_with("application/geo+json"))
        << response.header("content-type");
    auto collection = response.json();
    EXPECT_EQ(collection["type"], "FeatureCollection");
    EXPECT_EQ(collection["truncated"], false);
    ASSERT_EQ(collection["features"].size(), 5u) << "4 verified + 1 reported in Zagreb";
    for (const auto& f : collection["features"])
        expect_valid_point_feature(f);

    auto ids = feature_ids(collection);
    EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));

    auto city = find_feature(collection, "operator", "Grad Zagreb, Ured za sigurnost");
    ASSERT_TRUE(city.is_object()) << collection.dump();
    EXPECT_NEAR(city["geometry"]["coordinates"][0].get<double>(), 15.9770, 1e-7) << "lon first";
    EXPECT_NEAR(city["geometry"]["coordinates"][1].get<double>(), 45.8130, 1e-7);
    EXPECT_EQ(city["properties"]["tags"]["camera:type"], "dome");
    EXPECT_EQ(city["properties"]["tags"]["addr:full"], "Trg bana Jelačića 1");
    EXPECT_EQ(city["properties"]["tags"]["man_made"], "surveillance");
    EXPECT_EQ(city["properties"]["status"], "verified");
    EXPECT_EQ(city["properties"]["kind"], "dome");
    EXPECT_FALSE(city["properties"].contains("history")) << "history only for single cameras";

    auto cyrillic = find_feature(collection, "operator", "HŽ");
    ASSERT_TRUE(cyrillic.is_object());
    EXPECT_EQ(cyrillic["properties"]["tags"]["addr:full"], "Кнеза Милоша 1, \"Загреб\"");
}

TEST_F(OpenData, OnlyCamerasInsideTheBboxAreListed) {
    auto belgrade = cameras_in("20.4,44.7,20.5,44.9");
    ASSERT_EQ(belgrade["features"].size(), 1u);
    EXPECT_EQ(belgrade["features"][0]["properties"]["tags"]["operator"], "Beograd");

    auto one = cameras_in("15.9765,45.8125,15.9775,45.8135");
    ASSERT_EQ(one["features"].size(), 1u) << one.dump();
    EXPECT_EQ(one["features"][0]["properties"]["tags"]["camera:type"], "dome");

    EXPECT_TRUE(cameras_in("0,0,0.5,0.5")["features"].empty());
}

TEST_F(OpenData, ACameraOnTheEdgeOfTheBboxIsInside) {
    auto edge = cameras_in("15.9770,45.8130,15.9775,45.8135");
    ASSERT_EQ(edge["features"].size(), 1u) << edge.dump();
    auto corner = cameras_in("15.9765,45.8125,15.9770,45.8130");
    EXPECT_EQ(corner["features"].size(), 1u) << corner.dump();
}

TEST_F(OpenData, TheTypeFilterKeepsOnlyThatKind) {
    auto fixed = cameras_in(zagreb_bbox, "&type=fixed");
    ASSERT_EQ(fixed["features"].size(), 2u) << fixed.dump();
    for (const auto& f : fixed["features"])
        EXPECT_EQ(f["properties"]["kind"], "fixed");
    auto dome = cameras_in(zagreb_bbox, "&type=dome");
    EXPECT_EQ(dome["features"].size(), 2u) << "one verified, one reported";
    EXPECT_TRUE(cameras_in(zagreb_bbox, "&type=ALPR")["features"].empty());
    EXPECT_TRUE(cameras_in(zagreb_bbox, "&type=nonsense")["features"].empty());
}

TEST_F(OpenData, TheStatusFilterKeepsOnlyThatStatus) {
    auto reported = cameras_in(zagreb_bbox, "&status=reported");
    ASSERT_EQ(reported["features"].size(), 1u) << reported.dump();
    EXPECT_EQ(reported["features"][0]["properties"]["status"], "reported");
    auto verified = cameras_in(zagreb_bbox, "&status=verified");
    EXPECT_EQ(verified["features"].size(), 4u);
    EXPECT_TRUE(cameras_in(zagreb_bbox, "&status=removed")["features"].empty());
    auto both = cameras_in(zagreb_bbox, "&status=reported&type=dome");
    EXPECT_EQ(both["features"].size(), 1u);
}

TEST_F(OpenData, LimitCutsTheListAndSaysSo) {
    auto two = cameras_in(zagreb_bbox, "&limit=2");
    EXPECT_EQ(two["features"].size(), 2u);
    EXPECT_EQ(two["truncated"], true);
    auto all = feature_ids(cameras_in(zagreb_bbox));
    EXPECT_EQ(feature_ids(two), (std::vector<std::int64_t>{all[0], all[1]}))
        << "the first cameras by id";

    auto exactly = cameras_in(zagreb_bbox, "&limit=5");
    EXPECT_EQ(exactly["features"].size(), 5u);
    EXPECT_EQ(exactly["truncated"], false) << "nothing was cut";
    EXPECT_EQ(cameras_in(zagreb_bbox, "&limit=10000")["truncated"], false);
}

TEST_F(OpenData, ASingleCameraHasItsImportInItsHistory) {
    auto id = feature_ids(cameras_in(zagreb_bbox))[0];
    auto feature = camera(id);
    expect_valid_point_feature(feature);
    EXPECT_EQ(feature["id"], id);
    ASSERT_EQ(feature["properties"]["history"].size(), 1u) << feature.dump();
    EXPECT_EQ(feature["properties"]["history"][0]["action"], "imported");
    EXPECT_TRUE(feature["properties"]["report_ids"].empty());
    expect_json_error(client().get(fmt::format("/api/v1/cameras/{}", id + 1000)), 404, "not_found");
}

TEST_F(OpenData, TheGeoJsonExportHasEveryCameraIncludingRemovedOnes) {
    auto mod = login();
    auto removed_id = feature_ids(cameras_in(zagreb_bbox))[0];
    ASSERT_EQ(
        client()
            .post(fmt::format("/api/v1/cameras/{}/removal", removed_id), "", mod.cookie_and_csrf())
            .status,
        200);

    auto response = client().get("/api/v1/export/cameras.geojson");
    ASSERT_EQ(response.status, 200);
    EXPECT_TRUE(response.header("content-type").starts_with("application/geo+json"));
    EXPECT_NE(response.header("content-disposition").find("cameras.geojson"), std::string::npos);
    auto collection = nlohmann::json::parse(response.body);
    EXPECT_EQ(collection["type"], "FeatureCollection");
    ASSERT_EQ(collection["features"].size(), 6u) << "every camera, Belgrade and removed too";
    std::set<std::int64_t> ids;
    for (const auto& f : collection["features"]) {
        expect_valid_point_feature(f);
        ids.insert(f["id"].get<std::int64_t>());
        if (f["id"] == removed_id) {
            EXPECT_EQ(f["properties"]["status"], "removed");
        }
    }
    EXPECT_EQ(ids.size(), 6u);
    EXPECT_TRUE(ids.contains(removed_id));
}

TEST_F(OpenData, TheCsvExportHasAHeaderAndOneRowPerCamera) {
    auto response = client().get("/api/v1/export/cameras.csv");
    ASSERT_EQ(response.status, 200);
    EXPECT_TRUE(response.header("content-type").starts_with("text/csv"));
    EXPECT_NE(response.header("content-disposition").find("cameras.csv"), std::string::npos);

    auto rows = parse_csv(response.body);
    ASSERT_EQ(rows.size(), 7u) << "header + 6 cameras:\n" << response.body;
    const auto& header = rows[0];
    EXPECT_EQ((std::vector<std::string>(header.begin(), header.begin() + 8)),
              (std::vector<std::string>{"id", "lat", "lon", "status", "kind", "confirmations",
                                        "first_seen", "last_verified"}));
    for (std::size_t r = 1; r < rows.size(); ++r)
        EXPECT_EQ(rows[r].size(), header.size()) << "row " << r << " has a different width";

    auto operator_column = column(header, "operator");
    auto find_row = [&](std::string_view op) -> const std::vector<std::string>* {
        for (std::size_t r = 1; r < rows.size(); ++r)
            if (rows[r][operator_column] == op) return &rows[r];
        return nullptr;
    };
    // A comma inside a field is quoted, not a separator.
    EXPECT_NE(response.body.find("\"Grad Zagreb, Ured za sigurnost\""), std::string::npos);
    const auto* city = find_row("Grad Zagreb, Ured za sigurnost");
    ASSERT_NE(city, nullptr) << response.body;
    EXPECT_EQ((*city)[column(header, "lat")], "45.8130000");
    EXPECT_EQ((*city)[column(header, "lon")], "15.9770000");
    EXPECT_EQ((*city)[column(header, "status")], "verified");
    EXPECT_EQ((*city)[column(header, "camera:type")], "dome");
    // Tags without a column of their own go to other_tags as JSON.
    auto other = nlohmann::json::parse((*city)[column(header, "other_tags")]);
    EXPECT_EQ(other["addr:full"], "Trg bana Jelačića 1");

    const auto* cyrillic = find_row("HŽ");
    ASSERT_NE(cyrillic, nullptr);
    EXPECT_EQ(nlohmann::json::parse((*cyrillic)[column(header, "other_tags")])["addr:full"],
              "Кнеза Милоша 1, \"Загреб\"");

    // A value a spreadsheet would run as a formula is defused.
    const auto* formula = find_row("'=HYPERLINK(\"http://example.com\")");
    EXPECT_NE(formula, nullptr) << response.body;
}

TEST_F(OpenData, ExportsAndTheMapAgree) {
    auto geojson = nlohmann::json::parse(client().get("/api/v1/export/cameras.geojson").body);
    auto csv_rows = parse_csv(client().get("/api/v1/export/cameras.csv").body);
    std::set<std::int64_t> from_geojson;
    for (const auto& f : geojson["features"])
        from_geojson.insert(f["id"].get<std::int64_t>());
    std::set<std::int64_t> from_csv;
    for (std::size_t r = 1; r < csv_rows.size(); ++r)
        from_csv.insert(std::stoll(csv_rows[r][0]));
    EXPECT_EQ(from_geojson, from_csv);
    std::set<std::int64_t> on_maps;
    for (auto bbox : {zagreb_bbox, std::string_view("20.4,44.7,20.5,44.9")})
        for (auto id : feature_ids(cameras_in(bbox)))
            on_maps.insert(id);
    EXPECT_EQ(on_maps, from_geojson);
}

TEST_F(OpenData, StatsCountsChangeAfterAnAccept) {
    auto before = client().get("/api/v1/stats");
    ASSERT_EQ(before.status, 200) << before.body;
    auto stats = before.json();
    EXPECT_EQ(stats["cameras_total"], 6);
    EXPECT_EQ(stats["cameras_by_status"]["verified"], 5);
    EXPECT_EQ(stats["cameras_by_status"]["reported"], 1);
    EXPECT_EQ(stats["cameras_by_kind"]["dome"], 3);
    EXPECT_EQ(stats["cameras_by_kind"]["fixed"], 2);
    EXPECT_EQ(stats["reports_by_status"].value("pending", 0), 0);

    auto id = submit_ok(example_report(45.79, 15.95))["id"].get<std::int64_t>();
    EXPECT_EQ(client().get("/api/v1/stats").json()["reports_by_status"]["pending"], 1);
    decide_ok(id, {{"action", "accept"}}, login());

    auto after = client().get("/api/v1/stats").json();
    EXPECT_EQ(after["cameras_total"], 7);
    EXPECT_EQ(after["cameras_by_status"]["verified"], 6);
    EXPECT_EQ(after["cameras_by_kind"]["dome"], 4);
    EXPECT_EQ(after["cameras_by_operator"]["Grad Zagreb"], 1);
    EXPECT_EQ(after["reports_by_status"]["accepted"], 1);
    EXPECT_EQ(after["reports_by_status"].value("pending", 0), 0);
    EXPECT_EQ(after["reports_by_day"].size(), 1u) << after.dump();
}

TEST_F(OpenData, TheOsmExportsOfferAnAcceptedCameraAsANewNode) {
    auto report = submit_ok(example_report(45.79, 15.95))["id"].get<std::int64_t>();
    auto decided = decide_ok(report, {{"action", "accept"}}, login());
    auto camera_id = decided["camera"]["id"].get<std::int64_t>();
    std::string node = fmt::format("<node id=\"-{}\"", camera_id);

    auto osm = client().get("/api/v1/export/cameras.osm");
    ASSERT_EQ(osm.status, 200) << osm.body;
    EXPECT_EQ(osm.header("content-type").rfind("application/xml", 0), 0u);
    EXPECT_NE(osm.body.find("<osm version=\"0.6\""), std::string::npos);
    EXPECT_NE(osm.body.find(node), std::string::npos) << osm.body.substr(0, 2000);

    auto osc = client().get("/api/v1/export/cameras.osc");
    ASSERT_EQ(osc.status, 200) << osc.body;
    auto create = osc.body.find("<create>");
    auto created_node = osc.body.find(node);
    ASSERT_NE(create, std::string::npos) << osc.body.substr(0, 2000);
    ASSERT_NE(created_node, std::string::npos) << osc.body.substr(0, 2000);
    EXPECT_LT(create, created_node);
    EXPECT_LT(created_node, osc.body.find("</create>"));
    EXPECT_NE(osc.body.find(R"(<tag k="man_made" v="surveillance"/>)", created_node),
              std::string::npos);
}

TEST_F(OpenData, RemovedCamerasLeaveTheTotal) {
    auto mod = login();
    auto id = feature_ids(cameras_in(zagreb_bbox))[0];
    ASSERT_EQ(client()
                  .post(fmt::format("/api/v1/cameras/{}/removal", id), "", mod.cookie_and_csrf())
                  .status,
              200);
    auto stats = client().get("/api/v1/stats").json();
    EXPECT_EQ(stats["cameras_total"], 5) << "cameras_total excludes removed ones";
    EXPECT_EQ(stats["cameras_by_status"]["removed"], 1);
}

TEST_F(OpenData, AHeadRequestGetsTheHeadersOfTheGetWithoutTheBody) {
    auto get = client().get("/api/v1/export/cameras.csv");
    auto head = client().request("HEAD", "/api/v1/export/cameras.csv");
    EXPECT_EQ(head.status, 200);
    EXPECT_TRUE(head.body.empty());
    // The export is made while it is sent (chunked), so its length is not known in advance:
    // no Content-Length rather than a wrong one.
    EXPECT_EQ(get.header("transfer-encoding"), "chunked");
    EXPECT_EQ(head.header("content-length"), "");
    EXPECT_EQ(head.header("content-type"), get.header("content-type"));
    EXPECT_EQ(head.header("content-disposition"), get.header("content-disposition"));
    EXPECT_EQ(client().get("/healthz").status, 200) << "the connection is still in step";
}

}  // namespace
}  // namespace sightline::testing
