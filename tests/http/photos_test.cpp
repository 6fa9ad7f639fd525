// Reports with photos over HTTP: multipart intake, what is stored (only the scrubbed image),
// suggestions from metadata, serving, look-alike hints for moderators, and bad uploads.
#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "api_fixture.hpp"
#include "support/server_process.hpp"

namespace sightline::testing {
namespace {

using nlohmann::json;

std::string read_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string fixture_photo() {
    return read_bytes(std::filesystem::path(SIGHTLINE_FIXTURES) / "api" / "street.jpg");
}

std::string sha256_hex(std::string_view data) {
    if (sodium_init() < 0) throw std::runtime_error("sodium_init failed");
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

struct Part {
    std::string name;
    std::string content_type;
    std::string body;
};

constexpr std::string_view boundary = "sightline-test-boundary-7MA4YWxk";

std::string multipart(const std::vector<Part>& parts) {
    std::string body;
    for (const auto& p : parts) {
        body += "--" + std::string(boundary) + "\r\n";
        body += "Content-Disposition: form-data; name=\"" + p.name + "\"";
        if (p.name == "photo") body += "; filename=\"IMG_0001.jpg\"";
        body += "\r\nContent-Type: " + p.content_type + "\r\n\r\n" + p.body + "\r\n";
    }
    return body + "--" + std::string(boundary) + "--\r\n";
}

HttpClient::Headers multipart_headers() {
    return {{"Content-Type", "multipart/form-data; boundary=" + std::string(boundary)}};
}

Part report_part(const json& report = example_report()) {
    return {"report", "application/json", report.dump()};
}
Part photo_part(std::string bytes) {
    return {"photo", "image/jpeg", std::move(bytes)};
}

// Every regular file under the data folder's photos/ directory.
std::vector<std::filesystem::path> photo_files(const std::filesystem::path& data) {
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    if (!std::filesystem::exists(data / "photos", ec)) return files;
    for (const auto& e : std::filesystem::recursive_directory_iterator(data / "photos"))
        if (e.is_regular_file()) files.push_back(e.path());
    return files;
}

class Photos : public ApiTest {
  protected:
    /// The stored photos as files: the data folder's photos/ (SQLite), or each row of the
    /// photo_bytes table written out under its would-be file name (PostgreSQL).
    std::vector<std::filesystem::path> stored_photos() {
        if (!database()) return photo_files(data_dir());
        const auto dir = work_dir() / "photo-rows";
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
        std::vector<std::filesystem::path> files;
        for (const auto& row : database()->query_rows(
                 "SELECT sha256, variant, extension, encode(bytes, 'hex') FROM photo_bytes")) {
            std::string bytes;
            for (std::size_t i = 0; i + 1 < row[3].size(); i += 2)
                bytes += static_cast<char>(std::stoi(row[3].substr(i, 2), nullptr, 16));
            auto name = row[1] == "image" ? row[0] + "." + row[2] : row[0] + ".thumb.webp";
            std::ofstream(dir / name, std::ios::binary) << bytes;
            files.push_back(dir / name);
        }
        return files;
    }
    HttpResponse submit_multipart(const std::vector<Part>& parts) {
        return client().post("/api/v1/reports", multipart(parts), multipart_headers());
    }
};

TEST_F(Photos, AReportWithAPhotoStoresOnlyTheScrubbedImageAndServesIt) {
    auto original = fixture_photo();
    auto response = submit_multipart({report_part(), photo_part(original)});
    ASSERT_EQ(response.status, 201) << response.body;
    auto body = response.json();
    ASSERT_EQ(body["photos"].size(), 1u);
    const auto& photo = body["photos"][0];
    std::string hash = photo["sha256"];
    EXPECT_EQ(photo["url"], "/photos/" + hash);
    EXPECT_EQ(photo["thumbnail_url"], "/photos/" + hash + "/thumbnail");
    EXPECT_EQ(photo["format"], "jpeg");
    EXPECT_EQ(photo["width"], 96);
    EXPECT_EQ(photo["height"], 64);
    EXPECT_EQ(photo["faces_blurred"], 0);
    // What the upload said before it was stripped comes back to the reporter only.
    EXPECT_NEAR(photo["suggestion"]["photographer"]["lat"].get<double>(), 44.8125, 1e-6);
    EXPECT_NEAR(photo["suggestion"]["photographer"]["lon"].get<double>(), 20.4612, 1e-6);
    EXPECT_NEAR(photo["suggestion"]["heading_deg"].get<double>(), 90, 1e-6);
    auto removed = photo["metadata_removed"].dump();
    EXPECT_NE(removed.find("GPS"), std::string::npos) << removed;

    // Pending: for moderators only; to anyone else it does not exist.
    expect_json_error(client().get("/photos/" + hash), 404, "not_found");
    expect_json_error(client().get("/photos/" + hash + "/thumbnail"), 404, "not_found");
    // The reporter sees it through the capability of the answer, for an hour; a forged or
    // another photo's capability shows nothing.
    const std::string preview_url = photo["preview_url"];
    ASSERT_TRUE(preview_url.starts_with("/photos/" + hash + "?preview=")) << preview_url;
    auto previewed = client().get(preview_url);
    ASSERT_EQ(previewed.status, 200);
    EXPECT_EQ(previewed.header("cache-control"), "private, no-store");
    EXPECT_EQ(client().get(photo["preview_thumbnail_url"].get<std::string>()).status, 200);
    std::string forged = preview_url;
    forged.back() = forged.back() == '0' ? '1' : '0';
    expect_json_error(client().get(forged), 404, "not_found");
    const auto token = preview_url.substr(preview_url.find("?preview="));
    expect_json_error(client().get("/photos/" + std::string(64, 'a') + token), 404, "not_found");
    auto mod = login();
    auto pending = client().get("/photos/" + hash, mod.cookie());
    ASSERT_EQ(pending.status, 200);
    EXPECT_EQ(pending.header("cache-control"), "private, no-store");
    // Accepted: part of a camera, public and cached for good.
    decide_ok(body["id"].get<std::int64_t>(), {{"action", "accept"}}, mod);

    auto image = client().get("/photos/" + hash);
    ASSERT_EQ(image.status, 200);
    EXPECT_EQ(image.header("content-type"), "image/jpeg");
    EXPECT_NE(image.header("cache-control").find("immutable"), std::string::npos);
    EXPECT_EQ(sha256_hex(image.body), hash);  // content-addressed
    EXPECT_NE(image.body, original);
    auto again = client().get("/photos/" + hash, {{"If-None-Match", image.header("etag")}});
    EXPECT_EQ(again.status, 304);
    auto thumbnail = client().get("/photos/" + hash + "/thumbnail");
    ASSERT_EQ(thumbnail.status, 200);
    EXPECT_EQ(thumbnail.header("content-type"), "image/webp");
    EXPECT_EQ(thumbnail.body.substr(8, 4), "WEBP");

    // On disk: the scrubbed image and its thumbnail, nothing of the original's metadata.
    auto files = stored_photos();
    ASSERT_EQ(files.size(), 2u);
    for (const auto& file : files) {
        auto tags = run_program("/usr/bin/exiftool", {"-a", "-G1", "-s", file.string()});
        ASSERT_EQ(tags.exit_code, 0) << tags.err;
        // Drop what exiftool says about the file system entry ([System]: FileModifyDate...).
        std::string embedded;
        std::istringstream lines(tags.out);
        for (std::string line; std::getline(lines, line);)
            if (!line.starts_with("[System]") && !line.starts_with("[ExifTool]"))
                embedded += line + "\n";
        for (std::string_view leak : {"GPS", "Make", "Model", "Artist", "DateTimeOriginal",
                                      "TestPhone", "Jane Reporter", "ModifyDate"})
            EXPECT_EQ(embedded.find(leak), std::string::npos) << file << " has " << leak;
    }
    // Nor anywhere else the store keeps bytes (database, WAL).
    for (const auto& dir : store_disk_dirs()) {
        for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
            if (!e.is_regular_file()) continue;
            auto bytes = read_bytes(e.path());
            EXPECT_EQ(bytes.find("TestPhoneMaker"), std::string::npos) << e.path();
            EXPECT_EQ(bytes.find("Jane Reporter"), std::string::npos) << e.path();
        }
    }
}

// The camera page (GET /api/v1/cameras/{id}) lists the photos of the reports that became part
// of the camera, newest first, and only those: a pending report's photo stays private.
TEST_F(Photos, ACameraPageShowsThePhotosOfItsAcceptedReportsNewestFirst) {
    auto mod = login();
    auto first = submit_multipart({report_part(), photo_part(fixture_photo())});
    ASSERT_EQ(first.status, 201) << first.body;
    const std::string first_hash = first.json()["photos"][0]["sha256"];
    auto accepted = decide_ok(first.json()["id"].get<std::int64_t>(), {{"action", "accept"}}, mod);
    const auto camera_id = accepted["camera"]["id"].get<std::int64_t>();

    // A second report of the same camera, with another picture (the first one as scrubbed:
    // re-encoded, so other bytes), still pending.
    auto scrubbed = client().get("/photos/" + first_hash);
    ASSERT_EQ(scrubbed.status, 200);
    auto second = submit_multipart({report_part(), photo_part(scrubbed.body)});
    ASSERT_EQ(second.status, 201) << second.body;
    const std::string second_hash = second.json()["photos"][0]["sha256"];
    ASSERT_NE(second_hash, first_hash);

    auto page = camera(camera_id);
    ASSERT_EQ(page["properties"]["photos"].size(), 1u) << page.dump();
    const auto& shown = page["properties"]["photos"][0];
    EXPECT_EQ(shown["url"], "/photos/" + first_hash);
    EXPECT_EQ(shown["thumbnail_url"], "/photos/" + first_hash + "/thumbnail");
    EXPECT_EQ(shown["report_id"], first.json()["id"]);
    EXPECT_TRUE(shown["reported_at"].is_string());
    EXPECT_EQ(client().get(shown["thumbnail_url"].get<std::string>()).status, 200);

    // Merged into the camera: both, the newer report first.
    decide_ok(second.json()["id"].get<std::int64_t>(),
              {{"action", "merge"}, {"camera_id", camera_id}}, mod);
    page = camera(camera_id);
    ASSERT_EQ(page["properties"]["photos"].size(), 2u) << page.dump();
    EXPECT_EQ(page["properties"]["photos"][0]["url"], "/photos/" + second_hash);
    EXPECT_EQ(page["properties"]["photos"][1]["url"], "/photos/" + first_hash);
    // The list view stays light: no photos there.
    auto list = client().get("/api/v1/cameras?bbox=15.97,45.81,15.99,45.82");
    ASSERT_EQ(list.status, 200);
    EXPECT_FALSE(list.json()["features"][0]["properties"].contains("photos"));
}

TEST_F(Photos, InspectSuggestsWhereTheCameraIsAndStoresNothing) {
    auto response =
        client().post("/api/v1/photos/inspect", fixture_photo(), {{"Content-Type", "image/jpeg"}});
    ASSERT_EQ(response.status, 200) << response.body;
    auto s = response.json();
    EXPECT_NEAR(s["photographer"]["lat"].get<double>(), 44.8125, 1e-6);
    EXPECT_NEAR(s["accuracy_m"].get<double>(), 5, 1e-6);
    EXPECT_NEAR(s["heading_deg"].get<double>(), 90, 1e-6);
    EXPECT_EQ(s["taken_at"].is_string(), true);
    // Heading east: the camera is ~10 m east of the photographer and looks back west.
    double dlon = s["camera_position"]["lon"].get<double>() - 20.4612;
    double metres_east = dlon * metres_per_degree_lat * std::cos(44.8125 * M_PI / 180);
    EXPECT_NEAR(metres_east, 10, 0.5);
    EXPECT_NEAR(s["camera_position"]["lat"].get<double>(), 44.8125, 1e-5);
    EXPECT_NEAR(s["camera_direction_deg"].get<double>(), 270, 1e-6);

    auto twenty = client().post("/api/v1/photos/inspect?distance=20",
                                multipart({photo_part(fixture_photo())}), multipart_headers());
    ASSERT_EQ(twenty.status, 200) << twenty.body;
    EXPECT_NEAR(twenty.json()["camera_distance_m"].get<double>(), 20, 1e-9);
    EXPECT_TRUE(stored_photos().empty());
}

TEST_F(Photos, OneBadPhotoFailsTheWholeReportAndNothingIsStored) {
    auto good = fixture_photo();
    auto not_an_image = submit_multipart(
        {report_part(), photo_part(good), photo_part("this is text, not a picture")});
    expect_json_error(not_an_image, 415, "unsupported_media_type");
    auto truncated = submit_multipart({report_part(), photo_part(good.substr(0, good.size() / 2))});
    expect_json_error(truncated, 422, "unprocessable");
    auto five = submit_multipart({report_part(), photo_part(good), photo_part(good),
                                  photo_part(good), photo_part(good), photo_part(good)});
    expect_json_error(five, 413, "too_large");
    auto no_report = submit_multipart({photo_part(good)});
    expect_json_error(no_report, 400, "invalid_argument");
    auto unknown_part = submit_multipart({report_part(), {"video", "video/mp4", "x"}});
    expect_json_error(unknown_part, 400, "invalid_argument");
    auto bad_report = submit_multipart(
        {report_part(example_report(91, 0)), photo_part(good)});  // refused before decoding
    expect_json_error(bad_report, 400, "invalid_argument");
    auto bad_framing = client().post("/api/v1/reports", "--nope\r\n", multipart_headers());
    expect_json_error(bad_framing, 400, "invalid_argument");

    EXPECT_EQ(report_count_from_stats(), 0);
    EXPECT_TRUE(stored_photos().empty());
}

TEST_F(Photos, ModeratorsSeeThePhotosAndLookAlikesFromOtherReports) {
    auto first = submit_multipart({report_part(), photo_part(fixture_photo())});
    ASSERT_EQ(first.status, 201) << first.body;
    auto second = submit_multipart({report_part(), photo_part(fixture_photo())});
    ASSERT_EQ(second.status, 201) << second.body;
    auto who = login();
    auto review = report(who, second.json()["id"].get<std::int64_t>());
    ASSERT_EQ(review["photos"].size(), 1u);
    EXPECT_EQ(review["photos"][0]["sha256"], first.json()["photos"][0]["sha256"]);
    ASSERT_EQ(review["similar_photos"].size(), 1u);
    EXPECT_EQ(review["similar_photos"][0]["report_id"], first.json()["id"]);
    EXPECT_EQ(review["similar_photos"][0]["distance"], 0);
}

TEST_F(Photos, WithdrawingTheLastReportOfAPhotoDeletesItsFiles) {
    auto response = submit_multipart({report_part(), photo_part(fixture_photo())});
    ASSERT_EQ(response.status, 201) << response.body;
    auto body = response.json();
    ASSERT_EQ(stored_photos().size(), 2u);
    auto gone = client().request("DELETE", "/api/v1/reports/" + body["id"].dump(), "",
                                 {{"X-Withdraw-Token", body["withdraw_token"]}});
    ASSERT_EQ(gone.status, 204) << gone.body;
    EXPECT_TRUE(stored_photos().empty());
    std::string url = body["photos"][0]["url"];
    EXPECT_EQ(client().get(url).status, 404);
}

// A crash can leave temporary files of unfinished writes and photo files whose report never
// committed; the server removes them when it starts, and keeps every photo a report links to.
TEST_F(Photos, OrphanFilesAreSweptAtStartAndLinkedPhotosKept) {
    auto response = submit_multipart({report_part(), photo_part(fixture_photo())});
    ASSERT_EQ(response.status, 201) << response.body;
    const std::string hash = response.json()["photos"][0]["sha256"];
    ASSERT_EQ(server().stop(), 0);

    const std::string orphan = "eeff" + std::string(60, '1');
    std::size_t orphans = 3;
    if (database()) {
        // Bytes another server wrote an hour ago for a report that never committed; and bytes
        // just written, which a server starting now must leave alone (their report may be on
        // its way on another server).
        database()->execute(
            "INSERT INTO photo_bytes (sha256, variant, extension, bytes, stored_at) VALUES "
            "('" +
            orphan +
            "', 'image', 'jpg', '\\x00', now() - interval '2 hours'), "
            "('" +
            orphan +
            "', 'thumbnail', 'webp', '\\x00', now() - interval '2 hours'), "
            "('" +
            std::string(64, 'c') + "', 'image', 'jpg', '\\x00', now())");
        orphans = 2;
        ASSERT_EQ(stored_photos().size(), 5u);
    } else {
        const auto dir = data_dir() / "photos" / "ee" / "ff";
        std::filesystem::create_directories(dir);
        for (const auto& name :
             {orphan + ".jpg", orphan + ".thumb.webp", orphan + ".jpg.partial-123-4"})
            std::ofstream(dir / name) << "left behind";
        ASSERT_EQ(stored_photos().size(), 5u);
    }

    start_server();
    auto left = stored_photos();
    ASSERT_EQ(left.size(), database() ? 3u : 2u)
        << "the linked photo and its thumbnail stay (and bytes younger than an hour)";
    for (const auto& file : left)
        EXPECT_TRUE(file.filename().string().starts_with(hash) ||
                    file.filename().string().starts_with("cccc"))
            << file;
    EXPECT_NE(server().log_text().find(fmt::format("removed {} orphan photo files", orphans)),
              std::string::npos)
        << server().log_text();
}

TEST_F(Photos, UnknownOrMalformedPhotoHashesAre404) {
    expect_json_error(client().get("/photos/" + std::string(64, 'a')), 404, "not_found");
    expect_json_error(client().get("/photos/..%2F..%2Fsightline.db"), 404, "not_found");
    expect_json_error(client().get("/photos/ABC"), 404, "not_found");
}

using RealDataPhotos = Photos;

TEST_F(RealDataPhotos, FacesInARealPhotoAreBlurredBeforeStorage) {
    auto path = std::filesystem::path(SIGHTLINE_SHARED_DATA) / "faces" / "dlib_pascal_voc" /
                "2008_002079.jpg";
    if (!std::filesystem::exists(path)) {
        if (std::getenv("CI") && std::string_view(std::getenv("CI")) == "true")
            FAIL() << "missing real data " << path;
        GTEST_SKIP() << "real data not found: " << path;
    }
    auto response = submit_multipart({report_part(), photo_part(read_bytes(path))});
    ASSERT_EQ(response.status, 201) << response.body;
    EXPECT_GE(response.json()["photos"][0]["faces_blurred"].get<int>(), 1);
}

}  // namespace
}  // namespace sightline::testing
