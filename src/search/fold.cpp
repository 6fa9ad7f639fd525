#include "search/fold.hpp"

#include <algorithm>
#include <vector>

#include "search/transliteration.hpp"
#include "search/unicode_tables.hpp"
#include "search/utf8.hpp"

namespace sightline::search {
namespace {

bool is_ascii_alnum(char32_t cp) {
    return (cp >= U'0' && cp <= U'9') || (cp >= U'a' && cp <= U'z') || (cp >= U'A' && cp <= U'Z');
}

// Writes folded letters, turning each run of boundaries into one space between words.
class Folder {
  public:
    void add(char32_t cp) {
        if (cp < 0x80) {
            if (!is_ascii_alnum(cp)) return boundary();
            char c = static_cast<char>(cp);
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
            return put(std::string_view(&c, 1));
        }
        switch (unicode::char_class(cp)) {
            case unicode::CharClass::other:
                return boundary();
            case unicode::CharClass::mark:
                return;
            case unicode::CharClass::letter:
                break;
        }
        auto folded = unicode::fold_letter(cp);
        auto lower = folded.empty() ? std::vector<char32_t>{cp} : utf8::decode(folded);
        if (lower.size() == 1) {
            if (const auto* letter = transliteration::find_cyrillic(lower.front())) {
                // The Latin spelling has diacritics (ž, đ, ŝ, g + U+0300): fold it in turn.
                for (char32_t latin : letter->latin)
                    add(latin);
                return;
            }
        }
        if (folded.empty()) {
            std::string utf8;
            utf8::append(utf8, cp);
            return put(utf8);
        }
        put(folded);
    }

    std::string take() { return std::move(m_out); }

  private:
    void boundary() { m_space_pending = true; }

    void put(std::string_view letters) {
        if (m_space_pending && !m_out.empty()) m_out.push_back(' ');
        m_space_pending = false;
        m_out += letters;
    }

    std::string m_out;
    bool m_space_pending = false;
};

}  // namespace

std::string fold(std::string_view text) {
    Folder folder;
    // ASCII (most names, house numbers) needs no decoding and composes nothing.
    if (std::all_of(text.begin(), text.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
        for (char c : text)
            folder.add(static_cast<char32_t>(c));
        return folder.take();
    }
    auto code_points = utf8::decode(text);
    for (std::size_t i = 0; i < code_points.size(); ++i) {
        char32_t cp = code_points[i];
        // NFD: й is и + U+0306 and ISO 9 spells it apart from и, so compose it first.
        if (i + 1 < code_points.size()) {
            if (char32_t composed = transliteration::compose(cp, code_points[i + 1])) {
                cp = composed;
                ++i;
            }
        }
        folder.add(cp);
    }
    return folder.take();
}

}  // namespace sightline::search
