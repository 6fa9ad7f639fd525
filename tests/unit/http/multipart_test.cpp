// multipart/form-data parsing: framing, headers, limits and malformed bodies.
#include <gtest/gtest.h>

#include "http/multipart.hpp"

namespace sightline::http {
namespace {

std::string body_of(std::initializer_list<std::pair<std::string, std::string>> parts) {
    std::string body;
    for (const auto& [headers, content] : parts)
        body += "--XyZ\r\n" + headers + "\r\n\r\n" + content + "\r\n";
    return body + "--XyZ--\r\n";
}

TEST(Multipart, FindsTheBoundaryOnlyInMultipartFormData) {
    EXPECT_EQ(*multipart_boundary("multipart/form-data; boundary=XyZ"), "XyZ");
    EXPECT_EQ(*multipart_boundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b\""), "a b");
    EXPECT_EQ(*multipart_boundary("application/json"), std::nullopt);
    EXPECT_EQ(multipart_boundary("multipart/form-data").error().code, Errc::invalid_argument);
    EXPECT_EQ(
        multipart_boundary("multipart/form-data; boundary=" + std::string(71, 'x')).error().code,
        Errc::invalid_argument);
}

TEST(Multipart, SplitsPartsWithNamesTypesAndBinaryBodies) {
    std::string binary("\xFF\xD8\r\n--Xy\0\r\n", 11);
    auto body = body_of({{"Content-Disposition: form-data; name=\"report\"\r\n"
                          "Content-Type: application/json",
                          "{\"a\":1}"},
                         {"content-disposition: form-data; name=photo; filename=\"x.jpg\"\r\n"
                          "Content-Type: IMAGE/JPEG",
                          binary}});
    auto parts = parse_multipart(body, "XyZ");
    ASSERT_TRUE(parts) << parts.error().message;
    ASSERT_EQ(parts->size(), 2u);
    EXPECT_EQ((*parts)[0].name, "report");
    EXPECT_EQ((*parts)[0].content_type, "application/json");
    EXPECT_EQ((*parts)[0].body, "{\"a\":1}");
    EXPECT_EQ((*parts)[1].name, "photo");
    EXPECT_EQ((*parts)[1].filename, "x.jpg");
    EXPECT_EQ((*parts)[1].content_type, "image/jpeg");
    EXPECT_EQ((*parts)[1].body, binary);  // CRLF and a boundary-like prefix inside survive
}

TEST(Multipart, SkipsAPreambleAndAcceptsAnEmptyPart) {
    std::string body =
        "preamble text\r\n--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"
        "\r\n--XyZ--";
    auto parts = parse_multipart(body, "XyZ");
    ASSERT_TRUE(parts) << parts.error().message;
    ASSERT_EQ(parts->size(), 1u);
    EXPECT_EQ((*parts)[0].body, "");
}

TEST(Multipart, RefusesMalformedBodiesWithAClearError) {
    const std::string disposition = "Content-Disposition: form-data; name=\"a\"";
    const std::vector<std::string> bodies{
        std::string(""),                                                   // empty
        std::string("no boundary here"),                                   // never delimited
        "--XyZ\r\n" + disposition + "\r\n\r\nunterminated",                // not closed
        "--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--",           // no disposition
        "--XyZ\r\nContent-Disposition: attachment\r\n\r\nx\r\n--XyZ--",    // not form-data
        "--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--",     // no name
        "--XyZ\r\nbroken header line\r\n\r\nx\r\n--XyZ--",                 // no colon
        "--XyZ junk\r\n" + disposition + "\r\n\r\nx\r\n--XyZ--",           // bad delimiter
        "--XyZ\r\n" + std::string(5000, 'h') + ": v\r\n\r\nx\r\n--XyZ--",  // huge headers
    };
    for (const auto& body : bodies) {
        auto parts = parse_multipart(body, "XyZ");
        ASSERT_FALSE(parts) << "accepted: " << body.substr(0, 60);
        EXPECT_EQ(parts.error().code, Errc::invalid_argument) << body.substr(0, 60);
        EXPECT_FALSE(parts.error().message.empty());
    }
}

TEST(Multipart, RefusesMorePartsThanTheLimit) {
    std::string body;
    for (int i = 0; i < 4; ++i)
        body += "--XyZ\r\nContent-Disposition: form-data; name=\"p\"\r\n\r\nx\r\n";
    body += "--XyZ--";
    EXPECT_TRUE(parse_multipart(body, "XyZ", {.max_parts = 4}));
    EXPECT_EQ(parse_multipart(body, "XyZ", {.max_parts = 3}).error().code, Errc::too_large);
}

}  // namespace
}  // namespace sightline::http
