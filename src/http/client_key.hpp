#pragma once
// Keyed hashing of client addresses for rate limits. The key is random, lives only in memory
// and is replaced every 24 hours, so a stored hash cannot be linked back to an address or to
// the same client on another day. Several servers on one database (ADR 018) instead derive the
// key of each UTC day from a secret they share, so they hash an address alike and their shared
// login counters agree.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>

namespace sightline::http {

/// SipHash-2-4 (Aumasson and Bernstein) of `data` under the 128-bit key (k0, k1).
std::uint64_t siphash24(std::uint64_t k0, std::uint64_t k1,
                        std::span<const unsigned char> data) noexcept;

class ClientKeyHasher {
  public:
    /// A random key replaced every `rotation`; or, with a non-empty `shared_secret`, keys
    /// derived from it and the UTC day.
    explicit ClientKeyHasher(std::chrono::seconds rotation = std::chrono::hours(24),
                             std::string shared_secret = {});
    /// Hash of the raw address bytes (4 for IPv4, 16 for IPv6). Thread-safe.
    std::uint64_t hash(std::span<const unsigned char> address);

  private:
    void rotate(std::chrono::steady_clock::time_point now);

    std::mutex m_mutex;
    std::chrono::seconds m_rotation;
    std::chrono::steady_clock::time_point m_created;
    std::uint64_t m_k0 = 0;
    std::uint64_t m_k1 = 0;
    std::string m_shared_secret;  // empty: random keys
    std::int64_t m_day = -1;      // the UTC day the shared keys are for
};

}  // namespace sightline::http
