// The server core over real sockets: an in-process Server on 127.0.0.1:0 with a tiny router.

#include "http/server.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "http/response.hpp"
#include "support/http_client.hpp"
#include "support/raw_connection.hpp"

namespace sightline::http {
namespace {

using namespace std::chrono_literals;
using sightline::testing::HttpClient;
using sightline::testing::HttpResponse;
using sightline::testing::RawConnection;
using Clock = std::chrono::steady_clock;

constexpr std::size_t default_body_limit = 1024;
constexpr std::size_t upload_body_limit = 64 * 1024;

Response text(std::string body, int status = 200) {
    Response response;
    response.status = status;
    response.content_type = "text/plain";
    response.body = std::move(body);
    return response;
}

int count(const std::string& text, const std::string& what) {
    int n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

class ServerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        m_router.add("GET", "/hello",
                     [](const Request&) { return json_response(200, R"({"hello":"world"})"); });
        m_router.add("GET", "/items/{id}", [](const Request& request) {
            return text(std::string{*request.path_param("id")});
        });
        m_router.add("DELETE", "/items/{id}", [](const Request&) { return text("deleted"); });
        m_router.add("GET", "/query", [](const Request& request) {
            return text(std::string{request.query_param("q").value_or("<none>")});
        });
        m_router.add("POST", "/echo", [](const Request& request) { return text(request.body); });
        m_router.add(
            "POST", "/upload",
            [](const Request& request) { return text(std::to_string(request.body.size())); },
            upload_body_limit);
        m_router.add("GET", "/throw", [](const Request&) -> Response {
            throw std::runtime_error("database is on fire");
        });
        m_router.add("GET", "/slow", [this](const Request&) {
            m_slow_started = true;
            std::this_thread::sleep_for(1500ms);
            return text("done");
        });
        m_router.add("GET", "/whoami", [](const Request& request) {
            return text(std::to_string(request.client_key) + " " + request.request_id);
        });
        m_router.add("GET", "/headers", [](const Request& request) {
            return text(std::string{request.header("x-test").value_or("-")} + "|" +
                        std::string{request.cookie("a").value_or("-")});
        });
        m_router.add("GET", "/cookies", [](const Request&) {
            Response response = text("set");
            response.with_header("Set-Cookie", "a=1; Path=/; HttpOnly")
                .with_header("Set-Cookie", "b=2; Path=/");
            return response;
        });
        m_router.add("GET", "/empty", [](const Request&) { return text("ignored", 204); });
    }

    void start(ServerOptions options = {}) {
        options.host = "127.0.0.1";
        options.port = 0;
        options.io_threads = 2;
        options.worker_threads = 2;
        options.max_header_bytes = 4096;
        options.max_body_bytes = default_body_limit;
        if (options.read_timeout == ServerOptions{}.read_timeout) options.read_timeout = 1s;
        if (options.idle_timeout == ServerOptions{}.idle_timeout) options.idle_timeout = 3s;
        if (options.drain_timeout == ServerOptions{}.drain_timeout) options.drain_timeout = 5s;
        m_server = std::make_unique<Server>(options, m_router, m_metrics);
        m_port = m_server->listen();
        ASSERT_NE(m_port, 0);
        m_runner = std::thread([this] { m_server->run(); });
    }

    void TearDown() override {
        if (m_server) m_server->stop();
        if (m_runner.joinable()) m_runner.join();
    }

    std::string raw(std::string_view bytes, std::chrono::milliseconds timeout = 5s) {
        return HttpClient::raw_exchange(m_port, bytes, timeout);
    }

