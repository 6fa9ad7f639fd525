#pragma once
// A small command-line parser: --name VALUE, --name=VALUE, boolean --flag, positionals, and
// "--" to end options. parse() does no I/O.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace sightline::cli {

struct OptionSpec {
    std::string name;        ///< without dashes: "data"
    std::string value_name;  ///< "DIR"; empty for a boolean flag
    std::string help;
    bool repeatable = false;
};

struct ParsedArgs {
    std::map<std::string, std::vector<std::string>, std::less<>> values;
    std::vector<std::string> positionals;

    [[nodiscard]] bool has(std::string_view name) const { return values.contains(name); }
    [[nodiscard]] std::optional<std::string> value(std::string_view name) const;
    [[nodiscard]] std::vector<std::string> all(std::string_view name) const;
};

/// invalid_argument for unknown options, missing values or repeated non-repeatable options.
Result<ParsedArgs> parse_args(const std::vector<std::string>& args,
                              const std::vector<OptionSpec>& specs);

/// "Options:" block for --help, aligned.
std::string format_options(const std::vector<OptionSpec>& specs);

}  // namespace sightline::cli
