// "Make media safe" over HTTP against the real server: streamed uploads, the job queue, status
// and one-time download, bad inputs, limits, memory held by a large upload, slow uploads, and
// that nothing about a job stays on disk or reaches the logs.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <system_error>
#include <thread>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "api_fixture.hpp"
#include "support/raw_connection.hpp"
#include "support/server_process.hpp"

namespace sightline::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
namespace fs = std::filesystem;

constexpr std::string_view boundary = "scrub-test-boundary-q8Zr";

std::string read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string fixture(std::string_view name) {
    return read_bytes(fs::path(SIGHTLINE_FIXTURES) / "photos" / std::string(name));
}

/// The multipart framing before a file in the part `media` (named like a phone would).
std::string media_head(std::string_view part = "media") {
    return fmt::format(
        "--{}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"IMG_20240501_1012.jpg\""
        "\r\nContent-Type: application/octet-stream\r\n\r\n",
        boundary, part);
}
std::string media_tail() {
    return fmt::format("\r\n--{}--\r\n", boundary);
}
HttpClient::Headers multipart_type() {
    return {{"Content-Type", fmt::format("multipart/form-data; boundary={}", boundary)}};
}

bool is_job_id(const std::string& id) {
    return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

/// The server's resident memory and its peak so far, in KiB (/proc/PID/status).
struct Memory {
    long rss_kib = -1;
    long peak_kib = -1;
};
Memory memory_of(pid_t pid) {
    std::ifstream in(fmt::format("/proc/{}/status", pid));
    Memory m;
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("VmRSS:")) m.rss_kib = std::stol(line.substr(6));
        if (line.starts_with("VmHWM:")) m.peak_kib = std::stol(line.substr(6));
    }
    return m;
}

/// The full path of a program on PATH (run_program takes no bare names), or "" if absent.
std::string find_program(std::string_view name) {
    const char* path = std::getenv("PATH");
    std::string_view dirs = path ? path : "/usr/bin:/bin";
    while (!dirs.empty()) {
        auto colon = dirs.find(':');
        fs::path candidate = fs::path(std::string(dirs.substr(0, colon))) / std::string(name);
        if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
        dirs.remove_prefix(colon == std::string_view::npos ? dirs.size() : colon + 1);
    }
    return {};
}

class Scrub : public ApiTest {
  protected:
    [[nodiscard]] std::vector<Account> accounts() const override { return {}; }
    [[nodiscard]] std::vector<std::string> server_args() const override {
        return {"--scrub-rate", "0"};
    }

