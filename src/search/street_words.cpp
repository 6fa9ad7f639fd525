#include "search/street_words.hpp"

namespace sightline::search {
namespace {

struct StreetWord {
    std::string_view spelling;   // folded
    std::string_view canonical;  // the short form everything is indexed under
    bool ends_compounds;         // German/Finnish: written as the end of one word
};

// Small on purpose: each entry is a word that names the kind of street in Serbian, German,
// English, French, Portuguese or Finnish, with the abbreviation used on signs and in OSM
// names. Words that are also common name words or ambiguous ("dr", "s", "c") are left out.
// docs/adr/009-search-normalisation.md explains the choices.
constexpr StreetWord table[] = {
    // Serbian: ulica (street), bulevar, trg (square)
    {"ulica", "ul", false},
    {"ul", "ul", false},
    {"bulevar", "bul", false},
    {"bul", "bul", false},
    {"trg", "trg", false},
    {"tr", "trg", false},
    // English and French
    {"street", "st", false},
    {"st", "st", false},
    {"avenue", "ave", false},
    {"ave", "ave", false},
    {"av", "ave", false},
    {"road", "rd", false},
    {"rd", "rd", false},
    {"boulevard", "bul", false},
    {"blvd", "bul", false},
    {"bd", "bul", false},
    {"square", "sq", false},
    {"sq", "sq", false},
    {"place", "pl", false},
    // German (also written as the end of a compound: Leopoldstraße, Bahnhofplatz)
    {"strasse", "str", true},
    {"str", "str", true},
    {"platz", "pl", true},
    {"pl", "pl", false},
    {"weg", "weg", true},
    {"gasse", "gasse", true},
    {"allee", "allee", true},
    {"ring", "ring", true},
    {"damm", "damm", true},
    // Portuguese: rua, avenida (av. as above), praça
    {"rua", "r", false},
    {"r", "r", false},
    {"avenida", "ave", false},
    {"praca", "pca", false},
    {"pca", "pca", false},
    // Finnish: katu (street), tie (road), kuja (lane), tori (square), polku (path)
    {"katu", "k", true},
    {"k", "k", false},
    {"tie", "tie", true},
    {"kuja", "kuja", true},
    {"tori", "tori", true},
    {"polku", "polku", true},
    {"kaari", "kaari", true},
};

constexpr std::size_t min_stem_length = 3;

}  // namespace

std::string_view canonical_street_word(std::string_view word) {
    for (const auto& entry : table) {
        if (entry.spelling == word) return entry.canonical;
    }
    return word;
}

std::vector<std::string_view> street_word_spellings(std::string_view canonical) {
    std::vector<std::string_view> spellings;
    for (const auto& entry : table) {
        if (entry.canonical == canonical) spellings.push_back(entry.spelling);
    }
    return spellings;
}

std::optional<CompoundParts> split_compound(std::string_view word) {
    const StreetWord* longest = nullptr;
    for (const auto& entry : table) {
        if (entry.ends_compounds && word.size() >= entry.spelling.size() + min_stem_length &&
            word.ends_with(entry.spelling) &&
            (longest == nullptr || entry.spelling.size() > longest->spelling.size())) {
            longest = &entry;
        }
    }
    if (longest == nullptr) return std::nullopt;
    return CompoundParts{word.substr(0, word.size() - longest->spelling.size()),
                         longest->canonical};
}

}  // namespace sightline::search
