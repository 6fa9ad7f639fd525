#include "services/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace sightline::services {

TEST(RateLimiter, AllowsTheBurstThenRefillsOverTime) {
    RateLimiter limiter(3, 3600);  // 3 at once, one per second after that
    EXPECT_TRUE(limiter.allow(1, 0));
    EXPECT_TRUE(limiter.allow(1, 0));
    EXPECT_TRUE(limiter.allow(1, 0));
    EXPECT_FALSE(limiter.allow(1, 0));
    EXPECT_NEAR(limiter.retry_after_s(1, 0), 1.0, 1e-9);
    EXPECT_TRUE(limiter.allow(2, 0)) << "other clients are not affected";
    EXPECT_TRUE(limiter.allow(1, 1.0));
    EXPECT_FALSE(limiter.allow(1, 1.0));
}

TEST(RateLimiter, ZeroRateMeansUnlimited) {
    RateLimiter limiter(1, 0);
    for (int i = 0; i < 100; ++i)
        EXPECT_TRUE(limiter.allow(9, 0));
}

TEST(RateLimiter, StaysBoundedUnderManyDistinctKeys) {
    RateLimiter limiter(1, 60, 100);
    for (std::uint64_t k = 0; k < 10'000; ++k)
        limiter.allow(k, 0);
    EXPECT_TRUE(limiter.allow(20'000, 0));
}

}  // namespace sightline::services
