#include "model/tags.hpp"

#include <fmt/core.h>
#include <array>
#include <charconv>
#include <cmath>

namespace sightline::model {
namespace {

// Decodes one UTF-8 sequence at text[i]; returns the code point and advances i, or -1 if the
// sequence is malformed (overlong, surrogate, > U+10FFFF, truncated).
long decode_utf8(std::string_view text, std::size_t& i) noexcept {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned char c = byte(i);
    if (c < 0x80) {
        ++i;
        return c;
    }
    int extra = 0;
    long cp = 0;
    long min = 0;
    if ((c & 0xE0) == 0xC0) {
        extra = 1, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        extra = 2, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        extra = 3, cp = c & 0x07, min = 0x10000;
    } else {
        return -1;
    }
    if (i + extra >= text.size()) return -1;
    for (int k = 1; k <= extra; ++k) {
        unsigned char cc = byte(i + k);
        if ((cc & 0xC0) != 0x80) return -1;
        cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
    i += extra + 1;
    return cp;
}

bool is_control(long cp) noexcept {
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

std::optional<double> parse_number(std::string_view text) {
    while (!text.empty() && text.front() == ' ')
        text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ')
        text.remove_suffix(1);
    if (text.empty()) return std::nullopt;
    double v = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || ptr != text.data() + text.size() || !std::isfinite(v))
        return std::nullopt;
    return v;
}

bool one_of(std::string_view value, std::initializer_list<std::string_view> allowed) {
    for (auto a : allowed)
        if (value == a) return true;
    return false;
}

bool is_osm_date(std::string_view v) {
    // YYYY, YYYY-MM or YYYY-MM-DD: the forms Sightline writes and most mappers use.
    if (v.size() != 4 && v.size() != 7 && v.size() != 10) return false;
    for (std::size_t i = 0; i < v.size(); ++i) {
        bool dash = (i == 4 || i == 7);
        if (dash ? v[i] != '-' : (v[i] < '0' || v[i] > '9')) return false;
    }
    return true;
}

constexpr std::array<std::pair<std::string_view, double>, 16> compass_points{{
    {"N", 0},
    {"NNE", 22.5},
    {"NE", 45},
    {"ENE", 67.5},
    {"E", 90},
    {"ESE", 112.5},
    {"SE", 135},
    {"SSE", 157.5},
    {"S", 180},
    {"SSW", 202.5},
    {"SW", 225},
    {"WSW", 247.5},
    {"W", 270},
    {"WNW", 292.5},
    {"NW", 315},
    {"NNW", 337.5},
}};

}  // namespace

bool is_clean_utf8(std::string_view text) noexcept {
    std::size_t i = 0;
    while (i < text.size()) {
        long cp = decode_utf8(text, i);
        if (cp < 0 || is_control(cp)) return false;
    }
    return true;
}

std::size_t utf8_length(std::string_view text) noexcept {
    std::size_t n = 0;
    for (char c : text)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    return n;
}

std::optional<std::string_view> tag(const Tags& tags, std::string_view key) {
    auto it = tags.find(key);
    if (it == tags.end()) return std::nullopt;
    return std::string_view(it->second);
}

Result<std::vector<double>> parse_directions(std::string_view value) {
    std::vector<double> out;
    std::size_t start = 0;
    while (start <= value.size()) {
        std::size_t semi = value.find(';', start);
        std::string_view part =
            value.substr(start, semi == std::string_view::npos ? semi : semi - start);
        while (!part.empty() && part.front() == ' ')
            part.remove_prefix(1);
        while (!part.empty() && part.back() == ' ')
            part.remove_suffix(1);
        std::optional<double> deg;
        for (auto [name, d] : compass_points)
            if (part == name) deg = d;
        if (!deg) deg = parse_number(part);
        if (!deg || *deg < -360 || *deg > 720)
            return fail(Errc::invalid_argument,
                        fmt::format("camera:direction: '{}' is not degrees or a compass point",
                                    part.substr(0, 40)));
        out.push_back(std::fmod(std::fmod(*deg, 360.0) + 360.0, 360.0));
        if (semi == std::string_view::npos) break;
        start = semi + 1;
    }
    return out;
}

std::string format_directions(const std::vector<double>& directions_deg) {
    std::string out;
    for (double d : directions_deg) {
        if (!out.empty()) out += ';';
        if (d == std::floor(d))
            out += fmt::format("{}", static_cast<long>(d));
        else
            out += fmt::format("{}", d);
    }
    return out;
}

Status validate_tags(const Tags& tags) {
    if (tags.size() > max_tags)
        return fail(Errc::invalid_argument, fmt::format("at most {} tags are allowed", max_tags));
    for (const auto& [key, value] : tags) {
        if (key.empty()) return fail(Errc::invalid_argument, "tag keys must not be empty");
        if (!is_clean_utf8(key))
            return fail(Errc::invalid_argument,
                        "tag keys must be valid UTF-8 without control characters");
        if (utf8_length(key) > max_tag_length)
            return fail(Errc::invalid_argument, "tag keys are limited to 255 characters");
        std::string shown_key = utf8_length(key) > 60 ? key.substr(0, 60) + "..." : key;
        if (!is_clean_utf8(value))
            return fail(
                Errc::invalid_argument,
                fmt::format("tag '{}': value must be valid UTF-8 without control characters",
                            shown_key));
        if (value.empty())
            return fail(Errc::invalid_argument,
                        fmt::format("tag '{}': value must not be empty", shown_key));
        if (utf8_length(value) > max_tag_length)
            return fail(Errc::invalid_argument,
                        fmt::format("tag '{}': values are limited to 255 characters", shown_key));
        auto bad = [&](std::string_view expected) {
            return fail(Errc::invalid_argument,
                        fmt::format("tag '{}': expected {}", shown_key, expected));
        };
        if (key == "man_made" && value != "surveillance") return bad("surveillance");
        if (key == "surveillance" && !one_of(value, {"public", "outdoor", "indoor"}))
            return bad("public, outdoor or indoor");
        if (key == "surveillance:type" &&
            !one_of(value, {"camera", "ALPR", "guard", "gunshot_detector"}))
            return bad("camera, ALPR, guard or gunshot_detector");
        if (key == "camera:type" && !one_of(value, {"fixed", "dome", "panning"}))
            return bad("fixed, dome or panning");
        if (key == "camera:direction") {
            auto dirs = parse_directions(value);
            if (!dirs) return std::unexpected(dirs.error());
        }
        if (key == "camera:angle") {
            auto v = parse_number(value);
            if (!v || *v < -90 || *v > 90) return bad("a tilt in degrees between -90 and 90");
        }
        if (key == "height") {
            std::string_view h = value;
            if (h.ends_with(" m")) h.remove_suffix(2);
            auto v = parse_number(h);
            if (!v || *v < 0 || *v > 1000) return bad("a height in metres between 0 and 1000");
        }
        if (key == "start_date" && !is_osm_date(value)) return bad("YYYY, YYYY-MM or YYYY-MM-DD");
    }
    return {};
}

}  // namespace sightline::model
