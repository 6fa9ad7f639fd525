// libFuzzer target: multipart/form-data framing. The first line of the input is the
// Content-Type header, the rest the body.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/multipart.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto eol = input.find('\n');
    auto content_type = input.substr(0, eol);
    auto body = eol == std::string_view::npos ? std::string_view{} : input.substr(eol + 1);
    auto boundary = sightline::http::multipart_boundary(content_type);
    if (!boundary || !*boundary) return 0;
    auto parts = sightline::http::parse_multipart(body, **boundary);
    if (parts)
        for (const auto& part : *parts)
            if (part.body.data() < body.data() ||
                part.body.data() + part.body.size() > body.data() + body.size())
                __builtin_trap();  // a part must view the body
    return 0;
}
