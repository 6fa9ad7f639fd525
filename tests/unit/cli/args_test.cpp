#include "cli/args.hpp"

#include <limits>

#include <gtest/gtest.h>

namespace sightline::cli {
namespace {

// The message of a refused value, or a note that it was accepted.
template <typename T>
std::string refusal(const Result<T>& result) {
    return result ? "accepted" : result.error().message;
}

// --- parse_number --------------------------------------------------------------------------

TEST(ParseNumber, ReadsDecimalNumbersInTheRange) {
    EXPECT_EQ(parse_number("--speed", "1.4", 0, 100), 1.4);
    EXPECT_EQ(parse_number("--speed", "100", 0, 100), 100.0);
    EXPECT_EQ(parse_number("--speed", "0", 0, 100), 0.0);
    EXPECT_EQ(parse_number("--speed", "-2.5", -5, 5), -2.5);
    EXPECT_EQ(parse_number("--speed", "1e2", 0, 100), 100.0);
    EXPECT_EQ(parse_number("--speed", ".5", 0, 100), 0.5);
}

TEST(ParseNumber, RefusesEverythingButTheWholeNumber) {
    for (auto text : {"",    " ",    "12abc",    "1.5x",  "abc",    " 5",  "5 ",   "\t5",
                      "5\n", "+5",   "1,5",      "0x10",  "0x1p3",  "nan", "NaN",  "-nan",
                      "inf", "-inf", "infinity", "1e999", "-1e999", "--1", "1..2", "5%"}) {
        auto value = parse_number("--speed", text, -1e300, 1e300);
        EXPECT_FALSE(value) << "'" << text << "' gave " << (value ? *value : 0.0);
    }
}

TEST(ParseNumber, RefusesValuesOutsideTheRange) {
    EXPECT_FALSE(parse_number("--max-detour", "0.999", 1, 5));
    EXPECT_FALSE(parse_number("--max-detour", "5.001", 1, 5));
    EXPECT_FALSE(parse_number("--max-detour", "-1", 1, 5));
    EXPECT_TRUE(parse_number("--max-detour", "1", 1, 5));
    EXPECT_TRUE(parse_number("--max-detour", "5", 1, 5));
}

TEST(ParseNumber, AnExclusiveLowerBoundRefusesTheBoundItself) {
    EXPECT_FALSE(parse_number("--speed", "0", 0, 100, LowerBound::exclusive));
    EXPECT_FALSE(parse_number("--speed", "-0", 0, 100, LowerBound::exclusive));
    EXPECT_EQ(parse_number("--speed", "0.001", 0, 100, LowerBound::exclusive), 0.001);
    EXPECT_EQ(parse_number("--speed", "100", 0, 100, LowerBound::exclusive), 100.0);
}

TEST(ParseNumber, TheMessageNamesTheOptionTheRangeAndTheText) {
    auto value = parse_number("--max-detour", "6", 1, 5);
    ASSERT_FALSE(value);
    EXPECT_EQ(value.error().code, Errc::invalid_argument);
    EXPECT_EQ(value.error().message, "--max-detour: expected a number from 1 to 5, got '6'");
    EXPECT_EQ(refusal(parse_number("--speed", "fast", 0, 100, LowerBound::exclusive)),
              "--speed: expected a number above 0 and up to 100, got 'fast'");
    EXPECT_EQ(refusal(parse_number("--cell", "", 10, 100'000)),
              "--cell: expected a number from 10 to 100000, got ''");
    EXPECT_EQ(refusal(parse_number("--rate", "x", 0, 1e9)),
              "--rate: expected a number from 0 to 1000000000, got 'x'");
}

TEST(ParseNumber, ShortensALongTextInTheMessage) {
    auto message = refusal(parse_number("--speed", std::string(1000, '9'), 0, 100));
    EXPECT_LT(message.size(), 120u) << message;
    EXPECT_NE(message.find("'9999"), std::string::npos) << message;
    EXPECT_NE(message.find("...'"), std::string::npos) << message;
}

// --- parse_integer -------------------------------------------------------------------------

TEST(ParseInteger, ReadsWholeNumbersInTheRange) {
    EXPECT_EQ(parse_integer("--threads", "1", 1, 256), 1);
    EXPECT_EQ(parse_integer("--threads", "256", 1, 256), 256);
    EXPECT_EQ(parse_integer("--threads", "007", 1, 256), 7);
    EXPECT_EQ(parse_integer("--offset", "-3", -10, 10), -3);
    constexpr auto max = std::numeric_limits<std::int64_t>::max();
    EXPECT_EQ(parse_integer("--n", "9223372036854775807", 0, max), max);
}

TEST(ParseInteger, RefusesEverythingButTheWholeNumber) {
    for (auto text : {"",
                      " ",
                      "12abc",
                      "abc",
                      " 5",
                      "5 ",
                      "+5",
                      "1.0",
                      "1.5",
                      "1e3",
                      "0x10",
                      "0X10",
                      "10h",
                      "nan",
                      "inf",
                      "1e999",
                      "--5",
                      "5-",
                      "1_000",
                      "1,000",
                      "9223372036854775808",
                      "99999999999999999999999"}) {
        auto value = parse_integer("--threads", text, std::numeric_limits<std::int64_t>::min(),
                                   std::numeric_limits<std::int64_t>::max());
        EXPECT_FALSE(value) << "'" << text << "' gave " << (value ? *value : 0);
    }
}

TEST(ParseInteger, RefusesValuesOutsideTheRange) {
    EXPECT_FALSE(parse_integer("--threads", "0", 1, 256));
    EXPECT_FALSE(parse_integer("--threads", "257", 1, 256));
    EXPECT_FALSE(parse_integer("--threads", "-1", 1, 256));
    EXPECT_FALSE(parse_integer("--threads", "-0", 1, 256));
}

TEST(ParseInteger, TheMessageNamesTheOptionTheRangeAndTheText) {
    auto value = parse_integer("--threads", "abc", 1, 256);
    ASSERT_FALSE(value);
    EXPECT_EQ(value.error().code, Errc::invalid_argument);
    EXPECT_EQ(value.error().message, "--threads: expected a whole number from 1 to 256, got 'abc'");
    EXPECT_EQ(refusal(parse_integer("--max-zoom", "23", 0, 22)),
              "--max-zoom: expected a whole number from 0 to 22, got '23'");
}

// --- parse_size ----------------------------------------------------------------------------

TEST(ParseSize, ReadsBytesWithOrWithoutASuffix) {
    constexpr std::int64_t max = std::int64_t{1} << 40;
    EXPECT_EQ(parse_size("--max-bytes", "1", 1, max), 1);
    EXPECT_EQ(parse_size("--max-bytes", "100K", 1, max), 100 * 1024);
    EXPECT_EQ(parse_size("--max-bytes", "100k", 1, max), 100 * 1024);
    EXPECT_EQ(parse_size("--max-bytes", "3M", 1, max), 3 * 1024 * 1024);
    EXPECT_EQ(parse_size("--max-bytes", "1G", 1, max), std::int64_t{1} << 30);
    EXPECT_EQ(parse_size("--max-bytes", "1024G", 1, max), max);
}

TEST(ParseSize, RefusesEverythingButASize) {
    constexpr std::int64_t max = std::int64_t{1} << 40;
    for (auto text : {"",     "K",     "G",    "12abc", "1KB",
                      "1 K",  " 1K",   "+1K",  "-1K",   "-0",
                      "1.5G", "1T",    "0x10", "nan",   "inf",
                      "1e3",  "1025G", "0",    "0K",    "9223372036854775807G"}) {
        auto value = parse_size("--max-bytes", text, 1, max);
        EXPECT_FALSE(value) << "'" << text << "' gave " << (value ? *value : 0);
    }
}

TEST(ParseSize, TheMessageWritesTheRangeWithSuffixes) {
    EXPECT_EQ(refusal(parse_size("--scrub-max-bytes", "2T", 1, std::int64_t{1} << 40)),
              "--scrub-max-bytes: expected a size from 1 to 1024G (bytes, or with K, M or G), "
              "got '2T'");
    EXPECT_EQ(refusal(parse_size("--buffer", "1", 64 * 1024, 3 * 1024 * 1024)),
              "--buffer: expected a size from 64K to 3M (bytes, or with K, M or G), got '1'");
}

// --- parse_args ----------------------------------------------------------------------------

const std::vector<OptionSpec> specs{
    {"data", "DIR", "data folder"}, {"quiet", "", "no progress"}, {"tag", "T", "a tag", true}};

TEST(ParseArgs, ReadsValuesFlagsAndPositionals) {
    auto parsed = parse_args(
        {"in.gpx", "--data", "d", "--quiet", "--tag=a", "--tag", "b", "--", "--x"}, specs);
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->value("data"), "d");
    EXPECT_TRUE(parsed->has("quiet"));
    EXPECT_EQ(parsed->all("tag"), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(parsed->positionals, (std::vector<std::string>{"in.gpx", "--x"}));
}

TEST(ParseArgs, RefusesUnknownMissingAndRepeatedOptions) {
    EXPECT_EQ(refusal(parse_args({"--nope"}, specs)), "unknown option '--nope' (see --help)");
    EXPECT_EQ(refusal(parse_args({"--data"}, specs)), "option '--data' needs a value DIR");
    EXPECT_EQ(refusal(parse_args({"--data", "a", "--data", "b"}, specs)),
              "option '--data' given twice");
    EXPECT_EQ(refusal(parse_args({"--quiet=yes"}, specs)), "option '--quiet' takes no value");
}

}  // namespace
}  // namespace sightline::cli
