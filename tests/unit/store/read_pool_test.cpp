// ReadPool: connections lent one at a time, and the memory maps of idle ones given back.
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "store/sqlite/read_pool.hpp"
#include "support/temp_dir.hpp"

namespace sightline::store::sqlite {
namespace {

using sightline::testing::TempDir;

constexpr int rows = 200;
constexpr int row_bytes = 10'000;
constexpr const char* read_everything_sql = "SELECT sum(length(hex(x))) FROM t";

void make_database(const std::filesystem::path& path) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    const std::string sql =
        "CREATE TABLE t (x); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
        "SELECT i + 1 FROM n WHERE i < " +
        std::to_string(rows) + ") INSERT INTO t SELECT randomblob(" + std::to_string(row_bytes) +
        ") FROM n;";
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
}

/// How many maps of `path` this process has (/proc/self/maps lists one line per map).
int maps_of(const std::filesystem::path& path) {
    std::ifstream maps("/proc/self/maps");
    const std::string name = std::filesystem::canonical(path).string();
    int count = 0;
    for (std::string line; std::getline(maps, line);)
        if (line.size() >= name.size() && line.ends_with(name)) ++count;
    return count;
}

TEST(ReadPool, GivesBackTheMapsOfIdleConnectionsAndMapsAgainOnTheNextRead) {
#if !defined(__linux__)
    GTEST_SKIP() << "counts maps in /proc/self/maps";
#endif
    TempDir dir;
    const auto path = dir.path() / "a.db";
    make_database(path);
    ReadPool pool(path, 2);
    const std::int64_t expected = std::int64_t{rows} * row_bytes * 2;
    {
        auto a = pool.acquire();
        auto b = pool.acquire();
        EXPECT_EQ(a->query_int64(read_everything_sql), expected);
        EXPECT_EQ(b->query_int64(read_everything_sql), expected);
    }
    ASSERT_EQ(maps_of(path), 2) << "each connection reads through its own map";

    pool.unmap_idle();
    EXPECT_EQ(maps_of(path), 0);

    auto a = pool.acquire();
    EXPECT_EQ(a->query_int64(read_everything_sql), expected);
    EXPECT_EQ(maps_of(path), 1) << "the next read maps the file again";
    pool.unmap_idle();
    EXPECT_EQ(maps_of(path), 1) << "a connection in use keeps its map";
}

TEST(ReadPool, WithoutMapsThereIsNothingToGiveBack) {
    TempDir dir;
    const auto path = dir.path() / "a.db";
    make_database(path);
    ReadPool pool(path, 1, /*memory_map=*/false);
    {
        auto a = pool.acquire();
        EXPECT_EQ(a->query_int64(read_everything_sql), std::int64_t{rows} * row_bytes * 2);
    }
    pool.unmap_idle();
    auto a = pool.acquire();
    EXPECT_EQ(a->query_int64(read_everything_sql), std::int64_t{rows} * row_bytes * 2);
#if defined(__linux__)
    EXPECT_EQ(maps_of(path), 0);
#endif
}

}  // namespace
}  // namespace sightline::store::sqlite
