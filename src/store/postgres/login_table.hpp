#pragma once
// LoginCounters in the UNLOGGED table login_attempts: the rows of the keys are locked for the
// length of one update (SELECT ... FOR UPDATE after creating missing ones), so two servers
// counting attempts of one client at once cannot both pass a check. Rows idle for an hour are
// deleted on the way.

#include "store/login_counters.hpp"

namespace sightline::store::postgres {

class Pool;

class LoginTable final : public LoginCounters {
  public:
    explicit LoginTable(Pool& pool) : m_pool(pool) {}
    void update(std::span<const std::uint64_t> keys,
                const std::function<void(std::span<Entry> entries)>& change) override;

  private:
    Pool& m_pool;
};

}  // namespace sightline::store::postgres
