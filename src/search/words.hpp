#pragma once
// The words a name is indexed under.

#include <string>
#include <string_view>
#include <vector>

namespace sightline::search {

/// Words for the index of a name (fold() first), with street words canonicalised so that the
/// long and short forms match each other (street_words.cpp: ulica/ul → "ul",
/// bulevar/bul/boulevard/blvd → "bul", strasse/str → "str", rua/r → "r", katu/k → "k", ...).
/// A German/Finnish compound ending in a street word ("leopoldstrasse", "mannerheimintie",
/// "bahnhofplatz") is indexed as the whole word AND as stem + canonical suffix ("leopold",
/// "str"), so "Leopoldstr. 5", "Leopold Str 5" and "leopoldst" (a prefix while typing) all
/// find it. Duplicates removed, order kept; empty for a name with no letters or digits.
std::vector<std::string> index_words(std::string_view name);

/// The words of one already folded word, as both index_words and parse_query see it: a
/// compound becomes stem + canonical suffix (`keep_compound` adds the whole word first), any
/// other word its canonical form. Appended to `out` unless already there.
void append_word_forms(std::string_view folded_word, bool keep_compound,
                       std::vector<std::string>& out);

}  // namespace sightline::search
