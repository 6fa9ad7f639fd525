#include "services/login_throttle.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace sightline::services {

LoginThrottle::LoginThrottle(Options options, store::LoginCounters* shared)
    : m_options(options), m_shared(shared) {}

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
    if (m_shared) return begin_shared(limits, now_s);
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
    if (m_shared) return succeeded_shared(forgotten_key, refunded);
    const std::lock_guard lock(m_mutex);
    m_entries.erase(forgotten_key);
    for (const Limit& limit : refunded)
        if (auto it = m_entries.find(limit.key); it != m_entries.end() && it->second.attempts > 0)
            --it->second.attempts;
}

double LoginThrottle::wait_s(std::span<const Limit> limits, double now_s) {
    if (m_shared) return wait_shared(limits, now_s);
    const std::lock_guard lock(m_mutex);
    double wait = 0;
    for (const Limit& limit : limits)
        if (auto it = m_entries.find(limit.key); it != m_entries.end())
            wait = std::max(wait, wait_for(it->second, limit.free_attempts, now_s));
    return wait;
}

// --- shared counters: the same rules, applied under the store's per-key locks -------------

namespace {
std::vector<std::uint64_t> keys_of(std::span<const LoginThrottle::Limit> limits) {
    std::vector<std::uint64_t> keys;
    for (const auto& limit : limits)
        keys.push_back(limit.key);
    return keys;
}
}  // namespace

double LoginThrottle::begin_shared(std::span<const Limit> limits, double now_s) {
    double wait = 0;
    m_shared->update(keys_of(limits), [&](std::span<Entry> entries) {
        for (auto& e : entries)
            if (e.attempts > 0 && now_s - e.last_s >= m_options.forget_after_s) e = Entry{};
        for (std::size_t i = 0; i < entries.size(); ++i)
            wait = std::max(wait, wait_for(entries[i], limits[i].free_attempts, now_s));
        if (wait > 0) return;
        for (auto& e : entries) {
            ++e.attempts;
            e.last_s = now_s;
        }
    });
    return wait;
}

void LoginThrottle::succeeded_shared(std::uint64_t forgotten_key, std::span<const Limit> refunded) {
    std::vector<std::uint64_t> keys{forgotten_key};
    for (const auto& limit : refunded)
        keys.push_back(limit.key);
    m_shared->update(keys, [](std::span<Entry> entries) {
        entries[0] = Entry{};
        for (auto& e : entries.subspan(1))
            if (e.attempts > 0) --e.attempts;
    });
}

double LoginThrottle::wait_shared(std::span<const Limit> limits, double now_s) {
    double wait = 0;
    m_shared->update(keys_of(limits), [&](std::span<Entry> entries) {
        for (std::size_t i = 0; i < entries.size(); ++i)
            wait = std::max(wait, wait_for(entries[i], limits[i].free_attempts, now_s));
    });
    return wait;
}

}  // namespace sightline::services
