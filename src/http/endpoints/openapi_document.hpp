#pragma once

#include <string_view>

namespace sightline::http {

/// The OpenAPI 3.1 document (docs/api/openapi.json, embedded at build time).
std::string_view openapi_document() noexcept;

}  // namespace sightline::http
