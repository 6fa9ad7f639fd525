#include "http/server.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <functional>
#include <iterator>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include <sys/resource.h>
#include <utility>
#include <vector>

#include <fmt/core.h>
#include <fmt/format.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/file_body.hpp>

#include "core/error.hpp"
#include "core/log.hpp"
#include "http/client_key.hpp"
#include "http/dispatch.hpp"
#include "http/fair_queue.hpp"
#include "http/response.hpp"

namespace sightline::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

class Session;

// 0: half the descriptors this process may open (each connection takes one; the rest are for
// the database, photos and scrub jobs), at least 64.
std::size_t resolve_max_connections(std::size_t configured) {
    if (configured > 0) return configured;
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 10'000;
    return std::max<std::size_t>(64, static_cast<std::size_t>(limit.rlim_cur / 2));
}

// Everything the sessions share. (Server::Impl is private, so it is this under another name.)
struct ServerState {
    ServerState(ServerOptions options_, const Router& router_, Metrics& metrics_)
        : options(std::move(options_)),
          router(router_),
          metrics(metrics_),
          client_keys(std::chrono::hours(24), options.client_key_secret),
          io_threads(options.io_threads > 0
                         ? options.io_threads
                         : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))),
          ioc(io_threads),
          acceptor(net::make_strand(ioc)),
          accept_retry(acceptor.get_executor()),
          max_connections(resolve_max_connections(options.max_connections)) {}

    void do_accept();
    void on_accept(beast::error_code ec, tcp::socket socket);
    bool at_connection_cap();
    void request_stop();
    void drain();
    void add_session(const std::shared_ptr<Session>& session);
    void remove_session(Session* session);

    ServerOptions options;
    const Router& router;
    Metrics& metrics;
    ClientKeyHasher client_keys;
    int io_threads;
    std::atomic<bool> stopping{false};  ///< set once draining starts; read by sessions

    // Declared before the io_context: sessions still queued in it when it is destroyed
    // unregister themselves here.
    std::mutex mutex;
    std::condition_variable changed;
    bool stop_requested = false;
    std::unordered_map<Session*, std::weak_ptr<Session>> sessions;

    net::io_context ioc;
    tcp::acceptor acceptor;
    net::steady_timer accept_retry;
    std::size_t max_connections;              ///< options.max_connections, resolved
    std::atomic<bool> refused_logged{false};  ///< one log line per stretch at the cap
    bool listening = false;
    // Declared after the io_context so they are joined first: their tasks post back into it.
    std::optional<net::thread_pool> workers;
    std::optional<FairQueue> heavy;  ///< Lane::heavy routes
};

struct Server::Impl : ServerState {
    using ServerState::ServerState;
};

