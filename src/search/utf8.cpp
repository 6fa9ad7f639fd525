#include "search/utf8.hpp"

#include <cstddef>
#include <cstdint>

namespace sightline::search::utf8 {
namespace {

bool is_continuation(unsigned char byte) {
    return (byte & 0xC0u) == 0x80u;
}

}  // namespace

std::vector<char32_t> decode(std::string_view text) {
    std::vector<char32_t> code_points;
    code_points.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        auto lead = static_cast<unsigned char>(text[i]);
        if (lead < 0x80u) {
            code_points.push_back(lead);
            ++i;
            continue;
        }
        std::size_t length = 0;
        char32_t code_point = 0;
        char32_t smallest = 0;
        if ((lead & 0xE0u) == 0xC0u) {
            length = 2, code_point = lead & 0x1Fu, smallest = 0x80;
        } else if ((lead & 0xF0u) == 0xE0u) {
            length = 3, code_point = lead & 0x0Fu, smallest = 0x800;
        } else if ((lead & 0xF8u) == 0xF0u) {
            length = 4, code_point = lead & 0x07u, smallest = 0x10000;
        } else {
            ++i;  // a stray continuation byte or 0xF8..0xFF
            continue;
        }
        bool valid = i + length <= text.size();
        for (std::size_t k = 1; valid && k < length; ++k) {
            auto byte = static_cast<unsigned char>(text[i + k]);
            valid = is_continuation(byte);
            code_point = (code_point << 6) | (byte & 0x3Fu);
        }
        // RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
        valid = valid && code_point >= smallest && code_point <= 0x10FFFF &&
                (code_point < 0xD800 || code_point > 0xDFFF);
        if (!valid) {
            ++i;  // drop the lead byte only; what follows is looked at again
            continue;
        }
        code_points.push_back(code_point);
        i += length;
    }
    return code_points;
}

void append(std::string& out, char32_t code_point) {
    auto cp = static_cast<std::uint32_t>(code_point);
    if (cp < 0x80u) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800u) {
        out.push_back(static_cast<char>(0xC0u | (cp >> 6)));
        out.push_back(static_cast<char>(0x80u | (cp & 0x3Fu)));
    } else if (cp < 0x10000u) {
        out.push_back(static_cast<char>(0xE0u | (cp >> 12)));
        out.push_back(static_cast<char>(0x80u | ((cp >> 6) & 0x3Fu)));
        out.push_back(static_cast<char>(0x80u | (cp & 0x3Fu)));
    } else {
        out.push_back(static_cast<char>(0xF0u | (cp >> 18)));
        out.push_back(static_cast<char>(0x80u | ((cp >> 12) & 0x3Fu)));
        out.push_back(static_cast<char>(0x80u | ((cp >> 6) & 0x3Fu)));
        out.push_back(static_cast<char>(0x80u | (cp & 0x3Fu)));
    }
}

std::string encode(const std::vector<char32_t>& code_points) {
    std::string out;
    out.reserve(code_points.size());
    for (char32_t cp : code_points)
        append(out, cp);
    return out;
}

}  // namespace sightline::search::utf8
