#include "support/raw_connection.hpp"

#include <array>
#include <limits>
#include <stdexcept>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace sightline::testing {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct RawConnection::Impl {
    net::io_context ioc;
    beast::tcp_stream stream{ioc};
    beast::flat_buffer buffer;

    // Runs one asynchronous operation to completion (or its timeout) on this thread.
    template <typename Start>
    beast::error_code run(std::chrono::milliseconds timeout, Start&& start) {
        beast::error_code result;
        stream.expires_after(timeout);
        std::forward<Start>(start)([&result](beast::error_code ec, auto&&...) { result = ec; });
        ioc.restart();
        ioc.run();
        return result;
    }
};

RawConnection::RawConnection(std::uint16_t port) : m_impl(std::make_unique<Impl>()) {
    tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
    auto ec = m_impl->run(std::chrono::seconds(10), [&](auto handler) {
        m_impl->stream.async_connect(endpoint, std::move(handler));
    });
    if (ec)
        throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + ": " +
                                 ec.message());
}

RawConnection::~RawConnection() = default;

bool RawConnection::send(std::string_view bytes, std::chrono::milliseconds timeout) {
    auto ec = m_impl->run(timeout, [&](auto handler) {
        net::async_write(m_impl->stream, net::buffer(bytes.data(), bytes.size()),
                         std::move(handler));
    });
    return !ec;
}

HttpResponse RawConnection::read_response(std::chrono::milliseconds timeout) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    auto ec = m_impl->run(timeout, [&](auto handler) {
        bhttp::async_read(m_impl->stream, m_impl->buffer, parser, std::move(handler));
    });
    if (ec) throw std::runtime_error("read response: " + ec.message());
    auto& res = parser.get();
    HttpResponse response;
    response.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
        std::string name{field.name_string().data(), field.name_string().size()};
        for (auto& c : name)
            c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        std::string value{field.value().data(), field.value().size()};
        if (name == "set-cookie") response.set_cookies.push_back(value);
        auto [it, inserted] = response.headers.try_emplace(name, value);
        if (!inserted) it->second += (name == "set-cookie" ? "\n" : ", ") + value;
    }
    response.body = std::move(res.body());
    return response;
}

bool RawConnection::closed_within(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::array<char, 16 * 1024> discard{};
    while (true) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        auto ec = m_impl->run(left, [&](auto handler) {
            m_impl->stream.async_read_some(net::buffer(discard), std::move(handler));
        });
        if (ec == beast::error::timeout) return false;
        if (ec) return true;  // eof, reset
    }
}

void RawConnection::close() {
    beast::error_code ec;
    m_impl->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    m_impl->stream.close();
}

}  // namespace sightline::testing
