// Incremental multipart/form-data parsing: the same parts as parse_multipart wherever the chunks
// end, the same refusals, bounded memory.
#include "http/multipart_stream.hpp"

#include <random>

#include <gtest/gtest.h>

namespace sightline::http {
namespace {

struct Part {
    std::string name;
    std::string filename;
    std::string content_type;
    std::string body;
    bool ended = false;
    friend bool operator==(const Part&, const Part&) = default;
};

std::ostream& operator<<(std::ostream& out, const Part& p) {
    return out << "{" << p.name << ", " << p.filename << ", " << p.content_type << ", "
               << p.body.size() << " bytes" << (p.ended ? "" : ", not ended") << "}";
}

class Collector final : public MultipartHandler {
  public:
    Status on_part_begin(const MultipartPart& part) override {
        EXPECT_TRUE(parts.empty() || parts.back().ended) << "a part began inside another";
        EXPECT_TRUE(part.body.empty());
        parts.push_back({part.name, part.filename, part.content_type, {}, false});
        return {};
    }
    Status on_part_data(std::string_view data) override {
        EXPECT_FALSE(data.empty());
        EXPECT_TRUE(!parts.empty() && !parts.back().ended) << "data outside a part";
        if (!parts.empty()) parts.back().body += data;
        ++data_calls;
        return {};
    }
    Status on_part_end() override {
        EXPECT_TRUE(!parts.empty() && !parts.back().ended);
        if (!parts.empty()) parts.back().ended = true;
        return {};
    }
    std::vector<Part> parts;
    std::size_t data_calls = 0;
};

/// The stream's result for `body` cut at `cuts` (increasing offsets).
Result<std::vector<Part>> parse_in_chunks(std::string_view body, std::string_view boundary,
                                          const std::vector<std::size_t>& cuts,
                                          MultipartLimits limits = {}) {
    MultipartStream stream(boundary, limits);
    Collector collector;
    std::size_t from = 0;
    auto feed_until = [&](std::size_t to) -> Status {
        auto ok = stream.feed(body.substr(from, to - from), collector);
        from = to;
        return ok;
    };
    for (auto cut : cuts)
        if (auto ok = feed_until(cut); !ok) return std::unexpected(ok.error());
    if (auto ok = feed_until(body.size()); !ok) return std::unexpected(ok.error());
    if (auto ok = stream.finish(); !ok) return std::unexpected(ok.error());
    return collector.parts;
}

/// What parse_multipart says, in the same shape.
Result<std::vector<Part>> parse_whole(std::string_view body, std::string_view boundary,
                                      MultipartLimits limits = {}) {
    auto parts = parse_multipart(body, boundary, limits);
    if (!parts) return std::unexpected(parts.error());
    std::vector<Part> out;
    for (const auto& p : *parts)
        out.push_back({p.name, p.filename, p.content_type, std::string(p.body), true});
    return out;
}

void expect_same(const Result<std::vector<Part>>& whole, const Result<std::vector<Part>>& streamed,
                 const std::string& context) {
    ASSERT_EQ(whole.has_value(), streamed.has_value())
        << context << ": " << (whole ? streamed.error().message : whole.error().message);
    if (whole) {
        EXPECT_EQ(*whole, *streamed) << context;
    } else {
        EXPECT_EQ(whole.error().code, streamed.error().code) << context;
        EXPECT_FALSE(streamed.error().message.empty());
    }
}

std::string body_of(std::initializer_list<std::pair<std::string, std::string>> parts) {
    std::string body;
    for (const auto& [headers, content] : parts)
        body += "--XyZ\r\n" + headers + "\r\n\r\n" + content + "\r\n";
    return body + "--XyZ--\r\n";
}

const std::string disposition = "Content-Disposition: form-data; name=\"a\"";

std::vector<std::string> valid_bodies() {
    // Bytes that look like the start of a boundary, but none is complete.
    constexpr char raw[] = "\xFF\xD8\r\n--Xy\0\r\n\r\r\n-\r\n-XyZ-\r\n--xyZ\r\n--X";
    std::string binary(raw, sizeof raw - 1);
    return {
        body_of({{"Content-Disposition: form-data; name=\"report\"\r\n"
                  "Content-Type: application/json",
                  "{\"a\":1}"},
                 {"content-disposition: form-data; name=photo; filename=\"x.jpg\"\r\n"
                  "Content-Type: IMAGE/JPEG",
                  binary}}),
        "preamble text\r\n--XyZ\r\n" + disposition + "\r\n\r\n\r\n--XyZ--",
        "\r\n--XyZ\r\n" + disposition + "\r\n\r\nx\r\n--XyZ--epilogue\r\n--XyZ\r\nmore",
        "--XyZ \t \r\n" + disposition + "\r\n\r\n\r\n\r\n--XyZ\t\r\n" + disposition +
            "\r\n\r\n--XyZ\r\n--XyZ--",
        "--XyZ--",
    };
}

std::vector<std::string> malformed_bodies() {
    return {
        std::string(""),
        std::string("--Xy"),
        std::string("no boundary here"),
        "--XyZ\r\n" + disposition + "\r\n\r\nunterminated",
        "--XyZ\r\n" + disposition + "\r\n\r\nalmost\r\n--XyZ",
        "--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: attachment\r\n\r\nx\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--",
        "--XyZ\r\nbroken header line\r\n\r\nx\r\n--XyZ--",
        "--XyZ junk\r\n" + disposition + "\r\n\r\nx\r\n--XyZ--",
        "--XyZ\r\n\r\nx\r\n--XyZ--",
        "--XyZ\r\n" + disposition,
        "--XyZ-",
        "--XyZ\r\n" + std::string(5000, 'h') + ": v\r\n\r\nx\r\n--XyZ--",
        "--XyZ\r\n" + std::string(5000, 'h'),
    };
}

TEST(MultipartStream, GivesTheSamePartsAsParseMultipartWhereverTheBodyIsSplit) {
    for (const auto& body : valid_bodies()) {
        auto whole = parse_whole(body, "XyZ");
        ASSERT_TRUE(whole) << whole.error().message << "\n" << body;
        expect_same(whole, parse_in_chunks(body, "XyZ", {}), "in one piece");
        for (std::size_t cut = 0; cut <= body.size(); ++cut)
            expect_same(whole, parse_in_chunks(body, "XyZ", {cut}),
                        "cut at " + std::to_string(cut));
        // Two cuts: every pair of positions.
        for (std::size_t a = 0; a <= body.size(); ++a)
            for (std::size_t b = a; b <= body.size(); ++b)
                expect_same(whole, parse_in_chunks(body, "XyZ", {a, b}),
                            "cut at " + std::to_string(a) + " and " + std::to_string(b));
    }
}

TEST(MultipartStream, ParsesABodyFedOneByteAtATime) {
    for (const auto& body : valid_bodies()) {
        std::vector<std::size_t> cuts;
        for (std::size_t i = 1; i < body.size(); ++i)
            cuts.push_back(i);
        expect_same(parse_whole(body, "XyZ"), parse_in_chunks(body, "XyZ", cuts), "byte by byte");
    }
}

TEST(MultipartStream, RefusesWhatParseMultipartRefusesWhereverTheBodyIsSplit) {
    for (const auto& body : malformed_bodies()) {
        auto whole = parse_whole(body, "XyZ");
        ASSERT_FALSE(whole) << body.substr(0, 60);
        for (std::size_t cut = 0; cut <= body.size(); ++cut)
            expect_same(whole, parse_in_chunks(body, "XyZ", {cut}),
                        body.substr(0, 40) + " cut at " + std::to_string(cut));
    }
}

TEST(MultipartStream, RefusesMorePartsThanTheLimit) {
    std::string body;
    for (int i = 0; i < 4; ++i)
        body += "--XyZ\r\n" + disposition + "\r\n\r\nx\r\n";
    body += "--XyZ--";
    EXPECT_TRUE(parse_in_chunks(body, "XyZ", {7}, {.max_parts = 4}));
    auto refused = parse_in_chunks(body, "XyZ", {7}, {.max_parts = 3});
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::too_large);
}

TEST(MultipartStream, RefusesPartHeadersOverTheLimitBeforeTheirEnd) {
    MultipartStream stream("XyZ", {.max_parts = 8, .max_part_header_bytes = 100});
    Collector collector;
    ASSERT_TRUE(stream.feed("--XyZ\r\n" + disposition + "\r\nX-Pad: ", collector));
    auto refused = stream.feed(std::string(200, 'p'), collector);  // no blank line yet
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::invalid_argument);
    EXPECT_EQ(stream.buffered_bytes(), 0u);
    // The error sticks.
    EXPECT_FALSE(stream.feed("\r\n\r\nx\r\n--XyZ--", collector));
    EXPECT_FALSE(stream.finish());
}

