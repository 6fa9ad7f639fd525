#include "services/login_throttle.hpp"

#include <algorithm>
#include <cmath>

namespace sightline::services {

LoginThrottle::LoginThrottle(Options options) : m_options(options) {}

double LoginThrottle::wait_for(const Entry& entry, int free_attempts, double now_s) const {
    if (entry.attempts < free_attempts) return 0;
    const double wait =
        std::min(m_options.max_wait_s,
                 m_options.first_wait_s * std::exp2(std::min(entry.attempts - free_attempts, 30)));
    return std::max(0.0, entry.last_s + wait - now_s);
}

LoginThrottle::Entry& LoginThrottle::entry(std::uint64_t key, double now_s) {
    if (m_entries.size() >= m_options.max_keys && !m_entries.contains(key)) {
        // Under a flood of distinct keys, forget the quiet ones first, then everything: the
        // table never grows without bound.
        std::erase_if(m_entries, [&](const auto& e) {
            return now_s - e.second.last_s >= m_options.forget_after_s;
        });
        if (m_entries.size() >= m_options.max_keys) m_entries.clear();
    }
    Entry& e = m_entries[key];
    if (e.attempts > 0 && now_s - e.last_s >= m_options.forget_after_s) e = Entry{};
    return e;
}

double LoginThrottle::begin(std::span<const Limit> limits, double now_s) {
    const std::lock_guard lock(m_mutex);
    double wait = 0;
    for (const Limit& limit : limits)
        wait = std::max(wait, wait_for(entry(limit.key, now_s), limit.free_attempts, now_s));
    if (wait > 0) return wait;
    for (const Limit& limit : limits) {
        Entry& e = entry(limit.key, now_s);
        ++e.attempts;
        e.last_s = now_s;
    }
    return 0;
}

void LoginThrottle::succeeded(std::uint64_t forgotten_key, std::span<const Limit> refunded) {
    const std::lock_guard lock(m_mutex);
    m_entries.erase(forgotten_key);
    for (const Limit& limit : refunded)
        if (auto it = m_entries.find(limit.key); it != m_entries.end() && it->second.attempts > 0)
            --it->second.attempts;
}

double LoginThrottle::wait_s(std::span<const Limit> limits, double now_s) {
    const std::lock_guard lock(m_mutex);
    double wait = 0;
    for (const Limit& limit : limits)
        if (auto it = m_entries.find(limit.key); it != m_entries.end())
            wait = std::max(wait, wait_for(it->second, limit.free_attempts, now_s));
    return wait;
}

}  // namespace sightline::services