    HttpResponse upload(std::string_view bytes, std::string_view part = "media") {
        return client().post("/api/v1/scrub", media_head(part) + std::string(bytes) + media_tail(),
                             multipart_type());
    }
    /// upload() that must answer 202; the job id.
    std::string upload_ok(std::string_view bytes) {
        auto response = upload(bytes);
        EXPECT_EQ(response.status, 202) << response.body;
        if (response.status != 202) throw std::runtime_error("upload refused: " + response.body);
        auto body = response.json();
        std::string id = body.at("id");
        EXPECT_TRUE(is_job_id(id)) << id;
        EXPECT_EQ(body.at("status_url"), "/api/v1/scrub/" + id);
        EXPECT_EQ(response.header("location"), "/api/v1/scrub/" + id);
        EXPECT_EQ(response.header("cache-control"), "no-store");
        return id;
    }
    /// Polls the job until it is done or failed (2 minutes at most); its last status.
    json wait_finished(const std::string& id) {
        auto deadline = std::chrono::steady_clock::now() + 120s;
        while (true) {
            auto response = client().get("/api/v1/scrub/" + id);
            if (response.status != 200)
                throw std::runtime_error("status answered " + response.body);
            auto status = response.json();
            std::string state = status.at("state");
            EXPECT_TRUE(state == "queued" || state == "running" || state == "done" ||
                        state == "failed")
                << state;
            double progress = status.at("progress");
            EXPECT_GE(progress, 0.0);
            EXPECT_LE(progress, 1.0);
            if (state == "done" || state == "failed") return status;
            if (std::chrono::steady_clock::now() > deadline)
                throw std::runtime_error("job still " + state + " after 2 minutes");
            std::this_thread::sleep_for(50ms);
        }
    }
    fs::path jobs_dir() const { return data_dir() / "scrub-jobs"; }
    /// Entries under DATA/scrub-jobs (waits up to 5 s for them to drop to `expected`).
    std::size_t job_entries(std::size_t expected = 0) const {
        auto deadline = std::chrono::steady_clock::now() + 5s;
        while (true) {
            // The server may remove a job's folder while it is counted here: count again then.
            std::size_t n = 0;
            std::error_code ec;
            for (fs::recursive_directory_iterator it(jobs_dir(), ec), end; !ec && it != end;
                 it.increment(ec))
                ++n;
            const bool past = std::chrono::steady_clock::now() > deadline;
            if (!ec && (n <= expected || past)) return n;
            if (ec && past) return n + 1;  // never settled: not what any caller expects
            std::this_thread::sleep_for(20ms);
        }
    }
    /// Embedded metadata exiftool finds in `bytes` (file system entries left out).
    std::string embedded_tags(const std::string& bytes, std::string_view extension) {
        auto file = work_dir() / fmt::format("check.{}", extension);
        std::ofstream(file, std::ios::binary) << bytes;
        auto tags = run_program("/usr/bin/exiftool", {"-a", "-G1", "-s", file.string()});
        EXPECT_EQ(tags.exit_code, 0) << tags.err;
        std::string embedded;
        std::istringstream lines(tags.out);
        for (std::string line; std::getline(lines, line);)
            if (!line.starts_with("[System]") && !line.starts_with("[ExifTool]") &&
                !line.starts_with("[File]") && !line.starts_with("[Composite]"))
                embedded += line + "\n";
        return embedded;
    }
};

TEST_F(Scrub, APhotoComesBackWithoutMetadataOnceAndNothingStays) {
    auto original = fixture("gps.jpg");
    ASSERT_NE(embedded_tags(original, "jpg").find("Jane Reporter"), std::string::npos);
    auto id = upload_ok(original);
    auto status = wait_finished(id);
    ASSERT_EQ(status["state"], "done") << status.dump();
    EXPECT_EQ(status["progress"], 1.0);
    EXPECT_EQ(status["kind"], "photo");
    EXPECT_TRUE(status["faces"].is_number_integer());
    EXPECT_FALSE(status.contains("error"));
    ASSERT_EQ(status["result_url"], "/api/v1/scrub/" + id + "/result");

    // A HEAD does not count as the download.
    std::string result_url = status["result_url"];
    auto head = client().request("HEAD", result_url);
    EXPECT_EQ(head.status, 200);
    auto result = client().get(result_url);
    ASSERT_EQ(result.status, 200) << result.body;
    EXPECT_EQ(result.header("content-type"), "image/jpeg");
    EXPECT_EQ(result.header("content-disposition"), "attachment; filename=\"scrubbed.jpg\"");
    EXPECT_EQ(result.header("cache-control"), "no-store");
    EXPECT_EQ(head.header("content-length"), std::to_string(result.body.size()));
    ASSERT_GE(result.body.size(), 4u);
    EXPECT_EQ(result.body.substr(0, 3), "\xFF\xD8\xFF");
    EXPECT_EQ(result.body.find("Exif"), std::string::npos);
    EXPECT_EQ(result.body.find("IMG_2024"), std::string::npos);
    auto tags = embedded_tags(result.body, "jpg");
    for (std::string_view leak : {"GPS", "Make", "Model", "Artist", "TestPhone", "Jane Reporter",
                                  "DateTimeOriginal", "ModifyDate"})
        EXPECT_EQ(tags.find(leak), std::string::npos) << "result has " << leak << ":\n" << tags;

    // Downloaded once, then gone: the job, its files, its folder.
    EXPECT_EQ(job_entries(), 0u);
    expect_json_error(client().get("/api/v1/scrub/" + id), 404, "not_found");
    expect_json_error(client().get("/api/v1/scrub/" + id + "/result"), 404, "not_found");
    // The id was never logged, and metrics count jobs without naming them.
    auto metrics = client().get("/metrics").body;
    EXPECT_NE(metrics.find("sightline_scrub_jobs{state=\"queued\"} 0"), std::string::npos)
        << metrics;
    EXPECT_EQ(metrics.find(id), std::string::npos);
    EXPECT_EQ(server().log_text().find(id), std::string::npos) << server().log_text();
    EXPECT_EQ(server().log_text().find("IMG_2024"), std::string::npos);
}