TEST(MultipartStream, StopsAtAHandlerErrorAndKeepsIt) {
    struct Refuser final : MultipartHandler {
        Status on_part_begin(const MultipartPart& part) override {
            if (part.name != "media") return fail(Errc::invalid_argument, "only 'media'");
            return {};
        }
        Status on_part_data(std::string_view) override { return {}; }
        Status on_part_end() override { return {}; }
    } refuser;
    MultipartStream stream("XyZ");
    auto first = stream.feed("--XyZ\r\n" + disposition + "\r\n\r\nx\r\n--XyZ--", refuser);
    ASSERT_FALSE(first);
    EXPECT_EQ(first.error().message, "only 'media'");
    EXPECT_EQ(stream.feed("more", refuser).error().message, "only 'media'");
    EXPECT_EQ(stream.finish().error().message, "only 'media'");
}

TEST(MultipartStream, IgnoresTheEpilogue) {
    MultipartStream stream("XyZ");
    Collector collector;
    ASSERT_TRUE(stream.feed("--XyZ\r\n" + disposition + "\r\n\r\nx\r\n--XyZ--", collector));
    EXPECT_TRUE(stream.complete());
    EXPECT_TRUE(stream.feed("garbage --XyZ\r\nmore", collector));
    EXPECT_TRUE(stream.finish());
    ASSERT_EQ(collector.parts.size(), 1u);
    EXPECT_EQ(collector.parts[0].body, "x");
}

