#include "model/camera_check.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

#include <fmt/core.h>

#include "model/tags.hpp"

namespace sightline::model {

std::string_view to_string(CheckStatus status) noexcept {
    switch (status) {
        case CheckStatus::pending:
            return "pending";
        case CheckStatus::accepted:
            return "accepted";
        case CheckStatus::rejected:
            return "rejected";
    }
    return "pending";
}

Result<CheckStatus> parse_check_status(std::string_view text) {
    for (auto s : {CheckStatus::pending, CheckStatus::accepted, CheckStatus::rejected})
        if (text == to_string(s)) return s;
    return fail(Errc::invalid_argument, "status must be pending, accepted or rejected");
}

Result<NewCheck> validate_check(NewCheck check) {
    if (!check.note.empty() && !is_clean_utf8(check.note)) {
        // As in report notes: line breaks and tabs are text, other control characters are not.
        std::string stripped;
        for (char c : check.note)
            if (c != '\n' && c != '\r' && c != '\t') stripped += c;
        if (!is_clean_utf8(stripped))
            return fail(Errc::invalid_argument, "note must be valid UTF-8 text");
    }
    if (check.photos.size() > max_photos_per_check)
        return fail(Errc::too_large, "a check may carry one photo");
    for (const auto& photo : check.photos)
        if (!is_sha256_hex(photo.sha256))
            return fail(Errc::invalid_argument, "photo hash must be 64 lowercase hex digits");
    if (utf8_length(check.note) > max_check_note_length)
        return fail(Errc::invalid_argument,
                    fmt::format("note is limited to {} characters", max_check_note_length));
    return check;
}

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// "YYYY-MM-DD" -> unix seconds at 00:00 UTC; nullopt for anything else.
std::optional<std::int64_t> parse_iso_date(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    auto number = [&](std::size_t at, std::size_t length) -> std::optional<unsigned> {
        unsigned v = 0;
        auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + length, v);
        if (ec != std::errc{} || end != text.data() + at + length) return std::nullopt;
        return v;
    };
    auto y = number(0, 4);
    auto m = number(5, 2);
    auto d = number(8, 2);
    if (!y || !m || !d || *y < 1970 || *m < 1 || *m > 12 || *d < 1 || *d > 31) return std::nullopt;
    return days_from_civil(*y, *m, *d) * 86400;
}

}  // namespace

std::int64_t osm_last_confirmed(const Tags& tags, std::int64_t osm_timestamp, std::int64_t now) {
    std::int64_t confirmed = std::max<std::int64_t>(osm_timestamp, 0);
    if (auto check_date = tag(tags, "check_date"))
        if (auto at = parse_iso_date(*check_date)) confirmed = std::max(confirmed, *at);
    return std::min(confirmed, now);
}

}  // namespace sightline::model
