#include "pdf/report_text.hpp"

#include <gtest/gtest.h>

namespace sightline::pdf {

TEST(ReportText, NumbersAsEachLanguageWritesThem) {
    EXPECT_EQ(format_number(Language::en, 1234567.891, 2), "1,234,567.89");
    EXPECT_EQ(format_number(Language::sr_latn, 1234567.891, 2), "1.234.567,89");
    EXPECT_EQ(format_number(Language::sr_cyrl, 0.5, 1), "0,5");
    EXPECT_EQ(format_number(Language::en, 999, 0), "999");
    EXPECT_EQ(format_number(Language::en, 1000, 0), "1,000");
    EXPECT_EQ(format_number(Language::en, -1234.5, 1), "-1,234.5");
    EXPECT_EQ(format_number(Language::en, -0.0001, 1), "0.0");
}

TEST(ReportText, DatesInEachLanguage) {
    const std::int64_t t = 1'796'515'200;  // 2026-12-06 00:00 UTC
    EXPECT_EQ(format_date(Language::en, t), "6 December 2026");
    EXPECT_EQ(format_date(Language::sr_latn, t), "6. decembra 2026.");
    EXPECT_EQ(format_date(Language::sr_cyrl, t), "6. децембра 2026.");
}

TEST(ReportText, LanguagesByTag) {
    EXPECT_EQ(parse_language("en"), Language::en);
    EXPECT_EQ(parse_language("sr-latn"), Language::sr_latn);
    EXPECT_EQ(parse_language("sr"), Language::sr_latn);
    EXPECT_EQ(parse_language("sr-Cyrl"), Language::sr_cyrl);
    EXPECT_FALSE(parse_language("de"));
    EXPECT_FALSE(parse_language(""));
}

TEST(ReportText, EveryPhraseExistsInEveryLanguageAndKindsAreNamed) {
    for (auto key : {"title", "cameras", "watched", "dori.identify", "method_text", "page"})
        for (auto lang : {Language::en, Language::sr_latn, Language::sr_cyrl})
            EXPECT_NE(text(lang, key), key) << key;
    EXPECT_EQ(kind_name(Language::sr_latn, "dome"), "kupolasta");
    EXPECT_EQ(kind_name(Language::sr_cyrl, "fixed"), "фиксна");
    EXPECT_EQ(kind_name(Language::en, "thermal"), "thermal");  // unknown kinds as they are
}

}  // namespace sightline::pdf
