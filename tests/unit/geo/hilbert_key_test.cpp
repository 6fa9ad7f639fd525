// geo::hilbert_key: the curve's order over the globe's quarters, its locality (what the camera
// rows and the walking graph's streets are sorted by it for) and clamping.
#include "geo/hilbert_key.hpp"

#include <algorithm>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "geo/distance.hpp"

namespace sightline::geo {
namespace {

TEST(HilbertKey, VisitsTheQuartersOfTheGlobeInCurveOrder) {
    // x is longitude, y latitude: the curve starts south-west, goes north, east, then south.
    const auto south_west = hilbert_key({-45, -90});
    const auto north_west = hilbert_key({45, -90});
    const auto north_east = hilbert_key({45, 90});
    const auto south_east = hilbert_key({-45, 90});
    constexpr std::uint64_t quarter = std::uint64_t{1} << 62;
    EXPECT_LT(south_west, quarter);
    EXPECT_GE(north_west, quarter);
    EXPECT_LT(north_west, 2 * quarter);
    EXPECT_GE(north_east, 2 * quarter);
    EXPECT_LT(north_east, 3 * quarter);
    EXPECT_GE(south_east, 3 * quarter);
}

TEST(HilbertKey, PointsSortedByItLieNextToEachOther) {
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> lat(48.10, 48.19);  // about 10 x 10 km of Munich
    std::uniform_real_distribution<double> lon(11.50, 11.64);
    std::vector<LatLon> points(2000);
    for (auto& p : points)
        p = {lat(rng), lon(rng)};
    auto mean_step = [](const std::vector<LatLon>& ps) {
        double sum = 0;
        for (std::size_t i = 1; i < ps.size(); ++i)
            sum += distance_m(ps[i - 1], ps[i]);
        return sum / static_cast<double>(ps.size() - 1);
    };
    const double random_order = mean_step(points);
    std::sort(points.begin(), points.end(),
              [](LatLon a, LatLon b) { return hilbert_key(a) < hilbert_key(b); });
    const double curve_order = mean_step(points);
    // 2,000 points in 100 km^2 are ~220 m apart; in random order the steps average ~5 km.
    EXPECT_LT(curve_order, 400) << "random order: " << random_order << " m";
    EXPECT_GT(random_order, 10 * curve_order);
}

TEST(HilbertKey, CoordinatesOutOfRangeAreClampedToTheEdge) {
    EXPECT_EQ(hilbert_key({95, 10}), hilbert_key({90, 10}));
    EXPECT_EQ(hilbert_key({10, -200}), hilbert_key({10, -180}));
    EXPECT_EQ(hilbert_key({-90, -180}), 0u);
}

}  // namespace
}  // namespace sightline::geo
