#include "search/script.hpp"

#include <gtest/gtest.h>

#include "search/fold.hpp"

namespace sightline::search {

TEST(SerbianToLatin, GivesTheExamplesOfTheInterface) {
    EXPECT_EQ(serbian_to_latin("Кнез Михаилова"), "Knez Mihailova");
    EXPECT_EQ(serbian_to_latin("Љубљана"), "Ljubljana");
    EXPECT_EQ(serbian_to_latin("ЉУБА"), "LJUBA");
}

TEST(SerbianToLatin, MapsAllThirtyLettersInBothCases) {
    EXPECT_EQ(serbian_to_latin("абвгдђежзијклљмнњопрстћуфхцчџш"),
              "abvgdđežzijklljmnnjoprstćufhcčdžš");
    EXPECT_EQ(serbian_to_latin("АБВГДЂЕЖЗИЈКЛЉМНЊОПРСТЋУФХЦЧЏШ"),
              "ABVGDĐEŽZIJKLLJMNNJOPRSTĆUFHCČDŽŠ");
}

TEST(SerbianToLatin, WritesCapitalDigraphsByTheirNeighbours) {
    EXPECT_EQ(serbian_to_latin("Његош"), "Njegoš");
    EXPECT_EQ(serbian_to_latin("ЊЕГОШ"), "NJEGOŠ");
    EXPECT_EQ(serbian_to_latin("Џ"), "Dž");          // alone: title case
    EXPECT_EQ(serbian_to_latin("ТРГ Љ"), "TRG Lj");  // alone after a space: title case
    EXPECT_EQ(serbian_to_latin("ПЉ"), "PLJ");        // at a word's end after a capital
    EXPECT_EQ(serbian_to_latin("Пљ"), "Plj");
    EXPECT_EQ(serbian_to_latin("ЏЕМ-Џак"), "DŽEM-Džak");
}

TEST(SerbianToLatin, PassesEverythingElseThrough) {
    EXPECT_EQ(serbian_to_latin("Улица 29. новембра 5/1"), "Ulica 29. novembra 5/1");
    EXPECT_EQ(serbian_to_latin("Щука ёж Київ"), "Щuka ёž Kiїv");  // not Serbian letters
    EXPECT_EQ(serbian_to_latin("Knez Mihailova"), "Knez Mihailova");
    EXPECT_EQ(serbian_to_latin("Αθήνα 東京"), "Αθήνα 東京");
    EXPECT_EQ(serbian_to_latin(""), "");
    EXPECT_EQ(serbian_to_latin("Кн\xffез"), "Knez");  // invalid bytes dropped
}

TEST(SerbianToCyrillic, GivesTheExamplesOfTheInterface) {
    EXPECT_EQ(serbian_to_cyrillic("Đure Đakovića"), "Ђуре Ђаковића");
    EXPECT_EQ(serbian_to_cyrillic("Knez"), "Кнез");
}

TEST(SerbianToCyrillic, MapsAllThirtyLettersInBothCases) {
    EXPECT_EQ(serbian_to_cyrillic("abvgdđežzijklljmnnjoprstćufhcčdžš"),
              "абвгдђежзијклљмнњопрстћуфхцчџш");
    EXPECT_EQ(serbian_to_cyrillic("ABVGDĐEŽZIJKLLJMNNJOPRSTĆUFHCČDŽŠ"),
              "АБВГДЂЕЖЗИЈКЛЉМНЊОПРСТЋУФХЦЧЏШ");
}

TEST(SerbianToCyrillic, ReadsDigraphsAsOneLetterInAnyCase) {
    EXPECT_EQ(serbian_to_cyrillic("Ljubljana"), "Љубљана");
    EXPECT_EQ(serbian_to_cyrillic("LJUBLJANA"), "ЉУБЉАНА");
    EXPECT_EQ(serbian_to_cyrillic("Njegoš NJEGOŠ njegoš"), "Његош ЊЕГОШ његош");
    EXPECT_EQ(serbian_to_cyrillic("Džordža DŽORDŽA"), "Џорџа ЏОРЏА");
    EXPECT_EQ(serbian_to_cyrillic("ǅakovica ǈubljana ǋegoš ǆ ǉ ǌ Ǆ Ǉ Ǌ"),
              "Џаковица Љубљана Његош џ љ њ Џ Љ Њ");
}

TEST(SerbianToCyrillic, ReadsDecomposedLetters) {
    EXPECT_EQ(serbian_to_cyrillic("C\u030Cac\u030Cak S\u030Cabac z\u030C c\u0301"),
              "Чачак Шабац ж ћ");
    EXPECT_EQ(serbian_to_cyrillic("dz\u030C"), "џ");
}

TEST(SerbianToCyrillic, PassesEverythingElseThrough) {
    EXPECT_EQ(serbian_to_cyrillic("Quix Wy 29. novembra"), "Qуиx Wy 29. новембра");
    EXPECT_EQ(serbian_to_cyrillic("Müller"), "Мüллер");
    EXPECT_EQ(serbian_to_cyrillic("Кнез"), "Кнез");
    EXPECT_EQ(serbian_to_cyrillic(""), "");
    EXPECT_EQ(serbian_to_cyrillic("Kn\xc3"
                                  "ez"),
              "Кнез");
}

TEST(SerbianScripts, RoundTripSerbianText) {
    for (auto latin : {"Knez Mihailova 5", "Bulevar kralja Aleksandra", "Đure Đakovića",
                       "Ljubljanska NJEGOŠEVA Džordža Vašingtona", "Ćirila i Metodija"}) {
        EXPECT_EQ(serbian_to_latin(serbian_to_cyrillic(latin)), latin);
        EXPECT_EQ(fold(serbian_to_cyrillic(latin)), fold(latin));
    }
}

TEST(DominantScript, CountsLetters) {
    EXPECT_EQ(dominant_script("Кнез Михаилова"), Script::cyrillic);
    EXPECT_EQ(dominant_script("Knez Mihailova"), Script::latin);
    EXPECT_EQ(dominant_script("Кнез Mihailova"), Script::latin);
    EXPECT_EQ(dominant_script("Knez Михаилова"), Script::cyrillic);
    EXPECT_EQ(dominant_script("Ђура 12345678 OK"), Script::cyrillic);  // digits do not count
    EXPECT_EQ(dominant_script("Đurđa"), Script::latin);
}

TEST(DominantScript, IsLatinWithoutLettersOrOnATie) {
    EXPECT_EQ(dominant_script(""), Script::latin);
    EXPECT_EQ(dominant_script("12 / 5"), Script::latin);
    EXPECT_EQ(dominant_script("東京"), Script::latin);
    EXPECT_EQ(dominant_script("ab юя"), Script::latin);
    EXPECT_EQ(dominant_script("\xff\xfe"), Script::latin);
}

}  // namespace sightline::search
