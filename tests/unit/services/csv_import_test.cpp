#include "services/csv_import.hpp"

#include <gtest/gtest.h>

namespace sightline::services {

TEST(Csv, ParsesQuotedFieldsWithSeparatorsQuotesAndNewlines) {
    auto rows = parse_csv("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n1,,3\n");
    ASSERT_TRUE(rows);
    ASSERT_EQ(rows->size(), 3u);
    EXPECT_EQ((*rows)[1], (std::vector<std::string>{"x, y", "say \"hi\"", "two\nlines"}));
    EXPECT_EQ((*rows)[2], (std::vector<std::string>{"1", "", "3"}));
}

TEST(Csv, DetectsSemicolonSeparatorAndSkipsByteOrderMark) {
    auto rows = parse_csv("\xEF\xBB\xBFlat;lon\n44,81;20,46\n");
    ASSERT_TRUE(rows);
    EXPECT_EQ((*rows)[0], (std::vector<std::string>{"lat", "lon"}));
    EXPECT_EQ((*rows)[1], (std::vector<std::string>{"44,81", "20,46"}));
}

TEST(Csv, RejectsAnUnterminatedQuote) {
    auto rows = parse_csv("a,b\n\"open,1\n");
    ASSERT_FALSE(rows);
    EXPECT_EQ(rows.error().code, Errc::invalid_argument);
}

TEST(CsvCameras, MapsColumnsToLocationAndTags) {
    CsvMapping mapping;
    mapping.tag_columns = {{"addr:full", "Adress"}};
    mapping.constant_tags = {{"surveillance:type", "camera"}};
    std::vector<std::string> unmapped;
    auto cameras = cameras_from_csv(
        "_id,Adress,Year,Longitude,Latitude\n1,\"Ilica 1, Zagreb\",2014,15.97,45.81\n2,Savska "
        "3,2015,15.96,45.80\n",
        CsvMapping{std::nullopt, std::nullopt, mapping.tag_columns, mapping.constant_tags,
                   model::CameraStatus::verified},
        &unmapped);
    ASSERT_TRUE(cameras) << cameras.error().message;
    ASSERT_EQ(cameras->size(), 2u);
    EXPECT_DOUBLE_EQ((*cameras)[0].location.lat, 45.81);
    EXPECT_DOUBLE_EQ((*cameras)[0].location.lon, 15.97);
    EXPECT_EQ((*cameras)[0].tags.at("addr:full"), "Ilica 1, Zagreb");
    EXPECT_EQ((*cameras)[0].tags.at("man_made"), "surveillance");
    EXPECT_EQ(unmapped, (std::vector<std::string>{"_id", "Year"}));
}

TEST(CsvCameras, NamesTheFirstBadRow) {
    auto cameras = cameras_from_csv("lat,lon\n45.8,15.9\n95,15.9\n", CsvMapping{});
    ASSERT_FALSE(cameras);
    EXPECT_NE(cameras.error().message.find("row 3"), std::string::npos) << cameras.error().message;
    auto missing = cameras_from_csv("a,b\n1,2\n", CsvMapping{});
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("lat"), std::string::npos);
}

}  // namespace sightline::services
