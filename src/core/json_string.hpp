#pragma once

#include <string>
#include <string_view>

namespace sightline {

/// Appends `text` as a JSON string literal (RFC 8259), quotes included. Control characters are
/// escaped; invalid UTF-8 sequences become U+FFFD, so the output is always valid JSON.
void append_json_string(std::string& out, std::string_view text);

}  // namespace sightline
