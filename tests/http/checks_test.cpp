// Freshness (issue 14): anyone says "still there" or "gone" about a camera; "gone" goes to the
// moderators, whose acceptance removes the camera; moderators get a re-check list; checks share
// the reports' rate limit.

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <fmt/core.h>

#include "http/api_fixture.hpp"

namespace sightline::testing {
namespace {

// Two cameras a moderator vouched for at import (verified: confirmed now) and one only reported
// (never confirmed: stale), in Zagreb.
constexpr std::string_view verified_csv =
    "lat,lon,camera_type\n"
    "45.8130,15.9770,dome\n"
    "45.8140,15.9780,fixed\n";
constexpr std::string_view reported_csv =
    "lat,lon,camera_type\n"
    "45.8160,15.9800,dome\n";
constexpr std::string_view zagreb_bbox = "15.9,45.7,16.1,45.9";

class Freshness : public ApiTest {
  protected:
    void prepare_data() override {
        import_cameras(data_dir(), std::string(verified_csv), {"--tag", "camera:type=camera_type"});
        import_cameras(data_dir(), std::string(reported_csv),
                       {"--tag", "camera:type=camera_type", "--status", "reported"});
    }

    HttpResponse check(std::int64_t camera, const nlohmann::json& body) {
        return client().post(fmt::format("/api/v1/cameras/{}/checks", camera), body.dump());
    }

    /// Ids of the cameras, in CSV order: 1, 2 verified, 3 reported.
    std::int64_t id_at(double lat) {
        auto listed = cameras_in(zagreb_bbox);  // kept: a range-for over a temporary's member
        for (const auto& f : listed["features"])
            if (std::abs(f["geometry"]["coordinates"][1].get<double>() - lat) < 1e-6)
                return f["id"].get<std::int64_t>();
        throw std::runtime_error("no camera there");
    }

    nlohmann::json pending_checks(const Login& who) {
        auto response = client().get("/api/v1/moderation/checks", who.cookie());
        EXPECT_EQ(response.status, 200) << response.body;
        return response.json()["checks"];
    }
};

bool is_whole_hour(const std::string& rfc3339) {
    // 2026-12-06T08:00:00Z
    return rfc3339.size() == 20 && rfc3339.substr(13) == ":00:00Z";
}

TEST_F(Freshness, StillThereConfirmsTheCameraThisHour) {
    auto id = id_at(45.8160);
    auto before = camera(id);
    EXPECT_TRUE(before["properties"]["last_verified"].is_null()) << "never confirmed";
    EXPECT_EQ(before["properties"]["stale"], true);
    EXPECT_EQ(before["properties"]["stale_after_days"], 365);

    auto response = check(id, {{"present", true}, {"note", "still on the pole"}});
    ASSERT_EQ(response.status, 201) << response.body;
    EXPECT_EQ(response.header("cache-control"), "no-store");
    auto body = response.json();
    EXPECT_EQ(body["check"]["status"], "accepted");
    EXPECT_EQ(body["check"]["present"], true);
    EXPECT_EQ(body["check"]["camera_id"], id);
    auto created = body["check"]["created_at"].get<std::string>();
    EXPECT_TRUE(is_whole_hour(created)) << created << ": rounded to the hour like reports";
    EXPECT_EQ(body["camera"]["properties"]["last_verified"], created);
    EXPECT_EQ(body["camera"]["properties"]["stale"], false);

    auto after = camera(id);
    EXPECT_EQ(after["properties"]["last_verified"], created);
    EXPECT_EQ(after["properties"]["stale"], false);
    EXPECT_EQ(after["properties"]["status"], "reported") << "a check is not a moderation";
    const auto& last = after["properties"]["history"].back();
    EXPECT_EQ(last["action"], "confirmed_present");
    EXPECT_EQ(last["actor"], "anonymous");
    EXPECT_EQ(last["detail"], "") << "the note stays with the moderators";
    EXPECT_EQ(after.dump().find("still on the pole"), std::string::npos);
    // last_verified is in the listings and the exports too.
    auto listed = cameras_in(zagreb_bbox);
    for (const auto& f : listed["features"]) {
        if (f["id"] == id) {
            EXPECT_EQ(f["properties"]["last_verified"], created);
        }
    }
    auto csv = client().get("/api/v1/export/cameras.csv");
    ASSERT_EQ(csv.status, 200);
    EXPECT_NE(csv.body.find(created), std::string::npos);
}

TEST_F(Freshness, GoneWaitsForAModeratorWhoseAcceptanceRemovesTheCamera) {
    auto id = id_at(45.8130);
    auto response = check(id, {{"present", false}, {"note", "taken down in May"}});
    ASSERT_EQ(response.status, 202) << response.body;
    auto check_id = response.json()["check"]["id"].get<std::int64_t>();
    EXPECT_EQ(response.json()["check"]["status"], "pending");
    EXPECT_EQ(camera(id)["properties"]["status"], "verified") << "nothing changes before review";

    // Moderators only.
    expect_json_error(client().get("/api/v1/moderation/checks"), 401, "unauthorized");
    auto accept_target = fmt::format("/api/v1/moderation/checks/{}/accept", check_id);
    expect_json_error(client().post(accept_target, "{}"), 401, "unauthorized");
    auto mod = login();
    expect_json_error(client().post(accept_target, "{}", mod.cookie()), 403, "forbidden");

    auto pending = pending_checks(mod);
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pending[0]["id"], check_id);
    EXPECT_EQ(pending[0]["note"], "taken down in May");
    EXPECT_EQ(pending[0]["present"], false);
    EXPECT_EQ(pending[0]["camera"]["id"], id);

