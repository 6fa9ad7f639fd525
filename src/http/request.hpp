#pragma once
// Plain request/response values passed between the Beast server core and endpoint functions.
// Endpoints never see Beast types.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sightline::http {

struct Request {
    std::string method;  ///< upper case: "GET", "POST", ...
    std::string path;    ///< percent-decoded path without the query, e.g. "/api/v1/cameras/5"
    std::vector<std::pair<std::string, std::string>> query;  ///< percent-decoded, in order
    /// Names in lower case; a repeated field is joined with ", " (Cookie with "; ").
    std::map<std::string, std::string, std::less<>> headers;
    std::string body;
    std::map<std::string, std::string, std::less<>> path_params;  ///< filled by the router
    /// Keyed hash (SipHash-2-4) of the client address, with a random key that is replaced every
    /// 24 h and lives only in memory; used for rate limits. IPv4 addresses are hashed whole,
    /// IPv6 addresses by their /64 prefix (one subscriber's usual allocation). The address
    /// itself never leaves the server core.
    std::uint64_t client_key = 0;
    /// The client used https, as a trusted proxy says (ServerOptions::trusted_proxies).
    bool https = false;
    std::string request_id;  ///< random, also sent back as X-Request-Id

    /// First value of a query parameter.
    [[nodiscard]] std::optional<std::string_view> query_param(std::string_view name) const;
    /// Header by lower-case name.
    [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;
    [[nodiscard]] std::optional<std::string_view> path_param(std::string_view name) const;
    /// Value of a cookie from the Cookie header.
    [[nodiscard]] std::optional<std::string_view> cookie(std::string_view name) const;
};

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  ///< extra headers
    /// When not empty, the body is this file, streamed from disk in chunks as the client reads
    /// it (`body` is ignored), so a large download never sits in memory. A file that cannot be
    /// opened when the response is sent turns it into a 404.
    std::string file_path = {};
    /// Runs once the whole response (the file included) has been written to the connection; not
    /// when the write fails or the client goes away first. Runs on the worker pool, e.g. to
    /// delete a file that is downloaded once.
    std::function<void()> on_sent = {};
    /// When set, the body is made piece by piece and sent chunked (Transfer-Encoding: chunked),
    /// `body` and `file_path` being ignored. The server calls it on the worker pool for the next
    /// piece only once the previous one is written, so a client that stops reading holds one
    /// piece in the server, not the whole body; an empty piece ends the body. An exception ends
    /// the connection without the final chunk, so the client sees an incomplete body.
    std::function<std::string()> body_stream = {};

    Response& with_header(std::string name, std::string value) {
        headers.emplace_back(std::move(name), std::move(value));
        return *this;
    }
};

/// Splits "a=1&b=x%20y" into decoded pairs ('+' is a space). Malformed escapes are kept as-is.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);
/// Decodes %XX escapes; nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

}  // namespace sightline::http
