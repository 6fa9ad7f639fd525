#include "store/encoding/json_columns.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace sightline::store::encoding {

TEST(JsonColumns, WritesTagsSortedAndCompact) {
    model::Tags tags{
        {"surveillance", "public"}, {"camera:type", "dome"}, {"man_made", "surveillance"}};
    EXPECT_EQ(write_tags(tags),
              R"({"camera:type":"dome","man_made":"surveillance","surveillance":"public"})");
    EXPECT_EQ(write_tags({}), "{}");
}

TEST(JsonColumns, RoundTripsTagsWithQuotesBackslashesControlsAndCyrillic) {
    model::Tags tags{{"operator", "МУП Србије"},
                     {"note", "say \"cheese\" \\ then\nleave\t\x01"},
                     {"name:sr-Latn", "Kneza Miloša"},
                     {"emoji", "\xF0\x9F\x93\xB7"}};
    std::string json = write_tags(tags);
    EXPECT_NE(json.find("МУП Србије"), std::string::npos) << "UTF-8 is stored unescaped";
    EXPECT_NE(json.find("\\u0001"), std::string::npos);
    EXPECT_EQ(read_tags(json), tags);
}

TEST(JsonColumns, ReadsEscapesTheWriterNeverEmits) {
    auto tags = read_tags(R"( { "a\/b" : "\u0416\u00e9 \ud83d\udcf7", "t":"x\by\fz\r" } )");
    EXPECT_EQ(tags.at("a/b"), "Жé \xF0\x9F\x93\xB7");
    EXPECT_EQ(tags.at("t"), "x\by\fz\r");
}

TEST(JsonColumns, FallsBackForNonStringValuesAndKeepsTheirJsonText) {
    auto tags = read_tags(R"({"height":4,"lit":true,"nested":{"a":[1,2]},"name":"x"})");
    EXPECT_EQ(tags.at("height"), "4");
    EXPECT_EQ(tags.at("lit"), "true");
    EXPECT_EQ(tags.at("nested"), R"({"a":[1,2]})");
    EXPECT_EQ(tags.at("name"), "x");
}

TEST(JsonColumns, RejectsTextThatIsNotAnObject) {
    for (const char* bad : {"", "[]", "{", R"({"a":"b")", R"({"a":"b"} x)", "null", R"("a")"})
        EXPECT_THROW(read_tags(bad), sightline::Exception) << bad;
}

TEST(JsonColumns, RoundTripsDirections) {
    std::vector<double> directions{0, 22.5, 135, 359.75, 1e-7};
    auto json = write_directions(directions);
    EXPECT_EQ(json.substr(0, 15), "[0,22.5,135,359");
    EXPECT_EQ(read_directions(json), directions);
    EXPECT_EQ(write_directions({}), "[]");
    EXPECT_TRUE(read_directions("[]").empty());
    EXPECT_EQ(read_directions(" [ 1 , 2.5 ] "), (std::vector<double>{1, 2.5}));
    EXPECT_EQ(read_directions("[1e2]"), std::vector<double>{100});
    EXPECT_THROW(read_directions(R"(["N"])"), sightline::Exception);
    EXPECT_THROW(read_directions("{}"), sightline::Exception);
}

}  // namespace sightline::store::encoding
