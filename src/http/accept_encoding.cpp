#include "http/accept_encoding.hpp"

#include "http/field_text.hpp"

namespace sightline::http {
namespace {

// The q-value of one element's parameters ("q=0.5"); 1 when absent. A q-value is at most
// "0.000" to "1.000": anything that starts with 0 and has no non-zero digit is 0.
bool refused(std::string_view params) {
    while (!params.empty()) {
        auto semicolon = params.find(';');
        auto param = trim_whitespace(params.substr(0, semicolon));
        params =
            semicolon == std::string_view::npos ? std::string_view{} : params.substr(semicolon + 1);
        if (param.size() < 2 || (param[0] != 'q' && param[0] != 'Q') || param[1] != '=') continue;
        auto value = trim_whitespace(param.substr(2));
        if (value.empty() || value[0] != '0') return false;
        for (char c : value.substr(1))
            if (c != '.' && c != '0') return false;
        return true;
    }
    return false;
}

}  // namespace

bool accepts_coding(std::optional<std::string_view> accept_encoding, std::string_view coding) {
    if (!accept_encoding) return false;
    std::string_view rest = *accept_encoding;
    bool by_wildcard = false;
    while (true) {
        auto comma = rest.find(',');
        auto element = rest.substr(0, comma);
        auto semicolon = element.find(';');
        auto name = trim_whitespace(element.substr(0, semicolon));
        auto params = semicolon == std::string_view::npos ? std::string_view{}
                                                          : element.substr(semicolon + 1);
        if (equals_ignoring_case(name, coding)) return !refused(params);  // its own entry decides
        if (name == "*" && !refused(params)) by_wildcard = true;
        if (comma == std::string_view::npos) break;
        rest = rest.substr(comma + 1);
    }
    return by_wildcard;
}

}  // namespace sightline::http
