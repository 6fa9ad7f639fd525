#pragma once
// Helpers to build responses. Every error body is {"error": {"code": ..., "message": ...}}.

#include <string>
#include <string_view>

#include "core/error.hpp"
#include "http/request.hpp"

namespace sightline::http {

/// A response with Content-Type application/json; `body` must already be JSON.
Response json_response(int status, std::string body);
/// Maps Errc to its HTTP status (core/error.hpp) and writes the JSON error body.
Response error_response(const Error& error);
/// `{"error":{"code":"<code>","message":"<message>"}}` with the given status.
Response error_response(int status, std::string_view code, std::string_view message);

/// Appends `text` as a JSON string literal, quotes included. Control characters are escaped;
/// invalid UTF-8 sequences become U+FFFD, so the output is always valid JSON.
void append_json_string(std::string& out, std::string_view text);

}  // namespace sightline::http
