#include "services/rate_limiter.hpp"

#include <algorithm>
#include <chrono>

namespace sightline::services {

RateLimiter::RateLimiter(double capacity, double per_hour, std::size_t max_keys)
    : m_capacity(capacity), m_per_second(per_hour / 3600.0), m_max_keys(max_keys) {}

RateLimiter::Bucket& RateLimiter::refill(std::uint64_t key, double now_s) {
    if (m_buckets.size() >= m_max_keys && !m_buckets.contains(key)) {
        // Under a flood of distinct keys, forget full buckets first; they carry no state.
        std::erase_if(m_buckets, [&](const auto& entry) {
            const Bucket& b = entry.second;
            return b.tokens + (now_s - b.updated_s) * m_per_second >= m_capacity;
        });
        if (m_buckets.size() >= m_max_keys) m_buckets.clear();
    }
    auto [it, inserted] = m_buckets.try_emplace(key, Bucket{m_capacity, now_s});
    Bucket& b = it->second;
    if (!inserted) {
        b.tokens = std::min(m_capacity, b.tokens + (now_s - b.updated_s) * m_per_second);
        b.updated_s = now_s;
    }
    return b;
}

bool RateLimiter::allow(std::uint64_t key, double now_s) {
    if (m_per_second <= 0) return true;
    std::lock_guard lock(m_mutex);
    Bucket& b = refill(key, now_s);
    if (b.tokens < 1.0) return false;
    b.tokens -= 1.0;
    return true;
}

double RateLimiter::retry_after_s(std::uint64_t key, double now_s) {
    if (m_per_second <= 0) return 0;
    std::lock_guard lock(m_mutex);
    Bucket& b = refill(key, now_s);
    return b.tokens >= 1.0 ? 0.0 : (1.0 - b.tokens) / m_per_second;
}

double monotonic_seconds() noexcept {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace sightline::services
