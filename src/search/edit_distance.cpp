#include "search/edit_distance.hpp"

#include <algorithm>
#include <vector>

#include "search/utf8.hpp"

namespace sightline::search {

bool within_one_edit(std::string_view a, std::string_view b) {
    if (a == b) return true;
    auto x = utf8::decode(a);
    auto y = utf8::decode(b);
    if (x.size() > y.size()) std::swap(x, y);
    if (y.size() - x.size() > 1) return false;
    auto [x_end, y_end] = std::mismatch(x.begin(), x.end(), y.begin(), y.end());
    auto i = static_cast<std::size_t>(x_end - x.begin());
    if (x.size() < y.size()) {  // one letter more in y: skip it
        return std::equal(x.begin() + i, x.end(), y.begin() + i + 1, y.end());
    }
    if (i == x.size()) return true;
    if (std::equal(x.begin() + i + 1, x.end(), y.begin() + i + 1, y.end())) return true;
    return i + 1 < x.size() && x[i] == y[i + 1] && x[i + 1] == y[i] &&
           std::equal(x.begin() + i + 2, x.end(), y.begin() + i + 2, y.end());
}

bool typo_allowed(std::string_view word) {
    auto letters = utf8::decode(word);
    return letters.size() >= 5 && std::none_of(letters.begin(), letters.end(),
                                               [](char32_t c) { return c >= U'0' && c <= U'9'; });
}

}  // namespace sightline::search
