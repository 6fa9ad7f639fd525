#pragma once
// Failed-login counters shared by every server of one database (ADR 018), for
// services::LoginThrottle. A single server keeps them in its memory instead (no store needed).
// Keys are keyed hashes (never addresses or names); entries idle for an hour are deleted.

#include <cstdint>
#include <functional>
#include <span>

namespace sightline::store {

class LoginCounters {
  public:
    struct Entry {
        int attempts = 0;
        double last_s = 0;  ///< unix seconds of the last counted attempt
    };
    virtual ~LoginCounters() = default;
    /// Calls `change` with the entries of `keys` (absent ones as {0, 0}) while holding a lock
    /// on those keys that spans all servers, then saves what it left (attempts 0: deleted).
    /// Throws store::Unavailable when the database cannot be reached.
    virtual void update(std::span<const std::uint64_t> keys,
                        const std::function<void(std::span<Entry> entries)>& change) = 0;
};

}  // namespace sightline::store
