#pragma once
// A fixed number of PostgreSQL connections shared by the threads of one process. A thread
// borrows one for one method call (acquire() -> Lease) and gives it back on return. A connection
// the server dropped is reconnected when it is next borrowed; if that fails, acquire() throws
// store::Unavailable and the next call tries again, so the process recovers by itself when the
// database is back.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/postgres/connection.hpp"

namespace sightline::store::postgres {

class Pool {
  public:
    /// Opens the first connection now (so a wrong URL fails at start with libpq's message) and
    /// the others when first needed. Throws store::Unavailable.
    Pool(std::string conninfo, int size);
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;
    ~Pool();

    class Lease {
      public:
        Lease(Pool& pool, std::unique_ptr<Connection> connection) noexcept
            : m_pool(&pool), m_connection(std::move(connection)) {}
        Lease(Lease&&) noexcept = default;
        Lease& operator=(Lease&&) = delete;
        Lease(const Lease&) = delete;
        ~Lease();
        Connection& operator*() const noexcept { return *m_connection; }
        Connection* operator->() const noexcept { return m_connection.get(); }

      private:
        Pool* m_pool;
        std::unique_ptr<Connection> m_connection;
    };

    /// A working connection; waits up to `wait` for a free one. Throws store::Unavailable when
    /// the database cannot be reached or every connection stays busy.
    Lease acquire(std::chrono::milliseconds wait = std::chrono::seconds(10));

    [[nodiscard]] const std::string& conninfo() const noexcept { return m_conninfo; }

  private:
    void give_back(std::unique_ptr<Connection> connection) noexcept;

    std::string m_conninfo;
    std::mutex m_mutex;
    std::condition_variable m_returned;
    std::vector<std::unique_ptr<Connection>> m_idle;
    int m_unopened = 0;  // connections not made yet (or dropped for good)
};

}  // namespace sightline::store::postgres
