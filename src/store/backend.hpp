#pragma once
// One opened store with every role: what `open_store(url)` returns and what the CLI and the
// server hold. SQLite (store/sqlite/) and PostgreSQL (store/postgres/) implement it; callers
// pass each role on as the interface it needs (Store, MapStore, CampaignStore, SourceStore,
// PhotoStorage), never the backend's own type.

#include <cstdint>
#include <string>

#include <optional>

#include "store/campaign_store.hpp"
#include "store/login_counters.hpp"
#include "store/map_store.hpp"
#include "store/photo_storage.hpp"
#include "store/source_store.hpp"
#include "store/store.hpp"

namespace sightline::store {

class Backend : public Store, public MapStore, public CampaignStore, public SourceStore {
  public:
    /// Where the data is, for logs and messages: "sqlite:/abs/dir" or the PostgreSQL URL
    /// without its password.
    [[nodiscard]] virtual std::string describe() const = 0;
    /// The number of the last applied migration (each backend numbers its own).
    virtual int schema_version() = 0;
    /// Where photo bytes live: files under the data folder (SQLite) or the database (PostgreSQL,
    /// so every server sees them and a database backup holds them).
    virtual PhotoStorage& photo_storage() = 0;
    /// Failed-login counters shared with the other servers of this database; nullptr when the
    /// store has one server only (SQLite), which counts in memory.
    virtual LoginCounters* shared_login_counters() { return nullptr; }
    /// A random secret of this data set that every server reads, from which they derive the
    /// same daily key for hashing client addresses (so shared rate limits agree); nullopt when
    /// one server is all there is (each process then draws its own key).
    virtual std::optional<std::string> shared_client_key_secret() { return std::nullopt; }
};

}  // namespace sightline::store