    Router m_router;
    Metrics m_metrics;
    std::unique_ptr<Server> m_server;
    std::thread m_runner;
    std::uint16_t m_port = 0;
    std::atomic<bool> m_slow_started{false};
};

TEST_F(ServerTest, ServesJsonWithStandardHeaders) {
    start();
    HttpClient client(m_port);
    auto response = client.get("/hello");
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.json()["hello"], "world");
    EXPECT_EQ(response.header("content-type"), "application/json");
    EXPECT_EQ(response.header("server"), "sightline");
    EXPECT_EQ(response.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(response.header("content-length"), std::to_string(response.body.size()));
    auto id = response.header("x-request-id");
    EXPECT_EQ(id.size(), 16u);
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_NE(client.get("/hello").header("x-request-id"), id);
}

TEST_F(ServerTest, KeepsConnectionAliveAcrossRequests) {
    start();
    HttpClient client(m_port);
    EXPECT_EQ(client.get("/hello").status, 200);
    EXPECT_EQ(client.get("/items/7").body, "7");
    EXPECT_EQ(client.connections_opened(), 1);

    // Two pipelined requests in one write, answered in order on the same connection.
    auto reply =
        raw("GET /items/1 HTTP/1.1\r\nHost: x\r\n\r\n"
            "GET /items/2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(count(reply, "HTTP/1.1 200 OK"), 2) << reply;
    EXPECT_LT(reply.find("\r\n\r\n1"), reply.find("\r\n\r\n2")) << reply;
}

TEST_F(ServerTest, ClosesHttp10ConnectionsByDefault) {
    start();
    auto started = Clock::now();
    auto reply = raw("GET /hello HTTP/1.0\r\n\r\n");
    EXPECT_TRUE(reply.starts_with("HTTP/1.0 200 OK")) << reply;
    EXPECT_LT(Clock::now() - started, 3s);
}

TEST_F(ServerTest, AnswersUnknownRouteWith404Json) {
    start();
    HttpClient client(m_port);
    auto response = client.get("/nope?x=1");
    EXPECT_EQ(response.status, 404);
    EXPECT_EQ(response.json()["error"]["code"], "not_found");
    EXPECT_EQ(response.header("content-type"), "application/json");
    EXPECT_EQ(client.get("/hello").status, 200);  // still the same connection
    EXPECT_EQ(client.connections_opened(), 1);
}

TEST_F(ServerTest, AnswersWrongMethodWith405AndAllow) {
    start();
    HttpClient client(m_port);
    auto response = client.request("PUT", "/items/3", "{}");
    EXPECT_EQ(response.status, 405);
    EXPECT_EQ(response.json()["error"]["code"], "method_not_allowed");
    EXPECT_EQ(response.header("allow"), "DELETE, GET, HEAD");
    EXPECT_EQ(client.request("DELETE", "/items/3").body, "deleted");
}

TEST_F(ServerTest, RejectsBodyOverLimitByContentLength) {
    start();
    std::string body(5000, 'x');
    auto reply = raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + body);
    EXPECT_TRUE(reply.starts_with("HTTP/1.1 413")) << reply;
    EXPECT_NE(reply.find(R"("code":"too_large")"), std::string::npos) << reply;
    EXPECT_NE(reply.find("Connection: close"), std::string::npos) << reply;

    HttpClient client(m_port);
    auto response = client.post("/echo", std::string(default_body_limit + 1, 'y'));
    EXPECT_EQ(response.status, 413);
    EXPECT_EQ(client.post("/echo", std::string(default_body_limit, 'y')).status, 200);
}

TEST_F(ServerTest, RejectsChunkedBodyOverLimit) {
    start();
    std::string chunk(600, 'z');
    std::string request = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 3; ++i)
        request += "258\r\n" + chunk + "\r\n";  // 0x258 = 600
    request += "0\r\n\r\n";
    auto reply = raw(request);
    EXPECT_TRUE(reply.starts_with("HTTP/1.1 413")) << reply;
    EXPECT_NE(reply.find(R"("code":"too_large")"), std::string::npos) << reply;
}

TEST_F(ServerTest, AcceptsChunkedBodyUnderLimit) {
    start();
    auto reply = raw(
        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
    EXPECT_TRUE(reply.starts_with("HTTP/1.1 200")) << reply;
    EXPECT_TRUE(reply.ends_with("\r\n\r\nhello world")) << reply;
}

TEST_F(ServerTest, AllowsLargerBodyOnRouteWithItsOwnLimit) {
    start();
    HttpClient client(m_port);
    auto response = client.post("/upload", std::string(30000, 'u'));
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "30000");
    EXPECT_EQ(client.post("/upload", std::string(upload_body_limit, 'u')).body,
              std::to_string(upload_body_limit));
    EXPECT_EQ(client.post("/upload", std::string(upload_body_limit + 1, 'u')).status, 413);
    EXPECT_EQ(client.post("/echo", std::string(30000, 'u')).status, 413);
}

TEST_F(ServerTest, SendsContinueBeforeReadingAnExpectedBody) {
    start();
    auto reply =
        raw("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n"
            "Connection: close\r\n\r\nhello");
    EXPECT_TRUE(reply.starts_with("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK")) << reply;
    EXPECT_TRUE(reply.ends_with("hello")) << reply;
}

