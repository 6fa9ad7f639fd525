// EarlyWriteback finds the descriptors SQLite has open on a database (it never opens its own:
// closing one would drop SQLite's locks) and asks the kernel to start writing their dirty pages.
#include <sqlite3.h>

#include <fstream>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "store/sqlite/early_writeback.hpp"
#include "support/temp_dir.hpp"

namespace sightline::store::sqlite {
namespace {

using sightline::testing::TempDir;

struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close(db); }
};

std::unique_ptr<sqlite3, Closer> open_database(const std::filesystem::path& path) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db,
                           "CREATE TABLE t (x); INSERT INTO t VALUES (zeroblob(100000)); "
                           "BEGIN; INSERT INTO t VALUES (zeroblob(100000));",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    return std::unique_ptr<sqlite3, Closer>{db};
}

TEST(EarlyWriteback, StartsWritingTheFilesSqliteHasOpen) {
    TempDir dir;
    const auto path = dir.path() / "a.db";
    auto db = open_database(path);
#if defined(__linux__)
    EXPECT_EQ(EarlyWriteback::start_writeback({path, dir.path() / "a.db-wal"}), 1)
        << "the database is open (in rollback mode it has no -wal file)";
#endif
    db.reset();
    EXPECT_EQ(EarlyWriteback::start_writeback({path}), 0) << "closed: no descriptor to use";
}

TEST(EarlyWriteback, LeavesAloneFilesNotOpenHereAndMissingOnes) {
    TempDir dir;
    const auto written = dir.path() / "written.bin";
    std::ofstream{written} << std::string(4096, 'x');
    EXPECT_EQ(EarlyWriteback::start_writeback({written, dir.path() / "missing.db"}), 0);
}

TEST(EarlyWriteback, TheDatabaseIsUnchangedAndItsLocksHeld) {
    TempDir dir;
    const auto path = dir.path() / "b.db";
    auto db = open_database(path);
    {
        EarlyWriteback writeback{{path}, std::chrono::milliseconds{1}};
        for (int i = 0; i < 20; ++i)
            ASSERT_EQ(sqlite3_exec(db.get(), "INSERT INTO t VALUES (zeroblob(50000))", nullptr,
                                   nullptr, nullptr),
                      SQLITE_OK);
        // Another connection cannot write while the first one's transaction holds its lock.
        auto other = std::unique_ptr<sqlite3, Closer>{};
        sqlite3* raw = nullptr;
        ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
        other.reset(raw);
        EXPECT_EQ(sqlite3_exec(other.get(), "INSERT INTO t VALUES (1)", nullptr, nullptr, nullptr),
                  SQLITE_BUSY);
    }
    ASSERT_EQ(sqlite3_exec(db.get(), "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_stmt* count = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db.get(), "SELECT count(*) FROM t", -1, &count, nullptr),
              SQLITE_OK);
    ASSERT_EQ(sqlite3_step(count), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int(count, 0), 22);
    sqlite3_finalize(count);
}

}  // namespace
}  // namespace sightline::store::sqlite
