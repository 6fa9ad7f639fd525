#pragma once
// A small command-line parser: --name VALUE, --name=VALUE, boolean --flag, positionals, and
// "--" to end options; and the one checked parser of the numbers given to options. No I/O.

#include <cstdint>
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

/// Whether a range includes its lower end: speeds are "above 0", counts "from 1".
enum class LowerBound { inclusive, exclusive };

/// The value of `option` (its name with dashes, "--speed", used in the message) as a decimal
/// number in [min, max] (or (min, max] with LowerBound::exclusive). The whole text must be the
/// number: no spaces, no leading '+', no trailing characters, no hex, no NaN or infinity, no
/// value that overflows a double. invalid_argument otherwise, with a message that names the
/// option, the accepted range and the text given, e.g.
/// "--speed: expected a number above 0 and up to 100, got 'fast'".
Result<double> parse_number(std::string_view option, std::string_view text, double min, double max,
                            LowerBound lower = LowerBound::inclusive);

/// The value of `option` as a whole number in [min, max], decimal digits with an optional '-'
/// and nothing else; e.g. "--threads: expected a whole number from 1 to 256, got 'abc'".
Result<std::int64_t> parse_integer(std::string_view option, std::string_view text, std::int64_t min,
                                   std::int64_t max);

/// A number of bytes in [min_bytes, max_bytes]: a whole number, optionally followed by K, M or G
/// (either case; powers of 1024), e.g. "1G" or "100k". The same rules and message as
/// parse_integer, with the range written in the largest suffix that divides it ("1 to 1024G").
Result<std::int64_t> parse_size(std::string_view option, std::string_view text,
                                std::int64_t min_bytes, std::int64_t max_bytes);

}  // namespace sightline::cli
