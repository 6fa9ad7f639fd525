#include "services/plausibility.hpp"

#include <gtest/gtest.h>

namespace sightline::services {
namespace {

model::NewReport report_with(model::Tags tags) {
    model::NewReport r;
    r.location = {44.8, 20.46};
    r.tags = std::move(tags);
    return r;
}

using Flags = std::vector<std::string>;
const auto& catalogue = analysis::CameraCatalogue::builtin();

}  // namespace

TEST(Plausibility, FarFromEveryStreetIsFlaggedWhereTheMapReaches) {
    auto r = report_with({});
    EXPECT_EQ(plausibility_flags(r, {.nearest_street_m = 250}, catalogue),
              Flags{"far_from_street"});
    EXPECT_EQ(plausibility_flags(r, {.nearest_street_m = 40}, catalogue), Flags{});
    // No map imported around: nothing to judge by.
    EXPECT_EQ(plausibility_flags(r, {.nearest_street_m = std::nullopt}, catalogue), Flags{});
}

TEST(Plausibility, ABurstFromOneClientIsFlagged) {
    auto r = report_with({});
    EXPECT_EQ(
        plausibility_flags(
            r, {.nearest_street_m = std::nullopt, .recent_reports_from_client = burst_reports - 1},
            catalogue),
        Flags{});
    EXPECT_EQ(
        plausibility_flags(
            r, {.nearest_street_m = std::nullopt, .recent_reports_from_client = burst_reports},
            catalogue),
        Flags{"burst"});
}

TEST(Plausibility, ATypeThatContradictsTheNamedModelIsFlagged) {
    // The catalogue has the Huawei IPC6625-Z30 as a panning camera.
    auto dome = report_with({{"camera:manufacturer", "Huawei"},
                             {"camera:model", "IPC6625-Z30"},
                             {"camera:type", "dome"}});
    EXPECT_EQ(plausibility_flags(dome, {}, catalogue), Flags{"model_mismatch"});
    auto panning = report_with(
        {{"manufacturer", "huawei"}, {"model", "ipc6625-z30"}, {"camera:type", "panning"}});
    EXPECT_EQ(plausibility_flags(panning, {}, catalogue), Flags{});
    auto unknown_model = report_with(
        {{"camera:manufacturer", "Acme"}, {"camera:model", "X1"}, {"camera:type", "dome"}});
    EXPECT_EQ(plausibility_flags(unknown_model, {}, catalogue), Flags{});
}

TEST(Plausibility, RecentReportsSlideAndForgetTheOldestClients) {
    RecentReports recent(2);
    EXPECT_EQ(recent.record(1, 0, 600), 1);
    EXPECT_EQ(recent.record(1, 100, 600), 2);
    EXPECT_EQ(recent.record(1, 650, 600), 2);  // the one at 0 s left the window
    EXPECT_EQ(recent.record(2, 650, 600), 1);
    EXPECT_EQ(recent.record(3, 650, 600), 1);  // client 1 is forgotten
    EXPECT_EQ(recent.record(1, 660, 600), 1);
}

}  // namespace sightline::services