TEST_F(ServerTest, RejectsOversizedHeader) {
    start();
    std::string request =
        "GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8000, 'h') + "\r\n\r\n";
    auto reply = raw(request);
    EXPECT_TRUE(reply.starts_with("HTTP/1.1 431")) << reply;
    EXPECT_NE(reply.find(R"("code":"header_too_large")"), std::string::npos) << reply;
}

TEST_F(ServerTest, RejectsMalformedRequests) {
    start();
    for (std::string request :
         {"GARBAGE\r\n\r\n", "GET /hello\r\n\r\n", "GET  /hello HTTP/1.1\r\n\r\n",
          "G(T /hello HTTP/1.1\r\n\r\n", "GET /hello HTTP/1.1\r\nNo colon here\r\n\r\n",
          "POST /echo HTTP/1.1\r\nContent-Length: abc\r\n\r\n", "GET * HTTP/1.1\r\n\r\n"}) {
        auto started = Clock::now();
        auto reply = raw(request);
        EXPECT_TRUE(reply.starts_with("HTTP/1.1 400")) << request << "\n->\n" << reply;
        EXPECT_NE(reply.find(R"("code":"invalid_argument")"), std::string::npos) << reply;
        EXPECT_LT(Clock::now() - started, 3s) << "connection not closed for: " << request;
    }
}

TEST_F(ServerTest, RejectsNulAndMalformedEscapesInPath) {
    start();
    HttpClient client(m_port);
    EXPECT_EQ(client.get("/items/a%00b").status, 400);
    EXPECT_EQ(client.get("/items/%zz").status, 400);
    EXPECT_EQ(client.get("/items/a%20b").body, "a b");
    EXPECT_EQ(client.get("/query?q=x%20y+z").body, "x y z");
    EXPECT_EQ(client.get("/query").body, "<none>");
}

TEST_F(ServerTest, PassesHeadersWithLowerCaseNames) {
    start();
    HttpClient client(m_port);
    auto response = client.get("/headers", {{"X-Test", "yes"}, {"Cookie", "b=2; a=1"}});
    EXPECT_EQ(response.body, "yes|1");
}

TEST_F(ServerTest, ClientCookieJarSendsCookiesBack) {
    start();
    HttpClient client(m_port);
    client.set_cookie_jar(true);
    auto response = client.get("/cookies");
    ASSERT_EQ(response.set_cookies.size(), 2u);
    EXPECT_EQ(response.header("set-cookie"), "a=1; Path=/; HttpOnly\nb=2; Path=/");
    EXPECT_EQ(client.cookies().at("a"), "1");
    EXPECT_EQ(client.get("/headers").body, "-|1");
}

TEST_F(ServerTest, TurnsHandlerExceptionInto500AndKeepsServing) {
    start();
    HttpClient client(m_port);
    ::testing::internal::CaptureStderr();
    auto response = client.get("/throw");
    auto log = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(response.status, 500);
    EXPECT_EQ(response.body, R"({"error":{"code":"internal","message":"internal error"}})");
    EXPECT_NE(log.find("level=error"), std::string::npos) << log;
    EXPECT_NE(log.find("id=" + response.header("x-request-id")), std::string::npos) << log;
    EXPECT_EQ(log.find("127.0.0.1"), std::string::npos) << log;
    EXPECT_EQ(client.get("/hello").status, 200);
    EXPECT_EQ(client.connections_opened(), 1);
}

TEST_F(ServerTest, ClosesHalfSentRequestAfterReadTimeout) {
    start();  // read_timeout 1 s
    auto started = Clock::now();
    auto reply = raw("GET /hello HTTP/1.1\r\nHost: x\r\n", 6s);
    auto elapsed = Clock::now() - started;
    EXPECT_EQ(reply, "");
    EXPECT_GE(elapsed, 900ms);
    EXPECT_LT(elapsed, 4s) << "the server did not close the connection";
}

TEST_F(ServerTest, ClosesIdleKeepAliveConnection) {
    ServerOptions options;
    options.idle_timeout = 1s;
    start(options);
    HttpClient client(m_port);
    EXPECT_EQ(client.get("/hello").status, 200);
    std::this_thread::sleep_for(1500ms);
    EXPECT_EQ(client.get("/hello").status, 200);  // the client reconnects
    EXPECT_EQ(client.connections_opened(), 2);
}

