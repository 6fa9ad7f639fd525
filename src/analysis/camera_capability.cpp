#include "analysis/camera_capability.hpp"

#include <fmt/core.h>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <numbers>
#include <optional>

#include "model/camera.hpp"

namespace sightline::analysis {

std::string_view camera_models_csv() noexcept;  // generated from data/camera_models.csv

namespace {

constexpr double default_mount_height_m = 4.0;

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
    a = trim(a);
    b = trim(b);
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

std::optional<double> parse_number(std::string_view text) {
    text = trim(text);
    if (text.empty()) return std::nullopt;
    double v = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || ptr != text.data() + text.size() || !std::isfinite(v))
        return std::nullopt;
    return v;
}

// One CSV record (RFC 4180 quoting) starting at `pos`; advances pos past the line end.
Result<std::vector<std::string>> read_record(std::string_view csv, std::size_t& pos, int line) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    while (pos < csv.size()) {
        char c = csv[pos++];
        if (quoted) {
            if (c == '"') {
                if (pos < csv.size() && csv[pos] == '"') {
                    fields.back() += '"';
                    ++pos;
                } else {
                    quoted = false;
                }
            } else {
                fields.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.emplace_back();
        } else if (c == '\n') {
            return fields;
        } else if (c != '\r') {
            fields.back() += c;
        }
    }
    if (quoted)
        return fail(Errc::invalid_argument,
                    fmt::format("camera catalogue line {}: unterminated quote", line));
    return fields;
}

CameraModelSpec fallback_spec() {
    return {"generic", "", "unknown", 1920, 90, 90, 30, "built-in fallback: 1080p, HFOV 90 deg"};
}

std::string kind_of(const model::Tags& tags) {
    std::string kind = model::camera_kind(tags);
    if (kind == "fixed" || kind == "dome" || kind == "panning" || kind == "ALPR") return kind;
    return "unknown";
}

Result<std::optional<double>> number_tag(const model::Tags& tags, std::string_view key,
                                         bool zero_allowed, double max) {
    auto text = model::tag(tags, key);
    if (!text) return std::optional<double>{};
    std::string_view t = trim(*text);
    if (t.ends_with(" m")) t.remove_suffix(2);
    auto v = parse_number(t);
    if (!v || *v < 0 || (*v == 0 && !zero_allowed) || *v > max)
        return fail(Errc::invalid_argument,
                    fmt::format("tag '{}': expected a number {} 0 and at most {}", key,
                                zero_allowed ? "from" : "greater than", max));
    return v;
}

double reach_m(int horizontal_pixels, double hfov_deg, double pixels_per_metre) {
    double half = hfov_deg * std::numbers::pi / 360.0;
    return horizontal_pixels / (2.0 * pixels_per_metre * std::tan(half));
}

}  // namespace

std::string_view to_string(DoriLevel level) noexcept {
    switch (level) {
        case DoriLevel::detect:
            return "detect";
        case DoriLevel::observe:
            return "observe";
        case DoriLevel::recognise:
            return "recognise";
        case DoriLevel::identify:
            return "identify";
    }
    return "detect";
}

Result<DoriLevel> parse_dori_level(std::string_view text) {
    if (equal_ignoring_case(text, "detect")) return DoriLevel::detect;
    if (equal_ignoring_case(text, "observe")) return DoriLevel::observe;
    if (equal_ignoring_case(text, "recognise") || equal_ignoring_case(text, "recognize"))
        return DoriLevel::recognise;
    if (equal_ignoring_case(text, "identify")) return DoriLevel::identify;
    return fail(Errc::invalid_argument,
                fmt::format("'{}' is not a DORI level (detect, observe, recognise, identify)",
                            text.substr(0, 40)));
}

const CameraCatalogue& CameraCatalogue::builtin() {
    static const CameraCatalogue catalogue = [] {
        auto parsed = from_csv(camera_models_csv());
        if (!parsed) throw Exception("built-in camera catalogue: " + parsed.error().message);
        return std::move(*parsed);
    }();
    return catalogue;
}

