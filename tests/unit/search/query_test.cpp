#include "search/query.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sightline::search {

using Words = std::vector<std::string>;

TEST(ParseQuery, SplitsWordsAndHouseNumber) {
    auto query = parse_query("Кнез Михаилова 5");
    EXPECT_EQ(query.words, (Words{"knez", "mihailova"}));
    EXPECT_EQ(query.housenumber, "5");
    EXPECT_FALSE(query.last_is_prefix);  // a house number came after the last word
}

TEST(ParseQuery, TheLastWordIsAPrefixOnlyWhileTyping) {
    auto typing = parse_query("knez miha");
    EXPECT_EQ(typing.words, (Words{"knez", "miha"}));
    EXPECT_TRUE(typing.last_is_prefix);
    EXPECT_FALSE(parse_query("knez miha ").last_is_prefix);
    EXPECT_FALSE(parse_query("knez miha,").last_is_prefix);
    EXPECT_FALSE(parse_query("knez miha.").last_is_prefix);
    EXPECT_FALSE(parse_query("knez miha\t").last_is_prefix);
    EXPECT_TRUE(parse_query("Михаи").last_is_prefix);
    EXPECT_TRUE(parse_query("Mu\u0308").last_is_prefix);  // a combining mark is still typing
}

TEST(ParseQuery, CanonicalisesStreetWordsLikeTheIndex) {
    EXPECT_EQ(parse_query("Bulevar kralja Aleksandra").words,
              (Words{"bul", "kralja", "aleksandra"}));
    EXPECT_EQ(parse_query("bul. kralja aleksandra").words, (Words{"bul", "kralja", "aleksandra"}));
    EXPECT_EQ(parse_query("ул. Краља Петра").words, (Words{"ul", "kralja", "petra"}));
    EXPECT_EQ(parse_query("Main Street").words, (Words{"main", "st"}));
}

TEST(ParseQuery, SplitsCompoundsIntoStemAndSuffix) {
    auto abbreviated = parse_query("Leopoldstr. 5");
    EXPECT_EQ(abbreviated.words, (Words{"leopold", "str"}));
    EXPECT_EQ(abbreviated.housenumber, "5");
    auto apart = parse_query("Leopold Str 5");
    EXPECT_EQ(apart.words, (Words{"leopold", "str"}));
    EXPECT_EQ(apart.housenumber, "5");
    EXPECT_EQ(parse_query("Leopoldstraße").words, (Words{"leopold", "str"}));
    auto typing = parse_query("leopoldst");
    EXPECT_EQ(typing.words, (Words{"leopoldst"}));
    EXPECT_TRUE(typing.last_is_prefix);
    EXPECT_EQ(parse_query("Mannerheimintie 1").words, (Words{"mannerheimin", "tie"}));
}

TEST(ParseQuery, ReadsHouseNumbersWithLettersFractionsAndRanges) {
    EXPECT_EQ(parse_query("Knez Mihailova 5a").housenumber, "5a");
    EXPECT_EQ(parse_query("Knez Mihailova 5 a").housenumber, "5a");
    EXPECT_EQ(parse_query("Knez Mihailova 5 A").words, (Words{"knez", "mihailova"}));
    EXPECT_EQ(parse_query("Knez Mihailova 5/1").housenumber, "5/1");
    EXPECT_EQ(parse_query("Knez Mihailova 12-14").housenumber, "12-14");
    EXPECT_EQ(parse_query("Knez Mihailova 12 - 14").housenumber, "12-14");
    EXPECT_EQ(parse_query("Knez Mihailova 12 -14").housenumber, "12-14");
    EXPECT_EQ(parse_query("Knez Mihailova 12- 14").housenumber, "12-14");
    EXPECT_EQ(parse_query("Knez Mihailova 12 – 14").housenumber, "12-14");  // en dash
    EXPECT_EQ(parse_query("Кнез Михаилова 5а").housenumber, "5a");          // Cyrillic а
}

