#include "search/transliteration.hpp"

#include <algorithm>
#include <iterator>

namespace sightline::search::transliteration {
namespace {

// Sources:
// - Serbian: the official correspondence of the two alphabets of the Serbian language, 30
//   letters each, one to one (Pravopis srpskoga jezika, Matica srpska, the table of the
//   Cyrillic and Latin alphabets): а a, б b, в v, г g, д d, ђ đ, е e, ж ž, з z, и i, ј j, к k,
//   л l, љ lj, м m, н n, њ nj, о o, п p, р r, с s, т t, ћ ć, у u, ф f, х h, ц c, ч č, џ dž, ш š.
// - Every other Cyrillic letter: ISO 9:1995 "Transliteration of Cyrillic characters into Latin
//   characters - Slavic and non-Slavic languages" (one Latin letter, possibly with
//   diacritics, per Cyrillic letter). Where ISO 9 and the Serbian table both cover a letter,
//   the Serbian table wins (ISO 9 has ǰ l̂ n̂ d̂ for ј љ њ џ); for ж ч ш ц х ђ ћ they agree.
//   ISO 9's ъ → ʺ and ь → ʹ are kept here; fold() drops them, since they are not sounds.
// Sorted by code point (find_cyrillic searches it).
constexpr Letter letters[] = {
    {U'а', U"a", true},        {U'б', U"b", true},  {U'в', U"v", true},        {U'г', U"g", true},
    {U'д', U"d", true},        {U'е', U"e", true},  {U'ж', U"ž", true},        {U'з', U"z", true},
    {U'и', U"i", true},        {U'й', U"j", false}, {U'к', U"k", true},        {U'л', U"l", true},
    {U'м', U"m", true},        {U'н', U"n", true},  {U'о', U"o", true},        {U'п', U"p", true},
    {U'р', U"r", true},        {U'с', U"s", true},  {U'т', U"t", true},        {U'у', U"u", true},
    {U'ф', U"f", true},        {U'х', U"h", true},  {U'ц', U"c", true},        {U'ч', U"č", true},
    {U'ш', U"š", true},        {U'щ', U"ŝ", false}, {U'ъ', U"ʺ", false},       {U'ы', U"y", false},
    {U'ь', U"ʹ", false},       {U'э', U"è", false}, {U'ю', U"û", false},       {U'я', U"â", false},
    {U'ё', U"ë", false},       {U'ђ', U"đ", true},  {U'ѓ', U"ǵ", false},       {U'є', U"ê", false},
    {U'ѕ', U"ẑ", false},       {U'і', U"ì", false}, {U'ї', U"ï", false},       {U'ј', U"j", true},
    {U'љ', U"lj", true},       {U'њ', U"nj", true}, {U'ћ', U"ć", true},        {U'ќ', U"ḱ", false},
    {U'ў', U"ŭ", false},       {U'џ', U"dž", true}, {U'ѣ', U"ě", false},       {U'ѫ', U"ǎ", false},
    {U'ѳ', U"f\u0300", false}, {U'ѵ', U"ỳ", false}, {U'ґ', U"g\u0300", false},
};

struct Composition {
    char32_t base;
    char32_t mark;
    char32_t composed;
};

// Canonical compositions from UnicodeData.txt, only those whose letter the tables above keep
// apart from the base letter (the Serbian Latin ones for serbian_to_cyrillic; fold() drops
// Latin marks anyway).
constexpr Composition compositions[] = {
    {U'C', U'\u0301', U'Ć'}, {U'C', U'\u030C', U'Č'}, {U'S', U'\u030C', U'Š'},
    {U'Z', U'\u030C', U'Ž'}, {U'c', U'\u0301', U'ć'}, {U'c', U'\u030C', U'č'},
    {U's', U'\u030C', U'š'}, {U'z', U'\u030C', U'ž'}, {U'Е', U'\u0308', U'Ё'},
    {U'И', U'\u0306', U'Й'}, {U'Г', U'\u0301', U'Ѓ'}, {U'К', U'\u0301', U'Ќ'},
    {U'У', U'\u0306', U'Ў'}, {U'г', U'\u0301', U'ѓ'}, {U'е', U'\u0308', U'ё'},
    {U'и', U'\u0306', U'й'}, {U'к', U'\u0301', U'ќ'}, {U'у', U'\u0306', U'ў'},
    {U'І', U'\u0308', U'Ї'}, {U'і', U'\u0308', U'ї'},
};
constexpr char32_t first_mark = U'\u0301';
constexpr char32_t last_mark = U'\u030C';
static_assert(std::all_of(std::begin(compositions), std::end(compositions),
                          [](const Composition& c) {
                              return c.mark >= first_mark && c.mark <= last_mark;
                          }),
              "compose() skips marks outside first_mark..last_mark");

}  // namespace

const Letter* find_cyrillic(char32_t lower_case_cyrillic) {
    auto it =
        std::lower_bound(std::begin(letters), std::end(letters), lower_case_cyrillic,
                         [](const Letter& letter, char32_t cp) { return letter.cyrillic < cp; });
    if (it == std::end(letters) || it->cyrillic != lower_case_cyrillic) return nullptr;
    return &*it;
}

char32_t serbian_cyrillic_for(std::u32string_view latin) {
    for (const auto& letter : letters) {
        if (letter.serbian && letter.latin == latin) return letter.cyrillic;
    }
    return 0;
}

char32_t compose(char32_t base, char32_t combining_mark) {
    // Every mark above lies in first_mark..last_mark: most pairs (two letters) end here.
    if (combining_mark < first_mark || combining_mark > last_mark) return 0;
    for (const auto& c : compositions) {
        if (c.base == base && c.mark == combining_mark) return c.composed;
    }
    return 0;
}

}  // namespace sightline::search::transliteration
