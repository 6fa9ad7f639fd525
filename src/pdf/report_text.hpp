#pragma once
// The words of the printable report in each language the web app speaks: English, Serbian in
// Latin and in Cyrillic script. Numbers and dates are written as each language writes them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sightline::pdf {

enum class Language { en, sr_latn, sr_cyrl };

/// "en", "sr-Latn", "sr-Cyrl" (case-insensitive; "sr" alone is Latin); nullopt otherwise.
std::optional<Language> parse_language(std::string_view tag);

/// The phrases of the report, by key ("title", "cameras", "dori.observe", ...). Every key exists
/// in every language; an unknown key comes back as itself.
std::string_view text(Language language, std::string_view key);

/// A camera kind as the legend names it ("dome" -> "kupolasta"); unknown kinds as they are.
std::string kind_name(Language language, std::string_view kind);

/// 1234.5 -> "1,234.5" (en) or "1.234,5" (sr) with `decimals` decimals.
std::string format_number(Language language, double value, int decimals);

/// The date of a unix time (UTC): "6 December 2026", "6. decembra 2026.", "6. децембра 2026.".
std::string format_date(Language language, std::int64_t unix_seconds);

}  // namespace sightline::pdf