TEST_F(ServerTest, StopDrainsRequestInFlightThenRunReturns) {
    start();
    HttpClient client(m_port);
    sightline::testing::HttpResponse slow;
    std::thread request([&] { slow = client.get("/slow"); });
    auto deadline = Clock::now() + 5s;
    while (!m_slow_started && Clock::now() < deadline)
        std::this_thread::sleep_for(10ms);
    ASSERT_TRUE(m_slow_started);

    HttpClient idle(m_port);  // an idle keep-alive connection must not hold up the drain
    EXPECT_EQ(idle.get("/hello").status, 200);

    auto stop_started = Clock::now();
    m_server->stop();
    m_runner.join();
    request.join();
    EXPECT_LT(Clock::now() - stop_started, 4s);
    EXPECT_EQ(slow.status, 200);
    EXPECT_EQ(slow.body, "done");
    EXPECT_EQ(slow.header("connection"), "close");
    EXPECT_THROW(HttpClient(m_port).get("/hello"), std::runtime_error);
}

TEST_F(ServerTest, ServesManyClientsAtOnce) {
    start();
    constexpr int clients = 8;
    constexpr int requests = 40;
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&, c] {
            HttpClient client(m_port);
            for (int i = 0; i < requests; ++i) {
                auto id = std::to_string(c * 1000 + i);
                auto response = i % 2 ? client.get("/items/" + id) : client.post("/echo", id);
                if (response.status == 200 && response.body == id) ++ok;
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    EXPECT_EQ(ok, clients * requests);
}

TEST_F(ServerTest, StopBeforeRunReturnsPromptly) {
    m_server = std::make_unique<Server>(ServerOptions{.host = "127.0.0.1", .port = 0}, m_router,
                                        m_metrics);
    m_server->listen();
    m_server->stop();
    auto started = Clock::now();
    m_server->run();
    EXPECT_LT(Clock::now() - started, 2s);
}

TEST_F(ServerTest, AnswersHeadLikeGetWithoutBody) {
    start();
    HttpClient client(m_port);
    auto get = client.get("/hello");
    auto head = client.request("HEAD", "/hello");
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.body, "");
    EXPECT_EQ(head.header("content-length"), std::to_string(get.body.size()));
    EXPECT_EQ(client.get("/hello").body, get.body);  // connection still in sync
    EXPECT_EQ(client.connections_opened(), 1);
}

TEST_F(ServerTest, SendsNoBodyWith204) {
    start();
    HttpClient client(m_port);
    auto response = client.get("/empty");
    EXPECT_EQ(response.status, 204);
    EXPECT_EQ(response.body, "");
    EXPECT_EQ(client.get("/hello").status, 200);
}

TEST_F(ServerTest, GivesHandlersAStableClientKey) {
    start();
    HttpClient client(m_port);
    auto first = client.get("/whoami").body;
    HttpClient other(m_port);
    auto second = other.get("/whoami").body;
    auto key = first.substr(0, first.find(' '));
    EXPECT_NE(key, "0");
    EXPECT_EQ(key, second.substr(0, second.find(' ')));
    EXPECT_NE(first, second);  // request ids differ
}

TEST_F(ServerTest, LogsRoutePatternButNoQueryOrAddress) {
    start();
    HttpClient client(m_port);
    ::testing::internal::CaptureStderr();
    auto response = client.get("/items/7?token=secret");
    client.get("/missing");
    client.get("/hello");  // lines are written after each response: this flushes the others
    auto log = ::testing::internal::GetCapturedStderr();
    auto id = response.header("x-request-id");
    EXPECT_NE(log.find("request id=" + id + " method=GET route=/items/{id} status=200 bytes=1 ms="),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("route=unmatched status=404"), std::string::npos) << log;
    EXPECT_EQ(log.find("secret"), std::string::npos) << log;
    EXPECT_EQ(log.find("127.0.0.1"), std::string::npos) << log;
}

TEST_F(ServerTest, RecordsMetricsByRoutePattern) {
    start();
    HttpClient client(m_port);
    client.get("/items/1");
    client.get("/items/2");
    client.get("/missing");
    client.request("BREW", "/hello");
    client.get("/hello");  // recorded after each response: this flushes the others
    auto text = m_metrics.render();
    EXPECT_NE(
        text.find(
            R"(sightline_http_requests_total{route="/items/{id}",method="GET",status="200"} 2)"),
        std::string::npos)
        << text;
    EXPECT_NE(
        text.find(
            R"(sightline_http_requests_total{route="unmatched",method="GET",status="404"} 1)"),
        std::string::npos)
        << text;
    EXPECT_NE(text.find(R"(route="unmatched",method="OTHER",status="405"} 1)"), std::string::npos)
        << text;
    EXPECT_NE(text.find(R"(sightline_http_request_duration_seconds_count{route="/items/{id}"} 2)"),
              std::string::npos)
        << text;
}

