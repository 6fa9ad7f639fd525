#pragma once
// One opened store with every role: what `open_store(url)` returns and what the CLI and the
// server hold. SQLite (store/sqlite/) and PostgreSQL (store/postgres/) implement it; callers
// pass each role on as the interface it needs (Store, MapStore, CampaignStore, SourceStore,
// PhotoStorage), never the backend's own type.

#include <cstdint>
#include <string>

#include "store/campaign_store.hpp"
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
};

}  // namespace sightline::store
