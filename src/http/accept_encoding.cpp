#include "http/accept_encoding.hpp"

#include <cctype>

namespace sightline::http {
namespace {

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

bool same_name(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

// The q-value of one element's parameters ("q=0.5"); 1 when absent. A q-value is at most
// "0.000" to "1.000": anything that starts with 0 and has no non-zero digit is 0.
bool refused(std::string_view params) {
    while (!params.empty()) {
        auto semicolon = params.find(';');
        auto param = trimmed(params.substr(0, semicolon));
        params =
            semicolon == std::string_view::npos ? std::string_view{} : params.substr(semicolon + 1);
        if (param.size() < 2 || (param[0] != 'q' && param[0] != 'Q') || param[1] != '=') continue;
        auto value = trimmed(param.substr(2));
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
        auto name = trimmed(element.substr(0, semicolon));
        auto params = semicolon == std::string_view::npos ? std::string_view{}
                                                          : element.substr(semicolon + 1);
        if (same_name(name, coding)) return !refused(params);  // its own entry decides
        if (name == "*" && !refused(params)) by_wildcard = true;
        if (comma == std::string_view::npos) break;
        rest = rest.substr(comma + 1);
    }
    return by_wildcard;
}

}  // namespace sightline::http
