#pragma once
// Prometheus counters and a latency histogram, updated by the server core per request.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace sightline::http {

class Metrics {
  public:
    /// Records one request: route pattern (or "unmatched"), method, status and latency.
    void record(const std::string& route, const std::string& method, int status, double seconds);

    /// Adds gauges computed at scrape time (e.g. reports by status), as "name{labels} value" lines.
    using GaugeSource = std::function<std::vector<std::pair<std::string, double>>()>;
    void add_gauges(std::string help_name, std::string help_text, GaugeSource source);

    /// Prometheus text exposition format 0.0.4.
    [[nodiscard]] std::string render() const;

  private:
    struct Key {
        std::string route;
        std::string method;
        int status;
    };
    struct KeyView {
        std::string_view route;
        std::string_view method;
        int status;
    };
    // Transparent, so that recording a request finds its counter without building strings.
    struct KeyLess {
        using is_transparent = void;
        template <class A, class B>
        bool operator()(const A& a, const B& b) const {
            return std::tie(a.route, a.method, a.status) < std::tie(b.route, b.method, b.status);
        }
    };
    static constexpr double bucket_bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                               0.1,   0.25,   0.5,   1.0,  2.5,   5.0};
    struct Histogram {
        std::uint64_t buckets[std::size(bucket_bounds)] = {};
        std::uint64_t count = 0;
        double sum = 0;
    };
    mutable std::mutex m_mutex;
    std::map<Key, std::uint64_t, KeyLess> m_requests;
    std::map<std::string, Histogram, std::less<>> m_latency;  ///< by route
    struct Gauges {
        std::string name;
        std::string help;
        GaugeSource source;
    };
    std::vector<Gauges> m_gauges;
};

}  // namespace sightline::http
