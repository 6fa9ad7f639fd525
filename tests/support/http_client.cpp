#include "support/http_client.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <limits>
#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace sightline::testing {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

std::string lower(std::string_view text) {
    std::string out{text};
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
        return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    });
    return out;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

bool is_stale_connection_error(const beast::error_code& ec) {
    return ec == net::error::eof || ec == bhttp::error::end_of_stream ||
           ec == net::error::connection_reset || ec == net::error::broken_pipe ||
           ec == net::error::connection_aborted;
}

}  // namespace

nlohmann::json HttpResponse::json() const {
    return nlohmann::json::parse(body);
}

std::string HttpResponse::header(const std::string& name) const {
    auto it = headers.find(lower(name));
    return it == headers.end() ? std::string{} : it->second;
}

struct HttpClient::Connection {
    net::io_context ioc;
    beast::tcp_stream stream{ioc};
    beast::flat_buffer buffer;

    // Runs one asynchronous operation to completion on this thread.
    template <typename Start>
    beast::error_code run(Start&& start) {
        beast::error_code result;
        std::forward<Start>(start)([&result](beast::error_code ec, auto&&...) { result = ec; });
        ioc.restart();
        ioc.run();
        return result;
    }
};

HttpClient::HttpClient(std::uint16_t port) : m_port(port) {}
HttpClient::~HttpClient() = default;

void HttpClient::disconnect() {
    if (!m_connection) return;
    beast::error_code ec;
    m_connection->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    m_connection->stream.close();
    m_connection.reset();
}

HttpResponse HttpClient::request(std::string method, std::string target, std::string body,
                                 Headers headers) {
    bhttp::request<bhttp::string_body> req;
    req.version(11);
    if (auto verb = bhttp::string_to_verb(method); verb != bhttp::verb::unknown) {
        req.method(verb);
    } else {
        req.method_string(method);
    }
    req.target(target);
    req.set(bhttp::field::host, "127.0.0.1:" + std::to_string(m_port));
    req.set(bhttp::field::user_agent, "sightline-tests");
    bool has_content_type = false;
    bool has_cookie = false;
    for (const auto& [name, value] : headers) {
        std::string key = lower(name);
        has_content_type = has_content_type || key == "content-type";
        has_cookie = has_cookie || key == "cookie";
        req.insert(name, value);
    }
    if (!body.empty() && !has_content_type) req.set(bhttp::field::content_type, "application/json");
    if (m_cookie_jar_enabled && !has_cookie && !m_cookies.empty()) {
        std::string cookie;
        for (const auto& [name, value] : m_cookies) {
            if (!cookie.empty()) cookie += "; ";
            cookie += name + "=" + value;
        }
        req.set(bhttp::field::cookie, cookie);
    }
    req.body() = std::move(body);
    req.prepare_payload();
    bool head = method == "HEAD";

    for (int attempt = 0;; ++attempt) {
        bool fresh = false;
        if (!m_connection) {
            m_connection = std::make_unique<Connection>();
            ++m_connections_opened;
            fresh = true;
            tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), m_port);
            m_connection->stream.expires_after(m_timeout);
            auto ec = m_connection->run([&](auto handler) {
                m_connection->stream.async_connect(endpoint, std::move(handler));
            });
            if (ec) {
                m_connection.reset();
                throw boost::system::system_error(ec,
                                                  "connect to 127.0.0.1:" + std::to_string(m_port));
            }
        }
        Connection& connection = *m_connection;
        // A kept-alive connection the server has since closed fails on first use: retry once
        // on a new connection, but only if the server cannot have seen the request.
        bool may_retry = !fresh && attempt == 0;

        connection.stream.expires_after(m_timeout);
        auto ec = connection.run(
            [&](auto handler) { bhttp::async_write(connection.stream, req, std::move(handler)); });
        if (ec) {
            disconnect();
            if (may_retry && is_stale_connection_error(ec)) continue;
            throw boost::system::system_error(ec, "write " + target);
        }

        bhttp::response_parser<bhttp::string_body> parser;
        parser.body_limit(std::numeric_limits<std::uint64_t>::max());
        parser.header_limit(std::numeric_limits<std::uint32_t>::max());
        if (head) parser.skip(true);
        connection.stream.expires_after(m_timeout);
        ec = connection.run([&](auto handler) {
            bhttp::async_read(connection.stream, connection.buffer, parser, std::move(handler));
        });
        if (ec) {
            bool got_some = parser.got_some();
            disconnect();
            if (may_retry && !got_some && is_stale_connection_error(ec)) continue;
            throw boost::system::system_error(ec, "read response to " + target);
        }

        auto& res = parser.get();
        HttpResponse response;
        response.status = static_cast<int>(res.result_int());
        for (const auto& field : res) {
            std::string name =
                lower(std::string_view{field.name_string().data(), field.name_string().size()});
            std::string value{field.value().data(), field.value().size()};
            if (name == "set-cookie") response.set_cookies.push_back(value);
            auto [it, inserted] = response.headers.try_emplace(name, value);
            if (!inserted) it->second += (name == "set-cookie" ? "\n" : ", ") + value;
        }
        response.body = std::move(res.body());
        if (!res.keep_alive()) disconnect();
        if (m_cookie_jar_enabled) remember_cookies(response);
        return response;
    }
}

void HttpClient::remember_cookies(const HttpResponse& response) {
    for (std::string_view line : response.set_cookies) {
        auto semi = line.find(';');
        std::string_view pair = line.substr(0, semi);
        auto eq = pair.find('=');
        if (eq == std::string_view::npos) continue;
        std::string name{trim(pair.substr(0, eq))};
        std::string value{trim(pair.substr(eq + 1))};
        bool expired = value.empty();
        std::string_view attributes =
            semi == std::string_view::npos ? std::string_view{} : line.substr(semi + 1);
        while (!attributes.empty()) {
            auto next = attributes.find(';');
            std::string attribute = lower(trim(attributes.substr(0, next)));
            attributes =
                next == std::string_view::npos ? std::string_view{} : attributes.substr(next + 1);
            if (attribute.starts_with("max-age=")) {
                std::string_view age = std::string_view{attribute}.substr(8);
                expired = expired || age == "0" || age.starts_with('-');
            }
        }
        if (expired) {
            m_cookies.erase(name);
        } else {
            m_cookies[name] = value;
        }
    }
}

std::string HttpClient::raw_exchange(std::uint16_t port, std::string_view bytes,
                                     std::chrono::milliseconds timeout) {
    net::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    net::steady_timer deadline(ioc, timeout);
    deadline.async_wait([&](beast::error_code ec) {
        if (!ec) {
            beast::error_code ignored;
            socket.close(ignored);
        }
    });

    std::string received;
    std::array<char, 4096> chunk{};
    std::function<void()> read_more = [&] {
        socket.async_read_some(net::buffer(chunk), [&](beast::error_code ec, std::size_t n) {
            received.append(chunk.data(), n);
            if (ec) {
                deadline.cancel();
                return;
            }
            read_more();
        });
    };
    // Read while writing: the server may answer (and close) before it has read everything.
    net::async_write(socket, net::buffer(bytes.data(), bytes.size()),
                     [](beast::error_code, std::size_t) {});
    read_more();
    ioc.run();
    return received;
}

}  // namespace sightline::testing
