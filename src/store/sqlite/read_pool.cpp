#include "store/sqlite/read_pool.hpp"

#include <algorithm>

namespace sightline::store::sqlite {

namespace {
constexpr int busy_timeout_ms = 5000;
constexpr const char* map_file_sql = "PRAGMA mmap_size = 1073741824";  // up to 1 GiB
}  // namespace

void configure_connection(Connection& connection, bool read_only, bool memory_map) {
    if (int rc = sqlite3_busy_timeout(connection.handle(), busy_timeout_ms); rc != SQLITE_OK)
        connection.throw_error(rc, "sqlite3_busy_timeout");
    connection.execute("PRAGMA foreign_keys = ON");
    if (!read_only) {
        // Imports insert into the R*Tree at random places; with the default 2 MB cache every
        // insert into a large index re-reads its nodes (1M cameras: 150 s -> 60 s).
        connection.execute("PRAGMA cache_size = -65536");
    } else {
        // Camera listings touch ~1,000 rows scattered over the file. Reading pages straight
        // from the kernel's page cache through a memory map (one per connection, the same pages
        // for all of them and for other processes) beat even a 400 MB private cache per
        // connection by ~15% in bench/store_bench.cpp, without the memory.
        if (memory_map) connection.execute(map_file_sql);
        connection.execute("PRAGMA cache_size = -16384");
    }
}

ReadPool::ReadPool(const std::filesystem::path& path, int size, bool memory_map)
    : m_memory_map(memory_map) {
    size = std::max(size, 1);
    m_idle.reserve(static_cast<std::size_t>(size));
    for (int i = 0; i < size; ++i) {
        auto connection = std::make_unique<Connection>(path, OpenOptions{.read_only = true});
        configure_connection(*connection, /*read_only=*/true, memory_map);
        m_idle.push_back(std::move(connection));
    }
}

ReadPool::~ReadPool() = default;

ReadPool::Lease ReadPool::acquire() {
    std::unique_lock lock(m_mutex);
    m_free.wait(lock, [&] { return !m_idle.empty(); });
    auto connection = std::move(m_idle.back());
    m_idle.pop_back();
    return Lease(*this, std::move(connection));
}

void ReadPool::release(std::unique_ptr<Connection> connection) noexcept {
    {
        std::lock_guard lock(m_mutex);
        m_idle.push_back(std::move(connection));
    }
    m_free.notify_one();
}

void ReadPool::unmap_idle() {
    if (!m_memory_map) return;
    std::size_t count = 0;
    {
        std::lock_guard lock(m_mutex);
        count = m_idle.size();
    }
    // One at a time, from the front (release() returns to the back): the others stay free for
    // readers meanwhile.
    for (std::size_t i = 0; i < count; ++i) {
        std::unique_ptr<Connection> connection;
        {
            std::lock_guard lock(m_mutex);
            if (m_idle.empty()) break;
            connection = std::move(m_idle.front());
            m_idle.erase(m_idle.begin());
        }
        try {
            // A limit of 0 unmaps; the old limit lets the next read map the file again.
            connection->execute("PRAGMA mmap_size = 0");
            connection->execute(map_file_sql);
        } catch (const SqliteError&) {
            // Kept as it is: the map is an optimisation.
        }
        release(std::move(connection));
    }
}

ReadPool::Lease::~Lease() {
    if (m_connection) m_pool->release(std::move(m_connection));
}

}  // namespace sightline::store::sqlite
