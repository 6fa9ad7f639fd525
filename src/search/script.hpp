#pragma once
// Which script a text is written in, and Serbian text in the reader's script (labels).

#include <string>
#include <string_view>

namespace sightline::search {

enum class Script { latin, cyrillic };

/// The script most letters of the text are in (Latin when there are none, or on a tie).
Script dominant_script(std::string_view text);

/// Serbian Cyrillic → Serbian Latin keeping diacritics ("Кнез Михаилова" → "Knez Mihailova",
/// "Љубљана" → "Ljubljana", case kept, "ЉУБА" → "LJUBA": a digraph is all capitals when the
/// next letter is a capital, or when it ends a word after a capital). Non-Serbian letters pass
/// through unchanged; invalid UTF-8 bytes are dropped.
std::string serbian_to_latin(std::string_view text);

/// Serbian Latin → Serbian Cyrillic ("Đure Đakovića" → "Ђуре Ђаковића", "Knez" → "Кнез";
/// the digraphs lj/nj/dž in any case, and the digraph code points ǅ ǈ ǋ..., are one letter:
/// "Lj", "LJ" → Љ). Letters outside the Serbian Latin alphabet (q, w, x, y, ä, ...) pass
/// through unchanged; invalid UTF-8 bytes are dropped. Words where l+j, n+j or d+ž are two
/// letters (injekcija, nadživeti) are not recognised: ADR 009.
std::string serbian_to_cyrillic(std::string_view text);

}  // namespace sightline::search
