// libFuzzer target: the conditional request headers every export and feed reads
// (http::parse_http_date for If-Modified-Since, http::etag_matches for If-None-Match,
// http::is_not_modified). The first line is an If-Modified-Since value, the rest an
// If-None-Match value. A date read back must print as the same IMF-fixdate; no crash, no
// sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/conditional.hpp"

namespace {

void check(bool promise) {
    if (!promise) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace sightline::http;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto eol = input.find('\n');
    std::string_view since = input.substr(0, eol);
    std::string_view match =
        eol == std::string_view::npos ? std::string_view{} : input.substr(eol + 1);

    if (auto t = parse_http_date(since)) {
        check(parse_http_date(http_date(*t)) == t);
    }
    const std::string etag = "W/\"0123abcd-42-gpkg\"";
    const bool matched = etag_matches(match, etag);
    check(etag_matches(match, "\"0123abcd-42-gpkg\"") == matched);  // weak comparison

    Request request;
    request.method = "GET";
    request.headers.emplace("if-modified-since", std::string(since));
    if (eol != std::string_view::npos) request.headers.emplace("if-none-match", std::string(match));
    const bool not_modified = is_not_modified(request, etag, 784111777);
    if (eol != std::string_view::npos) check(not_modified == matched);
    return 0;
}
