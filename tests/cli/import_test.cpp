// `sightline import` into a new data folder writes its database with a rollback journal
// (store::OpenOptions::rollback_journal_if_new) and leaves it in WAL mode; a bad file changes
// nothing there either.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli_fixture.hpp"
#include "support/sqlite_file.hpp"

namespace sightline::testing {
namespace {

class ImportCommand : public CliTest {
  protected:
    [[nodiscard]] std::filesystem::path database() const { return data() / "sightline.db"; }

    /// Rows of `sql` ("SELECT count(*) ..."), read by a connection of its own.
    [[nodiscard]] std::int64_t count(const std::string& sql) const {
        return RawDb(database()).count(sql);
    }
    [[nodiscard]] bool in_wal_mode() const {
        return count("SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'") == 1;
    }
};

TEST_F(ImportCommand, AFirstImportLeavesItsNewDatabaseInWalMode) {
    auto result = sightline({"import", fixture("osm/basic.osm").string(), "--quiet"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_TRUE(in_wal_mode());
    EXPECT_FALSE(std::filesystem::exists(data() / "sightline.db-journal"));
    EXPECT_EQ(count("SELECT count(*) FROM streets"), 3);
    // The next import goes into the database as it is, through its WAL.
    result = sightline({"import", fixture("osm/basic_v2.osm").string(), "--no-routing", "--quiet"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_TRUE(in_wal_mode());
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
    EXPECT_EQ(count("SELECT count(*) FROM streets"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM cameras"), 0);
    EXPECT_TRUE(in_wal_mode());
    EXPECT_FALSE(std::filesystem::exists(data() / "sightline.db-journal"));
}

}  // namespace
}  // namespace sightline::testing
