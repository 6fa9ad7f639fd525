#include "cli/args.hpp"

#include <cassert>
#include <cctype>
#include <charconv>
#include <cmath>

#include <fmt/core.h>

namespace sightline::cli {
namespace {

// The text as given, shortened: it is echoed in the message and could be anything.
std::string quoted(std::string_view text) {
    constexpr std::size_t max_shown = 40;
    if (text.size() <= max_shown) return fmt::format("'{}'", text);
    return fmt::format("'{}...'", text.substr(0, max_shown));
}

// from_chars, not stod/stoi: it neither throws, nor skips spaces, nor follows the locale, and
// it says where it stopped, so trailing junk ("12abc") is refused instead of read as 12.
template <typename T>
bool whole_text_is(std::string_view text, T& value) {
    if (text.empty()) return false;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc{} && end == text.data() + text.size();
}

std::string size_text(std::int64_t bytes) {
    for (auto [shift, suffix] : {std::pair{30, 'G'}, {20, 'M'}, {10, 'K'}}) {
        const std::int64_t unit = std::int64_t{1} << shift;
        if (bytes != 0 && bytes % unit == 0) return fmt::format("{}{}", bytes / unit, suffix);
    }
    return fmt::format("{}", bytes);
}

}  // namespace

std::optional<std::string> ParsedArgs::value(std::string_view name) const {
    auto it = values.find(name);
    if (it == values.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
}

std::vector<std::string> ParsedArgs::all(std::string_view name) const {
    auto it = values.find(name);
    return it == values.end() ? std::vector<std::string>{} : it->second;
}

Result<ParsedArgs> parse_args(const std::vector<std::string>& args,
                              const std::vector<OptionSpec>& specs) {
    ParsedArgs parsed;
    bool options_ended = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (options_ended || arg.size() < 2 || !arg.starts_with("--")) {
            if (arg == "-" || !arg.starts_with("-") || options_ended) {
                parsed.positionals.push_back(arg);
                continue;
            }
            return fail(Errc::invalid_argument,
                        fmt::format("unknown option '{}' (see --help)", arg));
        }
        if (arg == "--") {
            options_ended = true;
            continue;
        }
        std::string name = arg.substr(2);
        std::optional<std::string> inline_value;
        if (auto eq = name.find('='); eq != std::string::npos) {
            inline_value = name.substr(eq + 1);
            name.resize(eq);
        }
        const OptionSpec* spec = nullptr;
        for (const auto& s : specs)
            if (s.name == name) spec = &s;
        if (!spec)
            return fail(Errc::invalid_argument,
                        fmt::format("unknown option '--{}' (see --help)", name));
        auto& slot = parsed.values[name];
        if (!slot.empty() && !spec->repeatable)
            return fail(Errc::invalid_argument, fmt::format("option '--{}' given twice", name));
        if (spec->value_name.empty()) {
            if (inline_value)
                return fail(Errc::invalid_argument,
                            fmt::format("option '--{}' takes no value", name));
            slot.emplace_back();
            continue;
        }
        if (inline_value) {
            slot.push_back(*inline_value);
        } else if (i + 1 < args.size()) {
            slot.push_back(args[++i]);
        } else {
            return fail(Errc::invalid_argument,
                        fmt::format("option '--{}' needs a value {}", name, spec->value_name));
        }
    }
    return parsed;
}

std::string format_options(const std::vector<OptionSpec>& specs) {
    std::string out = "Options:\n";
    std::vector<std::string> lefts;
    std::size_t width = 0;
    for (const auto& s : specs) {
        lefts.push_back("--" + s.name + (s.value_name.empty() ? "" : " " + s.value_name));
        width = std::max(width, lefts.back().size());
    }
    for (std::size_t i = 0; i < specs.size(); ++i)
        out += fmt::format("  {:<{}}  {}\n", lefts[i], width, specs[i].help);
    return out;
}

Result<double> parse_number(std::string_view option, std::string_view text, double min, double max,
                            LowerBound lower) {
    assert(min <= max);
    double value = 0;
    // from_chars reads "nan" and "inf"; an overflow ("1e999") is an error, not infinity.
    if (whole_text_is(text, value) && std::isfinite(value) &&
        (lower == LowerBound::exclusive ? value > min : value >= min) && value <= max)
        return value;
    const std::string range = lower == LowerBound::exclusive
                                  ? fmt::format("above {} and up to {}", min, max)
                                  : fmt::format("from {} to {}", min, max);
    return fail(Errc::invalid_argument,
                fmt::format("{}: expected a number {}, got {}", option, range, quoted(text)));
}

Result<std::int64_t> parse_integer(std::string_view option, std::string_view text, std::int64_t min,
                                   std::int64_t max) {
    assert(min <= max);
    std::int64_t value = 0;
    if (whole_text_is(text, value) && value >= min && value <= max) return value;
    return fail(Errc::invalid_argument,
                fmt::format("{}: expected a whole number from {} to {}, got {}", option, min, max,
                            quoted(text)));
}

Result<std::int64_t> parse_size(std::string_view option, std::string_view text,
                                std::int64_t min_bytes, std::int64_t max_bytes) {
    assert(0 <= min_bytes && min_bytes <= max_bytes);
    std::string_view digits = text;
    std::int64_t unit = 1;
    if (!digits.empty()) {
        switch (std::toupper(static_cast<unsigned char>(digits.back()))) {
            case 'K':
                unit = std::int64_t{1} << 10;
                break;
            case 'M':
                unit = std::int64_t{1} << 20;
                break;
            case 'G':
                unit = std::int64_t{1} << 30;
                break;
            default:
                break;
        }
        if (unit != 1) digits.remove_suffix(1);
    }
    std::int64_t count = 0;
    // "-0" would pass the range check; a size has no sign at all.
    if (!digits.starts_with('-') && whole_text_is(digits, count) && count <= max_bytes / unit &&
        count * unit >= min_bytes)
        return count * unit;
    return fail(Errc::invalid_argument,
                fmt::format("{}: expected a size from {} to {} (bytes, or with K, M or G), got {}",
                            option, size_text(min_bytes), size_text(max_bytes), quoted(text)));
}

}  // namespace sightline::cli
