#include "http/request.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "http/client_key.hpp"
#include "http/dispatch.hpp"
#include "http/response.hpp"

namespace sightline::http {

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(PercentDecode, DecodesEscapes) {
    EXPECT_EQ(percent_decode("a%20b%2Fc%c3%a9", false), "a b/c\xc3\xa9");
    EXPECT_EQ(percent_decode("a+b", false), "a+b");
    EXPECT_EQ(percent_decode("a+b", true), "a b");
    EXPECT_EQ(percent_decode("", false), "");
}

TEST(PercentDecode, RejectsMalformedEscapes) {
    for (auto text : {"%", "%2", "%zz", "abc%", "%g0", "%0g"}) {
        EXPECT_FALSE(percent_decode(text, false)) << text;
    }
}

TEST(ParseQuery, SplitsAndDecodesInOrder) {
    EXPECT_EQ(parse_query("a=1&b=x%20y&c=d+e&a=2"),
              (Pairs{{"a", "1"}, {"b", "x y"}, {"c", "d e"}, {"a", "2"}}));
}

TEST(ParseQuery, HandlesEmptyAndBareKeys) {
    EXPECT_EQ(parse_query(""), Pairs{});
    EXPECT_EQ(parse_query("&&flag&x=&=v"), (Pairs{{"flag", ""}, {"x", ""}, {"", "v"}}));
    EXPECT_EQ(parse_query("q=a=b"), (Pairs{{"q", "a=b"}}));
}

TEST(ParseQuery, KeepsMalformedEscapesAsTheyAre) {
    EXPECT_EQ(parse_query("q=100%&r=%zz"), (Pairs{{"q", "100%"}, {"r", "%zz"}}));
}

TEST(Request, ReturnsFirstQueryParameter) {
    Request request;
    request.query = parse_query("a=1&a=2");
    EXPECT_EQ(request.query_param("a"), "1");
    EXPECT_FALSE(request.query_param("b"));
}

TEST(Request, ParsesCookies) {
    Request request;
    request.headers["cookie"] = "session=abc123; theme=\"dark\";  empty=; flag";
    EXPECT_EQ(request.cookie("session"), "abc123");
    EXPECT_EQ(request.cookie("theme"), "dark");
    EXPECT_EQ(request.cookie("empty"), "");
    EXPECT_FALSE(request.cookie("flag"));
    EXPECT_FALSE(request.cookie("sess"));
    EXPECT_EQ(request.header("cookie"), request.headers["cookie"]);
    EXPECT_FALSE(Request{}.cookie("session"));
}

TEST(ParseTarget, SplitsPathAndQuery) {
    Request request;
    ASSERT_TRUE(parse_target("/api/v1/cameras/a%20b?bbox=1,2,3,4&q=x%26y", request));
    EXPECT_EQ(request.path, "/api/v1/cameras/a b");
    EXPECT_EQ(request.query, (Pairs{{"bbox", "1,2,3,4"}, {"q", "x&y"}}));
}

TEST(ParseTarget, AcceptsAbsoluteForm) {
    Request request;
    ASSERT_TRUE(parse_target("http://example.org/a?b=1", request));
    EXPECT_EQ(request.path, "/a");
    ASSERT_TRUE(parse_target("HTTP://example.org", request));
    EXPECT_EQ(request.path, "/");
}

TEST(ParseTarget, RejectsNulMalformedEscapesAndNonPaths) {
    Request request;
    for (auto target : {"/a%00b", "/a%zz", "/a%4", "*", "", "a/b", "ftp://x/y"}) {
        EXPECT_FALSE(parse_target(target, request)) << target;
    }
}

TEST(ErrorResponse, WritesCodeAndMessageAsJson) {
    auto response = error_response(Error{Errc::not_found, "no such camera"});
    EXPECT_EQ(response.status, 404);
    EXPECT_EQ(response.content_type, "application/json");
    EXPECT_EQ(response.body, R"({"error":{"code":"not_found","message":"no such camera"}})");
}

TEST(ErrorResponse, EscapesJsonStrings) {
    std::string message = "quote\" back\\slash\nnew\ttab\x01 \xc3\xa9 \xff bad";
    auto response = error_response(Error{Errc::invalid_argument, message});
    EXPECT_EQ(response.status, 400);
    auto json = nlohmann::json::parse(response.body);  // throws if not valid JSON
    EXPECT_EQ(json["error"]["code"], "invalid_argument");
    EXPECT_EQ(json["error"]["message"],
              "quote\" back\\slash\nnew\ttab\x01 \xc3\xa9 \xef\xbf\xbd bad");
}

TEST(AppendJsonString, ReplacesInvalidUtf8) {
    std::string out;
    // overlong '/', a lone continuation byte, a surrogate, a truncated sequence
    append_json_string(out, "\xc0\xaf|\x80|\xed\xa0\x80|\xe2\x82");
    EXPECT_EQ(out, R"("\ufffd\ufffd|\ufffd|\ufffd\ufffd\ufffd|\ufffd\ufffd")");
    out.clear();
    append_json_string(out, "\xf0\x9f\x93\xb7 camera");
    EXPECT_EQ(out, "\"\xf0\x9f\x93\xb7 camera\"");
}

TEST(JsonResponse, KeepsBodyAndStatus) {
    auto response = json_response(201, R"({"id":5})");
    EXPECT_EQ(response.status, 201);
    EXPECT_EQ(response.content_type, "application/json");
    EXPECT_EQ(response.body, R"({"id":5})");
    response.with_header("Location", "/cameras/5");
    EXPECT_EQ(response.headers.at(0).second, "/cameras/5");
}

TEST(RequestId, IsSixteenHexCharacters) {
    auto a = make_request_id();
    auto b = make_request_id();
    EXPECT_EQ(a.size(), 16u);
    EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_NE(a, b);
}

TEST(SipHash, MatchesReferenceVectors) {
    // From the SipHash paper: key 00..0f, messages 00, 00 01, ... (vectors 0, 1, 8, 15, 63).
    const std::uint64_t k0 = 0x0706050403020100ULL;
    const std::uint64_t k1 = 0x0f0e0d0c0b0a0908ULL;
    std::vector<unsigned char> message;
    for (int i = 0; i < 64; ++i)
        message.push_back(static_cast<unsigned char>(i));
    auto hash = [&](std::size_t n) {
        return siphash24(k0, k1, std::span<const unsigned char>(message.data(), n));
    };
    EXPECT_EQ(hash(0), 0x726fdb47dd0e0e31ULL);
    EXPECT_EQ(hash(1), 0x74f839c593dc67fdULL);
    EXPECT_EQ(hash(8), 0x93f5f5799a932462ULL);
    EXPECT_EQ(hash(15), 0xa129ca6149be45e5ULL);
    EXPECT_EQ(hash(63), 0x958a324ceb064572ULL);
}

TEST(ClientKeyHasher, IsStableWithinAKeyPeriodAndChangesWithTheKey) {
    std::array<unsigned char, 4> a{192, 0, 2, 1};
    std::array<unsigned char, 4> b{192, 0, 2, 2};
    ClientKeyHasher hasher;
    EXPECT_EQ(hasher.hash(a), hasher.hash(a));
    EXPECT_NE(hasher.hash(a), hasher.hash(b));
    ClientKeyHasher other;  // another random key
    EXPECT_NE(hasher.hash(a), other.hash(a));
    ClientKeyHasher rotating(std::chrono::seconds(0));  // new key on every call
    EXPECT_NE(rotating.hash(a), rotating.hash(a));
}

}  // namespace sightline::http