/// One connection: read a request, dispatch it on the worker pool, write the response, repeat
/// while keep-alive. All members are touched only on the connection's strand.
///
/// A streamed route (Router::add_streamed) is asked for a BodySink right after the header; its
/// body is then read in chunks of stream_chunk_bytes into m_chunk and handed to the sink, the
/// read timeout restarting with every read, and the sink's finish() runs on the worker pool.
class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(tcp::socket&& socket, ServerState& server)
        : m_server(server), m_executor(socket.get_executor()), m_stream(std::move(socket)) {}
    ~Session() {
        abort_sink();
        m_server.remove_session(this);
    }

    void start() {
        net::dispatch(m_executor,
                      beast::bind_front_handler(&Session::wait_for_request, shared_from_this()));
    }
    /// Server is draining: an idle connection closes now, a busy one after its response.
    void on_server_stop() {
        if (m_state == State::idle) close();
    }
    /// The connection's strand; safe to call from any thread.
    [[nodiscard]] const net::any_io_executor& executor() const noexcept { return m_executor; }

  private:
    enum class State { idle, reading, handling, writing, closing };

    void wait_for_request();
    void on_first_bytes(beast::error_code ec, std::size_t bytes);
    void read_header();
    void on_header(beast::error_code ec, std::size_t bytes);
    void read_body();
    void on_body(beast::error_code ec, std::size_t bytes);
    void start_progress_window();
    bool progress_too_slow(std::size_t bytes);
    void on_read_error(beast::error_code ec);
    void collect_headers(const bhttp::request_parser<bhttp::string_body>::value_type& message);
    void start_handler();
    bool refuse_if_heavy_lane_full();
    void send_result(Dispatched result);
    void open_stream(std::size_t limit);
    void send_continue_then(void (Session::*next)());
    void read_chunk();
    void on_chunk(beast::error_code ec, std::size_t bytes);
    void finish_stream();
    void abort_sink() noexcept;
    void send(Response response, bool close);
    void write_stream_header();
    void next_stream_piece();
    void on_stream_write(beast::error_code ec, std::size_t bytes);
    void write_file_part();
    void on_file_write(beast::error_code ec, std::size_t bytes);
    void on_write(beast::error_code ec, std::size_t bytes);
    void linger_close();
    void on_linger_read(beast::error_code ec, std::size_t bytes);
    void close();

    ServerState& m_server;
    const net::any_io_executor m_executor;
    beast::tcp_stream m_stream;
    beast::flat_buffer m_buffer;
    std::optional<bhttp::request_parser<bhttp::string_body>> m_parser;
    std::string m_raw_response;  ///< a response with its body in memory, alive while writing
    // A streamed body: the parser (converted from m_parser after the header), the route's sink
    // and the buffer one chunk is read into (allocated on the first streamed request).
    std::optional<bhttp::request_parser<bhttp::buffer_body>> m_stream_parser;
    std::unique_ptr<BodySink> m_sink;
    std::vector<char> m_chunk;
    // A file response: the message and its serializer, alive while writing.
    std::optional<bhttp::response<bhttp::file_body>> m_file_response;
    std::optional<bhttp::response_serializer<bhttp::file_body>> m_file_serializer;
    // A streamed (chunked) response: message, serializer, the piece being written and its maker.
    std::optional<bhttp::response<bhttp::buffer_body>> m_stream_response;
    std::optional<bhttp::response_serializer<bhttp::buffer_body>> m_stream_serializer;
    std::string m_stream_piece;
    std::function<std::string()> m_body_stream;
    bool m_stream_ended = false;
    std::function<void()> m_on_sent;  ///< from the Response being written
    State m_state = State::idle;
    bool m_first_request = true;
    std::size_t m_lingered_bytes = 0;
    // Upload progress: bytes of body since the current window of read_timeout began.
    std::chrono::steady_clock::time_point m_window_start;
    std::size_t m_window_bytes = 0;
    const Route* m_route = nullptr;   ///< route of the request in progress, if any
    bool m_heavy = false;             ///< it runs in the heavy lane
    std::optional<IpAddress> m_peer;  ///< the connection's peer, read once
    bool m_peer_known = false;

    // The request in progress. m_request is moved to the worker; what the access log needs is
    // kept beside it.
    Request m_request;
    std::string m_request_id;
    std::string m_method;
    std::string m_route_label;      ///< route pattern or "unmatched"
    bool m_private_timing = false;  ///< Route::private_timing of the request in progress
    unsigned m_version = 11;
    bool m_keep_alive = false;
    bool m_head = false;
    bool m_close_after_write = false;
    int m_status = 0;
    std::size_t m_body_bytes = 0;
    std::chrono::steady_clock::time_point m_started;
};

namespace {

constexpr std::size_t linger_limit_bytes = 1024 * 1024;
constexpr std::chrono::seconds linger_timeout{2};
/// A streamed body is handed to its sink in chunks of at most this size: the only memory an
/// upload holds in the server core, whatever its size.
constexpr std::size_t stream_chunk_bytes = 64 * 1024;

// Metric label for the method: known methods as sent, anything else lumped together so a
// client cannot grow the metrics without bound.
std::string method_label(std::string_view method) {
    for (std::string_view known : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
        if (method == known) return std::string{method};
    }
    return method.empty() ? "-" : "OTHER";
}

std::string_view to_std(beast::string_view text) {
    return {text.data(), text.size()};
}

std::string lower(std::string_view text) {
    std::string out{text};
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
        return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    });
    return out;
}

// Rate limits key on the address: an IPv4 address, or an IPv6 /64, which is what one
// subscriber usually gets (keying on full IPv6 addresses would let a client rotate freely).
std::uint64_t client_key_of(ClientKeyHasher& hasher, const IpAddress& address) {
    return hasher.hash(address.view().first(address.v4 ? 4 : 8));
}

// Headers the server core sets itself from how it frames the body; an endpoint's are dropped.
bool is_framing_header(std::string_view lower_name) {
    return lower_name == "content-length" || lower_name == "transfer-encoding" ||
           lower_name == "connection";
}

// Status line and headers every response gets, whatever its body type.
template <class Body>
void fill_header(bhttp::response<Body>& res, const Response& response, unsigned version,
                 const std::string& request_id, bool close) {
    res.version(version == 10 ? 10 : 11);
    res.result(static_cast<unsigned>(response.status));
    res.set(bhttp::field::server, "sightline");
    if (!response.content_type.empty()) res.set(bhttp::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) {
        std::string key = lower(name);
        if (is_framing_header(key)) continue;
        res.insert(name, value);
    }
    res.set("X-Request-Id", request_id);
    res.set("X-Content-Type-Options", "nosniff");
    res.keep_alive(!close);
}

// Replaces CR and LF in a header value: a value must never end the header or start a new one.
void append_header_value(std::string& out, std::string_view value) {
    for (char c : value)
        out += (c == '\r' || c == '\n') ? ' ' : c;
}

