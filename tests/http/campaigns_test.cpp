// Survey campaigns end to end on tests/fixtures/osm/survey_grid.osm: a 3 x 3 street grid (9
// crossings) at 48.000-48.002 N, 11.000-11.003 E.

#include <fstream>
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "http/api_fixture.hpp"
#include "support/command_output.hpp"

namespace sightline::testing {
namespace {

constexpr const char* grid_bbox = "[10.998, 47.998, 11.005, 48.004]";

class CampaignsApi : public ApiTest {
  protected:
    void prepare_data() override {
        auto result = run_cli(
            {"import", SIGHTLINE_FIXTURES "/osm/survey_grid.osm", "--data", data_dir().string()});
        if (result.exit_code != 0) throw std::runtime_error("import failed: " + result.err);
    }

    nlohmann::json create(const Login& mod, const std::string& body) {
        auto response =
            client().post("/api/v1/campaigns", body,
                          merge(mod.cookie_and_csrf(), {{"Content-Type", "application/json"}}));
        EXPECT_EQ(response.status, 201) << response.body;
        return response.json();
    }

    static HttpClient::Headers merge(HttpClient::Headers a, const HttpClient::Headers& b) {
        a.insert(a.end(), b.begin(), b.end());
        return a;
    }

    HttpResponse answer(std::int64_t campaign, std::int64_t task, const std::string& body) {
        return client().post("/api/v1/campaigns/" + std::to_string(campaign) + "/tasks/" +
                                 std::to_string(task) + "/answers",
                             body, {{"Content-Type", "application/json"}});
    }

    nlohmann::json next(std::int64_t campaign, double lat, double lon) {
        auto response =
            client().get("/api/v1/campaigns/" + std::to_string(campaign) +
                         "/next?lat=" + std::to_string(lat) + "&lon=" + std::to_string(lon));
        EXPECT_EQ(response.status, 200) << response.body;
        return response.json()["task"];
    }
};

TEST_F(CampaignsApi, VolunteersSurveyTheIntersectionsOfACampaign) {
    auto mod = login();
    auto campaign = create(mod, std::string(R"({"name": "Grid", "bbox": )") + grid_bbox +
                                    R"(, "unit": "intersection", "answers_needed": 2})");
    EXPECT_EQ(campaign["tasks"], 9);
    const auto id = campaign["id"].get<std::int64_t>();

    // The volunteer at the south-west corner gets that crossing; a second one nearby gets
    // another (the first is held for 30 minutes).
    auto first = next(id, 48.0000, 11.0000);
    ASSERT_TRUE(first.is_object());
    EXPECT_NEAR(first["lat"].get<double>(), 48.0000, 1e-6);
    EXPECT_NEAR(first["lon"].get<double>(), 11.0000, 1e-6);
    auto second = next(id, 48.0000, 11.0000);
    ASSERT_TRUE(second.is_object());
    EXPECT_NE(second["id"], first["id"]);
    EXPECT_GT(first["held_until"].get<std::int64_t>(), 0);

    // Two volunteers agree there is no camera: the task is done.
    const auto t1 = first["id"].get<std::int64_t>();
    auto a = answer(id, t1, R"({"cameras": 0, "answer_id": "a-1"})");
    ASSERT_EQ(a.status, 201) << a.body;
    EXPECT_EQ(a.json()["state"], "open");
    // The offline queue delivering the same answer again changes nothing.
    auto again = answer(id, t1, R"({"cameras": 0, "answer_id": "a-1"})");
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.json()["answers"], 1);
    auto b = answer(id, t1, R"({"cameras": 0})");
    ASSERT_EQ(b.status, 201) << b.body;
    EXPECT_EQ(b.json()["state"], "done");
    EXPECT_EQ(b.json()["cameras"], 0);

