#include "model/tags.hpp"

#include <gtest/gtest.h>

namespace sightline::model {

TEST(Tags, AcceptsATypicalCamera) {
    Tags tags{{"man_made", "surveillance"},    {"surveillance", "public"},
              {"surveillance:type", "camera"}, {"camera:type", "dome"},
              {"camera:direction", "135;NE"},  {"height", "4 m"},
              {"operator", "MUP Србије"},      {"start_date", "2019-06"}};
    EXPECT_TRUE(validate_tags(tags));
}

TEST(Tags, RejectsValuesOutsideTheInterpretedVocabulary) {
    for (auto [key, value] :
         std::vector<std::pair<std::string, std::string>>{{"camera:type", "spherical"},
                                                          {"surveillance:type", "drone"},
                                                          {"surveillance", "everywhere"},
                                                          {"camera:direction", "up"},
                                                          {"camera:angle", "120"},
                                                          {"height", "-3"},
                                                          {"man_made", "tower"},
                                                          {"start_date", "last year"}}) {
        auto ok = validate_tags(Tags{{key, value}});
        ASSERT_FALSE(ok) << key << "=" << value;
        EXPECT_NE(ok.error().message.find(key), std::string::npos) << ok.error().message;
    }
}

TEST(Tags, EnforcesOsmLengthLimitsInCharactersNotBytes) {
    std::string cyrillic_255;
    for (int i = 0; i < 255; ++i)
        cyrillic_255 += "ж";  // 510 bytes, 255 characters
    EXPECT_TRUE(validate_tags(Tags{{"note", cyrillic_255}}));
    EXPECT_FALSE(validate_tags(Tags{{"note", cyrillic_255 + "ж"}}));
    EXPECT_FALSE(validate_tags(Tags{{std::string(256, 'k'), "v"}}));
    EXPECT_FALSE(validate_tags(Tags{{"", "v"}}));
    EXPECT_FALSE(validate_tags(Tags{{"k", ""}}));
}

TEST(Tags, RejectsInvalidUtf8AndControlCharacters) {
    EXPECT_FALSE(is_clean_utf8("\xff"));
    EXPECT_FALSE(is_clean_utf8("\xc0\xaf"));      // overlong '/'
    EXPECT_FALSE(is_clean_utf8("\xed\xa0\x80"));  // surrogate
    EXPECT_FALSE(is_clean_utf8("abc\xe2\x82"));   // truncated
    EXPECT_FALSE(is_clean_utf8(std::string("a\0b", 3)));
    EXPECT_FALSE(is_clean_utf8("line\nbreak"));
    EXPECT_TRUE(is_clean_utf8("Београд Beograd 🎥"));
    EXPECT_FALSE(validate_tags(Tags{{"operator", "bad\x01"}}));
}

TEST(Tags, ParsesDirectionsInDegreesAndCompassPoints) {
    auto dirs = parse_directions("135; NE;SSW;-90;360");
    ASSERT_TRUE(dirs);
    EXPECT_EQ(*dirs, (std::vector<double>{135, 45, 202.5, 270, 0}));
    EXPECT_EQ(format_directions({135, 22.5}), "135;22.5");
    EXPECT_FALSE(parse_directions(""));
    EXPECT_FALSE(parse_directions("90;;180"));
}

}  // namespace sightline::model
