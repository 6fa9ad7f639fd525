#pragma once
// Search text, the whole interface in one include: folding for matching (fold.hpp), index
// words with street abbreviations and compounds (words.hpp, street_words.hpp), queries and
// house numbers (query.hpp), one-typo tolerance (edit_distance.hpp), scoring (match.hpp), and
// Serbian labels in either script (script.hpp). Pure functions of their arguments: no I/O, no
// state, safe from any thread.

#include "search/edit_distance.hpp"  // IWYU pragma: export
#include "search/fold.hpp"           // IWYU pragma: export
#include "search/match.hpp"          // IWYU pragma: export
#include "search/query.hpp"          // IWYU pragma: export
#include "search/script.hpp"         // IWYU pragma: export
#include "search/words.hpp"          // IWYU pragma: export
