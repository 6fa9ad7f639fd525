#include "http/conditional.hpp"

#include <array>
#include <charconv>
#include <chrono>

#include <fmt/format.h>

#include "http/field_text.hpp"

namespace sightline::http {
namespace {

constexpr std::array<std::string_view, 7> weekdays{"Thu", "Fri", "Sat", "Sun",
                                                   "Mon", "Tue", "Wed"};  // 1970-01-01: Thursday
constexpr std::array<std::string_view, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::optional<int> number(std::string_view text) {
    int v = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
    return v;
}

}  // namespace

bool etag_matches(std::string_view header, std::string_view etag) {
    auto opaque = [](std::string_view tag) {
        tag = trim_whitespace(tag);
        if (tag.starts_with("W/")) tag.remove_prefix(2);
        return tag;
    };
    const auto mine = opaque(etag);
    std::size_t start = 0;
    while (start <= header.size()) {
        auto comma = header.find(',', start);
        auto part = opaque(header.substr(
            start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        if (part == "*" || part == mine) return true;
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return false;
}

std::string http_date(std::int64_t unix_s) {
    using namespace std::chrono;
    const sys_seconds t{seconds{unix_s}};
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss hms{t - day};
    const auto weekday = ((day.time_since_epoch().count() % 7) + 7) % 7;
    return fmt::format("{}, {:02d} {} {:04d} {:02d}:{:02d}:{:02d} GMT",
                       weekdays[static_cast<std::size_t>(weekday)],
                       static_cast<unsigned>(ymd.day()),
                       months[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                       hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

std::optional<std::int64_t> parse_http_date(std::string_view text) {
    using namespace std::chrono;
    text = trim_whitespace(text);
    // "Sun, 06 Nov 1994 08:49:37 GMT": fixed length and positions.
    if (text.size() != 29 || text[3] != ',' || text[4] != ' ' || text[7] != ' ' ||
        text[11] != ' ' || text[16] != ' ' || text[19] != ':' || text[22] != ':' ||
        text.substr(25) != " GMT")
        return std::nullopt;
    auto d = number(text.substr(5, 2));
    auto y = number(text.substr(12, 4));
    auto hh = number(text.substr(17, 2));
    auto mm = number(text.substr(20, 2));
    auto ss = number(text.substr(23, 2));
    std::optional<unsigned> month;
    for (unsigned i = 0; i < months.size(); ++i)
        if (text.substr(8, 3) == months[i]) month = i + 1;
    if (!d || !y || !hh || !mm || !ss || !month || *d < 1 || *y < 0 || *hh < 0 || *hh > 23 ||
        *mm < 0 || *mm > 59 || *ss < 0 || *ss > 60)
        return std::nullopt;
    const year_month_day ymd{year{*y}, std::chrono::month{*month}, day{static_cast<unsigned>(*d)}};
    if (!ymd.ok()) return std::nullopt;
    return sys_days{ymd}.time_since_epoch().count() * std::int64_t{86400} + *hh * 3600 + *mm * 60 +
           *ss;
}

bool is_not_modified(const Request& request, std::string_view etag, std::int64_t last_modified) {
    if (request.method != "GET" && request.method != "HEAD") return false;
    if (auto inm = request.header("if-none-match")) return etag_matches(*inm, etag);
    if (last_modified <= 0) return false;
    if (auto ims = request.header("if-modified-since")) {
        auto since = parse_http_date(*ims);
        return since && last_modified <= *since;
    }
    return false;
}

}  // namespace sightline::http
