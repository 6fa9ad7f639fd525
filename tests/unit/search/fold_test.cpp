#include "search/fold.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sightline::search {

TEST(Fold, GivesTheExamplesOfTheInterface) {
    EXPECT_EQ(fold("Кнез Михаилова 5"), "knez mihailova 5");
    EXPECT_EQ(fold("Đure Đakovića"), "djure djakovica");
    EXPECT_EQ(fold("Leopoldstraße 12a"), "leopoldstrasse 12a");
    EXPECT_EQ(fold("Теразије"), fold("Terazije"));
}

TEST(Fold, SpellsSerbianCyrillicAsTheOfficialLatinAlphabet) {
    // All 30 letters, in Cyrillic alphabetical order, against the Latin correspondence.
    EXPECT_EQ(fold("абвгдђежзијклљмнњопрстћуфхцчџш"), fold("abvgdđežzijklljmnnjoprstćufhcčdžš"));
    EXPECT_EQ(fold("абвгдђежзијклљмнњопрстћуфхцчџш"), "abvgddjezzijklljmnnjoprstcufhccdzs");
    EXPECT_EQ(fold("АБВГДЂЕЖЗИЈКЛЉМНЊОПРСТЋУФХЦЧЏШ"), fold("абвгдђежзијклљмнњопрстћуфхцчџш"));
    EXPECT_EQ(fold("Љубљана"), "ljubljana");
    EXPECT_EQ(fold("Њего\u00adшева"), "njegoseva");  // with a soft hyphen inside
    EXPECT_EQ(fold("Џорџа Вашингтона"), "dzordza vasingtona");
    EXPECT_EQ(fold("Ћирила и Методија"), fold("Ćirila i Metodija"));
    EXPECT_EQ(fold("Булевар краља Александра"), fold("Bulevar kralja Aleksandra"));
}

TEST(Fold, SpellsOtherCyrillicLettersByIso9) {
    EXPECT_EQ(fold("Юрий"), "urij");                      // ю û, й j
    EXPECT_EQ(fold("Щукин"), "sukin");                    // щ ŝ
    EXPECT_EQ(fold("Подъезд"), "podezd");                 // ъ ʺ dropped inside the word
    EXPECT_EQ(fold("Ильич"), "ilic");                     // ь ʹ dropped
    EXPECT_EQ(fold("Тверская улица"), "tverskaa ulica");  // я â
    EXPECT_EQ(fold("Ёлка"), "elka");                      // ё ë
    EXPECT_EQ(fold("Эрмитаж"), "ermitaz");                // э è
    EXPECT_EQ(fold("Крым"), "krym");                      // ы y
    EXPECT_EQ(fold("Київ"), "kiiv");                      // ї ï
    EXPECT_EQ(fold("Ґанок"), "ganok");                    // ґ g̀
    EXPECT_EQ(fold("Європа"), "evropa");                  // є ê
    EXPECT_EQ(fold("Беларусь Ўсход"), "belarus ushod");   // ў ŭ
    EXPECT_EQ(fold("Ѓорче Петров"), "gorce petrov");      // Macedonian ѓ ǵ
    EXPECT_EQ(fold("Ќерка Ѕвезда"), "kerka zvezda");      // ќ ḱ, ѕ ẑ
    EXPECT_EQ(fold("Софийски площад"), "sofijski plosad");
}

TEST(Fold, DecomposedCyrillicFoldsLikePrecomposed) {
    EXPECT_EQ(fold("\u0438\u0306"), fold("й"));  // и + breve
    EXPECT_EQ(fold("\u0418\u0306"), "j");
    EXPECT_EQ(fold("\u0435\u0308"), fold("ё"));
    EXPECT_EQ(fold("\u0456\u0308"), fold("ї"));
    EXPECT_EQ(fold("\u0443\u0306"), fold("ў"));
    EXPECT_EQ(fold("\u0433\u0301"), fold("ѓ"));
    EXPECT_EQ(fold("\u043a\u0301"), fold("ќ"));
    EXPECT_EQ(fold("Юри\u0438\u0306"), "urij");
}

TEST(Fold, RemovesGermanDiacritics) {
    EXPECT_EQ(fold("Äußere Wiener Straße"), "aussere wiener strasse");
    EXPECT_EQ(fold("Müllerstraße Öl Über"), "mullerstrasse ol uber");
    EXPECT_EQ(fold("GROẞE STRASSE"), "grosse strasse");
}

TEST(Fold, RemovesPortugueseAndFrenchDiacritics) {
    EXPECT_EQ(fold("Praça São João"), "praca sao joao");
    EXPECT_EQ(fold("Avenida da Liberdade, Lisboa"), "avenida da liberdade lisboa");
    EXPECT_EQ(fold("Rua Conceição à Sé"), "rua conceicao a se");
    EXPECT_EQ(fold("Champs-Élysées"), "champs elysees");
    EXPECT_EQ(fold("Cœur Ñandú Façade Île Hôtel Noël"), "coeur nandu facade ile hotel noel");
}

