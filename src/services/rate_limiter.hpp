#pragma once
// In-memory token buckets keyed by an opaque 64-bit key (a keyed hash of the client address
// computed by the server core). Nothing here is ever persisted: a restart forgets all state.

#include <cstdint>
#include <mutex>
#include <unordered_map>

namespace sightline::services {

class RateLimiter {
  public:
    /// `capacity` requests at once, refilled at `per_hour` per hour. per_hour == 0 disables it.
    RateLimiter(double capacity, double per_hour, std::size_t max_keys = 100'000);

    /// Takes one token for `key` at time `now_s` (seconds, monotonic is fine). False when empty.
    bool allow(std::uint64_t key, double now_s);
    /// Seconds until `key` has a token again (0 if it has one now).
    double retry_after_s(std::uint64_t key, double now_s);

  private:
    struct Bucket {
        double tokens;
        double updated_s;
    };
    Bucket& refill(std::uint64_t key, double now_s);

    double m_capacity;
    double m_per_second;
    std::size_t m_max_keys;
    std::mutex m_mutex;
    std::unordered_map<std::uint64_t, Bucket> m_buckets;
};

/// Seconds on a monotonic clock, for rate limits.
double monotonic_seconds() noexcept;

}  // namespace sightline::services
