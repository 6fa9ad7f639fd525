#pragma once
// A small synchronous HTTP/1.1 client for tests that talk to a real server on 127.0.0.1.
// Beast stays in the .cpp file.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace sightline::testing {

struct HttpResponse {
    int status = 0;
    /// Lower-case names. Repeated headers are joined with ", ", except set-cookie, whose values
    /// are joined with "\n" (they may contain commas); `set_cookies` has them one by one.
    std::map<std::string, std::string> headers;
    std::vector<std::string> set_cookies;
    std::string body;

    /// The body parsed as JSON; throws nlohmann::json::parse_error if it is not JSON.
    [[nodiscard]] nlohmann::json json() const;
    /// Header value by lower-case name, or "" if absent.
    [[nodiscard]] std::string header(const std::string& name) const;
};

class HttpClient {
  public:
    using Headers = std::vector<std::pair<std::string, std::string>>;

    explicit HttpClient(std::uint16_t port);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    /// Sends one request on the kept-alive connection (connecting or reconnecting as needed) and
    /// reads the whole response. Content-Type defaults to application/json when a body is given.
    /// Throws boost::system::system_error (a std::runtime_error) on connection failure or
    /// timeout.
    HttpResponse request(std::string method, std::string target, std::string body = "",
                         Headers headers = {});
    HttpResponse get(std::string target, Headers headers = {}) {
        return request("GET", std::move(target), "", std::move(headers));
    }
    HttpResponse post(std::string target, std::string body, Headers headers = {}) {
        return request("POST", std::move(target), std::move(body), std::move(headers));
    }

    /// When on, Set-Cookie values from responses are stored (an empty value or Max-Age=0
    /// deletes) and sent back in a Cookie header unless the request passes its own.
    void set_cookie_jar(bool enabled) { m_cookie_jar_enabled = enabled; }
    [[nodiscard]] const std::map<std::string, std::string>& cookies() const { return m_cookies; }
    void clear_cookies() { m_cookies.clear(); }

    /// Per-request timeout for connect, write and read (default 30 s).
    void set_timeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }
    /// Closes the kept-alive connection; the next request opens a new one.
    void disconnect();
    /// How many TCP connections this client has opened (to check keep-alive).
    [[nodiscard]] int connections_opened() const noexcept { return m_connections_opened; }
    [[nodiscard]] std::uint16_t port() const noexcept { return m_port; }

    /// Opens a connection, sends `bytes` as they are and returns everything received until the
    /// server closes the connection or `timeout` passes (for malformed-request tests).
    static std::string raw_exchange(std::uint16_t port, std::string_view bytes,
                                    std::chrono::milliseconds timeout);

  private:
    struct Connection;
    void remember_cookies(const HttpResponse& response);

    std::uint16_t m_port;
    std::unique_ptr<Connection> m_connection;
    std::chrono::milliseconds m_timeout{30000};
    bool m_cookie_jar_enabled = false;
    std::map<std::string, std::string> m_cookies;
    int m_connections_opened = 0;
};

}  // namespace sightline::testing
