#include "cli/args.hpp"

#include <fmt/core.h>

namespace sightline::cli {

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

}  // namespace sightline::cli