    // Four volunteers who all disagree send the task to the moderators.
    const auto t2 = second["id"].get<std::int64_t>();
    for (int n : {1, 2, 3, 4}) {
        auto r = answer(id, t2, R"({"cameras": )" + std::to_string(n) + "}");
        ASSERT_EQ(r.status, 201) << r.body;
    }
    auto disputed = client().get(
        "/api/v1/campaigns/" + std::to_string(id) + "/tasks?state=disputed", mod.cookie());
    ASSERT_EQ(disputed.status, 200) << disputed.body;
    ASSERT_EQ(disputed.json()["tasks"].size(), 1u);
    EXPECT_EQ(disputed.json()["tasks"][0]["id"], t2);
    // Anonymous volunteers cannot see or settle it.
    EXPECT_EQ(client().get("/api/v1/campaigns/" + std::to_string(id) + "/tasks").status, 401);
    auto resolve_path =
        "/api/v1/campaigns/" + std::to_string(id) + "/tasks/" + std::to_string(t2) + "/resolve";
    EXPECT_EQ(client()
                  .post(resolve_path, R"({"cameras": 2})", {{"Content-Type", "application/json"}})
                  .status,
              401);
    auto resolved =
        client().post(resolve_path, R"({"cameras": 2, "reason": "went myself"})",
                      merge(mod.cookie_and_csrf(), {{"Content-Type", "application/json"}}));
    ASSERT_EQ(resolved.status, 200) << resolved.body;
    EXPECT_EQ(resolved.json()["state"], "done");

    auto summary = client().get("/api/v1/campaigns/" + std::to_string(id)).json();
    EXPECT_EQ(summary["tasks"], 9);
    EXPECT_EQ(summary["done"], 2);
    EXPECT_EQ(summary["disputed"], 0);
    EXPECT_EQ(summary["answers"], 6);
    EXPECT_EQ(summary["cameras_found"], 2);
    EXPECT_EQ(client().get("/api/v1/campaigns").json()["campaigns"].size(), 1u);

    // The survey layer: one crossing surveyed without cameras, one with, seven not surveyed.
    auto layer = client().get("/api/v1/surveys?bbox=10.998,47.998,11.005,48.004");
    ASSERT_EQ(layer.status, 200) << layer.body;
    std::map<std::string, int> states;
    const auto features = layer.json()["features"];
    ASSERT_EQ(features.size(), 9u) << layer.body.substr(0, 400);
    for (const auto& f : features)
        ++states[f["properties"]["state"].get<std::string>()];
    EXPECT_EQ(states["surveyed_none"], 1);
    EXPECT_EQ(states["surveyed_cameras"], 1);
    EXPECT_EQ(states["not_surveyed"], 7);

    // The vector tiles carry the same layer (read back with GDAL's MVT driver): the tile at z16
    // over the south-west corner holds it, done without cameras.
    auto tile = client().get("/tiles/16/34770/22781.mvt");
    ASSERT_EQ(tile.status, 200);
    auto tile_path = work_dir() / "survey.mvt";
    std::ofstream(tile_path, std::ios::binary) << tile.body;
    auto info = command_output("ogrinfo -ro -al 'MVT:" + tile_path.string() + "' 2>&1");
    EXPECT_NE(info.find("Layer name: surveys"), std::string::npos) << info;
    EXPECT_NE(info.find("state (String) = surveyed_none"), std::string::npos) << info;
    EXPECT_NE(info.find("state (String) = not_surveyed"), std::string::npos) << info;

