// libFuzzer target: incremental multipart/form-data parsing. The first byte picks how the body
// is cut into chunks, the first line after it is the Content-Type header, the rest the body.
// The stream must agree with parse_multipart (same parts, or both refuse with the same code)
// and hold back at most one chunk plus a part header block.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http/multipart.hpp"
#include "http/multipart_stream.hpp"

namespace {

using sightline::Status;
using sightline::http::MultipartHandler;
using sightline::http::MultipartPart;

struct Collected {
    std::string name, filename, content_type, body;
    bool ended = false;
};

class Collector final : public MultipartHandler {
  public:
    Status on_part_begin(const MultipartPart& part) override {
        if (!parts.empty() && !parts.back().ended) __builtin_trap();
        parts.push_back({part.name, part.filename, part.content_type, {}, false});
        return {};
    }
    Status on_part_data(std::string_view data) override {
        if (parts.empty() || parts.back().ended || data.empty()) __builtin_trap();
        parts.back().body += data;
        return {};
    }
    Status on_part_end() override {
        if (parts.empty() || parts.back().ended) __builtin_trap();
        parts.back().ended = true;
        return {};
    }
    std::vector<Collected> parts;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    std::uint32_t seed = data[0];
    std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
    auto eol = input.find('\n');
    auto content_type = input.substr(0, eol);
    auto body = eol == std::string_view::npos ? std::string_view{} : input.substr(eol + 1);
    auto boundary = sightline::http::multipart_boundary(content_type);
    if (!boundary || !*boundary) return 0;

    const sightline::http::MultipartLimits limits{.max_parts = 4, .max_part_header_bytes = 256};
    sightline::http::MultipartStream stream(**boundary, limits);
    Collector collector;
    Status streamed;
    std::size_t largest_chunk = 0;
    for (std::size_t from = 0; from < body.size() && streamed;) {
        seed = seed * 1103515245u + 12345u;
        std::size_t chunk = 1 + (seed >> 16) % 97;
        chunk = std::min(chunk, body.size() - from);
        largest_chunk = std::max(largest_chunk, chunk);
        streamed = stream.feed(body.substr(from, chunk), collector);
        if (stream.buffered_bytes() > largest_chunk + limits.max_part_header_bytes + 4)
            __builtin_trap();  // memory must stay bounded
        from += chunk;
    }
    if (streamed) streamed = stream.finish();

    auto whole = sightline::http::parse_multipart(body, **boundary, limits);
    if (whole.has_value() != streamed.has_value()) __builtin_trap();
    if (!whole) {
        if (whole.error().code != streamed.error().code) __builtin_trap();
        return 0;
    }
    if (whole->size() != collector.parts.size()) __builtin_trap();
    for (std::size_t i = 0; i < whole->size(); ++i) {
        const auto& a = (*whole)[i];
        const auto& b = collector.parts[i];
        if (a.name != b.name || a.filename != b.filename || a.content_type != b.content_type ||
            a.body != b.body || !b.ended)
            __builtin_trap();
    }
    return 0;
}