// Status line and header of a response whose body is in memory, as fill_header() does for Beast
// messages. `content_length`: none for a status without content or an unknown length.
void serialize_head(std::string& out, const Response& response, unsigned version,
                    const std::string& request_id, bool close,
                    std::optional<std::size_t> content_length) {
    out.clear();
    const auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(response.status));
    fmt::format_to(std::back_inserter(out), "HTTP/1.{} {} {}\r\nServer: sightline\r\n",
                   version == 10 ? 0 : 1, response.status, to_std(reason));
    if (!response.content_type.empty()) {
        out += "Content-Type: ";
        append_header_value(out, response.content_type);
        out += "\r\n";
    }
    for (const auto& [name, value] : response.headers) {
        const std::string key = lower(name);
        if (is_framing_header(key)) continue;
        append_header_value(out, name);
        out += ": ";
        append_header_value(out, value);
        out += "\r\n";
    }
    out += "X-Request-Id: ";
    out += request_id;
    out += "\r\nX-Content-Type-Options: nosniff\r\n";
    if (content_length)
        fmt::format_to(std::back_inserter(out), "Content-Length: {}\r\n", *content_length);
    if (version == 10 && !close) out += "Connection: keep-alive\r\n";
    if (version != 10 && close) out += "Connection: close\r\n";
    out += "\r\n";
}

// The fair queue would not take the request: 503, and when to come back.
Response busy_response(Admission admission) {
    Response response = error_response(
        503, "unavailable",
        admission == Admission::client_busy
            ? "this client already has expensive requests in progress; try again when they finish"
            : "the server is busy with expensive requests; try again soon");
    response.with_header("Retry-After", admission == Admission::client_busy ? "2" : "5");
    return response;
}

