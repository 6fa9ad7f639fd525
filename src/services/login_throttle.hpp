#pragma once
// Failed-login accounting that cannot be used to lock anyone out (docs/adr/007). Failures count
// per (client, user name) and per client, never per name alone: an attacker who fails for a
// moderator's name slows down only their own address, and the moderator, from anywhere else,
// still gets in. After `free_attempts` failures a key waits, doubling with each further
// failure (1 s, 2 s, 4 s, ... up to an hour); a quiet hour forgets it. An attempt is counted
// *before* the password is checked (argon2id takes ~0.1 s), under one lock, so concurrent
// attempts cannot all pass one check: a success gives the attempt back. The counts live in a
// store::LoginCounters: in this process's memory, or, for several servers on one database, in
// the database, locked per key across servers (then `now_s` must be wall-clock seconds, the
// same on every server). The rules are the same either way.

#include <cstdint>
#include <memory>
#include <span>

#include "store/login_counters.hpp"

namespace sightline::services {

class LoginThrottle {
  public:
    struct Limit {
        std::uint64_t key = 0;
        int free_attempts = 5;  ///< failures before the first wait
    };
    struct Options {
        double first_wait_s = 1;
        double max_wait_s = 3600;
        double forget_after_s = 3600;  ///< a key with no attempt for this long starts afresh
        std::size_t max_keys = 100'000;
    };

    LoginThrottle() : LoginThrottle(Options{}) {}
    /// `shared` (may be null: counted in this process's memory) must outlive the throttle.
    explicit LoginThrottle(Options options, store::LoginCounters* shared = nullptr);
    ~LoginThrottle();
    LoginThrottle(const LoginThrottle&) = delete;
    LoginThrottle& operator=(const LoginThrottle&) = delete;
    [[nodiscard]] bool shared() const noexcept { return m_shared; }

    /// Counts an attempt against every limit, all or none: 0 when the attempt may go ahead
    /// (count it as failed unless succeeded() follows), otherwise the seconds until it may.
    double begin(std::span<const Limit> limits, double now_s);
    /// The attempt begun for these limits succeeded: the (client, name) key is forgotten, the
    /// others get the attempt back.
    void succeeded(std::uint64_t forgotten_key, std::span<const Limit> refunded);
    /// Seconds until an attempt for these limits may go ahead (0: now). Counts nothing.
    double wait_s(std::span<const Limit> limits, double now_s);

  private:
    using Entry = store::LoginCounters::Entry;
    [[nodiscard]] double wait_for(const Entry& entry, int free_attempts, double now_s) const;

    Options m_options;
    std::unique_ptr<store::LoginCounters> m_memory;  // when there are no shared counters
    store::LoginCounters& m_counters;                // the shared ones or m_memory
    bool m_shared;
};

}  // namespace sightline::services