TEST_F(Scrub, JobIdsAre128RandomBitsAndUnknownIdsAreNotFound) {
    std::set<std::string> ids;
    for (int i = 0; i < 3; ++i)
        ids.insert(upload_ok(fixture("base.jpg")));
    EXPECT_EQ(ids.size(), 3u);
    for (const auto& id : ids)
        EXPECT_TRUE(is_job_id(id)) << id;
    const std::vector<std::string> bad_ids{"00000000000000000000000000000000", "0123",
                                           "..%2f..%2fetc", "ABCDEF00000000000000000000000000",
                                           std::string(33, 'a')};
    for (const auto& bad : bad_ids) {
        SCOPED_TRACE(bad);
        expect_json_error(client().get("/api/v1/scrub/" + bad), 404, "not_found");
        expect_json_error(client().get("/api/v1/scrub/" + bad + "/result"), 404, "not_found");
    }
    for (const auto& id : ids)
        EXPECT_EQ(wait_finished(id)["state"], "done");
}

TEST_F(Scrub, RefusesWhatCanBeJudgedBeforeQueueing) {
    // Zero bytes, not media at all: answered at once, nothing queued or kept.
    expect_json_error(upload(""), 400, "invalid_argument");
    expect_json_error(upload("just some text, not a photo"), 415, "unsupported_media_type");
    // Not multipart, no `media` part, two `media` parts, a broken body.
    expect_json_error(
        client().post("/api/v1/scrub", fixture("base.jpg"), {{"Content-Type", "image/jpeg"}}), 415,
        "unsupported_media_type");
    auto photo = fixture("base.jpg");
    expect_json_error(upload(photo, "photo"), 400, "invalid_argument");
    auto twice = media_head() + photo + "\r\n" + media_head() + photo + media_tail();
    expect_json_error(client().post("/api/v1/scrub", twice, multipart_type()), 400,
                      "invalid_argument");
    expect_json_error(client().post("/api/v1/scrub", media_head() + photo, multipart_type()), 400,
                      "invalid_argument");
    EXPECT_EQ(job_entries(), 0u);
}

TEST_F(Scrub, ABrokenPhotoMakesAFailedJobWithAReadableError) {
    auto photo = fixture("gps.jpg");
    auto id = upload_ok(photo.substr(0, photo.size() / 2));
    auto status = wait_finished(id);
    ASSERT_EQ(status["state"], "failed") << status.dump();
    ASSERT_TRUE(status["error"].is_string());
    std::string error = status["error"];
    EXPECT_FALSE(error.empty());
    EXPECT_EQ(error.find('/'), std::string::npos) << "no paths in errors: " << error;
    EXPECT_TRUE(status["error_code"].is_string());
    EXPECT_FALSE(status.contains("result_url"));
    expect_json_error(client().get("/api/v1/scrub/" + id + "/result"), 409, "conflict");
    EXPECT_EQ(job_entries(), 0u);  // a failed job keeps no files
}

