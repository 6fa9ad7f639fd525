#include "http/conditional.hpp"

#include <gtest/gtest.h>

namespace sightline::http {
namespace {

Request get_with(std::vector<std::pair<std::string, std::string>> headers) {
    Request r;
    r.method = "GET";
    for (auto& [name, value] : headers)
        r.headers.emplace(std::move(name), std::move(value));
    return r;
}

TEST(HttpDate, WritesTheRfc9110ExampleAndReadsItBack) {
    // RFC 9110 5.6.7: Sun, 06 Nov 1994 08:49:37 GMT.
    EXPECT_EQ(http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
    EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
    EXPECT_EQ(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    for (std::int64_t t : {0LL, 951782400LL, 1798761599LL, 4102444800LL})
        EXPECT_EQ(parse_http_date(http_date(t)), t) << http_date(t);
}

TEST(HttpDate, AnythingElseIsNotADate) {
    for (const char* text : {"", "yesterday", "Sunday, 06-Nov-94 08:49:37 GMT",
                             "Sun Nov  6 08:49:37 1994", "Sun, 06 Nov 1994 08:49:37 UTC",
                             "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Xyz 1994 08:49:37 GMT",
                             "Sun, 06 Nov 1994 25:49:37 GMT", "Sun, 0x Nov 1994 08:49:37 GMT",
                             "Sun, 06 Nov 1994 08:-1:37 GMT", "Sun, 06 Nov -994 08:49:37 GMT"})
        EXPECT_FALSE(parse_http_date(text).has_value()) << text;
}

TEST(Conditional, IfNoneMatchDecidesAndIfModifiedSinceIsTheFallback) {
    const std::string etag = "W/\"abc-7-csv\"";
    const std::int64_t changed = 784111777;
    EXPECT_FALSE(is_not_modified(get_with({}), etag, changed));
    EXPECT_TRUE(is_not_modified(get_with({{"if-none-match", etag}}), etag, changed));
    EXPECT_TRUE(is_not_modified(get_with({{"if-none-match", "\"abc-7-csv\""}}), etag, changed))
        << "weak comparison";
    EXPECT_TRUE(
        is_not_modified(get_with({{"if-none-match", "\"x\", W/\"abc-7-csv\""}}), etag, changed));
    EXPECT_TRUE(is_not_modified(get_with({{"if-none-match", "*"}}), etag, changed));
    EXPECT_FALSE(is_not_modified(get_with({{"if-none-match", "W/\"abc-6-csv\""}}), etag, changed));
    const std::string at = http_date(changed);
    EXPECT_TRUE(is_not_modified(get_with({{"if-modified-since", at}}), etag, changed));
    EXPECT_TRUE(
        is_not_modified(get_with({{"if-modified-since", http_date(changed + 60)}}), etag, changed));
    EXPECT_FALSE(
        is_not_modified(get_with({{"if-modified-since", http_date(changed - 1)}}), etag, changed));
    EXPECT_FALSE(is_not_modified(get_with({{"if-modified-since", "garbage"}}), etag, changed));
    EXPECT_FALSE(is_not_modified(get_with({{"if-modified-since", at}}), etag, 0))
        << "no known change time: no date comparison";
    // RFC 9110 13.2.2: with If-None-Match, If-Modified-Since is not evaluated.
    EXPECT_FALSE(is_not_modified(
        get_with({{"if-none-match", "W/\"old\""}, {"if-modified-since", at}}), etag, changed));
    auto post = get_with({{"if-none-match", etag}});
    post.method = "POST";
    EXPECT_FALSE(is_not_modified(post, etag, changed));
}

}  // namespace
}  // namespace sightline::http
