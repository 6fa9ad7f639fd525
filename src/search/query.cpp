#include "search/query.hpp"

#include <algorithm>

#include <optional>
#include <utility>

#include "search/fold.hpp"
#include "search/unicode_tables.hpp"
#include "search/utf8.hpp"
#include "search/words.hpp"

namespace sightline::search {
namespace {

using Token = std::vector<char32_t>;

bool is_space_or_list_separator(char32_t cp) {
    return cp <= 0x20 || cp == U',' || cp == U';' || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000;
}

bool is_digit(char32_t cp) {
    return cp >= U'0' && cp <= U'9';
}

bool is_range_separator(char32_t cp) {
    return cp == U'-' || cp == U'/' || (cp >= 0x2010 && cp <= 0x2015);
}

bool is_word_character(char32_t cp) {
    if (cp < 0x80) return is_digit(cp) || (cp >= U'a' && cp <= U'z') || (cp >= U'A' && cp <= U'Z');
    return unicode::char_class(cp) != unicode::CharClass::other;
}

std::vector<Token> split_tokens(const std::vector<char32_t>& cps) {
    std::vector<Token> tokens;
    Token current;
    for (char32_t cp : cps) {
        if (is_space_or_list_separator(cp)) {
            if (!current.empty()) tokens.push_back(std::move(current));
            current.clear();
        } else {
            current.push_back(cp);
        }
    }
    if (!current.empty()) tokens.push_back(std::move(current));
    return tokens;
}

bool starts_with_digit(const Token& t) {
    return is_digit(t.front());
}

bool is_single_letter(const Token& t) {
    return t.size() == 1 && !is_digit(t.front()) && is_word_character(t.front());
}

// [first, last) tokens of the house number: the last group that starts with a digit.
std::optional<std::pair<std::size_t, std::size_t>> find_housenumber(
    const std::vector<Token>& tokens) {
    std::optional<std::pair<std::size_t, std::size_t>> found;
    const std::size_t n = tokens.size();
    for (std::size_t k = 0; k < n; ++k) {
        if (!starts_with_digit(tokens[k])) continue;
        bool ordinal = tokens[k].back() == U'.' && k + 1 < n;  // "27. marta"
        if (ordinal) continue;
        std::size_t end = k + 1;
        while (end < n) {
            const Token& previous = tokens[end - 1];
            const Token& next = tokens[end];
            if (is_range_separator(previous.back()) && starts_with_digit(next)) {
                end += 1;  // "12- 14"
            } else if (next.size() == 1 && is_range_separator(next.front()) && end + 1 < n &&
                       starts_with_digit(tokens[end + 1])) {
                end += 2;  // "12 - 14"
            } else if (next.size() > 1 && is_range_separator(next.front()) && is_digit(next[1])) {
                end += 1;  // "12 -14"
            } else if (is_single_letter(next) && is_digit(previous.back())) {
                end += 1;  // "5 a"
                break;
            } else {
                break;
            }
        }
        found = std::pair{k, end};
        k = end - 1;
    }
    return found;
}

}  // namespace

std::string normalize_housenumber(std::string_view text) {
    std::string out;
    std::string run;  // letters and digits between separators, folded together
    auto flush_run = [&] {
        for (char c : fold(run)) {
            if (c != ' ') out.push_back(c);
        }
        run.clear();
    };
    for (char32_t cp : utf8::decode(text)) {
        if (!is_range_separator(cp)) {
            utf8::append(run, cp);
            continue;
        }
        flush_run();
        if (!out.empty() && out.back() != '-' && out.back() != '/') {
            out.push_back(cp == U'/' ? '/' : '-');
        }
    }
    flush_run();
    while (!out.empty() && (out.back() == '-' || out.back() == '/'))
        out.pop_back();
    return out;
}

std::vector<std::string> housenumber_list(std::string_view text) {
    std::vector<std::string> out;
    while (true) {
        const auto cut = text.find_first_of(";,");
        auto number = normalize_housenumber(text.substr(0, cut));
        if (!number.empty() && std::find(out.begin(), out.end(), number) == out.end())
            out.push_back(std::move(number));
        if (cut == std::string_view::npos) break;
        text.remove_prefix(cut + 1);
    }
    return out;
}

Query parse_query(std::string_view text) {
    auto cps = utf8::decode(text);
    auto tokens = split_tokens(cps);
    auto housenumber = find_housenumber(tokens);

    Query query;
    std::string housenumber_text;
    for (std::size_t k = 0; k < tokens.size(); ++k) {
        std::string token = utf8::encode(tokens[k]);
        if (housenumber && k >= housenumber->first && k < housenumber->second) {
            housenumber_text += token;
            continue;
        }
        std::string folded = fold(token);
        std::string_view rest = folded;
        while (!rest.empty()) {
            auto space = rest.find(' ');
            append_word_forms(rest.substr(0, space), false, query.words);
            rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
        }
    }
    query.housenumber = normalize_housenumber(housenumber_text);
    bool ends_in_housenumber = housenumber && housenumber->second == tokens.size();
    query.last_is_prefix =
        !query.words.empty() && !ends_in_housenumber && is_word_character(cps.back());
    return query;
}

}  // namespace sightline::search
