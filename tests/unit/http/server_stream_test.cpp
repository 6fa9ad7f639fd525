// Streamed request bodies and file responses in the server core, over real sockets: an
// in-process Server on 127.0.0.1:0 with routes whose sinks record what they were given.

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "http/response.hpp"
#include "http/server.hpp"
#include "support/http_client.hpp"
#include "support/raw_connection.hpp"
#include "support/temp_dir.hpp"

namespace sightline::http {
namespace {

using namespace std::chrono_literals;
using sightline::testing::HttpClient;
using sightline::testing::RawConnection;
using Clock = std::chrono::steady_clock;

constexpr std::size_t stream_limit = 8 * 1024 * 1024;

/// What the sinks of one test saw.
struct SinkLog {
    std::mutex mutex;
    int opened = 0;
    int finished = 0;
    int aborted = 0;
    std::size_t bytes = 0;
    std::size_t chunks = 0;
    std::size_t largest_chunk = 0;
    std::uint64_t checksum = 0;

    template <typename F>
    auto with(F&& f) {
        std::lock_guard lock(mutex);
        return f();
    }
};

/// Sums the body; refuses a body holding "STOP"; "/stream" answers "bytes chunks checksum".
class RecordingSink final : public BodySink {
  public:
    explicit RecordingSink(SinkLog& log) : m_log(log) {}
    Status write(std::string_view chunk) override {
        if (chunk.find("STOP") != std::string_view::npos)
            return fail(Errc::unprocessable, "the body said stop");
        m_log.with([&] {
            m_log.bytes += chunk.size();
            ++m_log.chunks;
            m_log.largest_chunk = std::max(m_log.largest_chunk, chunk.size());
            for (unsigned char c : chunk)
                m_log.checksum = m_log.checksum * 31 + c;
        });
        return {};
    }
    Response finish() override {
        return m_log.with([&] {
            ++m_log.finished;
            Response response;
            response.content_type = "text/plain";
            response.status = 201;
            response.body = fmt::format("{} {}", m_log.bytes, m_log.checksum);
            return response;
        });
    }
    void abort() noexcept override {
        m_log.with([&] { return ++m_log.aborted; });
    }

  private:
    SinkLog& m_log;
};

std::uint64_t checksum_of(std::string_view body) {
    std::uint64_t sum = 0;
    for (unsigned char c : body)
        sum = sum * 31 + c;
    return sum;
}

class ServerStream : public ::testing::Test {
  protected:
    void SetUp() override {
        m_router.add_streamed(
            "POST", "/stream",
            [this](const Request& request) -> BodySinkOrResponse {
                if (request.header("x-full"))
                    return std::unexpected(error_response(Error{Errc::unavailable, "full"})
                                               .with_header("Retry-After", "7"));
                m_log.with([&] { return ++m_log.opened; });
                return std::make_unique<RecordingSink>(m_log);
            },
            stream_limit);
        m_router.add("GET", "/hello",
                     [](const Request&) { return json_response(200, R"({"hello":"world"})"); });
        m_router.add("GET", "/file/{name}", [this](const Request& request) {
            Response response;
            response.content_type = "application/octet-stream";
            response.file_path = (m_dir.path() / std::string(*request.path_param("name"))).string();
            response.on_sent = [this] { ++m_sent; };
            return response;
        });
    }

    void start(std::chrono::seconds read_timeout = 1s) {
        ServerOptions options;
        options.host = "127.0.0.1";
        options.port = 0;
        options.io_threads = 2;
        options.worker_threads = 2;
        options.max_body_bytes = 1024;
        options.read_timeout = read_timeout;
        options.drain_timeout = 5s;
        options.access_log = false;
        m_server = std::make_unique<Server>(options, m_router, m_metrics);
        m_port = m_server->listen();
        m_runner = std::thread([this] { m_server->run(); });
    }

    void TearDown() override {
        if (m_server) m_server->stop();
        if (m_runner.joinable()) m_runner.join();
    }

    static std::string post_header(std::size_t length, std::string extra = {}) {
        return fmt::format("POST /stream HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n{}\r\n",
                           length, extra);
    }

    /// Waits until `done()` holds or 5 s pass.
    template <typename F>
    bool eventually(F&& done) {
        auto deadline = Clock::now() + 5s;
        while (!m_log.with(done)) {
            if (Clock::now() > deadline) return false;
            std::this_thread::sleep_for(10ms);
        }
        return true;
    }

