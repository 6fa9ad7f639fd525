#pragma once
// The HTTP server core: Boost.Beast acceptor and one session per connection, in the shape of
// Beast's async examples. No endpoint logic lives here.
//
// Every response gets Server, Content-Length, X-Request-Id (the Request's request_id) and
// X-Content-Type-Options: nosniff. Errors the core answers itself, as JSON error bodies: 400
// malformed request or target (bad %-escape, %00), 404 no route, 405 wrong method (with Allow),
// 413 body over the route's limit, 431 header over max_header_bytes, 500 endpoint threw; after a
// 400/413/431 the connection is closed. HEAD is served by the GET route without the body.
// One access log line per request: id, method, route pattern, status, bytes, ms.
//
// Streamed routes (Router::add_streamed, http/body_sink.hpp) get their body in chunks of 64 KiB
// as it arrives; for them read_timeout limits each read (progress), not the whole body. A
// Response with a file_path is sent from disk a buffer at a time, read_timeout likewise applying
// to each write, and its on_sent callback runs once the last byte is written.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http/fair_queue.hpp"
#include "http/forwarded.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"

namespace sightline::http {

struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;  ///< 0 picks a free port
    int io_threads = 0;         ///< 0: std::thread::hardware_concurrency()
    int worker_threads = 0;     ///< blocking pool for handlers; 0: max(2, hardware threads)
    std::size_t max_header_bytes = 16 * 1024;
    /// Non-empty: client addresses are hashed with keys derived from this secret, shared by the
    /// servers of one database (Backend::shared_client_key_secret()); empty: a random key.
    std::string client_key_secret{};
    std::size_t max_body_bytes = 1024 * 1024;  ///< default; a route may raise it
    /// Whole request, headers and body; for a streamed body each read of it (progress); also
    /// each write of a file response.
    std::chrono::seconds read_timeout{30};
    std::chrono::seconds idle_timeout{60};  ///< keep-alive connection with no request
    /// Open connections at most; one more is answered 503 with Retry-After and closed, so a
    /// flood of idle connections cannot use up the file descriptors. 0: half the process's
    /// descriptor limit (RLIMIT_NOFILE), at least 64.
    std::size_t max_connections = 0;
    std::chrono::seconds drain_timeout{10};  ///< on SIGTERM/SIGINT: finish requests in flight
    /// Peers whose Forwarded / X-Forwarded-For / X-Forwarded-Proto headers are believed
    /// (reverse proxies); from anyone else they are ignored (http/forwarded.hpp).
    std::vector<AddressRange> trusted_proxies{};
    /// An upload must bring at least this many bytes per second, averaged over each read_timeout
    /// (besides some bytes within every read_timeout); slower, it is answered 408 and closed.
    std::size_t min_body_bytes_per_second = 256;
    /// Threads, capacity and per-client share of the queue for expensive routes (Lane::heavy).
    /// threads 0: max(2, hardware threads).
    FairQueueOptions heavy_queue{.threads = 0, .capacity = 32, .per_client = 4, .nice = 10};
    bool access_log = true;  ///< one line per request: method, route, status, bytes, ms. Never the
                             ///< client address.
};

class Server {
  public:
    Server(ServerOptions options, const Router& router, Metrics& metrics);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Binds and listens; returns the actual port (useful with port 0). Throws
    /// sightline::Exception when the address cannot be bound.
    std::uint16_t listen();
    /// Serves until SIGTERM or SIGINT (or stop()), then stops accepting, lets requests in flight
    /// finish (up to drain_timeout) and returns.
    void run();
    /// Asks run() to drain and return. Thread-safe.
    void stop();

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace sightline::http
