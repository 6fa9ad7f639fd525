// Finding 7: the access log dated each anonymous report to the second and /metrics counted them
// per route, which together with sequential ids told when a report was made. Report submissions
// and withdrawals now leave no access log line and no per-route metric.

#include <fmt/core.h>

#include "http/api_fixture.hpp"

namespace sightline::testing {
namespace {

using ReportTiming = ApiTest;

TEST_F(ReportTiming, NeitherTheLogNorTheMetricsDateAReport) {
    ASSERT_EQ(client().get("/healthz").status, 200);
    auto created = submit_ok(example_report());
    auto withdrawn = client().request(
        "DELETE", fmt::format("/api/v1/reports/{}", created["id"].get<std::int64_t>()), "",
        {{"X-Withdraw-Token", created["withdraw_token"].get<std::string>()}});
    ASSERT_EQ(withdrawn.status, 204);
    auto metrics = client().get("/metrics");
    ASSERT_EQ(metrics.status, 200);
    EXPECT_EQ(metrics.body.find("route=\"/api/v1/reports\""), std::string::npos) << metrics.body;
    EXPECT_EQ(metrics.body.find("route=\"/api/v1/reports/{id}\",method=\"DELETE\""),
              std::string::npos);
    ASSERT_EQ(server().stop(), 0);
    const std::string log = server().log_text();
    EXPECT_NE(log.find("route=/healthz"), std::string::npos) << "the access log is on: " << log;
    EXPECT_EQ(log.find("route=/api/v1/reports "), std::string::npos) << log;
    EXPECT_EQ(log.find("route=/api/v1/reports/{id} "), std::string::npos) << log;
}

}  // namespace
}  // namespace sightline::testing
