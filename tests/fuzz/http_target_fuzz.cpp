// libFuzzer target: the request target and what is read from it (http::parse_target, which the
// server core calls on every request; parse_query, percent_decode, query_param, cookie). The
// first line of the input is the target, the rest a Cookie header. Every input must end in a
// Request whose path is an absolute, NUL-free path, or false: no crash, no sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/dispatch.hpp"
#include "http/request.hpp"

namespace {

void check(bool promise) {
    if (!promise) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace sightline::http;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto eol = input.find('\n');
    std::string_view target = input.substr(0, eol);
    std::string_view cookie =
        eol == std::string_view::npos ? std::string_view{} : input.substr(eol + 1);

    Request request;
    if (parse_target(target, request)) {
        check(!request.path.empty() && request.path.front() == '/');
        check(request.path.find('\0') == std::string::npos);
        for (const auto& [key, value] : request.query)
            check(request.query_param(key).has_value());
    }
    auto decoded = percent_decode(target, true);
    if (decoded) check(decoded->size() <= target.size());
    for (const auto& [key, value] : parse_query(target))
        check(key.size() <= target.size() && value.size() <= target.size());

    request.headers.emplace("cookie", std::string(cookie));
    for (auto name : {"session", "csrf", ""})
        if (auto value = request.cookie(name)) check(value->size() <= cookie.size());
    return 0;
}
