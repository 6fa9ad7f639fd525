#include "services/json_writer.hpp"

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "services/camera_json.hpp"

namespace sightline::services {

TEST(JsonWriter, EscapesEverythingJsonRequires) {
    std::string out;
    append_json_string(out, std::string("q\"b\\n\nt\tc\x01z\x1f", 12) + "ж");
    EXPECT_EQ(out, "\"q\\\"b\\\\n\\nt\\tc\\u0001z\\u001fж\"");
    EXPECT_EQ(nlohmann::json::parse(out).get<std::string>(),
              std::string("q\"b\\n\nt\tc\x01z\x1f", 12) + "ж");
}

TEST(JsonWriter, InsertsCommasAndNestsContainers) {
    std::string out;
    JsonWriter w(out);
    w.begin_object()
        .key("a")
        .value(1)
        .key("b")
        .begin_array()
        .value(1.5)
        .value("x")
        .null()
        .value(true)
        .end_array();
    w.key("c").begin_object().end_object().key("d").value_fixed(20.46121234, 7).end_object();
    EXPECT_EQ(out, R"({"a":1,"b":[1.5,"x",null,true],"c":{},"d":20.4612123})");
}

TEST(JsonWriter, FixedDecimalsPrintAsFmtDoes) {
    // value_fixed prints with std::to_chars; the digits must stay fmt's "{:.Nf}" (exact values,
    // ties to even), huge values included (they take the fallback).
    std::vector<double> values{0.0,  -0.0,   0.125,  0.375,    2.5,        -12.125,
                               1e22, -1e300, 5e-324, 48.13704, 11.5750001, 123456789.987654321};
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> any(-1000, 1000);
    for (int i = 0; i < 2000; ++i) {
        values.push_back(any(rng));
        values.push_back(static_cast<double>(static_cast<int>(any(rng) * 8)) / 8);  // ties
    }
    // Coordinates, and values at and beside a tie at the 7th decimal (k + 1/2) / 10^7: most take
    // the fast path, those near a tie the exact one; both must print the same digits.
    std::uniform_real_distribution<double> coordinate(-180, 180);
    std::uniform_int_distribution<std::int64_t> tenth_micro(-1'800'000'000, 1'800'000'000);
    for (int i = 0; i < 20000; ++i) {
        values.push_back(coordinate(rng));
        const double tie = (static_cast<double>(tenth_micro(rng)) + 0.5) / 1e7;
        for (double v : {tie, std::nextafter(tie, 0.0), std::nextafter(tie, 1e9), tie + 2e-11,
                         tie - 2e-11, tie + 2e-10, -tie})
            values.push_back(v);
    }
    values.insert(values.end(), {1e-8, -1e-8, 0.99999999996, 1099511.6277759, -4.9999999e-8,
                                 0x1p40 / 1e7, std::nextafter(0x1p40 / 1e7, 0.0)});
    for (double v : values)
        for (int decimals : {0, 1, 2, 3, 7, 15}) {
            std::string out;
            JsonWriter(out).value_fixed(v, decimals);
            ASSERT_EQ(out, fmt::format("{:.{}f}", v, decimals)) << v << " " << decimals;
        }
}

TEST(JsonWriter, WritesNonFiniteNumbersAsNull) {
    std::string out;
    JsonWriter w(out);
    w.begin_array().value(std::numeric_limits<double>::infinity()).value(std::nan("")).end_array();
    EXPECT_EQ(out, "[null,null]");
}

TEST(CameraJson, WritesGeoJsonWithLonLatOrder) {
    model::Camera c;
    c.id = model::CameraId{7};
    c.location = {44.8125, 20.4612};
    c.tags = {{"man_made", "surveillance"}, {"camera:type", "dome"}, {"camera:direction", "90;NE"}};
    c.first_seen = 3600;
    std::string out;
    append_camera_feature(out, c);
    auto j = nlohmann::json::parse(out);
    EXPECT_EQ(j["type"], "Feature");
    EXPECT_DOUBLE_EQ(j["geometry"]["coordinates"][0].get<double>(), 20.4612);
    EXPECT_DOUBLE_EQ(j["geometry"]["coordinates"][1].get<double>(), 44.8125);
    EXPECT_EQ(j["properties"]["kind"], "dome");
    EXPECT_EQ(j["properties"]["directions_deg"], nlohmann::json::array({90.0, 45.0}));
    EXPECT_EQ(j["properties"]["first_seen"], "1970-01-01T01:00:00Z");
    EXPECT_TRUE(j["properties"]["last_verified"].is_null());
}

TEST(CameraCsv, QuotesSeparatorsAndDefusesFormulas) {
    std::string out;
    append_csv_field(out, "Ilica 1, Zagreb");
    out += '|';
    append_csv_field(out, "say \"hi\"");
    out += '|';
    append_csv_field(out, "=HYPERLINK(\"x\")");
    out += '|';
    append_csv_field(out, "-12.5");
    EXPECT_EQ(out, "\"Ilica 1, Zagreb\"|\"say \"\"hi\"\"\"|\"'=HYPERLINK(\"\"x\"\")\"|-12.5");
}

}  // namespace sightline::services