TEST(ParseQuery, FindsTheHouseNumberBeforeOrAfterTheStreet) {
    auto english = parse_query("221b Baker Street");
    EXPECT_EQ(english.housenumber, "221b");
    EXPECT_EQ(english.words, (Words{"baker", "st"}));
    EXPECT_TRUE(english.last_is_prefix);
    auto comma = parse_query("Knez Mihailova, 5, Beograd");
    EXPECT_EQ(comma.housenumber, "5");
    EXPECT_EQ(comma.words, (Words{"knez", "mihailova", "beograd"}));
}

TEST(ParseQuery, KeepsOrdinalsInNamesAsWords) {
    auto query = parse_query("27. marta 5");
    EXPECT_EQ(query.words, (Words{"27", "marta"}));
    EXPECT_EQ(query.housenumber, "5");
    auto no_number = parse_query("Bulevar 1. maja");
    EXPECT_EQ(no_number.words, (Words{"bul", "1", "maja"}));
    EXPECT_EQ(no_number.housenumber, "");
    EXPECT_TRUE(no_number.last_is_prefix);
}

TEST(ParseQuery, TakesTheLastNumberAsTheHouseNumber) {
    auto query = parse_query("Ulica 7 jula 12");
    EXPECT_EQ(query.housenumber, "12");
    EXPECT_EQ(query.words, (Words{"ul", "7", "jula"}));
}

TEST(ParseQuery, HandlesEmptyAndInvalidInput) {
    auto empty = parse_query("");
    EXPECT_TRUE(empty.words.empty());
    EXPECT_EQ(empty.housenumber, "");
    EXPECT_FALSE(empty.last_is_prefix);
    auto blank = parse_query("  ,;. ");
    EXPECT_TRUE(blank.words.empty());
    EXPECT_FALSE(blank.last_is_prefix);
    auto only_number = parse_query("5");
    EXPECT_TRUE(only_number.words.empty());
    EXPECT_EQ(only_number.housenumber, "5");
    EXPECT_FALSE(only_number.last_is_prefix);
    auto invalid = parse_query(
        "kn\xff"
        "ez \xc3");
    EXPECT_EQ(invalid.words, (Words{"knez"}));
    EXPECT_FALSE(invalid.last_is_prefix);  // the space is the last valid character
    EXPECT_TRUE(parse_query("\xff\xfe").words.empty());
}

TEST(NormalizeHousenumber, LowerCasesAndRemovesSpaces) {
    EXPECT_EQ(normalize_housenumber("5"), "5");
    EXPECT_EQ(normalize_housenumber("5 A"), "5a");
    EXPECT_EQ(normalize_housenumber("5a"), "5a");
    EXPECT_EQ(normalize_housenumber("5/1"), "5/1");
    EXPECT_EQ(normalize_housenumber("5 / 1"), "5/1");
    EXPECT_EQ(normalize_housenumber("12 - 14"), "12-14");
    EXPECT_EQ(normalize_housenumber("12—14"), "12-14");
    EXPECT_EQ(normalize_housenumber("12--14"), "12-14");
    EXPECT_EQ(normalize_housenumber(" 5. "), "5");
    EXPECT_EQ(normalize_housenumber("-5-"), "5");
    EXPECT_EQ(normalize_housenumber("5Б"), "5b");
    EXPECT_EQ(normalize_housenumber(""), "");
    EXPECT_EQ(normalize_housenumber("\xff"), "");
}

TEST(HousenumberList, SplitsListsAndKeepsEachNumberOnce) {
    EXPECT_EQ(housenumber_list("39;38"), (std::vector<std::string>{"39", "38"}));
    EXPECT_EQ(housenumber_list("18; 19; 20"), (std::vector<std::string>{"18", "19", "20"}));
    EXPECT_EQ(housenumber_list("13 A, 5. krs."), (std::vector<std::string>{"13a", "5krs"}));
    EXPECT_EQ(housenumber_list("5;5"), (std::vector<std::string>{"5"}));
    EXPECT_EQ(housenumber_list("12-14"), (std::vector<std::string>{"12-14"}));
    EXPECT_TRUE(housenumber_list("").empty());
    EXPECT_TRUE(housenumber_list(" ; , ").empty());
}

}  // namespace sightline::search
