#include "search/utf8.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sightline::search::utf8 {

TEST(Utf8, DecodesOneToFourByteSequences) {
    EXPECT_EQ(decode("aЖ€😀"), (std::vector<char32_t>{U'a', U'Ж', U'€', U'😀'}));
    EXPECT_EQ(encode(decode("aЖ€😀")), "aЖ€😀");
}

TEST(Utf8, DropsEachInvalidByteAndKeepsWhatFollows) {
    EXPECT_EQ(decode("\xffz"), (std::vector<char32_t>{U'z'}));
    EXPECT_EQ(decode("\xd0z"), (std::vector<char32_t>{U'z'}));         // truncated
    EXPECT_EQ(decode("\xe2\x82"), (std::vector<char32_t>{}));          // truncated at the end
    EXPECT_EQ(decode("\xc1\xbf"), (std::vector<char32_t>{}));          // overlong
    EXPECT_EQ(decode("\xe0\x80\xaf"), (std::vector<char32_t>{}));      // overlong
    EXPECT_EQ(decode("\xed\xbf\xbf"), (std::vector<char32_t>{}));      // surrogate
    EXPECT_EQ(decode("\xf5\x80\x80\x80"), (std::vector<char32_t>{}));  // above U+10FFFF
    EXPECT_EQ(decode("\xe2\x82Ж"), (std::vector<char32_t>{U'Ж'}));     // resynchronises
}

}  // namespace sightline::search::utf8