TEST(ServerListen, ThrowsWhenAddressCannotBeBound) {
    Router router;
    Metrics metrics;
    Server first(ServerOptions{.host = "127.0.0.1", .port = 0}, router, metrics);
    auto port = first.listen();
    Server second(ServerOptions{.host = "127.0.0.1", .port = port}, router, metrics);
    try {
        second.listen();
        FAIL() << "listen succeeded on a port in use";
    } catch (const sightline::Exception& e) {
        EXPECT_TRUE(
            std::string{e.what()}.starts_with(fmt::format("cannot listen on 127.0.0.1:{}: ", port)))
            << e.what();
    }
    Server bad_host(ServerOptions{.host = "no.such.host.invalid", .port = 0}, router, metrics);
    EXPECT_THROW(bad_host.listen(), sightline::Exception);
}

TEST(ServerListen, ResolvesLocalhostAndIpv6Literal) {
    Router router;
    Metrics metrics;
    Server local(ServerOptions{.host = "localhost", .port = 0}, router, metrics);
    EXPECT_NE(local.listen(), 0);
    Server v6(ServerOptions{.host = "::1", .port = 0}, router, metrics);
    try {
        EXPECT_NE(v6.listen(), 0);
    } catch (const sightline::Exception& e) {
        GTEST_SKIP() << "no IPv6 loopback here: " << e.what();
    }
}

