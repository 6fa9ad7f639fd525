// What services do when the store fails in the middle of a use case (issue 13): whichever call
// fails, the use case either completes or leaves the store as it was, and the failure reaches
// the caller as an error or as the store's exception (which the HTTP layer turns into 503/500),
// never as a half-written record. The real SQLite store runs underneath; FailingStore makes its
// Nth call throw.

#include <filesystem>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "services/services.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/failing_store.hpp"
#include "support/temp_dir.hpp"

namespace sightline::services {
namespace {

using testing::FailingStore;

std::string read_fixture(const char* name) {
    std::ifstream in(std::string(SIGHTLINE_FIXTURES) + "/photos/" + name, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

model::NewReport report_at(geo::LatLon where) {
    model::NewReport r;
    r.location = where;
    r.accuracy_m = 5;
    r.directions_deg = {90};
    r.tags = {{"surveillance:type", "camera"}, {"camera:type", "fixed"}};
    return r;
}

constexpr geo::LatLon belgrade{44.8125, 20.4612};

// A real store, the failing one in front of it and the services on top. Calls count from arm().
struct World {
    testing::TempDir dir{"sightline-failing"};
    std::unique_ptr<store::SqliteStore> real = store::open_sqlite_store(dir.path() / "data");
    FailingStore failing{*real, 0};
    std::unique_ptr<Services> services;
    int fail_on;
    explicit World(int n) : fail_on(n) {
        ServiceOptions options;
        options.photo_storage = &real->photo_storage();
        options.reports.per_hour = 1000;
        options.reports.burst = 1000;
        services = std::make_unique<Services>(failing, failing, failing, failing, options);
    }
    /// From here on, the fail_on-th store call fails (0: none does).
    void arm() { failing.fail_on(fail_on); }
};

// Runs `use_case` once per call it makes, failing that call; `check` sees the real store after.
template <typename UseCase, typename Check>
void fail_each_call(const char* what, UseCase use_case, Check check) {
    int calls = 0;
    {
        World clean(0);
        ASSERT_TRUE(use_case(clean)) << what << " without failures";
        calls = clean.failing.calls();
    }
    ASSERT_GT(calls, 0);
    for (int n = 1; n <= calls; ++n) {
        SCOPED_TRACE(::testing::Message() << what << ", call " << n << " of " << calls << " fails");
        World world(n);
        bool completed = false;
        try {
            completed = use_case(world);
        } catch (const UnavailableError&) {
            completed = false;  // what the HTTP layer answers with 503
        }
        check(*world.real, completed);
    }
}

TEST(StoreFailure, AReportWithAPhotoIsStoredWholeOrNotAtAll) {
    const std::string photo = read_fixture("base.jpg");
    ASSERT_FALSE(photo.empty());
    std::vector<std::string_view> photos{photo};
    fail_each_call(
        "submit a report with a photo",
        [&](World& w) {
            w.arm();
            auto submitted = w.services->reports.submit(report_at(belgrade), 1, photos);
            return submitted.has_value();
        },
        [](store::SqliteStore& real, bool completed) {
            auto reports = real.list_reports({});
            if (!completed) {
                EXPECT_TRUE(reports.empty()) << "a failed submit left a report";
                return;
            }
            ASSERT_EQ(reports.size(), 1u);
            auto stored = real.find_report(reports[0].id);
            ASSERT_TRUE(stored);
            ASSERT_EQ(stored->photos.size(), 1u) << "a report without its photo";
            EXPECT_TRUE(real.find_photo(stored->photos[0].sha256));
            EXPECT_TRUE(real.photo_storage().read(stored->photos[0].sha256, "jpg",
                                                  store::PhotoVariant::image));
        });
}

TEST(StoreFailure, AnAcceptedReportBecomesOneCameraOrStaysPending) {
    fail_each_call(
        "accept a report",
        [&](World& w) {
            auto submitted = w.services->reports.submit(report_at(belgrade), 1);
            EXPECT_TRUE(submitted);
            if (!submitted) return false;
            w.arm();
            DecisionRequest accept;
            accept.action = DecisionAction::accept;
            auto decided = w.services->moderation.decide(submitted->id, accept, "mod");
            return decided.has_value();
        },
        [](store::SqliteStore& real, bool completed) {
            // A failure after the commit (reading the result back) reports an error for a
            // decision that was taken; the store is consistent either way.
            auto reports = real.list_reports({});
            ASSERT_EQ(reports.size(), 1u);
            auto cameras = real.find_cameras({});
            if (reports[0].status == model::ReportStatus::accepted) {
                EXPECT_EQ(cameras.size(), 1u) << "an accepted report without its camera";
            } else {
                EXPECT_FALSE(completed) << "success reported, nothing stored";
                EXPECT_EQ(reports[0].status, model::ReportStatus::pending);
                EXPECT_TRUE(cameras.empty()) << "a camera without its accepted report";
            }
        });
}

}  // namespace
}  // namespace sightline::services
