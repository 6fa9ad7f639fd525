#include "http/metrics.hpp"

#include <fmt/core.h>
#include <gtest/gtest.h>

namespace sightline::http {
namespace {

bool contains(const std::string& text, const std::string& line) {
    return text.find(line + "\n") != std::string::npos;
}

}  // namespace

TEST(Metrics, CountsRequestsByRouteMethodAndStatus) {
    Metrics metrics;
    metrics.record("/api/v1/cameras/{id}", "GET", 200, 0.002);
    metrics.record("/api/v1/cameras/{id}", "GET", 200, 0.003);
    metrics.record("/api/v1/cameras/{id}", "GET", 404, 0.001);
    metrics.record("unmatched", "POST", 404, 0.0001);
    auto text = metrics.render();
    EXPECT_TRUE(contains(text, "# TYPE sightline_http_requests_total counter"));
    EXPECT_TRUE(contains(
        text,
        R"(sightline_http_requests_total{route="/api/v1/cameras/{id}",method="GET",status="200"} 2)"));
    EXPECT_TRUE(contains(
        text,
        R"(sightline_http_requests_total{route="/api/v1/cameras/{id}",method="GET",status="404"} 1)"));
    EXPECT_TRUE(contains(
        text, R"(sightline_http_requests_total{route="unmatched",method="POST",status="404"} 1)"));
}

TEST(Metrics, WritesCumulativeHistogramBuckets) {
    Metrics metrics;
    metrics.record("/x", "GET", 200, 0.0005);  // <= 0.001
    metrics.record("/x", "GET", 200, 0.004);   // <= 0.005
    metrics.record("/x", "GET", 200, 0.005);   // <= 0.005 (bounds are inclusive)
    metrics.record("/x", "GET", 200, 7.0);     // only +Inf
    auto text = metrics.render();
    const std::string name = "sightline_http_request_duration_seconds";
    EXPECT_TRUE(contains(text, "# TYPE " + name + " histogram"));
    EXPECT_TRUE(contains(text, name + R"(_bucket{route="/x",le="0.001"} 1)"));
    EXPECT_TRUE(contains(text, name + R"(_bucket{route="/x",le="0.0025"} 1)"));
    EXPECT_TRUE(contains(text, name + R"(_bucket{route="/x",le="0.005"} 3)"));
    EXPECT_TRUE(contains(text, name + R"(_bucket{route="/x",le="5"} 3)"));
    EXPECT_TRUE(contains(text, name + R"(_bucket{route="/x",le="+Inf"} 4)"));
    EXPECT_TRUE(contains(text, name + R"(_count{route="/x"} 4)"));
    double sum = 0.0;
    for (double seconds : {0.0005, 0.004, 0.005, 7.0})
        sum += seconds;
    EXPECT_TRUE(contains(text, fmt::format("{}_sum{{route=\"/x\"}} {}", name, sum)));
}

TEST(Metrics, EscapesLabelValues) {
    Metrics metrics;
    metrics.record("a\"b\\c\nd", "GET", 200, 0.1);
    auto text = metrics.render();
    EXPECT_NE(text.find(R"(route="a\"b\\c\nd")"), std::string::npos);
}

TEST(Metrics, RendersGaugesAtScrapeTime) {
    Metrics metrics;
    int calls = 0;
    metrics.add_gauges("sightline_reports", "Reports by status.", [&calls] {
        ++calls;
        return std::vector<std::pair<std::string, double>>{
            {R"(sightline_reports{status="pending"})", 3},
            {R"(sightline_reports{status="done"})", 0.5}};
    });
    metrics.add_gauges("sightline_broken", "Fails.",
                       []() -> std::vector<std::pair<std::string, double>> {
                           throw std::runtime_error("database gone");
                       });
    auto text = metrics.render();
    EXPECT_EQ(calls, 1);
    EXPECT_TRUE(contains(text, "# HELP sightline_reports Reports by status."));
    EXPECT_TRUE(contains(text, "# TYPE sightline_reports gauge"));
    EXPECT_TRUE(contains(text, R"(sightline_reports{status="pending"} 3)"));
    EXPECT_TRUE(contains(text, R"(sightline_reports{status="done"} 0.5)"));
    EXPECT_EQ(text.find("sightline_broken"), std::string::npos);
    (void)metrics.render();
    EXPECT_EQ(calls, 2);
}

TEST(Metrics, EveryLineIsCommentOrSample) {
    Metrics metrics;
    metrics.record("/x", "GET", 200, 0.01);
    auto text = metrics.render();
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\n');
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        std::string line = text.substr(start, end - start);
        start = end + 1;
        EXPECT_FALSE(line.empty());
        if (line.starts_with("#")) {
            EXPECT_TRUE(line.starts_with("# HELP ") || line.starts_with("# TYPE ")) << line;
        } else {
            EXPECT_NE(line.rfind(' '), std::string::npos) << line;
        }
    }
}

}  // namespace sightline::http
