// `sightline import` into a new data folder writes its database with a rollback journal
// (store::OpenOptions::rollback_journal_if_new) and leaves it in WAL mode; a bad file changes
// nothing there either.
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>

#include "cli_fixture.hpp"

namespace sightline::testing {
namespace {

class ImportCommand : public CliTest {
  protected:
    [[nodiscard]] std::filesystem::path database() const { return data() / "sightline.db"; }

    /// The first column of the first row of `sql`, read by a connection of its own.
    [[nodiscard]] std::string query(const std::string& sql) const {
        sqlite3* raw = nullptr;
        const int opened =
            sqlite3_open_v2(database().c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
        std::unique_ptr<sqlite3, decltype(&sqlite3_close_v2)> db(raw, &sqlite3_close_v2);
        if (opened != SQLITE_OK) throw std::runtime_error("cannot open " + database().string());
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
            throw std::runtime_error(sqlite3_errmsg(db.get()));
        std::string value;
        if (sqlite3_step(stmt) == SQLITE_ROW)
            value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        sqlite3_finalize(stmt);
        return value;
    }
};

TEST_F(ImportCommand, AFirstImportLeavesItsNewDatabaseInWalMode) {
    auto result = sightline({"import", fixture("osm/basic.osm").string(), "--quiet"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_EQ(query("PRAGMA journal_mode"), "wal");
    EXPECT_FALSE(std::filesystem::exists(data() / "sightline.db-journal"));
    EXPECT_EQ(query("SELECT count(*) FROM streets"), "3");
    // The next import goes into the database as it is, through its WAL.
    result = sightline({"import", fixture("osm/basic_v2.osm").string(), "--no-routing", "--quiet"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_EQ(query("PRAGMA journal_mode"), "wal");
}

TEST_F(ImportCommand, ABadFirstImportLeavesAnEmptyDatabaseInWalMode) {
    // Cut inside the ways: the streets before the cut went into the transaction.
    const std::string whole = slurp(fixture("osm/basic.osm"));
    const auto cut = whole.rfind("<way");
    ASSERT_NE(cut, std::string::npos);
    std::filesystem::create_directories(work() / "in");
    const auto broken = work() / "in" / "cut.osm";
    std::ofstream(broken, std::ios::binary) << whole.substr(0, cut + 20);

    auto result = sightline({"import", broken.string(), "--no-routing", "--quiet"});
    EXPECT_EQ(result.exit_code, 2) << describe(result);
    EXPECT_NE(result.err.find("cannot read"), std::string::npos) << describe(result);
    ASSERT_TRUE(std::filesystem::exists(database()));
    EXPECT_EQ(query("SELECT count(*) FROM streets"), "0");
    EXPECT_EQ(query("SELECT count(*) FROM cameras"), "0");
    EXPECT_EQ(query("PRAGMA journal_mode"), "wal");
    EXPECT_FALSE(std::filesystem::exists(data() / "sightline.db-journal"));
}

}  // namespace
}  // namespace sightline::testing
