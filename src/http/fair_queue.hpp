#pragma once
// A bounded queue for expensive work (photo scrubbing, analysis, routes) with its own threads and
// per-client turns. Tasks of one client run in the order they came; clients with work waiting
// take turns (round robin), so a client with many expensive requests delays only itself. The
// queue holds at most `capacity` tasks in all and `per_client` per client (running ones count):
// beyond that submit() refuses at once, and the server answers 503 with Retry-After instead of
// letting requests wait for minutes. The threads run at a lower CPU priority (`nice`), so on a
// small machine cheap requests on the other threads are not slowed by the work queued here.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace sightline::http {

struct FairQueueOptions {
    int threads = 2;
    std::size_t capacity = 32;   ///< tasks queued or running, all clients together
    std::size_t per_client = 4;  ///< tasks queued or running for one client
    int nice = 10;               ///< added to the threads' nice value (Linux: per thread); 0: none
};

enum class Admission { accepted, client_busy, queue_full };

class FairQueue {
  public:
    explicit FairQueue(FairQueueOptions options);
    /// stop()s: waits for running tasks, destroys queued ones without running them.
    ~FairQueue();
    FairQueue(const FairQueue&) = delete;
    FairQueue& operator=(const FairQueue&) = delete;

    /// What submit() would answer now, without queuing anything: lets the server refuse a request
    /// before it reads the body.
    [[nodiscard]] Admission admits(std::uint64_t client) const;
    /// Queues `task` for `client` unless the queue or the client's share is full.
    Admission submit(std::uint64_t client, std::function<void()> task);
    /// Stops taking tasks, waits for the running ones and destroys the queued ones unrun.
    /// Idempotent.
    void stop();

    [[nodiscard]] std::size_t size() const;  ///< tasks queued or running
    [[nodiscard]] const FairQueueOptions& options() const noexcept { return m_options; }

  private:
    struct Client {
        std::deque<std::function<void()>> waiting;
        std::size_t running = 0;
    };

    Admission admits_locked(std::uint64_t client) const;
    void work();

    FairQueueOptions m_options;
    mutable std::mutex m_mutex;
    std::condition_variable m_ready;
    std::unordered_map<std::uint64_t, Client> m_clients;
    std::deque<std::uint64_t> m_turns;  ///< clients with waiting tasks, next turn first
    std::size_t m_size = 0;
    bool m_stopping = false;
    std::vector<std::thread> m_threads;
};

}  // namespace sightline::http