TEST_F(Scrub, AVideoComesBackAsAnMp4WithoutMetadata) {
    auto ffmpeg = find_program("ffmpeg");
    if (ffmpeg.empty()) GTEST_SKIP() << "the ffmpeg program is not installed";
    auto clip = work_dir() / "clip.mov";
    // Two seconds with sound, carrying where, when and with what it was filmed.
    std::vector<std::string> args{"-v",       "error",
                                  "-f",       "lavfi",
                                  "-i",       "testsrc=size=320x240:rate=25",
                                  "-f",       "lavfi",
                                  "-i",       "sine=frequency=440",
                                  "-t",       "2",
                                  "-c:v",     "libx264",
                                  "-pix_fmt", "yuv420p",
                                  "-c:a",     "aac"};
    for (std::string tag : {"location=+45.8129+015.9772/", "creation_time=2024-05-01T10:12:00Z",
                            "make=TestPhone", "model=TestPhone 12"}) {
        args.push_back("-metadata");
        args.push_back(tag);
    }
    args.insert(args.end(), {"-y", clip.string()});
    auto made = run_program(ffmpeg, args);
    ASSERT_EQ(made.exit_code, 0) << made.err;
    auto response = upload(read_bytes(clip));
    if (response.status == 415) GTEST_SKIP() << "video support is not built: " << response.body;
    ASSERT_EQ(response.status, 202) << response.body;
    std::string id = response.json()["id"];
    auto status = wait_finished(id);
    if (status["state"] == "failed" && status["error_code"] == "unsupported_media_type")
        GTEST_SKIP() << "video support is not built: " << status.dump();
    ASSERT_EQ(status["state"], "done") << status.dump();
    EXPECT_EQ(status["kind"], "video");
    auto result = client().get(status["result_url"].get<std::string>());
    ASSERT_EQ(result.status, 200);
    EXPECT_EQ(result.header("content-type"), "video/mp4");
    EXPECT_EQ(result.header("content-disposition"), "attachment; filename=\"scrubbed.mp4\"");
    ASSERT_GT(result.body.size(), 12u);
    EXPECT_EQ(result.body.substr(4, 4), "ftyp");
    for (std::string_view leak : {"TestPhone", "+45.8129", "2024-05-01", "IMG_2024"})
        EXPECT_EQ(result.body.find(leak), std::string::npos) << "result holds " << leak;
    if (auto ffprobe = find_program("ffprobe"); !ffprobe.empty()) {
        auto file = work_dir() / "result.mp4";
        std::ofstream(file, std::ios::binary) << result.body;
        auto probe = run_program(ffprobe, {"-v", "error", "-show_format", "-show_streams",
                                           "-show_chapters", file.string()});
        ASSERT_EQ(probe.exit_code, 0) << probe.err;
        EXPECT_NE(probe.out.find("codec_name=h264"), std::string::npos) << probe.out;
        for (std::string_view leak : {"location", "creation_time", "make", "model"})
            EXPECT_EQ(probe.out.find(std::string("TAG:") + std::string(leak)), std::string::npos)
                << probe.out;
    }
    EXPECT_EQ(job_entries(), 0u);
}

TEST_F(Scrub, AnUnfinishedJobHasNoResultYet) {
    auto ffmpeg = find_program("ffmpeg");
    if (ffmpeg.empty()) GTEST_SKIP() << "the ffmpeg program is not installed";
    auto clip = work_dir() / "long.mp4";
    auto made =
        run_program(ffmpeg, {"-v", "error", "-f", "lavfi", "-i", "testsrc=size=640x360:rate=30",
                             "-t", "20", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt",
                             "yuv420p", "-y", clip.string()});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    auto response = upload(read_bytes(clip));
    if (response.status == 415) GTEST_SKIP() << "video support is not built";
    ASSERT_EQ(response.status, 202) << response.body;
    std::string id = response.json()["id"];
    auto result = client().get("/api/v1/scrub/" + id + "/result");
    auto state = client().get("/api/v1/scrub/" + id).json()["state"];
    if (state == "done") GTEST_SKIP() << "20 s of video scrubbed before the next request";
    expect_json_error(result, 409, "conflict");
}

// A new upload holds its place in the queue from the moment its header is read.
class ScrubQueue : public Scrub {
  protected:
    [[nodiscard]] std::vector<std::string> server_args() const override {
        return {"--scrub-rate", "0", "--scrub-queue", "1"};
    }
};