Response too_slow_response() {
    return error_response(408, "timeout", "the request body arrives too slowly");
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Session

void Session::wait_for_request() {
    if (m_server.stopping) return close();
    m_state = State::idle;
    if (m_buffer.size() > 0) return read_header();  // pipelined request already buffered
    // Until the first byte of a request the connection is idle; from then on the whole
    // request must arrive within read_timeout.
    m_stream.expires_after(m_first_request ? m_server.options.read_timeout
                                           : m_server.options.idle_timeout);
    m_stream.async_read_some(
        m_buffer.prepare(4096),
        beast::bind_front_handler(&Session::on_first_bytes, shared_from_this()));
}

void Session::on_first_bytes(beast::error_code ec, std::size_t bytes) {
    if (ec) return close();
    m_buffer.commit(bytes);
    read_header();
}

void Session::read_header() {
    m_state = State::reading;
    m_stream.expires_after(m_server.options.read_timeout);
    m_parser.emplace();
    m_parser->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(
        m_server.options.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
    // The real limit depends on the route, known only once the header is parsed. Beast compares
    // Content-Length with the limit while parsing the header, so open it fully for now.
    m_parser->body_limit(std::numeric_limits<std::uint64_t>::max());
    bhttp::async_read_header(m_stream, m_buffer, *m_parser,
                             beast::bind_front_handler(&Session::on_header, shared_from_this()));
}

void Session::on_header(beast::error_code ec, std::size_t) {
    m_started = std::chrono::steady_clock::now();
    m_request = Request{};
    m_request.request_id = m_request_id = make_request_id();
    m_method.clear();
    m_route_label = "unmatched";
    m_private_timing = false;
    m_route = nullptr;
    m_heavy = false;
    m_version = 11;
    m_keep_alive = false;
    m_head = false;
    if (ec) return on_read_error(ec);

    auto& message = m_parser->get();
    m_version = message.version();
    m_request.method = m_method = std::string{to_std(message.method_string())};
    m_head = m_request.method == "HEAD";
    if (!parse_target(to_std(message.target()), m_request)) {
        return send(error_response(400, "invalid_argument", "malformed request target"), true);
    }
    const Route* route = m_route = route_for(m_server.router, m_request.method, m_request.path);
    if (route) {
        m_route_label = route->pattern;
        m_private_timing = route->private_timing;
    }
    collect_headers(message);
    // Cheap answers from memory, right here on the I/O thread: no hop to a worker.
    if (route && route->fast_path && m_parser->is_done()) {
        if (auto fast = try_fast_path(*route, m_server.router, m_request)) {
            m_parser.reset();
            return send(std::move(*fast), !m_keep_alive || m_server.stopping);
        }
    }
    if (refuse_if_heavy_lane_full()) return;
    std::size_t route_limit =
        route ? route->body_limit(to_std(message[bhttp::field::content_type])) : 0;
    std::size_t limit = route_limit > 0 ? route_limit : m_server.options.max_body_bytes;
    if (auto length = m_parser->content_length(); length && *length > limit) {
        return send(error_response(Error{Errc::too_large, fmt::format("request body is larger "
                                                                      "than {} bytes",
                                                                      limit)}),
                    true);
    }
    if (route && route->streamed && route->method == m_request.method) return open_stream(limit);
    m_parser->body_limit(limit);
    if (m_parser->is_done()) return start_handler();
    start_progress_window();
    send_continue_then(&Session::read_body);
}

// A request for a heavy route that the fair queue would not take now is answered 503 before its
// body is read (the client learns at once instead of after uploading 80 MiB).
bool Session::refuse_if_heavy_lane_full() {
    m_heavy = m_route && m_server.heavy &&
              m_route->is_heavy(to_std(m_parser->get()[bhttp::field::content_type]));
    if (!m_heavy) return false;
    const Admission admission = m_server.heavy->admits(m_request.client_key);
    if (admission == Admission::accepted) return false;
    bool close = !m_keep_alive || !m_parser || !m_parser->is_done() || m_server.stopping;
    send(busy_response(admission), close);
    return true;
}

// Uploads are timed on progress: each read must bring bytes within read_timeout, and every
// window of read_timeout must bring at least min_body_bytes_per_second on average. A phone on
// a slow link can take minutes over a large photo; a client that drips a byte now and then to
// hold the connection is cut off.
void Session::start_progress_window() {
    m_window_start = std::chrono::steady_clock::now();
    m_window_bytes = 0;
}

bool Session::progress_too_slow(std::size_t bytes) {
    m_window_bytes += bytes;
    const auto now = std::chrono::steady_clock::now();
    const auto window = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        m_server.options.read_timeout);
    if (now - m_window_start < window) return false;
    const double seconds = std::chrono::duration<double>(now - m_window_start).count();
    const bool slow = static_cast<double>(m_window_bytes) <
                      seconds * static_cast<double>(m_server.options.min_body_bytes_per_second);
    start_progress_window();
    return slow;
}

// curl and others wait for "100 Continue" before sending a large body.
void Session::send_continue_then(void (Session::*next)()) {
    beast::string_view expect = m_parser ? m_parser->get()[bhttp::field::expect]
                                         : m_stream_parser->get()[bhttp::field::expect];
    if (m_version < 11 || !beast::iequals(expect, "100-continue")) return (this->*next)();
    static constexpr std::string_view continue_response = "HTTP/1.1 100 Continue\r\n\r\n";
    net::async_write(m_stream, net::buffer(continue_response.data(), continue_response.size()),
                     [self = shared_from_this(), next](beast::error_code write_ec, std::size_t) {
                         if (write_ec) return self->close();
                         ((*self).*next)();
                     });
}

void Session::read_body() {
    m_stream.expires_after(m_server.options.read_timeout);
    bhttp::async_read_some(m_stream, m_buffer, *m_parser,
                           beast::bind_front_handler(&Session::on_body, shared_from_this()));
}

void Session::on_body(beast::error_code ec, std::size_t bytes) {
    if (ec) return on_read_error(ec);
    if (m_parser->is_done()) return start_handler();
    if (progress_too_slow(bytes)) return send(too_slow_response(), true);
    read_body();
}

void Session::on_read_error(beast::error_code ec) {
    // The client went away, stopped sending (read_timeout) or the server is closing the
    // connection: nobody is waiting for an answer.
    if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
        ec == net::error::eof || ec == net::error::operation_aborted ||
        ec == beast::error::timeout ||
        ec.category() != bhttp::make_error_code(bhttp::error::end_of_stream).category()) {
        return close();
    }
    if (ec == bhttp::error::header_limit) {
        return send(error_response(431, "header_too_large",
                                   fmt::format("request header is larger than {} bytes",
                                               m_server.options.max_header_bytes)),
                    true);
    }
    if (ec == bhttp::error::body_limit) {
        return send(error_response(Error{Errc::too_large, "request body is too large"}), true);
    }
    send(error_response(Error{Errc::invalid_argument, "malformed HTTP request"}), true);
}

// Headers, keep-alive and the client key of the request in m_parser, into m_request.
void Session::collect_headers(
    const bhttp::request_parser<bhttp::string_body>::value_type& message) {
    m_keep_alive = message.keep_alive();
    for (const auto& field : message) {
        std::string name = lower(to_std(field.name_string()));
        auto [it, inserted] = m_request.headers.try_emplace(name, to_std(field.value()));
        if (!inserted) {
            // RFC 7230 section 3.2.2: repeated fields join with commas; cookies with "; "
            // (RFC 6265 section 5.4).
            it->second += name == "cookie" ? "; " : ", ";
            it->second += to_std(field.value());
        }
    }
    if (!m_peer_known) {  // the peer of a connection does not change: one getpeername
        m_peer_known = true;
        beast::error_code ec;
        auto endpoint = m_stream.socket().remote_endpoint(ec);
        if (!ec) m_peer = IpAddress::parse(endpoint.address().to_string());
    }
    const auto& peer = m_peer;
    if (!peer) return;
    const auto header = [this](std::string_view name) -> std::string_view {
        auto it = m_request.headers.find(name);
        return it == m_request.headers.end() ? std::string_view() : std::string_view(it->second);
    };
    const ForwardedClient client =
        forwarded_client(*peer, header("forwarded"), header("x-forwarded-for"),
                         header("x-forwarded-proto"), m_server.options.trusted_proxies);
    m_request.client_key = client_key_of(m_server.client_keys, client.address);
    m_request.https = client.https;
}

