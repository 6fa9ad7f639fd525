#include "tiles/mvt_encoder.hpp"

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "mvt_test_support.hpp"

namespace sightline::tiles {
namespace {

using testing::decode_geometry;
using testing::decode_tile;
using Parts = std::vector<std::vector<std::pair<int, int>>>;

TEST(Zigzag, MapsSignedToUnsignedAsTheSpecSays) {
    EXPECT_EQ(zigzag(0), 0u);
    EXPECT_EQ(zigzag(-1), 1u);
    EXPECT_EQ(zigzag(1), 2u);
    EXPECT_EQ(zigzag(-2), 3u);
    EXPECT_EQ(zigzag(2147483647), 4294967294u);
    EXPECT_EQ(zigzag(-2147483647 - 1), 4294967295u);
}

TEST(Commands, PackIdAndCount) {
    EXPECT_EQ(command_integer(Command::move_to, 1), 9u);
    EXPECT_EQ(command_integer(Command::line_to, 3), 26u);
    EXPECT_EQ(command_integer(Command::close_path, 1), 15u);
}

TEST(MvtEncoder, EncodesThePointExampleOfTheSpec) {
    LayerBuilder layer("points");
    layer.add_point({25, 17});
    auto layers = decode_tile(encode_tile(std::span(&layer, 1)));
    ASSERT_EQ(layers.size(), 1u);
    EXPECT_EQ(layers[0].version, 2u);
    EXPECT_EQ(layers[0].name, "points");
    EXPECT_EQ(layers[0].extent, 4096u);
    ASSERT_EQ(layers[0].features.size(), 1u);
    EXPECT_EQ(layers[0].features[0].type, 1u);
    EXPECT_EQ(layers[0].features[0].geometry, (std::vector<std::uint32_t>{9, 50, 34}));
}

TEST(MvtEncoder, EncodesTheLinestringExampleOfTheSpec) {
    LayerBuilder layer("lines");
    PointList line{{2, 2}, {2, 10}, {10, 10}};
    ASSERT_TRUE(layer.add_linestring(line));
    auto layers = decode_tile(encode_tile(std::span(&layer, 1)));
    EXPECT_EQ(layers.at(0).features.at(0).geometry,
              (std::vector<std::uint32_t>{9, 4, 4, 18, 0, 16, 16, 0}));
    EXPECT_EQ(layers[0].features[0].type, 2u);
}

TEST(MvtEncoder, EncodesThePolygonExampleOfTheSpecWithPositiveExteriorArea) {
    LayerBuilder layer("polygons");
    // Given counter-clockwise on screen: the encoder must reverse it.
    std::vector<PointList> rings{{{3, 6}, {1, 12}, {8, 12}, {3, 6}}};
    ASSERT_TRUE(layer.add_polygon(rings));
    auto layers = decode_tile(encode_tile(std::span(&layer, 1)));
    const auto& g = layers.at(0).features.at(0).geometry;
    auto parts = decode_geometry(g);
    ASSERT_EQ(parts.size(), 1u);
    PointList decoded;
    for (auto [x, y] : parts[0])
        decoded.push_back({double(x), double(y)});
    EXPECT_GT(ring_area(decoded), 0);
    EXPECT_EQ(g.front(), 9u);
    EXPECT_EQ(g[3], command_integer(Command::line_to, 2));
    EXPECT_EQ(g.back(), 15u);
}

TEST(MvtEncoder, OrientsHolesOppositeToTheExterior) {
    LayerBuilder layer("polygons");
    std::vector<PointList> rings{{{0, 0}, {100, 0}, {100, 100}, {0, 100}},
                                 {{10, 10}, {20, 10}, {20, 20}, {10, 20}}};
    ASSERT_TRUE(layer.add_polygon(rings));
    auto parts =
        decode_geometry(decode_tile(encode_tile(std::span(&layer, 1)))[0].features[0].geometry);
    ASSERT_EQ(parts.size(), 2u);
    auto area = [](const auto& part) {
        PointList pl;
        for (auto [x, y] : part)
            pl.push_back({double(x), double(y)});
        return ring_area(pl);
    };
    EXPECT_GT(area(parts[0]), 0);
    EXPECT_LT(area(parts[1]), 0);
}

TEST(MvtEncoder, DropsDegenerateGeometry) {
    LayerBuilder layer("x");
    PointList dot{{5.1, 5.2}, {5.2, 4.9}};
    EXPECT_FALSE(layer.add_linestring(dot));  // both round to (5, 5)
    std::vector<PointList> flat{{{0, 0}, {10, 0}, {20, 0}}};
    EXPECT_FALSE(layer.add_polygon(flat));
    EXPECT_TRUE(layer.empty());
    EXPECT_TRUE(encode_tile(std::span(&layer, 1)).empty());
}

TEST(MvtEncoder, SharesKeysAndValuesAcrossFeatures) {
    LayerBuilder layer("cameras");
    for (int i = 0; i < 3; ++i) {
        layer.add_point({double(i), 0}, static_cast<std::uint64_t>(i + 1));
        layer.add_property("status", "verified");
        layer.add_property("count", i);
        layer.add_property("angle", -12.5);
        layer.add_property("cluster", i == 1);
        layer.add_property("offset", std::int64_t{-7});
    }
    auto layers = decode_tile(encode_tile(std::span(&layer, 1)));
    ASSERT_EQ(layers.at(0).features.size(), 3u);
    const auto& f = layers[0].features[1];
    EXPECT_EQ(f.id, 2u);
    EXPECT_EQ(std::get<std::string>(f.properties.at("status")), "verified");
    EXPECT_EQ(std::get<std::int64_t>(f.properties.at("count")), 1);
    EXPECT_EQ(std::get<double>(f.properties.at("angle")), -12.5);
    EXPECT_EQ(std::get<bool>(f.properties.at("cluster")), true);
    EXPECT_EQ(std::get<std::int64_t>(f.properties.at("offset")), -7);
}

std::string name_of(int i) {
    std::string s(1, 'n');
    s += std::to_string(i);
    return s;
}

// Thousands of values (the dictionary grows many times): each distinct one is written once, in
// the order of first use, and every feature still reads its own.
TEST(MvtEncoder, KeepsEachDistinctValueOnceWhateverItsType) {
    LayerBuilder layer("cameras");
    std::set<std::string> strings;
    for (int i = 0; i < 3000; ++i) {
        layer.add_point({double(i % 4096), 7}, static_cast<std::uint64_t>(i + 1));
        layer.add_property("id", std::int64_t{i});              // unique
        layer.add_property("count", i % 50);                    // shared with some ids
        layer.add_property("name", name_of(i % 700));           // strings
        layer.add_property("offset", std::int64_t{-(i % 30)});  // sint, 0 as uint
        layer.add_property("angle", (i % 90) * 0.5);            // doubles
        layer.add_property("cluster", i % 2 == 0);
        if (i % 3 == 0) layer.add_property("rare", "x");  // a key skipped by most features
        strings.insert(name_of(i % 700));
    }
    const auto bytes = encode_tile(std::span(&layer, 1));
    auto layers = decode_tile(bytes);
    ASSERT_EQ(layers.at(0).features.size(), 3000u);
    for (int i : {0, 1, 49, 50, 699, 700, 1234, 2999}) {
        const auto& p = layers[0].features[static_cast<std::size_t>(i)].properties;
        EXPECT_EQ(std::get<std::int64_t>(p.at("id")), i);
        EXPECT_EQ(std::get<std::int64_t>(p.at("count")), i % 50);
        EXPECT_EQ(std::get<std::string>(p.at("name")), name_of(i % 700));
        EXPECT_EQ(std::get<std::int64_t>(p.at("offset")), -(i % 30));
        EXPECT_EQ(std::get<double>(p.at("angle")), (i % 90) * 0.5);
        EXPECT_EQ(std::get<bool>(p.at("cluster")), i % 2 == 0);
        EXPECT_EQ(p.contains("rare"), i % 3 == 0);
    }
    // Count the Value messages and keys of the layer (fields 4 and 3) directly.
    std::size_t values = 0;
    std::vector<std::string> keys;
    protozero::pbf_reader tile(bytes);
    ASSERT_TRUE(tile.next(3));
    auto l = tile.get_message();
    while (l.next()) {
        if (l.tag() == 4) {
            ++values;
            l.skip();
        } else if (l.tag() == 3) {
            keys.push_back(l.get_string());
        } else {
            l.skip();
        }
    }
    // ids 0..2999 (counts and offset 0 among them), 29 negative offsets, 700 names, 90 angles,
    // true, false and "x".
    EXPECT_EQ(values, 3000u + 29u + strings.size() + 90u + 2u + 1u);
    EXPECT_EQ(keys, (std::vector<std::string>{"id", "count", "name", "offset", "angle", "cluster",
                                              "rare"}));
}

TEST(MvtEncoder, SkipsEmptyLayersAndKeepsOrder) {
    std::vector<LayerBuilder> layers;
    layers.emplace_back("a").add_point({1, 1});
    layers.emplace_back("empty");
    layers.emplace_back("b").add_point({2, 2});
    auto decoded = decode_tile(encode_tile(layers));
    ASSERT_EQ(decoded.size(), 2u);
    EXPECT_EQ(decoded[0].name, "a");
    EXPECT_EQ(decoded[1].name, "b");
}

}  // namespace
}  // namespace sightline::tiles
