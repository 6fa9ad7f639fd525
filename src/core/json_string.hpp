#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sightline {

/// Appends `text` as a JSON string literal (RFC 8259), quotes included. Control characters are
/// escaped; invalid UTF-8 sequences become U+FFFD, so the output is always valid JSON.
void append_json_string(std::string& out, std::string_view text);

/// True if JSON text nests objects and arrays at most `max_depth` deep (brackets inside strings
/// do not count). One linear pass, run before parsing, so that a body of a million '[' is refused
/// without recursing. It does not validate the JSON.
bool json_nesting_within(std::string_view text, std::size_t max_depth) noexcept;

}  // namespace sightline
