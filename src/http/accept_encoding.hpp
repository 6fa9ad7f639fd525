#pragma once
// Content negotiation by Accept-Encoding (RFC 9110 12.5.3), for the responses that are stored
// compressed: tiles (gzip) and the web app's bundle (brotli and gzip, made by web/build.mjs).

#include <optional>
#include <string_view>

namespace sightline::http {

/// True when an Accept-Encoding header value allows `coding` ("gzip", "br"): listed by name or
/// by "*" with a q-value above 0. Names compare case-insensitively; no header allows nothing.
bool accepts_coding(std::optional<std::string_view> accept_encoding, std::string_view coding);

}  // namespace sightline::http
