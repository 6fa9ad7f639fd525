// The whole interface through its one include: the examples of the issue, and properties that
// must hold for any input (checked on deterministic pseudo-random bytes).
#include "search/text.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "search/utf8.hpp"

namespace sightline::search {

namespace {

bool is_valid_utf8(const std::string& text) {
    return utf8::encode(utf8::decode(text)) == text;
}

// Random texts mixing the letters search cares about with raw bytes, from a fixed seed.
std::vector<std::string> random_texts() {
    std::mt19937 random(20261205);
    const std::vector<std::string> pieces = {
        "Кнез", "Љ",      "љ",      "Џ",      "dž",  "Lj", "NJ",     "ß",    "Straße",
        "str",  "5",      "12",     "-",      "/",   " ",  ".",      ",",    "a",
        "A",    "\u0301", "\u030c", "\u0306", "и",   "c",  "\xff",   "\xc3", "\xe2\x82",
        "é",    "Ω",      "東",     "\u00ad", "tie", "ul", "bulevar"};
    std::vector<std::string> texts;
    for (int n = 0; n < 2000; ++n) {
        std::string text;
        auto length = random() % 12;
        for (unsigned k = 0; k < length; ++k) {
            if (random() % 5 == 0) {
                text.push_back(static_cast<char>(random() % 256));
            } else {
                text += pieces[random() % pieces.size()];
            }
        }
        texts.push_back(text);
    }
    return texts;
}

}  // namespace

TEST(SearchText, FindsTheIssueExamples) {
    for (auto [query, name] : {std::pair{"Кнез Михаилова 5", "Knez Mihailova"},
                               {"knez mihailova 5", "Кнез Михаилова"},
                               {"Đure Đakovića", "Ђуре Ђаковића"},
                               {"Leopoldstr. 5", "Leopoldstraße"},
                               {"Leopold Str 5", "Leopoldstraße"},
                               {"leopoldst", "Leopoldstraße"},
                               {"Mannerheimintie 3", "Mannerheimintie"},
                               {"bahnhofpl", "Bahnhofplatz"},
                               {"Теразије", "Terazije"}}) {
        EXPECT_TRUE(match_score(parse_query(query), index_words(name))) << query << " / " << name;
    }
}

TEST(SearchText, ReturnsValidUtf8ForAnyBytes) {
    for (const auto& text : random_texts()) {
        auto folded = fold(text);
        EXPECT_TRUE(is_valid_utf8(folded));
        EXPECT_EQ(fold(folded), folded);
        EXPECT_FALSE(folded.starts_with(' ') || folded.ends_with(' ') ||
                     folded.find("  ") != std::string::npos);
        EXPECT_TRUE(is_valid_utf8(serbian_to_latin(text)));
        EXPECT_TRUE(is_valid_utf8(serbian_to_cyrillic(text)));
        auto query = parse_query(text);
        for (const auto& word : query.words) {
            EXPECT_TRUE(is_valid_utf8(word));
            EXPECT_FALSE(word.empty());
            EXPECT_EQ(word.find(' '), std::string::npos);
        }
        EXPECT_TRUE(is_valid_utf8(query.housenumber));
        EXPECT_EQ(query.housenumber.find(' '), std::string::npos);
        for (const auto& word : index_words(text))
            EXPECT_TRUE(is_valid_utf8(word));
    }
}

TEST(SearchText, ANameAlwaysMatchesItselfTypedInFull) {
    for (const auto& text : random_texts()) {
        auto query = parse_query(text + " ");
        if (query.words.empty()) continue;
        auto score = match_score(query, index_words(text));
        EXPECT_TRUE(score) << text;
    }
}

TEST(SearchText, SerbianRoundTripsThroughCyrillic) {
    for (auto latin : {"Knez Mihailova", "Kneginje Ljubice", "NJEGOŠEVA", "Džordža Vašingtona",
                       "Đure Đakovića", "Ćirila i Metodija", "Žarka Zrenjanina"}) {
        auto cyrillic = serbian_to_cyrillic(latin);
        EXPECT_EQ(dominant_script(cyrillic), Script::cyrillic);
        EXPECT_EQ(serbian_to_latin(cyrillic), latin);
    }
}

}  // namespace sightline::search
