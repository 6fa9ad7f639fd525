#pragma once
// How well a candidate's name matches a query.

#include <optional>
#include <string>
#include <vector>

#include "search/query.hpp"

namespace sightline::search {

/// How well a candidate's name words (index_words()) match a query: every query word must
/// match some name word exactly, the last one may match as a prefix if last_is_prefix, and a
/// word where typo_allowed() may match with one edit (the last one also as a prefix with one
/// edit); an indexed short form also matches its long spellings ("bulev" is a prefix of
/// "bulevar", indexed as "bul"). nullopt if a word does not match or the query has no words.
///
/// Higher is better, in (0, 1.02]: the mean over query words of 1 (exact), 0.75 (prefix) or
/// 0.5 (typo), plus 0.02 / (1 + extra name words). So for queries of up to 10 words a better
/// match always outranks a worse one, and among equal matches fewer extra words win. A name
/// word is not extra when it matched, or when it is a compound or a part of a compound that
/// matched ("leopoldstrasse" beside "leopold" + "str"). The house number is not looked at.
std::optional<double> match_score(const Query& query, const std::vector<std::string>& name_words);

}  // namespace sightline::search