void Session::start_handler() {
    m_state = State::handling;
    m_request.body = std::move(m_parser->get().body());
    m_parser.reset();

    auto task = [self = shared_from_this(), request = std::move(m_request),
                 executor = m_executor]() mutable {
        Dispatched result = dispatch(self->m_server.router, request);
        net::post(executor, [self = std::move(self), result = std::move(result)]() mutable {
            self->send_result(std::move(result));
        });
    };
    if (m_heavy) {
        // Admitted when the header came; another client may have filled the queue since.
        const Admission admission = m_server.heavy->submit(m_request.client_key, std::move(task));
        if (admission != Admission::accepted) send(busy_response(admission), !m_keep_alive);
        return;
    }
    net::post(*m_server.workers, std::move(task));
}

void Session::send_result(Dispatched result) {
    if (result.route) {
        m_route_label = result.route->pattern;
        m_private_timing = result.route->private_timing;
    }
    send(std::move(result.response), !m_keep_alive || m_server.stopping);
}

// ---------------------------------------------------------------------------------------------
// Streamed bodies

void Session::open_stream(std::size_t limit) {
    m_state = State::handling;
    BodySinkOrResponse opened = open_body_sink(m_server.router, m_request);
    if (!opened) {
        // The body is not read: unless there is none, the connection cannot be reused.
        bool close = !m_keep_alive || !m_parser->is_done() || m_server.stopping;
        return send(std::move(opened.error()), close);
    }
    m_sink = std::move(*opened);
    if (!m_sink) return send(error_response(500, "internal", "internal error"), true);
    // Beast lets a parser change its body type between header and body.
    m_stream_parser.emplace(std::move(*m_parser));
    m_parser.reset();
    m_stream_parser->body_limit(limit);
    if (m_chunk.empty()) m_chunk.resize(stream_chunk_bytes);
    m_state = State::reading;
    if (m_stream_parser->is_done()) return finish_stream();
    start_progress_window();
    send_continue_then(&Session::read_chunk);
}

void Session::read_chunk() {
    auto& body = m_stream_parser->get().body();
    body.data = m_chunk.data();
    body.size = m_chunk.size();
    body.more = true;
    // Progress, not the whole body, is timed: each read gets the full read_timeout.
    m_stream.expires_after(m_server.options.read_timeout);
    bhttp::async_read_some(m_stream, m_buffer, *m_stream_parser,
                           beast::bind_front_handler(&Session::on_chunk, shared_from_this()));
}

void Session::on_chunk(beast::error_code ec, std::size_t) {
    if (ec == bhttp::error::need_buffer) ec = {};  // the chunk buffer is full: hand it over
    if (ec) {
        abort_sink();
        return on_read_error(ec);
    }
    std::size_t produced = m_chunk.size() - m_stream_parser->get().body().size;
    if (produced > 0) {
        Status written;
        try {
            written = m_sink->write(std::string_view(m_chunk.data(), produced));
        } catch (const std::exception& e) {
            log::error(fmt::format("handler failed id={} route={} error=\"{}\"", m_request_id,
                                   m_route_label, e.what()));
            abort_sink();
            return send(failure_response(e), true);
        }
        if (!written) {
            abort_sink();
            return send(error_response(written.error()), true);
        }
    }
    if (m_stream_parser->is_done()) return finish_stream();
    if (progress_too_slow(produced)) {
        abort_sink();
        return send(too_slow_response(), true);
    }
    read_chunk();
}

void Session::finish_stream() {
    m_state = State::handling;
    m_stream_parser.reset();
    net::post(*m_server.workers, [self = shared_from_this(), sink = std::move(m_sink),
                                  executor = m_executor, request_id = m_request_id,
                                  route = m_route_label]() mutable {
        Response response;
        try {
            response = sink->finish();
        } catch (const std::exception& e) {
            log::error(fmt::format("handler failed id={} route={} error=\"{}\"", request_id, route,
                                   e.what()));
            sink->abort();
            response = failure_response(e);
        }
        sink.reset();
        net::post(executor, [self = std::move(self), response = std::move(response)]() mutable {
            bool close = !self->m_keep_alive || self->m_server.stopping;
            self->send(std::move(response), close);
        });
    });
}

void Session::abort_sink() noexcept {
    if (!m_sink) return;
    m_sink->abort();
    m_sink.reset();
}

// ---------------------------------------------------------------------------------------------
// Responses