TEST(Fold, RemovesFinnishAndNordicDiacritics) {
    EXPECT_EQ(fold("Hämeentie Töölö Åbo"), "hameentie toolo abo");
    EXPECT_EQ(fold("Søndre gate Ærø"), "sondre gate aero");
    EXPECT_EQ(fold("Þingvellir Ðorp"), "thingvellir dorp");
}

TEST(Fold, RemovesPolishAndCzechDiacritics) {
    EXPECT_EQ(fold("Łódź Wrocław Gdańsk Żółć"), "lodz wroclaw gdansk zolc");
    EXPECT_EQ(fold("Ęą Śź"), "ea sz");
    EXPECT_EQ(fold("Náměstí Míru Řeznická Ůvoz Ďáblice Ťě"),
              "namesti miru reznicka uvoz dablice te");
}

TEST(Fold, FoldsSerbianLatinToAscii) {
    EXPECT_EQ(fold("Čačak Ćuprija Šabac Žabalj Đerdap"), "cacak cuprija sabac zabalj djerdap");
    EXPECT_EQ(fold("ǅakovica ǈubljana ǋegoš"),
              "dzakovica ljubljana njegos");  // digraph code points
}

TEST(Fold, DecomposedLatinFoldsLikePrecomposed) {
    // NFD: base letter + combining mark
    EXPECT_EQ(fold("Stras\u0073e Mu\u0308ller C\u030Cac\u030Cak"), fold("Strasse Müller Čačak"));
    EXPECT_EQ(fold("Praça"), fold("Prac\u0327a"));
    EXPECT_EQ(fold("Ðakovića"), "dakovica");  // U+00D0 is Icelandic eth, not Đ
    EXPECT_EQ(fold("Ðakovic\u0301a"), "dakovica");
    EXPECT_EQ(fold("Hôtel"), fold("Ho\u0302tel"));
    EXPECT_EQ(fold("a\u0301\u0323b"), "ab");  // two marks on one letter
}

TEST(Fold, LowerCasesGreekWithoutAccents) {
    EXPECT_EQ(fold("ΑΘΗΝΑ Αθήνα"), "αθηνα αθηνα");
    EXPECT_EQ(fold("Οδός"), "οδοσ");  // final sigma folds to σ
    EXPECT_EQ(fold("Ά"), fold("\u0391\u0301"));
}

TEST(Fold, TurnsEveryOtherCharacterIntoOneSpace) {
    EXPECT_EQ(fold("  Knez---Mihailova,,, 5 "), "knez mihailova 5");
    EXPECT_EQ(fold("a\tb\nc\u00a0d\u2003e\u3000f"), "a b c d e f");
    EXPECT_EQ(fold("«Trg» „Republike“ ★ 5/1 №7 €"), "trg republike 5 1 7");
    EXPECT_EQ(fold("O'Brien’s"), "o brien s");
    EXPECT_EQ(fold("😀Café😀"), "cafe");
}

TEST(Fold, KeepsLettersAndDigitsOfOtherScripts) {
    EXPECT_EQ(fold("東京 タワー"), "東京 タワー");
    EXPECT_EQ(fold("תל אביב"), "תל אביב");
    EXPECT_EQ(fold("١٢٣"), "١٢٣");
}

TEST(Fold, FoldsFullWidthAndLigatures) {
    EXPECT_EQ(fold("ＡＢＣ１２"), "abc12");
    EXPECT_EQ(fold("ﬁeld"), "field");
}

TEST(Fold, DropsInvalidUtf8AndNeverFails) {
    EXPECT_EQ(fold(""), "");
    EXPECT_EQ(fold("   "), "");
    EXPECT_EQ(fold("Kn\xff"
                   "ez"),
              "knez");
    EXPECT_EQ(fold("\xc3"), "");  // truncated
    EXPECT_EQ(fold("a\xc0\xaf"
                   "b"),
              "ab");                              // overlong "/"
    EXPECT_EQ(fold("a\xed\xa0\x80z"), "az");      // surrogate
    EXPECT_EQ(fold("a\xf4\x90\x80\x80z"), "az");  // above U+10FFFF
    EXPECT_EQ(fold("\x80\x80Теразије\xfe"), "terazije");
    EXPECT_EQ(fold(std::string("a\0b", 3)), "a b");  // NUL is a control: a boundary
    std::string all_bytes;
    for (int byte = 0; byte < 256; ++byte)
        all_bytes.push_back(static_cast<char>(byte));
    EXPECT_EQ(fold(all_bytes), "0123456789 abcdefghijklmnopqrstuvwxyz abcdefghijklmnopqrstuvwxyz");
}

TEST(Fold, IsIdempotent) {
    for (auto text : {"Кнез Михаилова 5", "Đure Đakovića", "Leopoldstraße 12a", "Юрий", "ΑΘΗΝΑ",
                      "Łódź", "東京"}) {
        auto once = fold(text);
        EXPECT_EQ(fold(once), once) << text;
    }
}

}  // namespace sightline::search
