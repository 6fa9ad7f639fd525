#include "http/fair_queue.hpp"

#include <algorithm>
#include <exception>

#include <sys/resource.h>
#include <unistd.h>

#include <fmt/core.h>

#include "core/log.hpp"

namespace sightline::http {

FairQueue::FairQueue(FairQueueOptions options) : m_options(options) {
    m_options.threads = std::max(1, m_options.threads);
    m_options.capacity = std::max<std::size_t>(1, m_options.capacity);
    m_options.per_client = std::clamp<std::size_t>(m_options.per_client, 1, m_options.capacity);
    m_threads.reserve(static_cast<std::size_t>(m_options.threads));
    for (int i = 0; i < m_options.threads; ++i)
        m_threads.emplace_back([this] { work(); });
}

FairQueue::~FairQueue() {
    stop();
}

Admission FairQueue::admits_locked(std::uint64_t client) const {
    if (m_stopping || m_size >= m_options.capacity) return Admission::queue_full;
    auto it = m_clients.find(client);
    if (it != m_clients.end() &&
        it->second.waiting.size() + it->second.running >= m_options.per_client)
        return Admission::client_busy;
    return Admission::accepted;
}

Admission FairQueue::admits(std::uint64_t client) const {
    std::lock_guard lock(m_mutex);
    return admits_locked(client);
}

Admission FairQueue::submit(std::uint64_t client, std::function<void()> task) {
    {
        std::lock_guard lock(m_mutex);
        if (auto admission = admits_locked(client); admission != Admission::accepted)
            return admission;
        Client& entry = m_clients[client];
        if (entry.waiting.empty()) m_turns.push_back(client);
        entry.waiting.push_back(std::move(task));
        ++m_size;
    }
    m_ready.notify_one();
    return Admission::accepted;
}

std::size_t FairQueue::size() const {
    std::lock_guard lock(m_mutex);
    return m_size;
}

void FairQueue::work() {
    if (m_options.nice > 0) {
        // On Linux a thread is its own scheduling entity: this lowers only this thread.
        (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), m_options.nice);
    }
    std::unique_lock lock(m_mutex);
    while (true) {
        m_ready.wait(lock, [this] { return m_stopping || !m_turns.empty(); });
        if (m_stopping) return;
        const std::uint64_t client = m_turns.front();
        m_turns.pop_front();
        Client& entry = m_clients[client];
        std::function<void()> task = std::move(entry.waiting.front());
        entry.waiting.pop_front();
        ++entry.running;
        // Its next task waits for the other clients' turns.
        if (!entry.waiting.empty()) m_turns.push_back(client);
        lock.unlock();
        try {
            task();
        } catch (const std::exception& e) {
            log::error(fmt::format("queued task failed error=\"{}\"", e.what()));
        } catch (...) {
            log::error("queued task failed error=unknown");
        }
        task = nullptr;  // its captures are released outside the lock
        lock.lock();
        Client& after = m_clients[client];
        --after.running;
        --m_size;
        if (after.running == 0 && after.waiting.empty()) m_clients.erase(client);
    }
}

void FairQueue::stop() {
    std::vector<std::function<void()>> dropped;
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping && m_threads.empty()) return;
        m_stopping = true;
        for (auto& [client, entry] : m_clients)
            for (auto& task : entry.waiting)
                dropped.push_back(std::move(task));
    }
    m_ready.notify_all();
    for (auto& thread : m_threads)
        if (thread.joinable()) thread.join();
    m_threads.clear();
    dropped.clear();  // destroyed unrun, outside the lock
}

}  // namespace sightline::http
