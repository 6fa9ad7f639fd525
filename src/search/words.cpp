#include "search/words.hpp"

#include <algorithm>

#include "search/fold.hpp"
#include "search/street_words.hpp"

namespace sightline::search {
namespace {

void append_unique(std::string_view word, std::vector<std::string>& out) {
    if (word.empty() || std::find(out.begin(), out.end(), word) != out.end()) return;
    out.emplace_back(word);
}

}  // namespace

void append_word_forms(std::string_view folded_word, bool keep_compound,
                       std::vector<std::string>& out) {
    if (auto parts = split_compound(folded_word)) {
        if (keep_compound) append_unique(folded_word, out);
        append_unique(parts->stem, out);
        append_unique(parts->suffix, out);
        return;
    }
    append_unique(canonical_street_word(folded_word), out);
}

std::vector<std::string> index_words(std::string_view name) {
    std::vector<std::string> words;
    std::string folded = fold(name);
    std::string_view rest = folded;
    while (!rest.empty()) {
        auto space = rest.find(' ');
        append_word_forms(rest.substr(0, space), true, words);
        rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
    }
    return words;
}

}  // namespace sightline::search