    sightline::testing::TempDir m_dir{"sightline-stream"};
    Router m_router;
    Metrics m_metrics;
    SinkLog m_log;
    std::atomic<int> m_sent{0};
    std::unique_ptr<Server> m_server;
    std::thread m_runner;
    std::uint16_t m_port = 0;
};

std::string pattern_body(std::size_t size) {
    std::string body(size, '\0');
    for (std::size_t i = 0; i < size; ++i)
        body[i] = static_cast<char>('a' + (i * 7 + i / 1000) % 26);
    return body;
}

TEST_F(ServerStream, HandsTheBodyToTheSinkInBoundedChunks) {
    start();
    std::string body = pattern_body(5 * 1024 * 1024 + 17);
    HttpClient client(m_port);
    auto response = client.post("/stream", body, {{"Content-Type", "application/octet-stream"}});
    EXPECT_EQ(response.status, 201);
    EXPECT_EQ(response.body, fmt::format("{} {}", body.size(), checksum_of(body)));
    m_log.with([&] {
        EXPECT_EQ(m_log.opened, 1);
        EXPECT_EQ(m_log.finished, 1);
        EXPECT_EQ(m_log.aborted, 0);
        EXPECT_GT(m_log.chunks, 80u);
        EXPECT_LE(m_log.largest_chunk, 64u * 1024);
    });
    // The connection stays usable.
    EXPECT_EQ(client.get("/hello").status, 200);
    EXPECT_EQ(client.connections_opened(), 1);
}

TEST_F(ServerStream, StreamsAChunkedBodyAndAnEmptyOne) {
    start();
    RawConnection connection(m_port);
    ASSERT_TRUE(
        connection.send("POST /stream HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
    auto response = connection.read_response(5s);
    EXPECT_EQ(response.status, 201);
    EXPECT_EQ(response.body, fmt::format("11 {}", checksum_of("hello world")));

    ASSERT_TRUE(connection.send(post_header(0)));
    EXPECT_EQ(connection.read_response(5s).body, fmt::format("11 {}", checksum_of("hello world")));
}

TEST_F(ServerStream, TheRouteAnswersBeforeTheBodyIsSent) {
    start();
    RawConnection connection(m_port);
    // The client waits for 100 Continue; the route answers 503 instead, and the body is never
    // asked for.
    ASSERT_TRUE(connection.send(post_header(1000000, "Expect: 100-continue\r\nX-Full: 1\r\n")));
    auto response = connection.read_response(5s);
    EXPECT_EQ(response.status, 503);
    EXPECT_EQ(response.header("retry-after"), "7");
    EXPECT_EQ(response.header("connection"), "close");
    EXPECT_EQ(response.json()["error"]["code"], "unavailable");
    EXPECT_TRUE(connection.closed_within(5s));
    m_log.with([&] { EXPECT_EQ(m_log.opened, 0); });
}

TEST_F(ServerStream, RefusesADeclaredLengthOverTheLimitWithoutOpeningASink) {
    start();
    RawConnection connection(m_port);
    ASSERT_TRUE(connection.send(post_header(stream_limit + 1)));
    auto response = connection.read_response(5s);
    EXPECT_EQ(response.status, 413);
    EXPECT_EQ(response.json()["error"]["code"], "too_large");
    m_log.with([&] { EXPECT_EQ(m_log.opened, 0); });
}

TEST_F(ServerStream, AbortsTheSinkWhenAChunkedBodyGrowsOverTheLimit) {
    start();
    RawConnection connection(m_port);
    ASSERT_TRUE(
        connection.send("POST /stream HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
    std::string piece(1024 * 1024, 'x');
    std::string chunk = fmt::format("{:x}\r\n{}\r\n", piece.size(), piece);
    for (std::size_t sent = 0; sent <= stream_limit; sent += piece.size())
        if (!connection.send(chunk, 5s)) break;
    auto response = connection.read_response(5s);
    EXPECT_EQ(response.status, 413);
    EXPECT_TRUE(eventually([&] { return m_log.aborted == 1; }));
    m_log.with([&] { EXPECT_EQ(m_log.finished, 0); });
}

TEST_F(ServerStream, AnswersTheSinkErrorAndAbortsIt) {
    start();
    RawConnection connection(m_port);
    std::string body = std::string(100000, 'a') + "STOP" + std::string(100000, 'b');
    ASSERT_TRUE(connection.send(post_header(body.size())));
    connection.send(body, 5s);
    auto response = connection.read_response(5s);
    EXPECT_EQ(response.status, 422);
    EXPECT_EQ(response.json()["error"]["message"], "the body said stop");
    EXPECT_TRUE(connection.closed_within(5s));
    m_log.with([&] {
        EXPECT_EQ(m_log.aborted, 1);
        EXPECT_EQ(m_log.finished, 0);
    });
}

TEST_F(ServerStream, AbortsTheSinkWhenTheClientVanishes) {
    start();
    {
        RawConnection connection(m_port);
        ASSERT_TRUE(connection.send(post_header(1000000)));
        ASSERT_TRUE(connection.send(std::string(300000, 'v')));
        ASSERT_TRUE(eventually([&] { return m_log.bytes == 300000; }));
        connection.close();
    }
    EXPECT_TRUE(eventually([&] { return m_log.aborted == 1; }));
    m_log.with([&] { EXPECT_EQ(m_log.finished, 0); });
}

TEST_F(ServerStream, TimesProgressNotTheWholeBody) {
    start(1s);
    RawConnection connection(m_port);
    std::string body = pattern_body(12 * 4096);
    ASSERT_TRUE(connection.send(post_header(body.size())));
    // 12 pieces 300 ms apart: 3.6 s in all, over the 1 s read timeout, but never 1 s idle.
    for (std::size_t at = 0; at < body.size(); at += 4096) {
        std::this_thread::sleep_for(300ms);
        ASSERT_TRUE(connection.send(std::string_view(body).substr(at, 4096)));
    }
    auto response = connection.read_response(5s);
    EXPECT_EQ(response.status, 201);
    EXPECT_EQ(response.body, fmt::format("{} {}", body.size(), checksum_of(body)));
}

TEST_F(ServerStream, ClosesAStalledUploadAndAbortsTheSink) {
    start(1s);
    RawConnection connection(m_port);
    ASSERT_TRUE(connection.send(post_header(100000) + std::string(5000, 's')));
    auto started = Clock::now();
    EXPECT_TRUE(connection.closed_within(5s));
    EXPECT_GE(Clock::now() - started, 800ms);
    EXPECT_TRUE(eventually([&] { return m_log.aborted == 1; }));
}

TEST_F(ServerStream, SendsAFileFromDiskAndRunsTheCallbackAfterwards) {
    std::string content = pattern_body(3 * 1024 * 1024 + 5);
    {
        std::ofstream out(m_dir.path() / "big.bin", std::ios::binary);
        out << content;
    }
    start();
    HttpClient client(m_port);
    auto head = client.request("HEAD", "/file/big.bin");
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.header("content-length"), std::to_string(content.size()));
    EXPECT_EQ(head.body, "");
    auto response = client.get("/file/big.bin");
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.header("content-type"), "application/octet-stream");
    EXPECT_EQ(response.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(response.body.size(), content.size());
    EXPECT_TRUE(response.body == content);
    auto deadline = Clock::now() + 5s;
    while (m_sent < 2 && Clock::now() < deadline)
        std::this_thread::sleep_for(10ms);
    EXPECT_EQ(m_sent, 2);  // HEAD and GET

    auto missing = client.get("/file/missing.bin");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.json()["error"]["code"], "not_found");
    EXPECT_EQ(client.connections_opened(), 1);
}

TEST_F(ServerStream, DoesNotRunTheCallbackWhenTheDownloadBreaksOff) {
    std::string content = pattern_body(32 * 1024 * 1024);
    {
        std::ofstream out(m_dir.path() / "huge.bin", std::ios::binary);
        out << content;
    }
    start();
    {
        RawConnection connection(m_port);
        ASSERT_TRUE(connection.send("GET /file/huge.bin HTTP/1.1\r\nHost: x\r\n\r\n"));
        std::this_thread::sleep_for(200ms);
        connection.close();  // after a few socket buffers at most
    }
    std::this_thread::sleep_for(1500ms);
    EXPECT_EQ(m_sent, 0);
}

}  // namespace
}  // namespace sightline::http
