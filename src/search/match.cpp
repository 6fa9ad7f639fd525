#include "search/match.hpp"

#include <algorithm>
#include <string_view>

#include "search/edit_distance.hpp"
#include "search/street_words.hpp"
#include "search/utf8.hpp"

namespace sightline::search {
namespace {

enum class Fit { none, typo, prefix, exact };

double quality(Fit fit) {
    switch (fit) {
        case Fit::exact:
            return 1.0;
        case Fit::prefix:
            return 0.75;
        case Fit::typo:
            return 0.5;
        case Fit::none:
            break;
    }
    return 0.0;
}

constexpr double extra_words_weight = 0.02;

// `prefix` is within one edit of the start of `word` (the start one letter shorter, as long,
// or one letter longer than the prefix).
bool prefix_within_one_edit(std::string_view prefix, std::string_view word) {
    auto typed = utf8::decode(prefix);
    auto letters = utf8::decode(word);
    if (typed.empty()) return false;
    for (std::size_t length = typed.size() - 1; length <= typed.size() + 1; ++length) {
        if (length > letters.size()) break;
        std::vector<char32_t> start(letters.begin(),
                                    letters.begin() + static_cast<std::ptrdiff_t>(length));
        if (within_one_edit(prefix, utf8::encode(start))) return true;
    }
    return false;
}

Fit fit_of(std::string_view query_word, bool may_be_prefix, std::string_view name_word) {
    if (query_word == name_word) return Fit::exact;
    auto spellings = street_word_spellings(name_word);
    if (spellings.empty()) spellings.push_back(name_word);
    if (may_be_prefix) {
        for (auto spelling : spellings) {
            if (spelling.starts_with(query_word)) return Fit::prefix;
        }
    }
    if (!typo_allowed(query_word)) return Fit::none;
    for (auto spelling : spellings) {
        if (within_one_edit(query_word, spelling)) return Fit::typo;
        if (may_be_prefix && prefix_within_one_edit(query_word, spelling)) return Fit::typo;
    }
    return Fit::none;
}

bool compound_related(std::string_view a, std::string_view b) {
    auto parts_of = [](std::string_view whole, std::string_view part) {
        auto parts = split_compound(whole);
        return parts && (parts->stem == part || parts->suffix == part);
    };
    return parts_of(a, b) || parts_of(b, a);
}

}  // namespace

std::optional<double> match_score(const Query& query, const std::vector<std::string>& name_words) {
    if (query.words.empty()) return std::nullopt;
    std::vector<bool> matched(name_words.size(), false);
    double total = 0.0;
    for (std::size_t i = 0; i < query.words.size(); ++i) {
        bool may_be_prefix = query.last_is_prefix && i + 1 == query.words.size();
        Fit best = Fit::none;
        for (std::size_t j = 0; j < name_words.size(); ++j) {
            Fit fit = fit_of(query.words[i], may_be_prefix, name_words[j]);
            if (fit == Fit::none) continue;
            matched[j] = true;
            best = std::max(best, fit);
        }
        if (best == Fit::none) return std::nullopt;
        total += quality(best);
    }
    std::size_t extra = 0;
    for (std::size_t j = 0; j < name_words.size(); ++j) {
        if (matched[j]) continue;
        bool covered = false;
        for (std::size_t k = 0; k < name_words.size() && !covered; ++k) {
            covered = matched[k] && compound_related(name_words[j], name_words[k]);
        }
        if (!covered) ++extra;
    }
    return total / static_cast<double>(query.words.size()) +
           extra_words_weight / (1.0 + static_cast<double>(extra));
}

}  // namespace sightline::search
