#include "search/match.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "search/query.hpp"
#include "search/words.hpp"

namespace sightline::search {

namespace {

std::optional<double> score(std::string_view query, std::string_view name) {
    return match_score(parse_query(query), index_words(name));
}

}  // namespace

TEST(MatchScore, RequiresEveryQueryWord) {
    EXPECT_TRUE(score("knez mihailova", "Кнез Михаилова"));
    EXPECT_TRUE(score("mihailova knez", "Кнез Михаилова"));  // any order
    EXPECT_FALSE(score("knez milosa", "Кнез Михаилова"));
    EXPECT_FALSE(score("knez", "Kralja Petra"));
    EXPECT_FALSE(score("knez", ""));
}

TEST(MatchScore, HasNoScoreForAQueryWithoutWords) {
    EXPECT_FALSE(score("", "Knez Mihailova"));
    EXPECT_FALSE(score("5", "Knez Mihailova"));
}

TEST(MatchScore, MatchesAcrossScriptsAndDiacritics) {
    EXPECT_TRUE(score("Теразије", "Terazije"));
    EXPECT_TRUE(score("terazije", "Теразије"));
    EXPECT_TRUE(score("djure djakovica", "Ђуре Ђаковића"));
    EXPECT_TRUE(score("Đure Đakovića", "Djure Djakovica"));
    EXPECT_TRUE(score("leopoldstrasse", "Leopoldstraße"));
}

TEST(MatchScore, LetsOnlyTheLastWordBeAPrefixWhileTyping) {
    EXPECT_TRUE(score("knez miha", "Knez Mihailova"));
    EXPECT_FALSE(score("knez miha ", "Knez Mihailova"));
    EXPECT_FALSE(score("kne mihailova", "Knez Mihailova"));
}

TEST(MatchScore, FindsACompoundStreetEveryWayItIsWritten) {
    for (auto query : {"Leopoldstr. 5", "Leopold Str 5", "leopoldst", "Leopoldstraße",
                       "leopold strasse", "leopoldstrase", "Leopold"}) {
        EXPECT_TRUE(score(query, "Leopoldstraße")) << query;
    }
    EXPECT_TRUE(score("Leopoldstraße", "Leopold Str."));
    EXPECT_TRUE(score("mannerheimin tie", "Mannerheimintie"));
    EXPECT_TRUE(score("Mannerheimintie", "Mannerheimin tie"));
    EXPECT_FALSE(score("Leopoldplatz", "Leopoldstraße"));
}

TEST(MatchScore, MatchesShortAndLongStreetWordsBothWays) {
    EXPECT_TRUE(score("Bulevar kralja Aleksandra", "Bul. kralja Aleksandra"));
    EXPECT_TRUE(score("bul kralja aleksandra", "Булевар краља Александра"));
    EXPECT_TRUE(score("ulica kralja petra", "Ul. kralja Petra"));
    EXPECT_TRUE(score("kralja petra ul", "Улица краља Петра"));
    EXPECT_TRUE(score("rua augusta", "R. Augusta"));
    EXPECT_TRUE(score("av liberdade", "Avenida da Liberdade"));
    EXPECT_TRUE(score("praca comercio", "Pça. do Comércio"));
    EXPECT_TRUE(score("main st", "Main Street"));
}

TEST(MatchScore, MatchesAPrefixOfTheLongFormOfAShortWord) {
    EXPECT_TRUE(score("kralja aleksandra bulev", "Bulevar kralja Aleksandra"));
    EXPECT_TRUE(score("leopold stra", "Leopoldstraße"));
    EXPECT_FALSE(score("kralja aleksandra bulev ", "Bulevar kralja Aleksandra"));
}

TEST(MatchScore, ForgivesOneTypoInLongWordsOnly) {
    EXPECT_TRUE(score("knez mihialova", "Knez Mihailova"));   // transposition
    EXPECT_TRUE(score("knez mihajlova ", "Knez Mihailova"));  // substitution, not a prefix
    EXPECT_TRUE(score("terazje", "Теразије"));                // deletion
    EXPECT_FALSE(score("knex mihailova", "Knez Mihailova"));  // "knez" is too short
    EXPECT_FALSE(score("knez mihalova2", "Knez Mihailova"));
    EXPECT_FALSE(score("knez mihjalovaa", "Knez Mihailova"));  // two edits
    EXPECT_TRUE(score("bulevra", "Bulevar oslobođenja"));      // typo in a long form
}

TEST(MatchScore, ForgivesOneTypoInALongPrefixWhileTyping) {
    EXPECT_TRUE(score("knez mihial", "Knez Mihailova"));
    EXPECT_FALSE(score("knez mihial ", "Knez Mihailova"));
    EXPECT_FALSE(score("knez mih", "Knez Mahailova"));  // short prefixes: no typo
}

TEST(MatchScore, RanksExactAbovePrefixAboveTypo) {
    auto exact = score("knez mihailova", "Knez Mihailova");
    auto prefix = score("knez mihailov", "Knez Mihailova");
    auto typo = score("knez mihailvoa", "Knez Mihailova");
    ASSERT_TRUE(exact && prefix && typo);
    EXPECT_GT(*exact, *prefix);
    EXPECT_GT(*prefix, *typo);
}

TEST(MatchScore, PrefersTheWholeWordOverALongerOne) {
    auto query = parse_query("knez");
    auto exact = match_score(query, index_words("Knez"));
    auto prefix = match_score(query, index_words("Kneza"));
    ASSERT_TRUE(exact && prefix);
    EXPECT_GT(*exact, *prefix);
}

TEST(MatchScore, PrefersFewerExtraNameWords) {
    auto query = parse_query("terazije ");
    auto alone = match_score(query, index_words("Terazije"));
    auto one_more = match_score(query, index_words("Terazije tunel"));
    auto two_more = match_score(query, index_words("Trg Terazije tunel"));
    ASSERT_TRUE(alone && one_more && two_more);
    EXPECT_GT(*alone, *one_more);
    EXPECT_GT(*one_more, *two_more);
}

TEST(MatchScore, CountsACompoundAndItsPartsAsOneWord) {
    auto query = parse_query("leopoldstrasse ");
    auto compound = match_score(query, index_words("Leopoldstraße"));
    auto apart = match_score(query, index_words("Leopold Straße"));
    auto longer = match_score(query, index_words("Leopoldstraße Nord"));
    ASSERT_TRUE(compound && apart && longer);
    EXPECT_DOUBLE_EQ(*compound, *apart);
    EXPECT_GT(*compound, *longer);
}

TEST(MatchScore, AnExactMatchWithExtraWordsBeatsATypoWithout) {
    auto query = parse_query("mihailova ");
    auto exact = match_score(query, index_words("Knez Mihailova ulica Beograd"));
    auto typo = match_score(query, index_words("Mihajlova"));
    ASSERT_TRUE(exact && typo);
    EXPECT_GT(*exact, *typo);
}

TEST(MatchScore, StaysWithinItsDocumentedRange) {
    auto best = score("knez mihailova ", "Knez Mihailova");
    ASSERT_TRUE(best);
    EXPECT_DOUBLE_EQ(*best, 1.02);
    auto worst = score("mihailvoa ", "Mihailova a b c d e f g h i j k l m n");
    ASSERT_TRUE(worst);
    EXPECT_GT(*worst, 0.5);
    EXPECT_LT(*worst, 0.51);
}

}  // namespace sightline::search