TEST_F(ScrubQueue, AFullQueueAnswers503WithRetryAfterBeforeTheBody) {
    auto photo = fixture("gps.jpg");
    std::string body = media_head() + photo + media_tail();
    RawConnection first(server().port());
    ASSERT_TRUE(
        first.send(fmt::format("POST /api/v1/scrub HTTP/1.1\r\nHost: x\r\n"
                               "Content-Type: multipart/form-data; boundary={}\r\n"
                               "Content-Length: {}\r\n\r\n",
                               boundary, body.size())));
    ASSERT_TRUE(first.send(body.substr(0, 100)));  // in progress: the one place is taken
    std::this_thread::sleep_for(200ms);

    auto refused = upload(photo);
    expect_json_error(refused, 503, "unavailable");
    EXPECT_EQ(refused.header("retry-after"), "30");
    EXPECT_EQ(job_entries(2), 2u);  // the first upload's folder and file only

    ASSERT_TRUE(first.send(body.substr(100)));
    auto accepted = first.read_response(30s);
    ASSERT_EQ(accepted.status, 202) << accepted.body;
    std::string id = accepted.json()["id"];
    EXPECT_EQ(wait_finished(id)["state"], "done");
    // Finished jobs do not hold the queue.
    EXPECT_EQ(upload(photo).status, 202);
}

class ScrubLimits : public Scrub {
  protected:
    [[nodiscard]] std::vector<std::string> server_args() const override {
        return {"--scrub-rate", "0", "--scrub-max-bytes", "100K", "--read-timeout", "2"};
    }
};

TEST_F(ScrubLimits, AnUploadOverTheLimitIs413AndLeavesNothing) {
    // Declared far too long: refused before the body.
    {
        RawConnection connection(server().port());
        ASSERT_TRUE(
            connection.send(fmt::format("POST /api/v1/scrub HTTP/1.1\r\nHost: x\r\n"
                                        "Content-Type: multipart/form-data; boundary={}\r\n"
                                        "Content-Length: 10000000\r\n\r\n",
                                        boundary)));
        auto response = connection.read_response(10s);
        EXPECT_EQ(response.status, 413) << response.body;
    }
    // Within the room left for the multipart framing, but the file itself is over the limit.
    std::string big = fixture("gps.jpg") + std::string(100 * 1024, 'x');
    expect_json_error(upload(big), 413, "too_large");
    EXPECT_EQ(job_entries(), 0u);
    // Chunked, so the size shows only while it streams.
    RawConnection connection(server().port());
    ASSERT_TRUE(
        connection.send(fmt::format("POST /api/v1/scrub HTTP/1.1\r\nHost: x\r\n"
                                    "Content-Type: multipart/form-data; boundary={}\r\n"
                                    "Transfer-Encoding: chunked\r\n\r\n",
                                    boundary)));
    std::string body = media_head() + big + media_tail();
    for (std::size_t at = 0; at < body.size(); at += 8192) {
        auto piece = body.substr(at, 8192);
        if (!connection.send(fmt::format("{:x}\r\n{}\r\n", piece.size(), piece), 5s)) break;
    }
    connection.send("0\r\n\r\n", 5s);
    auto response = connection.read_response(10s);
    EXPECT_EQ(response.status, 413) << response.body;
    EXPECT_EQ(response.json()["error"]["code"], "too_large");
    EXPECT_EQ(job_entries(), 0u);
    // Exactly at the limit is fine.
    std::string at_limit = fixture("gps.jpg");
    at_limit.resize(100 * 1024, 'x');
    EXPECT_EQ(upload(at_limit).status, 202);
}

TEST_F(ScrubLimits, ASlowUploadSucceedsAsLongAsItKeepsMoving) {
    auto photo = fixture("gps.jpg");
    std::string body = media_head() + photo + media_tail();
    RawConnection connection(server().port());
    ASSERT_TRUE(
        connection.send(fmt::format("POST /api/v1/scrub HTTP/1.1\r\nHost: x\r\n"
                                    "Content-Type: multipart/form-data; boundary={}\r\n"
                                    "Content-Length: {}\r\n\r\n",
                                    boundary, body.size())));
    // With --read-timeout 2: pieces 1.2 s apart, 6 s in all, never 2 s without a byte.
    std::size_t piece = body.size() / 5 + 1;
    for (std::size_t at = 0; at < body.size(); at += piece) {
        std::this_thread::sleep_for(1200ms);
        ASSERT_TRUE(connection.send(std::string_view(body).substr(at, piece)));
    }
    auto response = connection.read_response(10s);
    ASSERT_EQ(response.status, 202) << response.body;
    EXPECT_EQ(wait_finished(response.json()["id"].get<std::string>())["state"], "done");
}

