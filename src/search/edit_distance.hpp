#pragma once
// Tolerance for one typing mistake.

#include <string_view>

namespace sightline::search {

/// Whether two folded words are at most one edit apart: one insertion, deletion, substitution
/// or transposition of neighbouring letters (Damerau–Levenshtein ≤ 1), counted in code points,
/// not bytes ("šuma" and "suma" are one edit apart). Equal words are zero edits apart.
bool within_one_edit(std::string_view a, std::string_view b);

/// Whether a typo may be forgiven in this folded word: 5 or more letters and no digit (a
/// number with a typo is another number).
bool typo_allowed(std::string_view word);

}  // namespace sightline::search
