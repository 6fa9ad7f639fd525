#include "search/script.hpp"

#include <vector>

#include "search/transliteration.hpp"
#include "search/unicode_tables.hpp"
#include "search/utf8.hpp"

namespace sightline::search {
namespace {

bool is_letter(char32_t cp) {
    if (cp < 0x80) return (cp >= U'a' && cp <= U'z') || (cp >= U'A' && cp <= U'Z');
    return unicode::char_class(cp) == unicode::CharClass::letter;
}

bool is_cyrillic(char32_t cp) {
    return (cp >= 0x0400 && cp <= 0x052F) || (cp >= 0x1C80 && cp <= 0x1C8F) ||
           (cp >= 0xA640 && cp <= 0xA69F);
}

bool is_latin(char32_t cp) {
    return cp < 0x80 || (cp >= 0x00C0 && cp <= 0x024F) || (cp >= 0x1E00 && cp <= 0x1EFF);
}

// Case of the letters these conversions produce or read: ASCII, Cyrillic а..я and ѐ..џ, and
// the Serbian Latin letters of Latin Extended-A (Ć ć Č č Đ đ Š š Ž ž: capital = small - 1).
bool is_serbian_latin_capital(char32_t cp) {
    return (cp >= U'A' && cp <= U'Z') || cp == U'Ć' || cp == U'Č' || cp == U'Đ' || cp == U'Š' ||
           cp == U'Ž';
}

char32_t to_latin_small(char32_t cp) {
    if (cp >= U'A' && cp <= U'Z') return cp + 0x20;
    if (is_serbian_latin_capital(cp)) return cp + 1;
    return cp;
}

char32_t to_latin_capital(char32_t cp) {
    if (cp >= U'a' && cp <= U'z') return cp - 0x20;
    if (cp == U'ć' || cp == U'č' || cp == U'đ' || cp == U'š' || cp == U'ž') return cp - 1;
    return cp;
}

bool is_cyrillic_capital(char32_t cp) {
    return cp >= 0x0400 && cp <= 0x042F;
}

char32_t to_cyrillic_small(char32_t cp) {
    if (cp >= 0x0410 && cp <= 0x042F) return cp + 0x20;
    if (cp >= 0x0400 && cp <= 0x040F) return cp + 0x50;
    return cp;
}

char32_t to_cyrillic_capital(char32_t cp) {
    if (cp >= 0x0430 && cp <= 0x044F) return cp - 0x20;
    if (cp >= 0x0450 && cp <= 0x045F) return cp - 0x50;
    return cp;
}

bool is_capital(char32_t cp) {
    return is_serbian_latin_capital(cp) || is_cyrillic_capital(cp);
}

// The Latin digraph code points (Unicode's compatibility letters DŽ Dž dž LJ Lj lj NJ Nj nj).
struct Digraph {
    char32_t first;  // U+01C4, U+01C7, U+01CA
    char32_t cyrillic_small;
};
constexpr Digraph digraph_code_points[] = {{0x01C4, U'џ'}, {0x01C7, U'љ'}, {0x01CA, U'њ'}};

}  // namespace

Script dominant_script(std::string_view text) {
    int latin = 0;
    int cyrillic = 0;
    for (char32_t cp : utf8::decode(text)) {
        if (!is_letter(cp) || (cp >= U'0' && cp <= U'9')) continue;
        if (is_cyrillic(cp)) ++cyrillic;
        if (is_latin(cp)) ++latin;
    }
    return cyrillic > latin ? Script::cyrillic : Script::latin;
}

std::string serbian_to_latin(std::string_view text) {
    auto cps = utf8::decode(text);
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < cps.size(); ++i) {
        char32_t cp = cps[i];
        const auto* letter = transliteration::find_cyrillic(to_cyrillic_small(cp));
        if (letter == nullptr || !letter->serbian) {
            utf8::append(out, cp);
            continue;
        }
        if (!is_cyrillic_capital(cp)) {
            for (char32_t latin : letter->latin)
                utf8::append(out, latin);
            continue;
        }
        // A capital digraph: "Љубљана" → "Lj", "ЉУБА" → "LJ", "ЉИЉАНА Љ" stays in capitals.
        bool next_is_letter = i + 1 < cps.size() && is_letter(cps[i + 1]);
        bool all_capitals = next_is_letter
                                ? is_capital(cps[i + 1])
                                : i > 0 && is_letter(cps[i - 1]) && is_capital(cps[i - 1]);
        for (std::size_t k = 0; k < letter->latin.size(); ++k) {
            char32_t latin = letter->latin[k];
            utf8::append(out, k == 0 || all_capitals ? to_latin_capital(latin) : latin);
        }
    }
    return out;
}

std::string serbian_to_cyrillic(std::string_view text) {
    auto decoded = utf8::decode(text);
    // NFD: "c" + U+030C is č; compose before reading letters.
    std::vector<char32_t> cps;
    cps.reserve(decoded.size());
    for (std::size_t i = 0; i < decoded.size(); ++i) {
        char32_t composed = i + 1 < decoded.size()
                                ? transliteration::compose(decoded[i], decoded[i + 1])
                                : char32_t{0};
        cps.push_back(composed != 0 ? composed : decoded[i]);
        if (composed != 0) ++i;
    }
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < cps.size(); ++i) {
        char32_t cp = cps[i];
        bool found_digraph_code_point = false;
        for (const auto& digraph : digraph_code_points) {
            if (cp >= digraph.first && cp <= digraph.first + 2) {
                bool small = cp == digraph.first + 2;
                utf8::append(out, small ? digraph.cyrillic_small
                                        : to_cyrillic_capital(digraph.cyrillic_small));
                found_digraph_code_point = true;
            }
        }
        if (found_digraph_code_point) continue;
        char32_t small = to_latin_small(cp);
        bool capital = small != cp;
        char32_t cyrillic = 0;
        if (i + 1 < cps.size()) {
            char32_t pair[] = {small, to_latin_small(cps[i + 1])};
            cyrillic = transliteration::serbian_cyrillic_for(std::u32string_view(pair, 2));
            if (cyrillic != 0) ++i;
        }
        if (cyrillic == 0) {
            cyrillic = transliteration::serbian_cyrillic_for(std::u32string_view(&small, 1));
        }
        if (cyrillic == 0) {
            utf8::append(out, cp);
            continue;
        }
        utf8::append(out, capital ? to_cyrillic_capital(cyrillic) : cyrillic);
    }
    return out;
}

}  // namespace sightline::search
