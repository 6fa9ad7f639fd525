#pragma once
// `sightline store copy`: a whole SQLite instance into an empty PostgreSQL database (ADR 018).
// Table by table with COPY, in one PostgreSQL transaction read from one SQLite snapshot, keeping
// every id: cameras with their history, reports, photos (records and bytes), users with their
// password hashes, sessions, the audit log, imported map data (streets, areas, places and their
// search index, districts, import runs), campaigns and official lists, plus the change counters
// and the data set's id. Before committing it reads every table back and compares row counts
// and a checksum of the rows on both sides; any difference rolls everything back.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace sightline::store {

struct CopiedTable {
    std::string name;
    std::int64_t rows = 0;
    std::uint64_t checksum = 0;  ///< of the rows as sent, equal to the one read back
};

struct CopySummary {
    std::vector<CopiedTable> tables;
    std::int64_t photo_bytes = 0;     ///< bytes of photo images and thumbnails copied
    std::int64_t photos_missing = 0;  ///< photo records whose image file was not there
};

/// Called after each table (name, rows so far) for progress output.
using CopyProgress = std::function<void(std::string_view table, std::int64_t rows)>;

/// Copies the SQLite store in `sqlite_dir` into the PostgreSQL database `conninfo` (migrated
/// first). Errors: not_found (no SQLite store there), conflict (the target already holds data;
/// it is left as it was), internal (a count or checksum differs after the copy: rolled back).
/// Throws store::Unavailable / sightline::Exception as the stores do.
Result<CopySummary> copy_sqlite_to_postgres(const std::filesystem::path& sqlite_dir,
                                            const std::string& conninfo,
                                            const CopyProgress& progress = {});

}  // namespace sightline::store
