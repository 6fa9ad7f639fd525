// ordered_parallel: every item made once, used in order on the calling thread, no more than the
// window made ahead, and a failure or an early stop ends the work without a hang.
#include "core/ordered_parallel.hpp"

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace sightline::core {
namespace {

TEST(OrderedParallelTest, UsesEveryItemOnceInOrderOnTheCallingThread) {
    constexpr std::size_t count = 200;
    std::vector<std::atomic<int>> made(count);
    std::vector<std::size_t> used;
    std::atomic<bool> other_thread{false};
    const auto caller = std::this_thread::get_id();
    ordered_parallel(
        count, 4, 8,
        [&](std::size_t k) {
            ++made[k];
            if (std::this_thread::get_id() != caller) other_thread = true;
            // Later items finish sooner: order comes from the hand-over, not from timing.
            std::this_thread::sleep_for(std::chrono::microseconds((count - k) % 7 * 50));
            return k * k;
        },
        [&](std::size_t k, std::size_t square) {
            EXPECT_EQ(std::this_thread::get_id(), caller);
            EXPECT_EQ(square, k * k);
            used.push_back(k);
            return true;
        });
    ASSERT_EQ(used.size(), count);
    for (std::size_t k = 0; k < count; ++k) {
        EXPECT_EQ(used[k], k);
        EXPECT_EQ(made[k], 1) << k;
    }
    EXPECT_TRUE(other_thread);  // made by the workers
}

TEST(OrderedParallelTest, MakesNoMoreThanTheWindowAheadOfWhatIsUsed) {
    constexpr std::size_t window = 3;
    std::atomic<std::size_t> used{0};
    std::atomic<bool> too_far{false};
    ordered_parallel(
        100, 4, window,
        [&](std::size_t k) {
            // The item being handed over may already count as used inside: one more.
            if (k >= used.load() + window + 1) too_far = true;
            return k;
        },
        [&](std::size_t, std::size_t) {
            std::this_thread::sleep_for(std::chrono::microseconds(200));  // a slow consumer
            ++used;
            return true;
        });
    EXPECT_EQ(used, 100u);
    EXPECT_FALSE(too_far);
}

TEST(OrderedParallelTest, AFailureStopsTheWorkAndReachesTheCaller) {
    std::atomic<std::size_t> made{0};
    std::vector<std::size_t> used;
    EXPECT_THROW(ordered_parallel(
                     1000, 3, 4,
                     [&](std::size_t k) {
                         ++made;
                         if (k == 10) throw std::runtime_error("item 10");
                         return k;
                     },
                     [&](std::size_t k, std::size_t) {
                         used.push_back(k);
                         return true;
                     }),
                 std::runtime_error);
    EXPECT_EQ(used.size(), 10u);  // 0..9, in order; nothing after the failure
    EXPECT_LT(made, 20u);         // the window kept the workers near item 10

    used.clear();
    EXPECT_THROW(ordered_parallel(
                     1000, 3, 4, [](std::size_t k) { return k; },
                     [&](std::size_t k, std::size_t) {
                         if (k == 5) throw std::logic_error("consumer");
                         used.push_back(k);
                         return true;
                     }),
                 std::logic_error);
    EXPECT_EQ(used.size(), 5u);
}

TEST(OrderedParallelTest, StopsWhenTheConsumerSaysSo) {
    std::vector<std::size_t> used;
    ordered_parallel(
        1000, 2, 2, [](std::size_t k) { return k; },
        [&](std::size_t k, std::size_t) {
            used.push_back(k);
            return k < 3;
        });
    EXPECT_EQ(used, (std::vector<std::size_t>{0, 1, 2, 3}));
}

TEST(OrderedParallelTest, OneWorkerOrNoItemsRunOnTheCallingThread) {
    const auto caller = std::this_thread::get_id();
    std::size_t used = 0;
    ordered_parallel(
        5, 1, 4,
        [&](std::size_t k) {
            EXPECT_EQ(std::this_thread::get_id(), caller);
            return k;
        },
        [&](std::size_t k, std::size_t made) {
            EXPECT_EQ(k, made);
            ++used;
            return true;
        });
    EXPECT_EQ(used, 5u);
    ordered_parallel(
        0, 4, 4, [](std::size_t k) { return k; },
        [](std::size_t, std::size_t) {
            ADD_FAILURE() << "no items";
            return true;
        });
}

}  // namespace
}  // namespace sightline::core
