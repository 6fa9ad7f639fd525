// The node location index: compact for ascending ids, correct for any order, and bounded
// against ids made to blow up its bucket table.
#include <random>
#include <unordered_map>

#include <gtest/gtest.h>

#include "osm/node_location_index.hpp"

namespace sightline::osm {
namespace {

using Point = NodeLocationIndex::Point;

Point point_of(std::uint64_t id) {
    return {static_cast<std::int32_t>(id * 7 % 1'800'000'000),
            static_cast<std::int32_t>(id * 13 % 900'000'000)};
}

TEST(NodeLocationIndex, FindsEveryNodeOfASortedFileAndNoOther) {
    NodeLocationIndex index;
    std::mt19937_64 random(7);
    std::vector<std::uint64_t> ids;
    std::uint64_t id = 1;
    for (int i = 0; i < 200'000; ++i) {
        // Gaps from 1 to far over a bucket (65,536), as real ids have.
        id += 1 + (i % 1000 == 0 ? 300'000 : random() % 40);
        ids.push_back(id);
        index.set(id, point_of(id));
    }
    index.sort();
    EXPECT_TRUE(index.compact());
    EXPECT_EQ(index.size(), ids.size());
    EXPECT_LT(index.used_memory(), ids.size() * 11) << "about 10 bytes per node";
    for (auto n : ids) {
        auto found = index.get(n);
        ASSERT_TRUE(found) << n;
        EXPECT_EQ(*found, point_of(n));
    }
    EXPECT_FALSE(index.get(0));
    EXPECT_FALSE(index.get(ids.front() - 1));
    EXPECT_FALSE(index.get(ids.back() + 1));
    EXPECT_FALSE(index.get(ids[500] + 1 == ids[501] ? 0 : ids[500] + 1));
    EXPECT_FALSE(index.get(std::uint64_t{1} << 50));
}

TEST(NodeLocationIndex, AnUnsortedFileIsFoundAfterSort) {
    NodeLocationIndex index;
    std::vector<std::uint64_t> ids;
    for (std::uint64_t i = 1; i <= 5000; ++i)
        ids.push_back(i * 3);
    std::shuffle(ids.begin() + 100, ids.end(), std::mt19937(3));  // sorted at first
    for (auto id : ids)
        index.set(id, point_of(id));
    EXPECT_FALSE(index.compact());
    index.sort();
    EXPECT_EQ(index.size(), ids.size());
    for (auto id : ids) {
        auto found = index.get(id);
        ASSERT_TRUE(found) << id;
        EXPECT_EQ(*found, point_of(id));
    }
    EXPECT_FALSE(index.get(4));
}

TEST(NodeLocationIndex, AHugeIdKeepsTheBucketTableSmall) {
    NodeLocationIndex index;
    index.set(1, point_of(1));
    index.set(std::uint64_t{1} << 62, point_of(99));
    index.sort();
    EXPECT_LT(index.used_memory(), std::size_t{1} << 20);
    EXPECT_EQ(index.get(1), point_of(1));
    EXPECT_EQ(index.get(std::uint64_t{1} << 62), point_of(99));
}

TEST(NodeLocationIndex, TheFirstOfTwiceTheSameNodeStays) {
    NodeLocationIndex index;
    index.set(10, {1, 2});
    index.set(10, {3, 4});
    index.set(11, {5, 6});
    EXPECT_TRUE(index.compact());
    EXPECT_EQ(index.get(10), (Point{1, 2}));
    EXPECT_EQ(index.get(11), (Point{5, 6}));
    index.clear();
    EXPECT_EQ(index.size(), 0u);
    EXPECT_FALSE(index.get(10));
}

}  // namespace
}  // namespace sightline::osm
