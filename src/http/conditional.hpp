#pragma once
// Conditional requests (RFC 9110 13): entity tags, HTTP dates and the 304 decision, shared by
// tiles, the open-data exports and the feeds.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/request.hpp"

namespace sightline::http {

/// Whether an If-None-Match value lists `etag`: RFC 9110 13.1.2, weak comparison ("W/" ignored
/// on both sides), "*" matches any.
bool etag_matches(std::string_view if_none_match, std::string_view etag);

/// IMF-fixdate of unix seconds, e.g. "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 5.6.7).
std::string http_date(std::int64_t unix_s);
/// Unix seconds of an IMF-fixdate; nullopt for anything else (RFC 9110 13.1.3: an invalid
/// If-Modified-Since is ignored). The obsolete RFC 850 and asctime forms are not read.
std::optional<std::int64_t> parse_http_date(std::string_view text);

/// RFC 9110 13.2.2 for GET and HEAD: with If-None-Match, whether it lists `etag` (then
/// If-Modified-Since is not looked at); otherwise, with If-Modified-Since and a known
/// `last_modified` (> 0), whether nothing changed since that date.
bool is_not_modified(const Request& request, std::string_view etag, std::int64_t last_modified);

}  // namespace sightline::http
