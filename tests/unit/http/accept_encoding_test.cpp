#include "http/accept_encoding.hpp"

#include <gtest/gtest.h>

namespace sightline::http {
namespace {

TEST(AcceptEncoding, ACodingIsAcceptedByNameOrWildcardUnlessItsQualityIsZero) {
    EXPECT_TRUE(accepts_coding("gzip, deflate, br", "br"));
    EXPECT_TRUE(accepts_coding("gzip, deflate, br", "gzip"));
    EXPECT_TRUE(accepts_coding("GZIP", "gzip")) << "names are case-insensitive";
    EXPECT_TRUE(accepts_coding("br;q=0.5", "br"));
    EXPECT_TRUE(accepts_coding(" br ; q=1 ", "br"));
    EXPECT_TRUE(accepts_coding("*", "br"));
    EXPECT_TRUE(accepts_coding("identity, *;q=0.1", "gzip"));

    EXPECT_FALSE(accepts_coding(std::nullopt, "gzip")) << "no header: identity only";
    EXPECT_FALSE(accepts_coding("", "gzip"));
    EXPECT_FALSE(accepts_coding("identity", "gzip"));
    EXPECT_FALSE(accepts_coding("gzip;q=0", "gzip"));
    EXPECT_FALSE(accepts_coding("gzip; q=0.000", "gzip"));
    EXPECT_FALSE(accepts_coding("br;q=0, gzip", "br"));
    EXPECT_FALSE(accepts_coding("*;q=0", "br"));
    EXPECT_FALSE(accepts_coding("*, br;q=0", "br")) << "its own entry wins over the wildcard";
    EXPECT_FALSE(accepts_coding("xbr, brx", "br")) << "whole names only";
    EXPECT_FALSE(accepts_coding("gzip", "br"));
}

}  // namespace
}  // namespace sightline::http
