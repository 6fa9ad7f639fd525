#include "http/endpoints/json_body.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "core/json_string.hpp"

namespace sightline::http {

// "application/json" with optional parameters (charset); media type names are
// case-insensitive (RFC 9110 section 8.3.1). "application/jsonp" and friends are not JSON.
bool is_json_media_type(std::optional<std::string_view> header) {
    if (!header) return false;
    std::string_view type = header->substr(0, header->find(';'));
    while (!type.empty() && (type.back() == ' ' || type.back() == '\t'))
        type.remove_suffix(1);
    while (!type.empty() && (type.front() == ' ' || type.front() == '\t'))
        type.remove_prefix(1);
    constexpr std::string_view json = "application/json";
    if (type.size() != json.size()) return false;
    for (std::size_t i = 0; i < json.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(type[i])) != json[i]) return false;
    return true;
}

Result<nlohmann::json> parse_json_object(const Request& request, std::size_t max_depth) {
    if (!is_json_media_type(request.header("content-type")))
        return fail(Errc::unsupported_media_type,
                    "send the body as Content-Type: application/json");
    return parse_json_object_text(request.body, max_depth);
}

Result<nlohmann::json> parse_json_object_text(std::string_view text, std::size_t max_depth) {
    if (text.empty()) return fail(Errc::invalid_argument, "the request body is empty");
    if (!json_nesting_within(text, max_depth))
        return fail(Errc::invalid_argument,
                    fmt::format("JSON nested deeper than {} levels", max_depth));
    // A key twice in one object is refused: parsers disagree on which one counts (nlohmann takes
    // the last, others the first), which lets a body mean one thing to a proxy or a log and
    // another here.
    std::vector<std::set<std::string, std::less<>>> open_objects;
    std::string repeated;
    const auto watch_keys = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& value) {
        using Event = nlohmann::json::parse_event_t;
        if (event == Event::object_start) {
            open_objects.emplace_back();
        } else if (event == Event::object_end) {
            if (!open_objects.empty()) open_objects.pop_back();
        } else if (event == Event::key && !open_objects.empty() && value.is_string() &&
                   !open_objects.back().insert(value.get<std::string>()).second &&
                   repeated.empty()) {
            repeated = value.get<std::string>();
        }
        return true;
    };
    nlohmann::json parsed = nlohmann::json::parse(text, watch_keys, /*allow_exceptions=*/false);
    if (parsed.is_discarded())
        return fail(Errc::invalid_argument, "the body is not valid JSON (or not valid UTF-8)");
    if (!repeated.empty()) {
        std::string shown = repeated.size() > 40 ? repeated.substr(0, 40) + "..." : repeated;
        return fail(Errc::invalid_argument, fmt::format("the field '{}' appears twice", shown));
    }
    if (!parsed.is_object()) return fail(Errc::invalid_argument, "the body must be a JSON object");
    return parsed;
}

Status reject_unknown_fields(const nlohmann::json& object,
                             std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, value] : object.items()) {
        bool known = false;
        for (auto a : allowed)
            known = known || key == a;
        if (!known) {
            std::string shown = key.size() > 40 ? key.substr(0, 40) + "..." : key;
            return fail(Errc::invalid_argument, fmt::format("unknown field '{}'", shown));
        }
    }
    return {};
}

Result<std::optional<std::string>> optional_string(const nlohmann::json& object,
                                                   std::string_view key) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return std::optional<std::string>{};
    if (!it->is_string())
        return fail(Errc::invalid_argument, fmt::format("'{}' must be a string", key));
    return std::optional<std::string>{it->get<std::string>()};
}

Result<std::optional<double>> optional_number(const nlohmann::json& object, std::string_view key) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return std::optional<double>{};
    if (!it->is_number())
        return fail(Errc::invalid_argument, fmt::format("'{}' must be a number", key));
    return std::optional<double>{it->get<double>()};
}

Result<std::optional<std::int64_t>> optional_integer(const nlohmann::json& object,
                                                     std::string_view key) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return std::optional<std::int64_t>{};
    if (!it->is_number_integer())
        return fail(Errc::invalid_argument, fmt::format("'{}' must be an integer", key));
    return std::optional<std::int64_t>{it->get<std::int64_t>()};
}

Result<std::int64_t> parse_id(std::optional<std::string_view> text, std::string_view what) {
    std::int64_t v = 0;
    if (text && !text->empty()) {
        auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
        if (ec == std::errc{} && ptr == text->data() + text->size() && v > 0) return v;
    }
    return fail(Errc::invalid_argument, fmt::format("{} must be a positive integer", what));
}

Result<int> parse_int_param(std::optional<std::string_view> text, std::string_view what, int min,
                            int max, int fallback) {
    if (!text) return fallback;
    int v = 0;
    auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (text->empty() || ec != std::errc{} || ptr != text->data() + text->size() || v < min ||
        v > max)
        return fail(Errc::invalid_argument,
                    fmt::format("{} must be an integer from {} to {}", what, min, max));
    return v;
}

Result<double> parse_number_param(std::optional<std::string_view> text, std::string_view what,
                                  double min, double max, double fallback) {
    if (!text) return fallback;
    double value = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (text->empty() || ec != std::errc{} || end != text->data() + text->size() ||
        !std::isfinite(value) || value < min || value > max)
        return fail(Errc::invalid_argument,
                    fmt::format("{} must be a number from {:g} to {:g}", what, min, max));
    return value;
}

}  // namespace sightline::http