void Session::send(Response response, bool close) {
    if (response.status < 100 || response.status > 999) {
        response = error_response(500, "internal", "internal error");
    }
    // RFC 9110 section 6.4.1: these never have content (and Beast refuses to frame one).
    if (response.status / 100 == 1 || response.status == 204 || response.status == 304) {
        response.body.clear();
        response.file_path.clear();
    }
    std::optional<bhttp::file_body::value_type> file;
    if (!response.file_path.empty()) {
        beast::error_code ec;
        file.emplace().open(response.file_path.c_str(), beast::file_mode::scan, ec);
        if (ec) {  // gone since the endpoint looked (e.g. deleted after another download)
            file.reset();
            response = error_response(Error{Errc::not_found, "no such resource"});
        }
    }
    m_on_sent = std::move(response.on_sent);
    m_status = response.status;
    m_body_bytes = file ? file->size() : response.body.size();
    if (response.body_stream && !m_head) {
        m_close_after_write = close;
        m_state = State::writing;
        m_body_bytes = 0;
        m_body_stream = std::move(response.body_stream);
        auto& res = m_stream_response.emplace();
        fill_header(res, response, m_version, m_request_id, close);
        if (m_version == 10) {
            // HTTP/1.0 has no chunked encoding: the end of the body is the end of the connection.
            m_close_after_write = true;
            res.keep_alive(false);
        } else {
            res.chunked(true);
        }
        return write_stream_header();
    }
    m_close_after_write = close;
    m_state = State::writing;
    if (file && !m_head) {
        auto& res = m_file_response.emplace();
        fill_header(res, response, m_version, m_request_id, close);
        res.body() = std::move(*file);
        res.prepare_payload();
        m_file_serializer.emplace(res);
        return write_file_part();
    }
    // A body in memory: status line, header and body written into one reused buffer and sent
    // with one write (the common case, and the cheapest: no per-field allocations).
    std::optional<std::size_t> length;  // none: a HEAD of a streamed body (length unknown)
    if (!(m_head && response.body_stream)) length = m_body_bytes;
    const bool no_content =
        response.status / 100 == 1 || response.status == 204 || response.status == 304;
    serialize_head(m_raw_response, response, m_version, m_request_id, close,
                   no_content ? std::nullopt : length);
    if (!m_head) m_raw_response += response.body;
    m_stream.expires_after(m_server.options.read_timeout);
    net::async_write(m_stream, net::buffer(m_raw_response),
                     beast::bind_front_handler(&Session::on_write, shared_from_this()));
}

// A streamed body: the header, then each piece as one chunk, made on the worker pool only once
// the previous one is written (backpressure), then the last chunk.
void Session::write_stream_header() {
    auto& body = m_stream_response->body();
    body.data = nullptr;
    body.size = 0;
    body.more = true;
    m_stream_ended = false;
    m_stream_serializer.emplace(*m_stream_response);
    m_stream.expires_after(m_server.options.read_timeout);
    bhttp::async_write_header(
        m_stream, *m_stream_serializer,
        beast::bind_front_handler(&Session::on_stream_write, shared_from_this()));
}

void Session::next_stream_piece() {
    // Only one piece is in the making at a time and the strand waits for it, so the worker
    // may call the session's m_body_stream.
    net::post(*m_server.workers,
              [self = shared_from_this(), request_id = m_request_id, route = m_route_label]() {
                  std::optional<std::string> piece;
                  try {
                      piece = self->m_body_stream();
                  } catch (const std::exception& e) {
                      log::error(fmt::format("streamed body failed id={} route={} error=\"{}\"",
                                             request_id, route, e.what()));
                  } catch (...) {
                      log::error(fmt::format("streamed body failed id={} route={} error=unknown",
                                             request_id, route));
                  }
                  net::post(self->m_executor, [self, piece = std::move(piece)]() mutable {
                      if (!piece) {  // cut short: the client sees a body without its last chunk
                          self->m_stream_serializer.reset();
                          self->m_stream_response.reset();
                          self->m_body_stream = nullptr;
                          self->m_on_sent = nullptr;
                          return self->close();
                      }
                      auto& body = self->m_stream_response->body();
                      self->m_stream_piece = std::move(*piece);
                      self->m_stream_ended = self->m_stream_piece.empty();
                      body.data = self->m_stream_ended ? nullptr : self->m_stream_piece.data();
                      body.size = self->m_stream_piece.size();
                      body.more = !self->m_stream_ended;
                      self->m_body_bytes += self->m_stream_piece.size();
                      self->m_stream.expires_after(self->m_server.options.read_timeout);
                      bhttp::async_write(self->m_stream, *self->m_stream_serializer,
                                         beast::bind_front_handler(&Session::on_stream_write,
                                                                   self->shared_from_this()));
                  });
              });
}

