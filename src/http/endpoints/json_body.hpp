#pragma once
// Parsing of JSON request bodies and typed access to their fields, with clear 4xx errors.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "http/request.hpp"

namespace sightline::http {

/// Parses the body as a JSON object. 415 unless Content-Type is application/json; 400 for
/// invalid JSON (including invalid UTF-8 in strings), nesting deeper than `max_depth`, or a
/// top-level value that is not an object.
Result<nlohmann::json> parse_json_object(const Request& request, std::size_t max_depth);
/// The same checks on JSON text that is not the whole body (a multipart part).
Result<nlohmann::json> parse_json_object_text(std::string_view text, std::size_t max_depth);
/// "application/json" with optional parameters, case-insensitive.
bool is_json_media_type(std::optional<std::string_view> content_type);

/// 400 if `object` has a key not in `allowed`.
Status reject_unknown_fields(const nlohmann::json& object,
                             std::initializer_list<std::string_view> allowed);

/// Field accessors: nullopt when absent or null, 400 when present with the wrong type.
Result<std::optional<std::string>> optional_string(const nlohmann::json& object,
                                                   std::string_view key);
Result<std::optional<double>> optional_number(const nlohmann::json& object, std::string_view key);
Result<std::optional<std::int64_t>> optional_integer(const nlohmann::json& object,
                                                     std::string_view key);

/// Parses a positive 64-bit id from a path or query parameter (400 otherwise).
Result<std::int64_t> parse_id(std::optional<std::string_view> text, std::string_view what);
/// Parses an integer query parameter in [min, max]; `fallback` when absent.
Result<int> parse_int_param(std::optional<std::string_view> text, std::string_view what, int min,
                            int max, int fallback);
/// Parses a finite number query parameter in [min, max]; `fallback` when absent.
Result<double> parse_number_param(std::optional<std::string_view> text, std::string_view what,
                                  double min, double max, double fallback);

}  // namespace sightline::http
