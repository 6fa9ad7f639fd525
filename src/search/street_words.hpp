#pragma once
// The words streets and squares are named with, long and short: one table, so that "Bulevar"
// finds "Bul." and "Leopoldstr." finds "Leopoldstraße". All words here are folded (fold()).

#include <optional>
#include <string_view>
#include <vector>

namespace sightline::search {

/// The canonical (short) form of a folded street word ("ulica" → "ul", "strasse" → "str",
/// "avenida" → "ave"), or the word itself when it is not in the table. The view points into
/// the table or into `word`.
std::string_view canonical_street_word(std::string_view word);

/// Every spelling in the table whose canonical form is `canonical` (itself included when it is
/// one), for matching what is typed against an indexed short form; empty when it is not a
/// canonical street word. Views into a static table.
std::vector<std::string_view> street_word_spellings(std::string_view canonical);

/// A German or Finnish compound that ends in a street word ("leopoldstrasse" → "leopold" +
/// "str", "mannerheimintie" → "mannerheimin" + "tie"); the stem has at least 3 letters.
struct CompoundParts {
    std::string_view stem;    ///< a view into the word
    std::string_view suffix;  ///< canonical form, a view into the table
};
std::optional<CompoundParts> split_compound(std::string_view word);

}  // namespace sightline::search
