#pragma once
// The one Cyrillic -> Latin table of the project (Serbian official correspondence for the 30
// Serbian letters, ISO 9:1995 for the other Cyrillic letters of Russian, Ukrainian, Belarusian,
// Bulgarian and Macedonian), and the few canonical compositions search needs so that
// decomposed (NFD) input reads the same as precomposed. Internal to search.

#include <string_view>

namespace sightline::search::transliteration {

/// One lower-case Cyrillic letter and its Latin spelling (lower case, with diacritics, as code
/// points; may be two letters: "lj", "dž").
struct Letter {
    char32_t cyrillic;
    std::u32string_view latin;
    bool serbian;  ///< one of the 30 letters of the Serbian alphabet
};

/// The table entry for a lower-case Cyrillic letter, or nullptr if it has none.
const Letter* find_cyrillic(char32_t lower_case_cyrillic);

/// The lower-case Serbian Cyrillic letter spelled `latin` (lower case, one or two code points:
/// "a", "č", "lj", "dž") in Serbian Latin, or 0.
char32_t serbian_cyrillic_for(std::u32string_view latin);

/// The precomposed letter for a base letter followed by a combining mark, for the letters
/// where the mark matters (Cyrillic й ё ї ў ѓ ќ; Serbian Latin č ć š ž), or 0.
char32_t compose(char32_t base, char32_t combining_mark);

}  // namespace sightline::search::transliteration
