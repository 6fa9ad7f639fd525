#pragma once
// Small pieces of reading header field values (RFC 9110 5.5, 5.6): shared by the parsers of
// Forwarded, multipart part headers, Accept-Encoding and If-None-Match.

#include <string_view>

namespace sightline::http {

/// `text` without leading and trailing optional whitespace (spaces and tabs).
std::string_view trim_whitespace(std::string_view text);
/// ASCII case-insensitive equality (field names, tokens, codings).
bool equals_ignoring_case(std::string_view a, std::string_view b);

}  // namespace sightline::http
