#pragma once
// Opens the store a URL names (docs/adr/018):
//   sqlite:DIR                  the embedded default: DIR/sightline.db and DIR/photos/
//   postgresql://user@host/db   PostgreSQL with PostGIS (also postgres://; libpq URL syntax,
//                               so ?host=/run/postgresql reaches a Unix socket, and the PG*
//                               environment variables fill in what the URL leaves out)

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "store/backend.hpp"

namespace sightline::store {

enum class StoreKind { sqlite, postgresql };

struct StoreUrl {
    StoreKind kind = StoreKind::sqlite;
    std::filesystem::path sqlite_dir;  ///< sqlite: the data folder
    std::string conninfo;              ///< postgresql: the URL as libpq takes it
};

/// Parses a store URL; invalid_argument with the accepted forms when it is neither.
Result<StoreUrl> parse_store_url(std::string_view url);
/// For messages: "sqlite:DIR" or the URL without its password.
std::string open_store_description(const StoreUrl& url);

struct OpenOptions {
    bool create_if_missing = true;  ///< sqlite: create the folder and the file
    bool synchronous_full = true;   ///< sqlite: fsync every commit (see SqliteOptions)
    int connections = 8;            ///< sqlite: read connections; postgresql: the pool's size
    bool migrate = true;            ///< postgresql: apply pending migrations when opening
    /// sqlite: readers map the file (faster reads; the pages read count in the process's RSS).
    /// Off for one pass over a whole country (the routing data): pages go through SQLite's
    /// bounded cache and the kernel's page cache instead.
    bool memory_map = true;
    /// sqlite: a database file this open creates is written with a rollback journal until the
    /// store closes, then switched to WAL (what every other open asks for). For the first load
    /// of a new data folder (`sightline import`): a rollback journal holds only the pages that
    /// existed before, so the new pages are written once, where a WAL writes them twice (to
    /// the log, then back into the file): 2 s of a country's 17. While it writes, another
    /// process cannot switch the file to WAL and its open fails at once with "database ... is
    /// busy" (between transactions it switches the file to WAL and goes on).
    bool rollback_journal_if_new = false;
};

/// Opens (and migrates) the store. Throws store::Unavailable if a database server cannot be
/// reached, sightline::Exception for any other failure, with a message naming the store.
std::unique_ptr<Backend> open_store(const StoreUrl& url, const OpenOptions& options = {});

}  // namespace sightline::store
