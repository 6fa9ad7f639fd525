#pragma once
// Helpers to build responses. Every error body is {"error": {"code": ..., "message": ...}}.

#include <string>
#include <string_view>

#include "core/error.hpp"
#include "http/request.hpp"

namespace sightline::http {

Response json_response(int status, std::string body);
/// Maps Errc to its HTTP status (core/error.hpp) and writes the JSON error body.
Response error_response(const Error& error);
Response error_response(int status, std::string_view code, std::string_view message);

}  // namespace sightline::http
