#pragma once
// The one normalisation of text for matching. Everything search compares goes through fold().

#include <string>
#include <string_view>

namespace sightline::search {

/// Folds text for matching: lower case (full Unicode for Latin, Greek, Cyrillic), Cyrillic →
/// Latin (Serbian official correspondence: љ→lj, њ→nj, џ→dž, ђ→đ, ћ→ć, ж→ž, ч→č, ш→š, ...;
/// ISO 9 for other Cyrillic letters), then Latin diacritics removed to ASCII (đ→dj, ß→ss,
/// æ→ae, œ→oe, ø→o, ł→l, þ→th, č/ć→c, š→s, ž→z, ä/ö/ü→a/o/u, å→a, ñ→n, any combining mark
/// dropped; decomposed input (NFD) folds the same as precomposed), every other character that
/// is not a letter or digit → a space, runs of spaces collapsed, trimmed. Invisible format
/// characters (soft hyphen, zero-width joiners) and ISO 9's ʹ ʺ are dropped without a space.
/// Letters of other scripts are kept as they are (Greek lower-cased without accents).
/// Invalid UTF-8 bytes are dropped, never crash. "Кнез Михаилова 5" → "knez mihailova 5";
/// "Đure Đakovića" → "djure djakovica"; "Leopoldstraße 12a" → "leopoldstrasse 12a";
/// "Теразије" == fold("Terazije").
std::string fold(std::string_view text);

}  // namespace sightline::search
