// The fair queue for expensive work: per-client turns, bounds, and stop.

#include "http/fair_queue.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace sightline::http {
namespace {

using namespace std::chrono_literals;

// A task that holds the queue's only thread until opened.
class Gate {
  public:
    void wait() {
        std::unique_lock lock(m_mutex);
        m_entered = true;
        m_changed.notify_all();
        m_changed.wait(lock, [this] { return m_open; });
    }
    void wait_until_entered() {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return m_entered; });
    }
    void open() {
        std::lock_guard lock(m_mutex);
        m_open = true;
        m_changed.notify_all();
    }

  private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_entered = false;
    bool m_open = false;
};

constexpr std::uint64_t client_a = 1, client_b = 2, client_c = 3;

TEST(FairQueue, ClientsTakeTurnsAndEachClientsTasksRunInOrder) {
    FairQueue queue({.threads = 1, .capacity = 16, .per_client = 8, .nice = 0});
    Gate gate;
    ASSERT_EQ(queue.submit(client_c, [&] { gate.wait(); }), Admission::accepted);
    gate.wait_until_entered();
    std::mutex mutex;
    std::vector<std::string> order;
    auto record = [&](std::string name) {
        return [&, name] {
            std::lock_guard lock(mutex);
            order.push_back(name);
        };
    };
    for (const char* name : {"a1", "a2", "a3"})
        ASSERT_EQ(queue.submit(client_a, record(name)), Admission::accepted);
    ASSERT_EQ(queue.submit(client_b, record("b1")), Admission::accepted);
    ASSERT_EQ(queue.submit(client_b, record("b2")), Admission::accepted);
    gate.open();
    while (queue.size() > 0)
        std::this_thread::sleep_for(1ms);
    // A came first, then turns alternate: B does not wait for all of A's work.
    EXPECT_EQ(order, (std::vector<std::string>{"a1", "b1", "a2", "b2", "a3"}));
}

TEST(FairQueue, RefusesPastItsCapacityAndPastAClientsShare) {
    FairQueue queue({.threads = 1, .capacity = 3, .per_client = 2, .nice = 0});
    Gate gate;
    ASSERT_EQ(queue.submit(client_a, [&] { gate.wait(); }), Admission::accepted);
    gate.wait_until_entered();
    EXPECT_EQ(queue.submit(client_a, [] {}), Admission::accepted);  // one running, one queued
    EXPECT_EQ(queue.admits(client_a), Admission::client_busy);
    EXPECT_EQ(queue.submit(client_a, [] {}), Admission::client_busy);
    EXPECT_EQ(queue.submit(client_b, [] {}), Admission::accepted);
    EXPECT_EQ(queue.admits(client_c), Admission::queue_full);
    EXPECT_EQ(queue.submit(client_c, [] {}), Admission::queue_full);
    EXPECT_EQ(queue.size(), 3u);
    gate.open();
    while (queue.size() > 0)
        std::this_thread::sleep_for(1ms);
    EXPECT_EQ(queue.admits(client_a), Admission::accepted) << "finished work frees the share";
    EXPECT_EQ(queue.admits(client_c), Admission::accepted);
}

TEST(FairQueue, AThrowingTaskDoesNotStopTheQueue) {
    FairQueue queue({.threads = 1, .capacity = 4, .per_client = 4, .nice = 0});
    std::atomic<bool> ran{false};
    queue.submit(client_a, [] { throw std::runtime_error("boom"); });
    queue.submit(client_a, [&] { ran = true; });
    for (int i = 0; i < 5000 && !ran; ++i)
        std::this_thread::sleep_for(1ms);
    EXPECT_TRUE(ran) << "the task after the one that threw ran";
}

TEST(FairQueue, StopWaitsForRunningTasksAndDropsQueuedOnesUnrun) {
    auto queue = std::make_unique<FairQueue>(
        FairQueueOptions{.threads = 1, .capacity = 8, .per_client = 8, .nice = 0});
    Gate gate;
    std::atomic<bool> finished{false};
    queue->submit(client_a, [&] {
        gate.wait();
        finished = true;
    });
    gate.wait_until_entered();
    std::atomic<int> ran{0};
    auto witness = std::make_shared<int>(0);
    queue->submit(client_b, [&ran, witness] { ++ran; });
    std::thread opener([&] {
        std::this_thread::sleep_for(50ms);
        gate.open();
    });
    queue->stop();
    opener.join();
    EXPECT_TRUE(finished) << "the running task finished";
    EXPECT_EQ(ran, 0) << "the queued one was dropped";
    EXPECT_EQ(witness.use_count(), 1) << "and destroyed";
    EXPECT_EQ(queue->submit(client_a, [] {}), Admission::queue_full)
        << "a stopped queue takes nothing";
}

}  // namespace
}  // namespace sightline::http
