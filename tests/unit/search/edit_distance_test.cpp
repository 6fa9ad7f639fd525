#include "search/edit_distance.hpp"

#include <gtest/gtest.h>

namespace sightline::search {

TEST(WithinOneEdit, AcceptsEqualWords) {
    EXPECT_TRUE(within_one_edit("", ""));
    EXPECT_TRUE(within_one_edit("mihailova", "mihailova"));
}

TEST(WithinOneEdit, AcceptsOneInsertionDeletionOrSubstitution) {
    EXPECT_TRUE(within_one_edit("mihailova", "mihajlova"));   // substitution
    EXPECT_TRUE(within_one_edit("mihailova", "mihailov"));    // deletion at the end
    EXPECT_TRUE(within_one_edit("mihailova", "ihailova"));    // deletion at the start
    EXPECT_TRUE(within_one_edit("mihailova", "mihaillova"));  // insertion
    EXPECT_TRUE(within_one_edit("a", ""));
    EXPECT_TRUE(within_one_edit("", "a"));
    EXPECT_TRUE(within_one_edit("a", "b"));
}

TEST(WithinOneEdit, AcceptsOneTranspositionOfNeighbours) {
    EXPECT_TRUE(within_one_edit("mihailova", "mihialova"));
    EXPECT_TRUE(within_one_edit("terazije", "etrazije"));  // at the start
    EXPECT_TRUE(within_one_edit("terazije", "teraziej"));  // at the end
    EXPECT_TRUE(within_one_edit("ab", "ba"));
}

TEST(WithinOneEdit, RejectsTwoEdits) {
    EXPECT_FALSE(within_one_edit("mihailova", "mihajlovic"));
    EXPECT_FALSE(within_one_edit("mihailova", "mihailovaaa"));
    EXPECT_FALSE(within_one_edit("mihailova", "imhailovx"));  // transposition + substitution
    EXPECT_FALSE(within_one_edit("abc", "cba"));              // not neighbours
    EXPECT_FALSE(within_one_edit("terazije", "tearzjie"));
    EXPECT_FALSE(within_one_edit("", "ab"));
    EXPECT_FALSE(within_one_edit("abcd", "badc"));  // two transpositions
}

TEST(WithinOneEdit, CountsCodePointsNotBytes) {
    EXPECT_TRUE(within_one_edit("šuma", "suma"));  // 2 bytes vs 1 byte: one substitution
    EXPECT_TRUE(within_one_edit("αθηνα", "αθινα"));
    EXPECT_TRUE(within_one_edit("αθηνα", "αηθνα"));  // transposition of 2-byte letters
    EXPECT_TRUE(within_one_edit("東京都", "東京"));
    EXPECT_FALSE(within_one_edit("šš", "ss"));
}

TEST(WithinOneEdit, IgnoresInvalidBytes) {
    EXPECT_TRUE(
        within_one_edit("kn\xff"
                        "ez",
                        "knez"));
    EXPECT_TRUE(within_one_edit("\xc3", ""));
}

TEST(TypoAllowed, NeedsFiveLettersAndNoDigit) {
    EXPECT_FALSE(typo_allowed(""));
    EXPECT_FALSE(typo_allowed("knez"));
    EXPECT_TRUE(typo_allowed("kneza"));
    EXPECT_TRUE(typo_allowed("mihailova"));
    EXPECT_FALSE(typo_allowed("12345"));
    EXPECT_FALSE(typo_allowed("12a34b"));
    EXPECT_TRUE(typo_allowed("αθηνα"));  // five letters in ten bytes
    EXPECT_FALSE(typo_allowed("šuma"));  // four letters in five bytes
}

}  // namespace sightline::search