Result<CameraCatalogue> CameraCatalogue::from_csv(std::string_view csv) {
    constexpr std::array<std::string_view, 8> header{
        "manufacturer", "model",        "camera_type", "horizontal_pixels",
        "hfov_min_deg", "hfov_max_deg", "ir_range_m",  "source"};
    CameraCatalogue out;
    std::size_t pos = 0;
    int line = 0;
    bool header_seen = false;
    while (pos < csv.size()) {
        ++line;
        auto fields = read_record(csv, pos, line);
        if (!fields) return std::unexpected(fields.error());
        if (fields->size() == 1 && trim((*fields)[0]).empty()) continue;
        if (fields->size() != header.size())
            return fail(Errc::invalid_argument,
                        fmt::format("camera catalogue line {}: expected {} fields, got {}", line,
                                    header.size(), fields->size()));
        if (!header_seen) {
            for (std::size_t i = 0; i < header.size(); ++i)
                if (trim((*fields)[i]) != header[i])
                    return fail(Errc::invalid_argument,
                                fmt::format("camera catalogue: header field {} must be '{}'", i + 1,
                                            header[i]));
            header_seen = true;
            continue;
        }
        const auto& f = *fields;
        auto pixels = parse_number(f[3]);
        auto hfov_min = parse_number(f[4]);
        auto hfov_max = parse_number(f[5]);
        auto ir = parse_number(f[6]);
        if (!pixels || *pixels < 1 || *pixels > 100'000 || *pixels != std::floor(*pixels))
            return fail(Errc::invalid_argument,
                        fmt::format("camera catalogue line {}: bad horizontal_pixels", line));
        if (!hfov_min || !hfov_max || *hfov_min <= 0 || *hfov_max < *hfov_min || *hfov_max >= 180)
            return fail(Errc::invalid_argument,
                        fmt::format("camera catalogue line {}: need 0 < hfov_min_deg <= "
                                    "hfov_max_deg < 180",
                                    line));
        if (!ir || *ir < 0)
            return fail(Errc::invalid_argument,
                        fmt::format("camera catalogue line {}: bad ir_range_m", line));
        std::string type(trim(f[2]));
        if (type != "fixed" && type != "dome" && type != "panning" && type != "ALPR" &&
            type != "unknown")
            return fail(Errc::invalid_argument,
                        fmt::format("camera catalogue line {}: camera_type must be fixed, dome, "
                                    "panning, ALPR or unknown",
                                    line));
        out.models_.push_back({std::string(trim(f[0])), std::string(trim(f[1])), std::move(type),
                               static_cast<int>(*pixels), *hfov_min, *hfov_max, *ir,
                               std::string(trim(f[7]))});
    }
    if (!header_seen) return fail(Errc::invalid_argument, "camera catalogue: empty");
    return out;
}

const CameraModelSpec* CameraCatalogue::find(std::string_view manufacturer,
                                             std::string_view model) const {
    if (trim(model).empty()) return nullptr;
    const CameraModelSpec* by_model_only = nullptr;
    int model_matches = 0;
    for (const auto& spec : models_) {
        if (spec.model.empty() || !equal_ignoring_case(spec.model, model)) continue;
        if (equal_ignoring_case(spec.manufacturer, manufacturer)) return &spec;
        by_model_only = &spec;
        ++model_matches;
    }
    // A model number without a manufacturer tag is still specific enough when unambiguous.
    if (trim(manufacturer).empty() && model_matches == 1) return by_model_only;
    return nullptr;
}

const CameraModelSpec& CameraCatalogue::generic_for(std::string_view camera_kind) const {
    const CameraModelSpec* unknown = nullptr;
    for (const auto& spec : models_) {
        if (!spec.model.empty()) continue;
        if (spec.camera_type == camera_kind) return spec;
        if (spec.camera_type == "unknown") unknown = &spec;
    }
    if (unknown) return *unknown;
    static const CameraModelSpec fallback = fallback_spec();
    return fallback;
}

Result<CameraCapability> camera_capability(geo::LatLon location, const model::Tags& tags,
                                           const CameraCatalogue& catalogue) {
    CameraCapability out;
    out.location = location;

    auto height = number_tag(tags, "height", true, 1000);
    if (!height) return std::unexpected(height.error());
    out.mount_height_m = height->value_or(default_mount_height_m);
    auto range_override = number_tag(tags, "sightline:range_m", false, 100'000);
    if (!range_override) return std::unexpected(range_override.error());
    auto hfov_override = number_tag(tags, "sightline:hfov_deg", false, 360);
    if (!hfov_override) return std::unexpected(hfov_override.error());
    std::vector<double> directions;
    if (auto text = model::tag(tags, "camera:direction")) {
        auto parsed = model::parse_directions(*text);
        if (!parsed) return std::unexpected(parsed.error());
        directions = std::move(*parsed);
    }

    auto first_tag = [&](std::string_view a, std::string_view b) {
        if (auto v = model::tag(tags, a)) return *v;
        return model::tag(tags, b).value_or(std::string_view{});
    };
    std::string kind = kind_of(tags);
    const CameraModelSpec* spec = catalogue.find(first_tag("camera:manufacturer", "manufacturer"),
                                                 first_tag("camera:model", "model"));
    bool specific_model = spec != nullptr;
    if (spec) {
        out.basis = fmt::format("catalogue {} {}", spec->manufacturer, spec->model);
        if (kind == "unknown") kind = spec->camera_type;
    } else {
        spec = &catalogue.generic_for(kind);
        out.basis = fmt::format("generic {}", kind);
    }

    if (*range_override) {
        for (std::size_t l = 0; l < dori_level_count; ++l)
            out.range_m[l] = **range_override * dori_pixels_per_metre[1] / dori_pixels_per_metre[l];
        out.basis += "; range override";
    } else {
        // The tele end: the farthest the camera can be zoomed to see (an upper bound).
        for (std::size_t l = 0; l < dori_level_count; ++l)
            out.range_m[l] =
                reach_m(spec->horizontal_pixels, spec->hfov_min_deg, dori_pixels_per_metre[l]);
    }

    // Which way it can look: domes and PTZ cameras may turn anywhere; a dome housing a
    // catalogued fixed-lens model with a mapped direction is treated as fixed.
    // An hfov override says what it covers, so it is honoured with the mapped directions.
    bool turns =
        !*hfov_override && (kind == "panning" ||
                            (kind == "dome" && !(specific_model && spec->camera_type == "fixed")));
    double width = hfov_override->value_or(spec->hfov_max_deg);
    if (*hfov_override) out.basis += "; hfov override";
    if (turns || directions.empty() || width >= 360) {
        out.sectors.push_back({0, 360});
    } else {
        for (double d : directions)
            out.sectors.push_back({d, width});
    }
    return out;
}

}  // namespace sightline::analysis