void Session::on_stream_write(beast::error_code ec, std::size_t) {
    if (ec == bhttp::error::need_buffer) ec = {};  // the piece is written: make the next one
    if (!ec && !m_stream_ended) return next_stream_piece();
    m_stream_serializer.reset();
    m_stream_response.reset();
    m_stream_piece = std::string();
    m_body_stream = nullptr;
    on_write(ec, 0);
}

// A file goes out a buffer at a time; as for uploads, the timeout is on progress, so a slow
// client can fetch a large file as long as it keeps reading.
void Session::write_file_part() {
    m_stream.expires_after(m_server.options.read_timeout);
    bhttp::async_write_some(m_stream, *m_file_serializer,
                            beast::bind_front_handler(&Session::on_file_write, shared_from_this()));
}

void Session::on_file_write(beast::error_code ec, std::size_t) {
    if (!ec && !m_file_serializer->is_done()) return write_file_part();
    m_file_serializer.reset();
    m_file_response.reset();
    on_write(ec, 0);
}

void Session::on_write(beast::error_code ec, std::size_t) {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
    if (m_server.options.access_log && !m_private_timing) {
        log::info(fmt::format("request id={} method={} route={} status={} bytes={} ms={:.2f}",
                              m_request_id, m_method.empty() ? "-" : m_method, m_route_label,
                              m_status, m_body_bytes, seconds * 1000.0));
    }
    if (!m_private_timing)
        m_server.metrics.record(m_route_label, method_label(m_method), m_status, seconds);
    if (m_raw_response.capacity() > 64 * 1024) m_raw_response = std::string();  // keep it small
    if (auto on_sent = std::exchange(m_on_sent, nullptr); on_sent && !ec) {
        net::post(*m_server.workers, [on_sent = std::move(on_sent)] {
            try {
                on_sent();
            } catch (const std::exception& e) {
                log::error(fmt::format("after-response callback failed error=\"{}\"", e.what()));
            } catch (...) {
                log::error("after-response callback failed error=unknown");
            }
        });
    }
    if (ec) return close();
    if (m_close_after_write || m_server.stopping) return linger_close();
    m_first_request = false;
    wait_for_request();
}

// Closing a socket with unread input makes the kernel send RST, which can destroy the response
// we just wrote before the client reads it (e.g. a 413 while the body is still arriving). So
// shut down our side first and read what the client still sends, for a bounded time and size.
void Session::linger_close() {
    m_state = State::closing;
    beast::error_code ec;
    m_stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return close();
    m_lingered_bytes = 0;
    m_buffer.consume(m_buffer.size());
    m_stream.expires_after(std::min<std::chrono::steady_clock::duration>(
        linger_timeout, m_server.options.read_timeout));
    m_stream.async_read_some(
        m_buffer.prepare(16 * 1024),
        beast::bind_front_handler(&Session::on_linger_read, shared_from_this()));
}

void Session::on_linger_read(beast::error_code ec, std::size_t bytes) {
    m_lingered_bytes += bytes;
    if (ec || m_lingered_bytes > linger_limit_bytes) return close();
    m_stream.async_read_some(
        m_buffer.prepare(16 * 1024),
        beast::bind_front_handler(&Session::on_linger_read, shared_from_this()));
}

void Session::close() {
    m_state = State::closing;
    beast::error_code ec;
    m_stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    m_stream.close();
}

// ---------------------------------------------------------------------------------------------
// Server

void ServerState::add_session(const std::shared_ptr<Session>& session) {
    std::lock_guard lock(mutex);
    sessions.emplace(session.get(), session);
}

void ServerState::remove_session(Session* session) {
    std::lock_guard lock(mutex);
    sessions.erase(session);
    if (sessions.empty()) changed.notify_all();
}

bool ServerState::at_connection_cap() {
    std::lock_guard lock(mutex);
    return sessions.size() >= max_connections;
}

void ServerState::do_accept() {
    acceptor.async_accept(net::make_strand(ioc),
                          beast::bind_front_handler(&ServerState::on_accept, this));
}

void ServerState::on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
    if (ec) {
        // E.g. out of file descriptors: back off instead of spinning on the error.
        log::warn(fmt::format("accept failed error=\"{}\"", ec.message()));
        accept_retry.expires_after(std::chrono::milliseconds(100));
        accept_retry.async_wait([this](beast::error_code wait_ec) {
            if (!wait_ec && acceptor.is_open()) do_accept();
        });
        return;
    }
    if (!stopping && at_connection_cap()) {
        // Refused without a session: a canned answer into the empty send buffer, then close.
        static constexpr std::string_view body =
            R"({"error":{"code":"unavailable","message":"too many connections; try again soon"}})";
        static const std::string busy = fmt::format(
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
            "Retry-After: 5\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{}",
            body.size(), body);
        beast::error_code write_ec;
        socket.non_blocking(true, write_ec);
        socket.write_some(net::buffer(busy), write_ec);
        socket.shutdown(tcp::socket::shutdown_send, write_ec);
        socket.close(write_ec);
        if (!refused_logged.exchange(true))
            log::warn(fmt::format("connection cap reached connections={}", max_connections));
    } else if (!stopping) {
        refused_logged = false;
        beast::error_code option_ec;
        socket.set_option(tcp::no_delay(true), option_ec);
        auto session = std::make_shared<Session>(std::move(socket), *this);
        add_session(session);
        session->start();
    }
    do_accept();
}