TEST(MultipartStream, KeepsMemoryBoundedByTheChunkWhateverThePartSize) {
    MultipartStream stream("XyZ");
    Collector collector;
    ASSERT_TRUE(stream.feed("--XyZ\r\n" + disposition + "\r\n\r\n", collector));
    // 16 MiB of data that looks like the start of a boundary at every chunk edge.
    std::string chunk(64 * 1024, 'd');
    chunk.replace(chunk.size() - 5, 5, "\r\n--X");
    std::size_t most_buffered = 0;
    for (int i = 0; i < 256; ++i) {
        ASSERT_TRUE(stream.feed(chunk, collector));
        most_buffered = std::max(most_buffered, stream.buffered_bytes());
        ASSERT_EQ(collector.parts.size(), 1u);
        collector.parts[0].body.clear();  // the test's own copy, not the parser's
    }
    EXPECT_LE(most_buffered, 5u);  // only the possible boundary start is held back
    ASSERT_TRUE(stream.feed("\r\n--XyZ--", collector));
    EXPECT_TRUE(stream.finish());
    EXPECT_TRUE(collector.parts[0].ended);
}

// Random bodies built from the pieces that matter to framing (boundary fragments, CRLFs,
// dashes, header lines), cut at random places: the stream must always agree with the parser.
TEST(MultipartStream, AgreesWithParseMultipartOnRandomBodies) {
    const std::vector<std::string> pieces{"--XyZ",
                                          "--XyZ\r\n",
                                          "\r\n--XyZ",
                                          "\r\n--XyZ--",
                                          "\r\n",
                                          "\r\n\r\n",
                                          "--",
                                          "-",
                                          "\r",
                                          "\n",
                                          " ",
                                          "\t",
                                          "X",
                                          "Xy",
                                          "data",
                                          disposition,
                                          "Content-Type: image/jpeg\r\n",
                                          disposition + "; filename=\"f.jpg\"\r\n\r\n",
                                          "--XyZ\r\n" + disposition + "\r\n\r\n"};
    std::mt19937 random(12345);
    int accepted = 0;
    for (int round = 0; round < 20000; ++round) {
        std::string body;
        int n = std::uniform_int_distribution<int>(0, 12)(random);
        for (int i = 0; i < n; ++i)
            body +=
                pieces[std::uniform_int_distribution<std::size_t>(0, pieces.size() - 1)(random)];
        std::vector<std::size_t> cuts;
        int m = std::uniform_int_distribution<int>(0, 4)(random);
        for (int i = 0; i < m; ++i)
            cuts.push_back(std::uniform_int_distribution<std::size_t>(0, body.size())(random));
        std::sort(cuts.begin(), cuts.end());
        MultipartLimits limits{.max_parts = 3, .max_part_header_bytes = 64};
        auto whole = parse_whole(body, "XyZ", limits);
        accepted += whole.has_value();
        expect_same(whole, parse_in_chunks(body, "XyZ", cuts, limits), body);
        if (::testing::Test::HasFailure()) break;
    }
    EXPECT_GT(accepted, 100);  // the generator does reach valid bodies
}

}  // namespace
}  // namespace sightline::http