// A flood of idle connections once used up the descriptors ("accept failed: Too many open
// files") and every new client waited. Past the cap a connection gets 503 with Retry-After at
// once and is closed; when one closes, a new one is served again.
TEST_F(ServerTest, RefusesConnectionsPastTheCapWithARetryAfter) {
    ServerOptions options;
    options.max_connections = 3;
    options.idle_timeout = 10s;
    start(options);
    std::vector<std::unique_ptr<RawConnection>> idle;
    for (int i = 0; i < 3; ++i)
        idle.push_back(std::make_unique<RawConnection>(m_port));
    // The server has accepted them once a request on each one is answered.
    for (auto& c : idle) {
        ASSERT_TRUE(c->send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
        ASSERT_EQ(c->read_response().status, 200);
    }
    RawConnection refused(m_port);
    refused.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    const HttpResponse busy = refused.read_response(5s);
    EXPECT_EQ(busy.status, 503);
    EXPECT_EQ(busy.header("retry-after"), "5");
    EXPECT_NE(busy.body.find("\"unavailable\""), std::string::npos) << busy.body;
    EXPECT_TRUE(refused.closed_within(2s));

    idle.front()->close();
    idle.erase(idle.begin());
    bool served = false;
    for (int attempt = 0; attempt < 50 && !served; ++attempt) {  // until the server saw the close
        RawConnection again(m_port);
        again.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        served = again.read_response(5s).status == 200;
        if (!served) std::this_thread::sleep_for(20ms);
    }
    EXPECT_TRUE(served);
}

TEST_F(ServerTest, AFastPathAnswersWhileEveryWorkerIsBusy) {
    std::atomic<int> handler_calls{0};
    m_router.add("GET", "/fast", [&](const Request&) {
        ++handler_calls;
        return text("from a worker");
    });
    std::atomic<bool> decline{false};
    m_router.add_fast_path("GET", "/fast", [&](const Request& request) -> std::optional<Response> {
        if (decline) return std::nullopt;
        return text("fast " + std::string(request.query_param("q").value_or("-")));
    });
    start();
    // Both workers sleep in /slow.
    std::vector<std::thread> slow;
    for (int i = 0; i < 2; ++i)
        slow.emplace_back([this] { HttpClient(m_port).get("/slow"); });
    while (!m_slow_started)
        std::this_thread::sleep_for(5ms);
    std::this_thread::sleep_for(50ms);
    HttpClient client(m_port);
    const auto asked = Clock::now();
    EXPECT_EQ(client.get("/fast?q=1").body, "fast 1");
    const auto answered = Clock::now();
    EXPECT_EQ(client.request("HEAD", "/fast").status, 200);
    for (auto& thread : slow)
        thread.join();
    const auto slow_done = Clock::now();
    EXPECT_LT(answered, slow_done) << "answered before a worker was free";
    EXPECT_LE(asked, answered);
    EXPECT_EQ(handler_calls, 0);
    decline = true;
    EXPECT_EQ(client.get("/fast").body, "from a worker");
    EXPECT_EQ(handler_calls, 1);
}

TEST_F(ServerTest, AFullHeavyLaneAnswers503BeforeReadingTheBody) {
    std::atomic<bool> release{false};
    std::atomic<int> started{0};
    m_router.add(
        "POST", "/heavy",
        [&](const Request& request) {
            ++started;
            while (!release)
                std::this_thread::sleep_for(5ms);
            return text(std::to_string(request.body.size()));
        },
        upload_body_limit);
    m_router.set_lane("POST", "/heavy", Lane::heavy);
    ServerOptions options;
    options.heavy_queue = {.threads = 1, .capacity = 2, .per_client = 8, .nice = 0};
    start(options);
    const std::string request = "POST /heavy HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody";
    RawConnection first(m_port), second(m_port);
    ASSERT_TRUE(first.send(request));
    while (started == 0)
        std::this_thread::sleep_for(5ms);
    ASSERT_TRUE(second.send(request));  // queued behind the first
    std::this_thread::sleep_for(100ms);
    // The third announces a body it never sends: the answer comes without it.
    RawConnection third(m_port);
    ASSERT_TRUE(third.send("POST /heavy HTTP/1.1\r\nHost: x\r\nContent-Length: 60000\r\n\r\n"));
    const HttpResponse busy = third.read_response(5s);
    EXPECT_EQ(busy.status, 503);
    EXPECT_EQ(busy.header("retry-after"), "5");
    // Cheap routes on the worker pool are not held up.
    EXPECT_EQ(HttpClient(m_port).get("/hello").status, 200);
    release = true;
    EXPECT_EQ(first.read_response(5s).body, "4");
    EXPECT_EQ(second.read_response(5s).body, "4");
}

TEST_F(ServerTest, AStreamedBodyIsSentChunkedAPieceAtATime) {
    std::atomic<int> made{0};
    m_router.add("GET", "/stream", [&](const Request&) {
        Response response = text("");
        auto left = std::make_shared<int>(200);
        response.body_stream = [left, &made]() -> std::string {
            if (*left == 0) return "";
            --*left;
            ++made;
            return std::string(64 * 1024, 'x');
        };
        return response;
    });
    start();
    // A client that does not read: the server makes only as many pieces as the socket buffers
    // take, not all 200 (12.8 MiB).
    RawConnection idle(m_port);
    ASSERT_TRUE(idle.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n"));
    std::this_thread::sleep_for(300ms);
    EXPECT_LT(made.load(), 150);
    idle.close();

    made = 0;
    HttpClient client(m_port);
    auto response = client.get("/stream");
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.header("transfer-encoding"), "chunked");
    EXPECT_EQ(response.body.size(), 200u * 64 * 1024);
    EXPECT_EQ(client.get("/hello").status, 200) << "the connection is kept alive after it";
    EXPECT_EQ(client.connections_opened(), 1);
    auto head = client.request("HEAD", "/stream");
    EXPECT_EQ(head.status, 200);
    EXPECT_TRUE(head.body.empty());
}

TEST_F(ServerTest, ASlowBodyWithSteadyProgressOutlastsTheReadTimeout) {
    start();  // read timeout 1 s
    RawConnection connection(m_port);
    ASSERT_TRUE(
        connection.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 6000\r\n\r\n"));
    for (int i = 0; i < 12; ++i) {  // 500 bytes every 200 ms: 2.4 s in all, 2.5 kB/s
        ASSERT_TRUE(connection.send(std::string(500, 'a')));
        std::this_thread::sleep_for(200ms);
    }
    auto response = connection.read_response(5s);
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "6000");
}

TEST_F(ServerTest, ABodyBelowTheMinimumRateGets408) {
    start();  // read timeout 1 s, at least 256 bytes/s
    RawConnection connection(m_port);
    ASSERT_TRUE(
        connection.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 6000\r\n\r\n"));
    for (int i = 0; i < 8; ++i) {  // 10 bytes every 300 ms
        if (!connection.send(std::string(10, 'a'))) break;
        std::this_thread::sleep_for(300ms);
    }
    auto response = connection.read_response(5s);
    EXPECT_EQ(response.status, 408);
    EXPECT_NE(response.body.find("\"timeout\""), std::string::npos) << response.body;
}

}  // namespace
}  // namespace sightline::http