    auto accepted =
        client().post(accept_target, R"({"reason":"seen on the street"})", mod.cookie_and_csrf());
    ASSERT_EQ(accepted.status, 200) << accepted.body;
    EXPECT_EQ(accepted.json()["camera"]["properties"]["status"], "removed");
    EXPECT_EQ(accepted.json()["check"]["status"], "accepted");
    EXPECT_TRUE(pending_checks(mod).empty());

    auto removed = camera(id);  // kept, with its history
    EXPECT_EQ(removed["properties"]["status"], "removed");
    EXPECT_EQ(removed["properties"]["history"].back()["action"], "removed");
    EXPECT_EQ(removed["properties"]["stale"], false);
    auto ids = feature_ids(cameras_in(zagreb_bbox));
    EXPECT_EQ(std::count(ids.begin(), ids.end(), id), 0) << "off the map";

    // A removed camera cannot be checked, either way.
    expect_json_error(check(id, {{"present", true}}), 409, "conflict");
    expect_json_error(check(id, {{"present", false}}), 409, "conflict");
    expect_json_error(client().post(accept_target, "{}", mod.cookie_and_csrf()), 409, "conflict");
}

TEST_F(Freshness, RejectingGoneLeavesTheCamera) {
    auto id = id_at(45.8140);
    auto response = check(id, {{"present", false}});
    ASSERT_EQ(response.status, 202) << response.body;
    auto check_id = response.json()["check"]["id"].get<std::int64_t>();
    auto before = camera(id);
    auto mod = login();
    auto rejected = client().post(fmt::format("/api/v1/moderation/checks/{}/reject", check_id),
                                  R"({"reason":"still on today's photo"})", mod.cookie_and_csrf());
    ASSERT_EQ(rejected.status, 200) << rejected.body;
    EXPECT_EQ(rejected.json()["check"]["status"], "rejected");
    auto after = camera(id);
    EXPECT_EQ(after["properties"]["status"], before["properties"]["status"]);
    EXPECT_EQ(after["properties"]["history"], before["properties"]["history"]);
    EXPECT_TRUE(pending_checks(mod).empty());
    auto all = client().get("/api/v1/moderation/checks?status=rejected", mod.cookie());
    ASSERT_EQ(all.status, 200);
    ASSERT_EQ(all.json()["checks"].size(), 1u);
    EXPECT_EQ(all.json()["checks"][0]["decision_reason"], "still on today's photo");
    expect_json_error(client().get("/api/v1/moderation/checks?status=maybe", mod.cookie()), 400,
                      "invalid_argument");
    expect_json_error(
        client().post("/api/v1/moderation/checks/999/reject", "{}", mod.cookie_and_csrf()), 404,
        "not_found");
}

TEST_F(Freshness, BadChecksAreRefused) {
    auto id = id_at(45.8130);
    auto target = fmt::format("/api/v1/cameras/{}/checks", id);
    expect_json_error(client().post("/api/v1/cameras/abc/checks", R"({"present":true})"), 400,
                      "invalid_argument");
    expect_json_error(client().post("/api/v1/cameras/0/checks", R"({"present":true})"), 400,
                      "invalid_argument");
    expect_json_error(check(99999, {{"present", true}}), 404, "not_found");
    expect_json_error(client().post(target, "{not json"), 400, "invalid_argument");
    expect_json_error(client().post(target, "{}"), 400, "invalid_argument");
    expect_json_error(check(id, {{"present", "yes"}}), 400, "invalid_argument");
    expect_json_error(check(id, {{"present", 1}}), 400, "invalid_argument");
    expect_json_error(check(id, {{"present", true}, {"photo_of", "me"}}), 400, "invalid_argument");
    expect_json_error(check(id, {{"present", false}, {"note", 5}}), 400, "invalid_argument");
    expect_json_error(check(id, {{"present", false}, {"note", std::string(501, 'x')}}), 400,
                      "invalid_argument");
    expect_json_error(
        client().post(target, R"({"present":true})", {{"Content-Type", "text/plain"}}), 415,
        "unsupported_media_type");
    EXPECT_EQ(check(id, {{"present", false}, {"note", std::string(500, 'x')}}).status, 202);
    EXPECT_EQ(pending_checks(login()).size(), 1u) << "only the valid check was stored";
}

TEST_F(Freshness, RecheckListsTheLeastRecentlyConfirmedFirst) {
    expect_json_error(client().get("/api/v1/moderation/recheck"), 401, "unauthorized");
    auto mod = login();
    auto recheck = [&](std::string_view query = "") {
        auto response =
            client().get(fmt::format("/api/v1/moderation/recheck{}", query), mod.cookie());
        EXPECT_EQ(response.status, 200) << response.body;
        return feature_ids(response.json());
    };
    auto reported = id_at(45.8160);
    auto first = id_at(45.8130);
    auto order = recheck();
    ASSERT_EQ(order.size(), 3u);
    EXPECT_EQ(order[0], reported) << "never confirmed: first";
    EXPECT_EQ(recheck("?limit=1"), std::vector<std::int64_t>{reported});
    // Only the box's cameras: a box around the first camera alone.
    EXPECT_EQ(recheck("?bbox=15.9769,45.8129,15.9771,45.8131"), std::vector<std::int64_t>{first});
    expect_json_error(client().get("/api/v1/moderation/recheck?bbox=1,2", mod.cookie()), 400,
                      "invalid_argument");
    expect_json_error(client().get("/api/v1/moderation/recheck?limit=0", mod.cookie()), 400,
                      "invalid_argument");
    // A removed camera needs no re-check.
    ASSERT_EQ(
        client()
            .post(fmt::format("/api/v1/cameras/{}/removal", first), "{}", mod.cookie_and_csrf())
            .status,
        200);
    EXPECT_EQ(recheck().size(), 2u);
}

// Cameras nobody ever confirmed: a check sends one to the end of the re-check list.
class FreshnessNeverConfirmed : public Freshness {
  protected:
    void prepare_data() override {
        import_cameras(data_dir(),
                       std::string(verified_csv) + std::string("45.8160,15.9800,dome\n"),
                       {"--tag", "camera:type=camera_type", "--status", "reported"});
    }
};

TEST_F(FreshnessNeverConfirmed, ACheckMovesTheCameraToTheEndOfTheRecheckList) {
    auto mod = login();
    auto recheck = [&] {
        auto response = client().get("/api/v1/moderation/recheck", mod.cookie());
        EXPECT_EQ(response.status, 200) << response.body;
        return feature_ids(response.json());
    };
    auto order = recheck();
    ASSERT_EQ(order.size(), 3u);
    EXPECT_TRUE(std::is_sorted(order.begin(), order.end())) << "all never confirmed: by id";
    ASSERT_EQ(check(order[0], {{"present", true}}).status, 201);
    EXPECT_EQ(recheck(), (std::vector<std::int64_t>{order[1], order[2], order[0]}));
    ASSERT_EQ(check(order[2], {{"present", false}}).status, 202);
    EXPECT_EQ(recheck(), (std::vector<std::int64_t>{order[1], order[2], order[0]}))
        << "'gone' is no confirmation";
}

// A "gone" check may carry one photo, scrubbed like report photos, seen by moderators only.
TEST_F(Freshness, AGoneCheckMayCarryOnePhotoForTheModerators) {
    std::ifstream in(std::filesystem::path(SIGHTLINE_FIXTURES) / "api" / "street.jpg",
                     std::ios::binary);
    std::string photo{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    ASSERT_FALSE(photo.empty());
    constexpr std::string_view boundary = "sightline-check-boundary-Q2x9";
    auto part = [&](std::string_view name, std::string_view type, std::string_view body) {
        return fmt::format(
            "--{}\r\nContent-Disposition: form-data; name=\"{}\"{}\r\nContent-Type: "
            "{}\r\n\r\n{}\r\n",
            boundary, name, name == "photo" ? "; filename=\"IMG_0001.jpg\"" : "", type, body);
    };
    const HttpClient::Headers headers{
        {"Content-Type", fmt::format("multipart/form-data; boundary={}", boundary)}};
    auto id = id_at(45.8130);
    auto target = fmt::format("/api/v1/cameras/{}/checks", id);
    auto check_part = part("check", "application/json", R"({"present":false,"note":"see photo"})");

    auto two =
        client().post(target,
                      check_part + part("photo", "image/jpeg", photo) +
                          part("photo", "image/jpeg", photo) + fmt::format("--{}--\r\n", boundary),
                      headers);
    expect_json_error(two, 413, "too_large");
    auto response = client().post(
        target,
        check_part + part("photo", "image/jpeg", photo) + fmt::format("--{}--\r\n", boundary),
        headers);
    ASSERT_EQ(response.status, 202) << response.body;
    EXPECT_FALSE(response.json()["check"].contains("photos")) << "the passer-by gets no URLs";

    auto mod = login();
    auto pending = pending_checks(mod);
    ASSERT_EQ(pending.size(), 1u);
    ASSERT_EQ(pending[0]["photos"].size(), 1u) << pending.dump();
    auto url = pending[0]["photos"][0]["url"].get<std::string>();
    auto seen = client().get(url, mod.cookie());
    ASSERT_EQ(seen.status, 200);
    EXPECT_NE(seen.body, photo) << "scrubbed: a new image, not the upload";
    EXPECT_EQ(seen.body.find("Exif"), std::string::npos) << "no metadata left";
    expect_json_error(client().get(url), 404, "not_found");
    // A removed camera takes no photo (nothing is scrubbed for it).
    ASSERT_EQ(client()
                  .post(fmt::format("/api/v1/moderation/checks/{}/accept",
                                    pending[0]["id"].get<std::int64_t>()),
                        "{}", mod.cookie_and_csrf())
                  .status,
              200);
    expect_json_error(client().post(target,
                                    check_part + part("photo", "image/jpeg", photo) +
                                        fmt::format("--{}--\r\n", boundary),
                                    headers),
                      409, "conflict");
}

class FreshnessStaleAge : public Freshness {
  protected:
    [[nodiscard]] std::vector<std::string> server_args() const override {
        return {"--report-rate", "0", "--stale-after", "7"};
    }
};

TEST_F(FreshnessStaleAge, TheStaleAgeIsConfigurable) {
    auto stale = camera(id_at(45.8160));
    EXPECT_EQ(stale["properties"]["stale"], true);
    EXPECT_EQ(stale["properties"]["stale_after_days"], 7);
    EXPECT_EQ(camera(id_at(45.8130))["properties"]["stale"], false) << "verified at import";
}

class FreshnessRateLimit : public Freshness {
  protected:
    [[nodiscard]] std::vector<std::string> server_args() const override {
        return {"--report-rate", "3"};
    }
};

TEST_F(FreshnessRateLimit, ChecksShareTheReportsBudget) {
    auto id = id_at(45.8130);
    ASSERT_EQ(check(id, {{"present", true}}).status, 201);
    ASSERT_EQ(check(id, {{"present", false}}).status, 202);
    ASSERT_EQ(submit(example_report()).status, 201);
    auto refused = check(id, {{"present", true}});
    expect_json_error(refused, 429, "rate_limited");
    EXPECT_FALSE(refused.header("retry-after").empty());
    expect_json_error(submit(example_report()), 429, "rate_limited");
    // Bad input takes no token (a client fixing its input is not locked out): still 400.
    expect_json_error(check(id, {{"present", "maybe"}}), 400, "invalid_argument");
    EXPECT_EQ(pending_checks(login()).size(), 1u);
}

}  // namespace
}  // namespace sightline::testing
