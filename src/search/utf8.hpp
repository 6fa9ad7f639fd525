#pragma once
// UTF-8 to code points and back, for search's own use. Invalid input is skipped byte by byte
// (overlong forms, surrogates, code points above U+10FFFF, truncated sequences), never fatal.

#include <string>
#include <string_view>
#include <vector>

namespace sightline::search::utf8 {

/// The valid code points of `text`, in order; every byte that does not start a valid sequence
/// is dropped.
std::vector<char32_t> decode(std::string_view text);

/// Appends `code_point` (assumed valid) to `out` as UTF-8.
void append(std::string& out, char32_t code_point);

/// The code points as UTF-8.
std::string encode(const std::vector<char32_t>& code_points);

}  // namespace sightline::search::utf8
