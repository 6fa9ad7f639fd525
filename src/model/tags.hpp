#pragma once
// OpenStreetMap-style tags and the rules they must follow.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace sightline::model {

/// Key -> value, sorted by key so every output is deterministic.
using Tags = std::map<std::string, std::string, std::less<>>;

/// OSM limits: keys and values are at most 255 characters (Unicode code points).
constexpr std::size_t max_tag_length = 255;
/// Sightline's own limit on tags per object, to bound storage per report.
constexpr std::size_t max_tags = 100;

/// True if `text` is valid UTF-8 without control characters (U+0000-U+001F, U+007F-U+009F).
bool is_clean_utf8(std::string_view text) noexcept;
/// Number of code points in valid UTF-8 text.
std::size_t utf8_length(std::string_view text) noexcept;

/// Checks general OSM rules (non-empty key, lengths, clean UTF-8) and the value rules of the
/// keys Sightline interprets (surveillance:type, camera:type, camera:direction, camera:angle,
/// height, ...). The message names the offending key.
Status validate_tags(const Tags& tags);

/// Value of `key`, or nullopt.
std::optional<std::string_view> tag(const Tags& tags, std::string_view key);

/// Parses an OSM camera:direction value: degrees ("135", "22.5") or compass points ("NE",
/// "SSW"), several separated by ";". Degrees are normalised to [0, 360).
Result<std::vector<double>> parse_directions(std::string_view value);
/// Formats directions as an OSM value: "135;270" (integers where exact).
std::string format_directions(const std::vector<double>& directions_deg);

}  // namespace sightline::model
