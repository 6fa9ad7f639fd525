#pragma once
// Helpers for the SQLite store tests: a temporary data directory, a raw connection for poking
// at the file behind the store's back, and builders for typical inputs.

#include <sqlite3.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.hpp"
#include "support/sqlite_file.hpp"
#include "support/temp_dir.hpp"

namespace sightline::store::testing {

using TempDir = sightline::testing::TempDir;  // tests/support/temp_dir.hpp

/// tests/support/sqlite_file.hpp
using RawDb = sightline::testing::RawDb;

/// Report creation time used by the tests: 2026-11-26T17:00:00Z, already on the hour.
constexpr std::int64_t report_time = 1795712400;
constexpr std::int64_t decision_time = report_time + 7200 + 123;
/// A hex SHA-256 shaped string.
inline const std::string withdraw_hash_a(64, 'a');
inline const std::string withdraw_hash_b(64, 'b');

inline model::NewReport belgrade_report(model::Tags extra = {}) {
    model::NewReport r;
    r.location = {44.8125, 20.4612};
    r.accuracy_m = 12.5;
    r.directions_deg = {135, 22.5};
    r.tags = {{"man_made", "surveillance"},
              {"surveillance", "public"},
              {"surveillance:type", "camera"},
              {"camera:type", "dome"},
              {"camera:direction", "135;22.5"}};
    for (auto& [k, v] : extra)
        r.tags.insert_or_assign(k, v);
    r.note = "On the corner, above the bakery.";
    return r;
}

inline Decision decision(std::string reason = "looks right", std::int64_t at = decision_time) {
    return Decision{"mila", std::move(reason), at};
}

/// Opens a store on `dir` with a small read pool.
inline std::unique_ptr<SqliteStore> open_store(const std::filesystem::path& dir,
                                               SqliteOptions options = {}) {
    options.read_connections = 2;
    return open_sqlite_store(dir, options);
}

inline ReportQuery report_query(int limit, std::optional<model::ReportStatus> status = {},
                                std::optional<model::ReportId> before = {}) {
    ReportQuery q;
    q.limit = limit;
    q.status = status;
    q.before = before;
    return q;
}

inline CameraQuery bbox_query(geo::BBox box) {
    CameraQuery q;
    q.bbox = box;
    return q;
}

inline SqliteOptions existing_only() {
    SqliteOptions o;
    o.create_if_missing = false;
    return o;
}

inline SqliteOptions synchronous_normal() {
    SqliteOptions o;
    o.synchronous_full = false;
    return o;
}

/// A temp dir and a store on it.
class StoreTest : public ::testing::Test {
  protected:
    TempDir dir;
    std::unique_ptr<SqliteStore> store = open_store(dir.path());

    model::ReportId add_report(model::Tags extra = {}) {
        auto id =
            store->insert_report(belgrade_report(std::move(extra)), withdraw_hash_a, report_time);
        EXPECT_TRUE(id) << id.error().message;
        return *id;
    }
    std::int64_t count(const std::string& sql) { return RawDb(store->database_path()).count(sql); }
};

}  // namespace sightline::store::testing
