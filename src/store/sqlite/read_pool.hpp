#pragma once
// A fixed pool of read-only connections. In WAL mode readers see the last committed snapshot
// and never wait for the writer; a thread leases one connection for the length of a read.

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "store/sqlite/connection.hpp"

namespace sightline::store::sqlite {

class ReadPool {
  public:
    /// Opens `size` (at least 1) read-only connections to `path`. Throws SqliteError.
    /// `memory_map`: the readers map the file (see configure_connection).
    ReadPool(const std::filesystem::path& path, int size, bool memory_map = true);
    ReadPool(const ReadPool&) = delete;
    ReadPool& operator=(const ReadPool&) = delete;
    ~ReadPool();

    /// Exclusive use of one connection until destruction; returns it to the pool.
    class Lease {
      public:
        Lease(ReadPool& pool, std::unique_ptr<Connection> connection) noexcept
            : m_pool(&pool), m_connection(std::move(connection)) {}
        Lease(Lease&&) noexcept = default;
        Lease& operator=(Lease&&) = delete;
        Lease(const Lease&) = delete;
        ~Lease();
        Connection& operator*() const noexcept { return *m_connection; }
        Connection* operator->() const noexcept { return m_connection.get(); }

      private:
        ReadPool* m_pool;
        std::unique_ptr<Connection> m_connection;
    };

    /// Waits until a connection is free. Do not hold two leases in one thread: with a pool of
    /// one that would wait forever.
    Lease acquire();

    /// Unmaps the file from each idle connection; each maps it again on its next read. Every
    /// connection has its own map, and a process's RSS counts a page of the file once per map
    /// that touched it: after a scan on several connections at once (the routing build reads
    /// on every core) the same pages count two or three times. The kernel keeps them in its page
    /// cache either way.
    void unmap_idle();

  private:
    void release(std::unique_ptr<Connection> connection) noexcept;

    bool m_memory_map;
    std::mutex m_mutex;
    std::condition_variable m_free;
    std::vector<std::unique_ptr<Connection>> m_idle;
};

/// Settings every connection gets (busy timeout, foreign keys); `read_only` adds the reader
/// tuning (memory-mapped I/O unless `memory_map` is false, larger page cache).
void configure_connection(Connection& connection, bool read_only, bool memory_map = true);

}  // namespace sightline::store::sqlite
