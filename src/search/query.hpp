#pragma once
// A search query as typed into a box, one key at a time.

#include <string>
#include <string_view>
#include <vector>

namespace sightline::search {

/// A query as typed: its words canonicalised as index_words does (a compound is replaced by
/// its stem and canonical suffix), whether the last word may be a prefix, and a house number.
struct Query {
    std::vector<std::string> words;  ///< folded, without the house number
    std::string housenumber;         ///< normalize_housenumber() form; empty if none
    /// The user may still be typing words.back(): no space, punctuation or house number after
    /// it. False when there are no words.
    bool last_is_prefix = true;
};

/// Splits a query into words and a house number. The house number is the last token that
/// starts with a digit ("5", "5a", "5/1", "12-14"), with a single letter after it ("5 a") or a
/// range or fraction written with spaces ("12 - 14") joined to it; a number followed by a dot
/// and more words is an ordinal in a name ("27. marta 5", "Bulevar 1. maja"), not a house
/// number. Other numbers stay words. Tokens are separated by white space, commas and
/// semicolons. Invalid UTF-8 bytes are dropped.
Query parse_query(std::string_view text);

/// Normalised house number: folded (lower case ASCII), without spaces or dots, runs of "-" or
/// "/" (dashes U+2010..U+2015 read as "-") kept once and not at the ends: "5 A" → "5a",
/// "5/1" stays, "12 - 14" → "12-14", "5а" (Cyrillic а) → "5a".
std::string normalize_housenumber(std::string_view text);

/// The house numbers of an addr:housenumber value that lists several ("39;38", "13 A, 5. krs"
/// keeps "13a" and "5krs"): split at ';' and ',', each normalize_housenumber()'d, empty and
/// repeated ones dropped.
std::vector<std::string> housenumber_list(std::string_view text);

}  // namespace sightline::search
