// The nesting pre-check every JSON reader runs before parsing (request bodies, routes, districts).
#include <gtest/gtest.h>

#include <string>

#include "core/json_string.hpp"

namespace sightline {
namespace {

TEST(JsonNesting, CountsObjectsAndArraysUpToTheLimit) {
    EXPECT_TRUE(json_nesting_within(R"({"a": [1, {"b": []}]})", 4));  // { [ { [
    EXPECT_FALSE(json_nesting_within(R"({"a": [1, {"b": []}]})", 3));
    EXPECT_TRUE(json_nesting_within("", 0));
    EXPECT_FALSE(json_nesting_within(std::string(1'000'000, '['), 32));
}

TEST(JsonNesting, IgnoresBracketsInsideStringsAndEscapedQuotes) {
    EXPECT_TRUE(json_nesting_within(R"({"a": "[[[[{{{{"})", 1));
    EXPECT_TRUE(json_nesting_within(R"({"a": "x\"[[[[", "b": 1})", 1));
    EXPECT_FALSE(json_nesting_within(R"({"a": "x\\", "b": [[1]]})", 2));  // the string ends at \\"
}

TEST(JsonNesting, ClosingBracketsDoNotGoBelowZero) {
    EXPECT_TRUE(json_nesting_within("]]]]{}", 1));
    EXPECT_FALSE(json_nesting_within("]]]][[", 1));
}

}  // namespace
}  // namespace sightline