    // Coverage says how much of the streets the two surveyed corners vouch for.
    auto coverage = client().get("/api/v1/coverage?bbox=10.998,47.998,11.005,48.004");
    ASSERT_EQ(coverage.status, 200) << coverage.body;
    const double share = coverage.json()["surveyed_share"].get<double>();
    // Two crossings, each with four 50 m arms inside the grid: 400 m of ~1.85 km of streets.
    EXPECT_NEAR(share, 400.0 / coverage.json()["street_m"].get<double>(), 0.01);
}

TEST_F(CampaignsApi, CellsCoverTheStreetsOfAnArea) {
    auto mod = login();
    auto campaign = create(mod, std::string(R"({"name": "Cells", "bbox": )") + grid_bbox +
                                    R"(, "unit": "cell", "cell_m": 100, "answers_needed": 1})");
    EXPECT_GT(campaign["tasks"].get<int>(), 4);
    auto layer = client().get("/api/v1/surveys?bbox=10.998,47.998,11.005,48.004").json();
    ASSERT_FALSE(layer["features"].empty());
    EXPECT_EQ(layer["features"][0]["geometry"]["type"], "Polygon");
}

TEST_F(CampaignsApi, BadRequestsAreRefused) {
    auto mod = login();
    auto post = [&](const std::string& body) {
        return client().post("/api/v1/campaigns", body,
                             merge(mod.cookie_and_csrf(), {{"Content-Type", "application/json"}}));
    };
    expect_json_error(
        client().post("/api/v1/campaigns", R"({"name": "x", "bbox": [11, 48, 11.001, 48.001]})",
                      {{"Content-Type", "application/json"}}),
        401, "unauthorized");
    expect_json_error(post(R"({"bbox": [11, 48, 11.001, 48.001]})"), 400, "invalid_argument");
    expect_json_error(post(R"({"name": "x"})"), 400, "invalid_argument");
    expect_json_error(post(R"({"name": "x", "bbox": [11, 48, 10, 49]})"), 400, "invalid_argument");
    expect_json_error(post(R"({"name": "x", "bbox": [11, 48, 11.001, 48.001], "unit": "street"})"),
                      400, "invalid_argument");
    expect_json_error(
        post(R"({"name": "x", "bbox": [11, 48, 11.001, 48.001], "answers_needed": 0})"), 400,
        "invalid_argument");
    expect_json_error(post(R"({"name": "x", "bbox": [10, 47, 12, 49]})"), 413, "too_large");
    // Somewhere without streets.
    expect_json_error(post(R"({"name": "x", "bbox": [20, 44, 20.01, 44.01]})"), 422,
                      "unprocessable");
    expect_json_error(post(R"({"name": "x", "bbox": [11, 48, 11.001, 48.001], "extra": 1})"), 400,
                      "invalid_argument");

    auto campaign = create(mod, std::string(R"({"name": "Grid", "bbox": )") + grid_bbox + "}");
    const auto id = std::to_string(campaign["id"].get<std::int64_t>());
    expect_json_error(client().get("/api/v1/campaigns/999"), 404, "not_found");
    expect_json_error(client().get("/api/v1/campaigns/" + id + "/next"), 400, "invalid_argument");
    expect_json_error(client().get("/api/v1/campaigns/" + id + "/next?lat=91&lon=11"), 400,
                      "invalid_argument");
    auto task = next(std::stoll(id), 48.001, 11.0015)["id"].get<std::int64_t>();
    expect_json_error(answer(std::stoll(id), task, R"({"cameras": -1})"), 400, "invalid_argument");
    expect_json_error(answer(std::stoll(id), task, R"({})"), 400, "invalid_argument");
    expect_json_error(answer(std::stoll(id), task, R"({"cameras": "two"})"), 400,
                      "invalid_argument");
    expect_json_error(answer(std::stoll(id), task, R"({"cameras": 1, "report_ids": ["x"]})"), 400,
                      "invalid_argument");
    expect_json_error(answer(std::stoll(id), 999999, R"({"cameras": 1})"), 404, "not_found");
    expect_json_error(client().get("/api/v1/surveys"), 400, "invalid_argument");
}

TEST_F(CampaignsApi, EveryTaskIsHandedOutOnceWhileHeld) {
    auto mod = login();
    auto campaign = create(mod, std::string(R"({"name": "Grid", "bbox": )") + grid_bbox + "}");
    const auto id = campaign["id"].get<std::int64_t>();
    std::set<std::int64_t> handed;
    for (int i = 0; i < 9; ++i) {
        auto task = next(id, 48.001, 11.0015);
        ASSERT_TRUE(task.is_object()) << i;
        EXPECT_TRUE(handed.insert(task["id"].get<std::int64_t>()).second) << "handed out twice";
    }
    EXPECT_TRUE(next(id, 48.001, 11.0015).is_null());  // all nine are held
}

TEST_F(CampaignsApi, WhenAVolunteerAnsweredIsNotRecorded) {
    auto mod = login();
    auto campaign = create(mod, std::string(R"({"name": "Grid", "bbox": )") + grid_bbox + "}");
    const auto id = campaign["id"].get<std::int64_t>();
    auto task = next(id, 48.0, 11.0)["id"].get<std::int64_t>();
    ASSERT_EQ(answer(id, task, R"({"cameras": 0})").status, 201);
    auto metrics = client().get("/metrics").body;
    EXPECT_NE(metrics.find("route=\"/api/v1/campaigns/{id}/next\""), std::string::npos) << metrics;
    EXPECT_EQ(metrics.find("/answers"), std::string::npos) << metrics;
}

}  // namespace
}  // namespace sightline::testing
