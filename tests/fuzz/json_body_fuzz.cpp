// libFuzzer target: JSON request bodies as the server reads them (http::parse_json_object_text
// with the server's depth limit, ApiContext::max_json_depth = 32, and its refusal of a key twice
// in one object), then the typed field accessors the endpoints use. Every input must end in an
// object or a 400: no crash, no sanitizer report, no exception, no deep recursion.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/endpoints/json_body.hpp"

namespace {

void check(bool promise) {
    if (!promise) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace sightline;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    constexpr std::size_t server_depth = 32;
    auto body = http::parse_json_object_text(text, server_depth);
    if (!body) {
        check(body.error().code == Errc::invalid_argument);
        return 0;
    }
    check(body->is_object());
    (void)http::reject_unknown_fields(*body, {"lat", "lon", "tags", "note"});
    for (const auto& [key, value] : body->items()) {
        (void)value;
        (void)http::optional_string(*body, key);
        (void)http::optional_number(*body, key);
        (void)http::optional_integer(*body, key);
    }
    // What a report body reads; all must be values or 400s whatever the types.
    for (auto key : {"lat", "lon", "accuracy_m", "note", "id"}) {
        (void)http::optional_number(*body, key);
        (void)http::optional_string(*body, key);
        (void)http::optional_integer(*body, key);
    }
    return 0;
}
