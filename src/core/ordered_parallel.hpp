#pragma once
// Work items made on several threads and used in their order on the calling thread: the routing
// build measures a country's streets chunk by chunk this way, and numbers them as one thread
// would.

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace sightline::core {

/// Calls make(k) for every k in [0, count) on `workers` threads (at least one) and hands each
/// result to consume(k, result) on the calling thread, in the order of k. At most `window`
/// results (at least one) are made ahead of the one being consumed, so memory stays bounded
/// whatever the count. consume returns false to stop early: no make() starts after that, those
/// under way finish and are dropped. An exception of make() or consume() stops the work the same
/// way and is rethrown here once every worker has ended. With one worker (or one item) it all runs
/// on the calling thread.
template <typename Make, typename Consume>
void ordered_parallel(std::size_t count, unsigned workers, std::size_t window, const Make& make,
                      const Consume& consume) {
    if (workers <= 1 || count <= 1) {  // on the calling thread, as a plain loop
        for (std::size_t k = 0; k < count; ++k)
            if (!consume(k, make(k))) return;
        return;
    }
    using Made = decltype(make(std::size_t{0}));
    struct Slot {
        std::optional<Made> made;
        std::exception_ptr error;
        bool done = false;
    };
    std::vector<Slot> slots(count);
    std::mutex mutex;
    std::condition_variable changed;
    std::size_t next = 0;      // the next k to make
    std::size_t consumed = 0;  // results consumed so far
    bool stop = false;
    window = std::max<std::size_t>(window, 1);

    auto work = [&] {
        std::unique_lock lock(mutex);
        while (true) {
            changed.wait(lock, [&] { return stop || next >= count || next < consumed + window; });
            if (stop || next >= count) return;
            const std::size_t k = next++;
            lock.unlock();
            Slot slot;
            try {
                slot.made.emplace(make(k));
            } catch (...) {
                slot.error = std::current_exception();
            }
            slot.done = true;
            lock.lock();
            slots[k] = std::move(slot);
            changed.notify_all();
        }
    };

    std::exception_ptr error;
    {
        std::vector<std::jthread> threads;
        // Declared after the threads, so it runs before they are joined: whatever ends the loop
        // below (an exception included, a thread that cannot start too), no worker is left
        // waiting for room in the window.
        struct StopOnExit {
            std::mutex& mutex;
            std::condition_variable& changed;
            bool& stop;
            ~StopOnExit() {
                const std::lock_guard lock(mutex);
                stop = true;
                changed.notify_all();
            }
        };
        const StopOnExit stop_on_exit{mutex, changed, stop};
        const std::size_t thread_count = std::min<std::size_t>(workers, count);
        threads.reserve(thread_count);
        for (std::size_t t = 0; t < thread_count; ++t)
            threads.emplace_back(work);
        for (std::size_t k = 0; k < count; ++k) {
            Slot slot;
            {
                std::unique_lock lock(mutex);
                changed.wait(lock, [&] { return slots[k].done; });
                slot = std::move(slots[k]);
                slots[k] = Slot{};
                ++consumed;
                changed.notify_all();
            }
            if (slot.error) {
                error = slot.error;
                break;
            }
            try {
                if (!consume(k, std::move(*slot.made))) break;
            } catch (...) {
                error = std::current_exception();
                break;
            }
        }
    }
    if (error) std::rethrow_exception(error);
}

}  // namespace sightline::core