TEST_F(ScrubLimits, AStalledUploadIsDroppedWithItsFiles) {
    std::string body = media_head() + fixture("gps.jpg") + media_tail();
    RawConnection connection(server().port());
    ASSERT_TRUE(
        connection.send(fmt::format("POST /api/v1/scrub HTTP/1.1\r\nHost: x\r\n"
                                    "Content-Type: multipart/form-data; boundary={}\r\n"
                                    "Content-Length: {}\r\n\r\n{}",
                                    boundary, body.size(), body.substr(0, 1000))));
    EXPECT_TRUE(connection.closed_within(10s));
    EXPECT_EQ(job_entries(), 0u);
}

class ScrubRate : public Scrub {
  protected:
    [[nodiscard]] std::vector<std::string> server_args() const override {
        return {"--scrub-rate", "2"};
    }
};

TEST_F(ScrubRate, UploadsArePerClientRateLimited) {
    EXPECT_EQ(upload(fixture("base.jpg")).status, 202);
    EXPECT_EQ(upload(fixture("base.jpg")).status, 202);
    auto limited = upload(fixture("base.jpg"));
    expect_json_error(limited, 429, "rate_limited");
    EXPECT_FALSE(limited.header("retry-after").empty());
}

// Memory: a 256 MiB upload streams to disk; the server's peak resident memory must not follow.
TEST_F(Scrub, ABigUploadKeepsTheServerMemoryBounded) {
    constexpr std::size_t file_bytes = 256u << 20;
    constexpr std::size_t piece_bytes = 1u << 20;
    client().get("/healthz");
    auto before = memory_of(server().pid());
    ASSERT_GT(before.peak_kib, 0);

    // Not media (so no job runs afterwards and only the upload path is measured), sent as fast
    // as the server takes it.
    std::string head = media_head();
    std::string tail = media_tail();
    RawConnection connection(server().port());
    ASSERT_TRUE(
        connection.send(fmt::format("POST /api/v1/scrub HTTP/1.1\r\nHost: x\r\n"
                                    "Content-Type: multipart/form-data; boundary={}\r\n"
                                    "Content-Length: {}\r\n\r\n{}",
                                    boundary, head.size() + file_bytes + tail.size(), head)));
    std::string piece(piece_bytes, 'z');
    long largest_rss_kib = before.rss_kib;
    for (std::size_t sent = 0; sent < file_bytes; sent += piece_bytes) {
        piece[0] = static_cast<char>('a' + sent / piece_bytes % 26);
        ASSERT_TRUE(connection.send(piece, 60s)) << "after " << sent << " bytes";
        if (sent % (4u << 20) == 0)
            largest_rss_kib = std::max(largest_rss_kib, memory_of(server().pid()).rss_kib);
    }
    ASSERT_TRUE(connection.send(tail));
    auto response = connection.read_response(60s);
    expect_json_error(response, 415, "unsupported_media_type");
    auto after = memory_of(server().pid());
    largest_rss_kib = std::max(largest_rss_kib, after.rss_kib);
    std::cout << "[ memory   ] " << (file_bytes >> 20) << " MiB upload: RSS before "
              << before.rss_kib / 1024 << " MiB, largest seen during it " << largest_rss_kib / 1024
              << " MiB, after " << after.rss_kib / 1024 << " MiB; peak (VmHWM) "
              << before.peak_kib / 1024 << " -> " << after.peak_kib / 1024 << " MiB\n";
    // One 64 KiB chunk in flight plus socket and allocator slack; holding the upload would take
    // 262,144 KiB.
    EXPECT_LT(largest_rss_kib - before.rss_kib, 32 * 1024);
    EXPECT_LT(after.peak_kib - before.peak_kib, 32 * 1024);
    EXPECT_EQ(job_entries(), 0u);
}

}  // namespace
}  // namespace sightline::testing
