#include "store/postgres/pool.hpp"

#include <algorithm>

#include "store/store.hpp"

namespace sightline::store::postgres {

Pool::Pool(std::string conninfo, int size) : m_conninfo(std::move(conninfo)) {
    m_idle.push_back(std::make_unique<Connection>(m_conninfo));
    m_unopened = std::max(size, 1) - 1;
}

Pool::~Pool() = default;

Pool::Lease::~Lease() {
    if (m_connection) m_pool->give_back(std::move(m_connection));
}

void Pool::give_back(std::unique_ptr<Connection> connection) noexcept {
    {
        std::lock_guard lock(m_mutex);
        // A connection left inside a transaction (an exception between BEGIN and the
        // Transaction's rollback cannot happen, but a broken link can) is not reused as is.
        if (connection->ok() && connection->in_transaction()) {
            try {
                connection->execute("ROLLBACK");
            } catch (...) {
            }
        }
        m_idle.push_back(std::move(connection));
    }
    m_returned.notify_one();
}

Pool::Lease Pool::acquire(std::chrono::milliseconds wait) {
    std::unique_ptr<Connection> connection;
    {
        std::unique_lock lock(m_mutex);
        if (!m_returned.wait_for(lock, wait, [&] { return !m_idle.empty() || m_unopened > 0; }))
            throw Unavailable("PostgreSQL: every connection of the pool stayed busy");
        if (!m_idle.empty()) {
            connection = std::move(m_idle.back());
            m_idle.pop_back();
        } else {
            --m_unopened;
        }
    }
    if (!connection) {
        try {
            connection = std::make_unique<Connection>(m_conninfo);
        } catch (...) {
            std::lock_guard lock(m_mutex);
            ++m_unopened;
            m_returned.notify_one();
            throw;
        }
        return Lease(*this, std::move(connection));
    }
    if (!connection->ok() && !connection->reset()) {
        give_back(std::move(connection));
        throw Unavailable("PostgreSQL is unreachable (reconnecting failed)");
    }
    return Lease(*this, std::move(connection));
}

}  // namespace sightline::store::postgres
