// Fuzz target: search text as typed into the search box (any bytes). Every function must
// return, and whatever it returns as text must be valid UTF-8; fold() must be idempotent.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "search/text.hpp"
#include "search/utf8.hpp"

namespace {

void require_valid_utf8(const std::string& text) {
    if (sightline::search::utf8::encode(sightline::search::utf8::decode(text)) != text) {
        __builtin_trap();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace search = sightline::search;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto folded = search::fold(input);
    require_valid_utf8(folded);
    if (search::fold(folded) != folded) __builtin_trap();
    for (const auto& word : search::index_words(input))
        require_valid_utf8(word);
    auto query = search::parse_query(input);
    for (const auto& word : query.words)
        require_valid_utf8(word);
    require_valid_utf8(query.housenumber);
    require_valid_utf8(search::serbian_to_latin(input));
    require_valid_utf8(search::serbian_to_cyrillic(input));
    (void)search::dominant_script(input);
    (void)search::match_score(query, search::index_words(input));
    auto half = input.substr(0, size / 2);
    (void)search::within_one_edit(half, input.substr(size / 2));
    return 0;
}
