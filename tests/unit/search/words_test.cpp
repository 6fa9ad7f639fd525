#include "search/words.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "search/street_words.hpp"

namespace sightline::search {

using Words = std::vector<std::string>;

TEST(IndexWords, FoldsAndSplitsAName) {
    EXPECT_EQ(index_words("Кнез Михаилова"), (Words{"knez", "mihailova"}));
    EXPECT_EQ(index_words("Đure Đakovića"), (Words{"djure", "djakovica"}));
}

TEST(IndexWords, CanonicalisesLongAndShortStreetWordsAlike) {
    EXPECT_EQ(index_words("Ulica kralja Petra"), index_words("Ul. kralja Petra"));
    EXPECT_EQ(index_words("Улица краља Петра"), (Words{"ul", "kralja", "petra"}));
    EXPECT_EQ(index_words("Bulevar oslobođenja"), index_words("Bul. oslobođenja"));
    EXPECT_EQ(index_words("Bulevar oslobođenja"), (Words{"bul", "oslobodjenja"}));
    EXPECT_EQ(index_words("Trg republike"), index_words("Tr. republike"));
    EXPECT_EQ(index_words("Main Street"), index_words("Main St."));
    EXPECT_EQ(index_words("Main Street"), (Words{"main", "st"}));
    EXPECT_EQ(index_words("Fifth Avenue"), index_words("Fifth Ave"));
    EXPECT_EQ(index_words("Fifth Avenue"), index_words("Fifth Av."));
    EXPECT_EQ(index_words("Abbey Road"), index_words("Abbey Rd"));
    EXPECT_EQ(index_words("Sunset Boulevard"), index_words("Sunset Blvd"));
    EXPECT_EQ(index_words("Boulevard Haussmann"), index_words("Bd Haussmann"));
    EXPECT_EQ(index_words("Bulevar"), index_words("Boulevard"));
    EXPECT_EQ(index_words("Place de la Concorde"), index_words("Pl. de la Concorde"));
    EXPECT_EQ(index_words("Bahnhof Platz"), index_words("Bahnhof Pl."));
    EXPECT_EQ(index_words("Rua Augusta"), index_words("R. Augusta"));
    EXPECT_EQ(index_words("Avenida da Liberdade"), index_words("Av. da Liberdade"));
    EXPECT_EQ(index_words("Praça do Comércio"), index_words("Pça. do Comércio"));
    EXPECT_EQ(index_words("Leopold Straße"), index_words("Leopold Str."));
    EXPECT_EQ(index_words("Aleksanterin katu"), index_words("Aleksanterin k."));
}

TEST(IndexWords, KeepsWordsThatAreNotStreetWords) {
    EXPECT_EQ(index_words("Dr Ivana Ribara"), (Words{"dr", "ivana", "ribara"}));
    EXPECT_EQ(index_words("Saint Street"), (Words{"saint", "st"}));
}

TEST(IndexWords, IndexesACompoundWholeAndAsStemPlusSuffix) {
    EXPECT_EQ(index_words("Leopoldstraße 12a"), (Words{"leopoldstrasse", "leopold", "str", "12a"}));
    EXPECT_EQ(index_words("Leopoldstr."), (Words{"leopoldstr", "leopold", "str"}));
    EXPECT_EQ(index_words("Mannerheimintie"), (Words{"mannerheimintie", "mannerheimin", "tie"}));
    EXPECT_EQ(index_words("Bahnhofplatz"), (Words{"bahnhofplatz", "bahnhof", "pl"}));
    EXPECT_EQ(index_words("Aleksanterinkatu"), (Words{"aleksanterinkatu", "aleksanterin", "k"}));
    EXPECT_EQ(index_words("Kauppatori"), (Words{"kauppatori", "kauppa", "tori"}));
    EXPECT_EQ(index_words("Lindenallee Mühlweg Schlossgasse"),
              (Words{"lindenallee", "linden", "allee", "muhlweg", "muhl", "weg", "schlossgasse",
                     "schloss", "gasse"}));
}

TEST(IndexWords, LeavesShortWordsEndingInAStreetWordWhole) {
    EXPECT_EQ(index_words("Strasse"), (Words{"str"}));
    EXPECT_EQ(index_words("Weg Ring Tie"), (Words{"weg", "ring", "tie"}));
    EXPECT_EQ(index_words("Spring"), (Words{"spring"}));  // a stem of 2 letters is no stem
    EXPECT_EQ(index_words("Forest"), (Words{"forest"}));  // "st" never ends a compound
}

TEST(IndexWords, RemovesDuplicatesKeepingOrder) {
    EXPECT_EQ(index_words("Leopoldstraße / Leopold Str."),
              (Words{"leopoldstrasse", "leopold", "str"}));
    EXPECT_EQ(index_words("Ulica ul. Knez ulica"), (Words{"ul", "knez"}));
}

TEST(IndexWords, IsEmptyForEmptyOrInvalidText) {
    EXPECT_TRUE(index_words("").empty());
    EXPECT_TRUE(index_words(" -- ").empty());
    EXPECT_TRUE(index_words("\xff\xfe").empty());
}

TEST(StreetWords, ListAllSpellingsOfACanonicalForm) {
    EXPECT_EQ(street_word_spellings("bul"),
              (std::vector<std::string_view>{"bulevar", "bul", "boulevard", "blvd", "bd"}));
    EXPECT_TRUE(street_word_spellings("knez").empty());
    EXPECT_EQ(canonical_street_word("knez"), "knez");
}

TEST(StreetWords, SplitsAtTheLongestSuffix) {
    auto parts = split_compound("hauptstrasse");
    ASSERT_TRUE(parts);
    EXPECT_EQ(parts->stem, "haupt");
    EXPECT_EQ(parts->suffix, "str");
    EXPECT_FALSE(split_compound("str"));
    EXPECT_FALSE(split_compound("abstr"));
    EXPECT_FALSE(split_compound(""));
}

}  // namespace sightline::search