void ServerState::request_stop() {
    {
        std::lock_guard lock(mutex);
        stop_requested = true;
    }
    changed.notify_all();
}

void ServerState::drain() {
    stopping = true;
    net::post(acceptor.get_executor(), [this] {
        beast::error_code ec;
        acceptor.close(ec);
        accept_retry.cancel();
    });
    std::vector<std::shared_ptr<Session>> live;
    {
        std::lock_guard lock(mutex);
        for (auto& [raw, weak] : sessions) {
            if (auto session = weak.lock()) live.push_back(std::move(session));
        }
    }
    for (auto& session : live) {
        net::post(session->executor(), [session] { session->on_server_stop(); });
    }
    live.clear();  // outside the lock: the last reference may run ~Session, which takes it

    std::unique_lock lock(mutex);
    bool drained =
        changed.wait_for(lock, options.drain_timeout, [this] { return sessions.empty(); });
    if (!drained) {
        log::warn(fmt::format("drain timeout, closing connections={}", sessions.size()));
    }
}

Server::Server(ServerOptions options, const Router& router, Metrics& metrics)
    : m_impl(std::make_unique<Impl>(std::move(options), router, metrics)) {}

Server::~Server() = default;

std::uint16_t Server::listen() {
    Impl& impl = *m_impl;
    std::string host = impl.options.host;
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    auto fail_listen = [&](const std::string& reason) {
        return sightline::Exception(fmt::format("cannot listen on {}:{}: {}", impl.options.host,
                                                impl.options.port, reason));
    };
    beast::error_code ec;
    tcp::resolver resolver(impl.ioc);
    auto results = resolver.resolve(host, std::to_string(impl.options.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || results.empty()) throw fail_listen(ec ? ec.message() : "no address");
    tcp::endpoint endpoint = results.begin()->endpoint();
    // Prefer IPv4 for "localhost": that is what "listening on http://127.0.0.1" promises.
    for (const auto& entry : results) {
        if (entry.endpoint().address().is_v4()) {
            endpoint = entry.endpoint();
            break;
        }
    }
    impl.acceptor.open(endpoint.protocol(), ec);
    if (ec) throw fail_listen(ec.message());
    impl.acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (ec) throw fail_listen(ec.message());
    impl.acceptor.bind(endpoint, ec);
    if (ec) throw fail_listen(ec.message());
    impl.acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) throw fail_listen(ec.message());
    impl.listening = true;
    return impl.acceptor.local_endpoint().port();
}

void Server::run() {
    Impl& impl = *m_impl;
    if (!impl.listening) listen();
    int worker_threads = impl.options.worker_threads > 0
                             ? impl.options.worker_threads
                             : static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
    impl.workers.emplace(static_cast<std::size_t>(worker_threads));
    FairQueueOptions heavy = impl.options.heavy_queue;
    if (heavy.threads <= 0)
        heavy.threads = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
    impl.heavy.emplace(heavy);

    net::signal_set signals(net::make_strand(impl.ioc), SIGINT, SIGTERM);
    signals.async_wait([&impl](beast::error_code ec, int signal_number) {
        if (ec) return;
        log::info(fmt::format("signal={} draining", signal_number));
        impl.request_stop();
    });
    net::post(impl.acceptor.get_executor(), [&impl] { impl.do_accept(); });

    std::vector<std::thread> threads;
    threads.reserve(static_cast<std::size_t>(impl.io_threads));
    for (int i = 0; i < impl.io_threads; ++i) {
        threads.emplace_back([&impl] {
            // An exception escaping a completion handler drops that connection only; the
            // thread goes back to serving the others.
            while (true) {
                try {
                    impl.ioc.run();
                    return;
                } catch (const std::exception& e) {
                    log::error(fmt::format("io handler failed error=\"{}\"", e.what()));
                }
            }
        });
    }
    {
        std::unique_lock lock(impl.mutex);
        impl.changed.wait(lock, [&impl] { return impl.stop_requested; });
    }
    impl.drain();
    impl.ioc.stop();
    for (auto& thread : threads)
        thread.join();
    beast::error_code ec;
    signals.cancel(ec);
    // Handlers still running after the drain timeout finish, but their responses are dropped.
    impl.heavy->stop();
    impl.workers->stop();
    impl.workers->join();
}

void Server::stop() {
    m_impl->request_stop();
}

}  // namespace sightline::http
