#include "services/login_throttle.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace sightline::services {

namespace {

// The counters of a single server: a map under one lock (what the store's per-key row locks are
// for several servers).
class MemoryCounters final : public store::LoginCounters {
  public:
    MemoryCounters(std::size_t max_keys, double forget_after_s)
        : m_max_keys(max_keys), m_forget_after_s(forget_after_s) {}

    void update(std::span<const std::uint64_t> keys,
                const std::function<void(std::span<Entry> entries)>& change) override {
        const std::lock_guard lock(m_mutex);
        std::vector<Entry> entries;
        for (auto key : keys) {
            auto it = m_entries.find(key);
            entries.push_back(it == m_entries.end() ? Entry{} : it->second);
        }
        change(entries);
        for (std::size_t i = 0; i < keys.size(); ++i) {
            if (entries[i].attempts <= 0) {
                m_entries.erase(keys[i]);
                continue;
            }
            if (!m_entries.contains(keys[i])) make_room(entries[i].last_s);
            m_entries[keys[i]] = entries[i];
        }
    }

  private:
    // Under a flood of distinct keys, forget the quiet ones first, then everything: the table
    // never grows without bound.
    void make_room(double now_s) {
        if (m_entries.size() < m_max_keys) return;
        std::erase_if(m_entries,
                      [&](const auto& e) { return now_s - e.second.last_s >= m_forget_after_s; });
        if (m_entries.size() >= m_max_keys) m_entries.clear();
    }

    std::size_t m_max_keys;
    double m_forget_after_s;
    std::mutex m_mutex;
    std::unordered_map<std::uint64_t, Entry> m_entries;
};

std::vector<std::uint64_t> keys_of(std::span<const LoginThrottle::Limit> limits) {
    std::vector<std::uint64_t> keys;
    for (const auto& limit : limits)
        keys.push_back(limit.key);
    return keys;
}

}  // namespace

LoginThrottle::LoginThrottle(Options options, store::LoginCounters* shared)
    : m_options(options),
      m_memory(shared ? nullptr
                      : std::make_unique<MemoryCounters>(options.max_keys, options.forget_after_s)),
      m_counters(shared ? *shared : *m_memory),
      m_shared(shared != nullptr) {}

LoginThrottle::~LoginThrottle() = default;

double LoginThrottle::wait_for(const Entry& entry, int free_attempts, double now_s) const {
    if (entry.attempts < free_attempts) return 0;
    const double wait =
        std::min(m_options.max_wait_s,
                 m_options.first_wait_s * std::exp2(std::min(entry.attempts - free_attempts, 30)));
    return std::max(0.0, entry.last_s + wait - now_s);
}

double LoginThrottle::begin(std::span<const Limit> limits, double now_s) {
    double wait = 0;
    m_counters.update(keys_of(limits), [&](std::span<Entry> entries) {
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

void LoginThrottle::succeeded(std::uint64_t forgotten_key, std::span<const Limit> refunded) {
    std::vector<std::uint64_t> keys{forgotten_key};
    for (const auto& limit : refunded)
        keys.push_back(limit.key);
    m_counters.update(keys, [](std::span<Entry> entries) {
        entries[0] = Entry{};
        for (auto& e : entries.subspan(1))
            if (e.attempts > 0) --e.attempts;
    });
}

double LoginThrottle::wait_s(std::span<const Limit> limits, double now_s) {
    double wait = 0;
    m_counters.update(keys_of(limits), [&](std::span<Entry> entries) {
        for (std::size_t i = 0; i < entries.size(); ++i)
            wait = std::max(wait, wait_for(entries[i], limits[i].free_attempts, now_s));
    });
    return wait;
}

}  // namespace sightline::services
