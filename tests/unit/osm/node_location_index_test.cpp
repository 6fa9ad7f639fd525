// The node location index: on disk for ascending ids with the same memory for any number of
// nodes, correct for any order, bounded against crafted ids, and a full disk is an error.
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <unordered_map>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "osm/node_location_index.hpp"

namespace sightline::osm {
namespace {

using Point = NodeLocationIndex::Point;

Point point_of(std::uint64_t id) {
    return {static_cast<std::int32_t>(id * 7 % 1'800'000'000),
            static_cast<std::int32_t>(id * 13 % 900'000'000)};
}

std::filesystem::path temp_dir() {
    return std::filesystem::temp_directory_path();
}

TEST(NodeLocationIndex, FindsEveryNodeOfASortedFileAndNoOther) {
    // A cache of 8 pages for 590 pages of nodes: most lookups read the file back.
    NodeLocationIndex index{temp_dir(), 8};
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
    // Every id from the first to past the 3,000th: found exactly when it was set (the lookup
    // guesses a record's place in its page from its id).
    for (std::uint64_t n = ids.front() - 1, k = 0; n <= ids[3000] + 1; ++n) {
        const bool set = k < ids.size() && ids[k] == n;
        if (set) ++k;
        ASSERT_EQ(index.get(n).has_value(), set) << n;
    }
    // Backwards and at random too (a way's nodes are anywhere in the file).
    std::shuffle(ids.begin(), ids.end(), std::mt19937(11));
    for (auto n : ids)
        ASSERT_EQ(index.get(n), point_of(n)) << n;
}

TEST(NodeLocationIndex, HoldsTheSameMemoryForAnyNumberOfNodes) {
    NodeLocationIndex index{temp_dir(), 16};
    for (std::uint64_t id = 1; id <= 100'000; ++id)
        index.set(id * 2, point_of(id));
    const std::size_t small = index.used_memory();
    for (std::uint64_t id = 100'001; id <= 3'000'000; ++id)
        index.set(id * 2, point_of(id));
    EXPECT_EQ(index.size(), 3'000'000u);
    // 10 bytes per node in memory would be 29 MB more; the pages' first ids are 8 bytes per 340.
    EXPECT_LT(index.used_memory() - small, 200'000u);
    EXPECT_LT(index.used_memory(), std::size_t{1} << 20);
    EXPECT_EQ(index.get(2), point_of(1));
    EXPECT_EQ(index.get(6'000'000), point_of(3'000'000));
    EXPECT_FALSE(index.get(6'000'001));
}

TEST(NodeLocationIndex, LookupsBetweenSetsSeeEveryNodeSetSoFar) {
    NodeLocationIndex index{temp_dir(), 4};
    for (std::uint64_t id = 1; id <= 200'000; ++id) {
        index.set(id * 5, point_of(id));
        if (id % 997 == 0) {
            ASSERT_EQ(index.get(id * 5), point_of(id)) << id;
            ASSERT_EQ(index.get(5), point_of(1));
            ASSERT_FALSE(index.get(id * 5 + 5)) << "not set yet";
        }
    }
}

TEST(NodeLocationIndex, LeavesNoFileBehind) {
    const auto dir = temp_dir() / ("sightline-nodes-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    {
        NodeLocationIndex index{dir, 4};
        for (std::uint64_t id = 1; id <= 50'000; ++id)
            index.set(id, point_of(id));
        EXPECT_EQ(index.get(40'000), point_of(40'000));
        EXPECT_TRUE(std::filesystem::is_empty(dir));
    }
    std::filesystem::remove_all(dir);
}

TEST(NodeLocationIndex, AMissingFolderIsAnError) {
    EXPECT_THROW(NodeLocationIndex(temp_dir() / "no-such-folder-for-sightline" / "x"),
                 sightline::Exception);
}

// A disk that fills up: the file size limit makes the writes fail like ENOSPC does. In a child
// process, as the limit is the process's. Exits 3 when the error says the write failed.
[[noreturn]] void fill_a_full_disk() {
    std::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{1 << 20, 1 << 20};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    try {
        NodeLocationIndex index{temp_dir(), 4};
        for (std::uint64_t id = 1; id <= 2'000'000; ++id)
            index.set(id, point_of(id));
    } catch (const sightline::Exception& e) {
        std::exit(std::string(e.what()).find("cannot write") != std::string::npos ? 3 : 4);
    }
    std::exit(5);
}

TEST(NodeLocationIndexDeathTest, AFullDiskIsAnErrorNotACrash) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(fill_a_full_disk(), ::testing::ExitedWithCode(3), "");
}

TEST(NodeLocationIndex, AnUnsortedFileIsFoundAfterSort) {
    NodeLocationIndex index{temp_dir(), 2};
    std::vector<std::uint64_t> ids;
    for (std::uint64_t i = 1; i <= 60'000; ++i)
        ids.push_back(i * 3);
    // Sorted at first, long enough for pages in the file.
    std::shuffle(ids.begin() + 50'000, ids.end(), std::mt19937(3));
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

TEST(NodeLocationIndex, AHugeIdKeepsTheMemorySmall) {
    NodeLocationIndex index{temp_dir(), 2};
    index.set(1, point_of(1));
    index.set(std::uint64_t{1} << 62, point_of(99));
    index.sort();
    EXPECT_LT(index.used_memory(), std::size_t{1} << 20);
    EXPECT_EQ(index.get(1), point_of(1));
    EXPECT_EQ(index.get(std::uint64_t{1} << 62), point_of(99));
}

TEST(NodeLocationIndex, TheFirstOfTwiceTheSameNodeStays) {
    NodeLocationIndex index{temp_dir(), 2};
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
