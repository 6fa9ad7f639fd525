// LoginThrottle: failures slow down only the client that makes them; concurrent attempts are
// counted before they run; waits double; a success forgets.

#include "services/login_throttle.hpp"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <thread>
#include <vector>

namespace sightline::services {
namespace {

using Limits = std::array<LoginThrottle::Limit, 2>;

// (attacker or moderator's address, "mod") and the address alone.
Limits limits_for(std::uint64_t client) {
    return {{{client * 2 + 1, 5}, {client * 2, 20}}};
}

TEST(LoginThrottle, FailuresFromOneClientNeverLockOutAnother) {
    LoginThrottle throttle;
    const double now = 1000;
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(throttle.begin(limits_for(7), now), 0) << i;
    EXPECT_GT(throttle.begin(limits_for(7), now), 0) << "the attacker waits";
    EXPECT_EQ(throttle.begin(limits_for(8), now), 0) << "the moderator, elsewhere, does not";
}

TEST(LoginThrottle, WaitsDoubleWithEachFailureAfterTheFreeOnes) {
    LoginThrottle throttle;
    double now = 1000;
    for (int i = 0; i < 5; ++i)
        ASSERT_EQ(throttle.begin(limits_for(1), now), 0);
    EXPECT_DOUBLE_EQ(throttle.wait_s(limits_for(1), now), 1);
    now += 1;
    ASSERT_EQ(throttle.begin(limits_for(1), now), 0);  // the 6th, after waiting
    EXPECT_DOUBLE_EQ(throttle.wait_s(limits_for(1), now), 2);
    now += 2;
    ASSERT_EQ(throttle.begin(limits_for(1), now), 0);
    EXPECT_DOUBLE_EQ(throttle.wait_s(limits_for(1), now), 4);
    EXPECT_DOUBLE_EQ(throttle.wait_s(limits_for(1), now), 4) << "asking counts nothing";
    EXPECT_EQ(throttle.wait_s(limits_for(1), now + 3600), 0) << "a quiet hour forgets";
}

TEST(LoginThrottle, ASuccessForgetsThePairAndGivesTheClientItsAttemptBack) {
    LoginThrottle throttle;
    const double now = 1000;
    const Limits limits = limits_for(3);
    for (int i = 0; i < 4; ++i)
        ASSERT_EQ(throttle.begin(limits, now), 0);
    throttle.succeeded(limits[0].key, std::span(limits).subspan(1));
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(throttle.begin(limits, now), 0) << i;
    EXPECT_GT(throttle.begin(limits, now), 0);
}

TEST(LoginThrottle, AClientFailingForManyNamesWaitsToo) {
    LoginThrottle throttle;
    const double now = 1000;
    int allowed = 0;
    for (std::uint64_t name = 0; name < 40; ++name) {
        const Limits limits{{{(name << 8) | 1, 5}, {42, 20}}};
        if (throttle.begin(limits, now) == 0) ++allowed;
    }
    EXPECT_EQ(allowed, 20);
}

// 30 wrong passwords at once: the check and the count are one step, so exactly the free
// attempts get through, not however many were checked before the first was counted.
TEST(LoginThrottle, ConcurrentAttemptsAreCountedBeforeTheyRun) {
    LoginThrottle throttle;
    std::atomic<int> allowed{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 30; ++i)
        threads.emplace_back([&] {
            if (throttle.begin(limits_for(9), 1000) == 0) ++allowed;
        });
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(allowed.load(), 5);
}

}  // namespace
}  // namespace sightline::services
