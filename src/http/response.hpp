#pragma once
// Helpers to build responses. Every error body is {"error": {"code": ..., "message": ...}}.

#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/json_string.hpp"
#include "http/request.hpp"

namespace sightline::http {

/// A response with Content-Type application/json; `body` must already be JSON.
Response json_response(int status, std::string body);
/// Maps Errc to its HTTP status (core/error.hpp) and writes the JSON error body.
Response error_response(const Error& error);
/// `{"error":{"code":"<code>","message":"<message>"}}` with the given status.
Response error_response(int status, std::string_view code, std::string_view message);
/// What a handler that threw gets: 503 with Retry-After when the store is unreachable
/// (UnavailableError), else 500. Neither says more than that to the client.
Response failure_response(const std::exception& e);

using sightline::append_json_string;  // core/json_string.hpp

}  // namespace sightline::http
