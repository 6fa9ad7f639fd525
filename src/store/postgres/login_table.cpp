#include "store/postgres/login_table.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

#include "store/postgres/pool.hpp"

namespace sightline::store::postgres {
namespace {
constexpr double forget_after_s = 3600;

double unix_seconds() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}
}  // namespace

void LoginTable::update(std::span<const std::uint64_t> keys,
                        const std::function<void(std::span<Entry> entries)>& change) {
    // Keys are hashes: stored as the signed 64-bit value of the same bits.
    std::vector<std::int64_t> ids;
    for (auto key : keys)
        ids.push_back(static_cast<std::int64_t>(key));
    std::vector<std::int64_t> locked = ids;
    std::sort(locked.begin(), locked.end());  // one lock order for every server: no deadlock
    locked.erase(std::unique(locked.begin(), locked.end()), locked.end());

    auto db = m_pool.acquire();
    Transaction tx(*db);
    db->run("DELETE FROM login_attempts WHERE last_s < $1", unix_seconds() - forget_after_s);
    std::vector<Entry> entries(ids.size());
    for (auto id : locked) {
        db->run(
            "INSERT INTO login_attempts (key, attempts, last_s) VALUES ($1, 0, 0) "
            "ON CONFLICT (key) DO NOTHING",
            id);
        auto rows =
            db->run("SELECT attempts, last_s FROM login_attempts WHERE key = $1 FOR UPDATE", id);
        Entry entry{static_cast<int>(rows.int64(0, 0)), rows.real(0, 1)};
        for (std::size_t i = 0; i < ids.size(); ++i)
            if (ids[i] == id) entries[i] = entry;
    }
    change(entries);
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (entries[i].attempts > 0)
            db->run("UPDATE login_attempts SET attempts = $2, last_s = $3 WHERE key = $1", ids[i],
                    entries[i].attempts, entries[i].last_s);
        else
            db->run("DELETE FROM login_attempts WHERE key = $1", ids[i]);
    }
    tx.commit();
}

}  // namespace sightline::store::postgres
