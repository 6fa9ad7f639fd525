#include "http/metrics.hpp"

#include <cmath>
#include <exception>

#include <fmt/core.h>

#include "core/log.hpp"

namespace sightline::http {
namespace {

// Label values escape backslash, double quote and line feed (exposition format 0.0.4).
std::string escape_label(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '"':
                out += "\\\"";
                break;
            case '\n':
                out += "\\n";
                break;
            default:
                out += c;
        }
    }
    return out;
}

// HELP text escapes backslash and line feed.
std::string escape_help(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

// Go's ParseFloat spellings for the special values; fmt's shortest round-trip text otherwise.
std::string format_value(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    return fmt::format("{}", value);
}

}  // namespace

void Metrics::record(const std::string& route, const std::string& method, int status,
                     double seconds) {
    std::lock_guard lock(m_mutex);
    const KeyView key{route, method, status};
    auto counter = m_requests.find(key);
    if (counter == m_requests.end())
        counter = m_requests.emplace(Key{route, method, status}, 0).first;
    ++counter->second;
    auto latency = m_latency.find(std::string_view(route));
    if (latency == m_latency.end()) latency = m_latency.emplace(route, Histogram{}).first;
    Histogram& histogram = latency->second;
    for (std::size_t i = 0; i < std::size(bucket_bounds); ++i) {
        if (seconds <= bucket_bounds[i]) {
            ++histogram.buckets[i];
            break;
        }
    }
    ++histogram.count;
    histogram.sum += seconds;
}

void Metrics::add_gauges(std::string help_name, std::string help_text, GaugeSource source) {
    std::lock_guard lock(m_mutex);
    m_gauges.push_back(Gauges{std::move(help_name), std::move(help_text), std::move(source)});
}

std::string Metrics::render() const {
    std::string out;
    std::vector<Gauges> gauges;
    {
        std::lock_guard lock(m_mutex);
        out +=
            "# HELP sightline_http_requests_total HTTP requests by route pattern, method and "
            "status.\n";
        out += "# TYPE sightline_http_requests_total counter\n";
        for (const auto& [key, count] : m_requests) {
            out += fmt::format(
                "sightline_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                escape_label(key.route), escape_label(key.method), key.status, count);
        }
        out +=
            "# HELP sightline_http_request_duration_seconds Time from the end of the request "
            "header to the end of the response, by route pattern.\n";
        out += "# TYPE sightline_http_request_duration_seconds histogram\n";
        for (const auto& [route, histogram] : m_latency) {
            std::string label = escape_label(route);
            std::uint64_t cumulative = 0;
            for (std::size_t i = 0; i < std::size(bucket_bounds); ++i) {
                cumulative += histogram.buckets[i];
                out += fmt::format(
                    "sightline_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                    label, format_value(bucket_bounds[i]), cumulative);
            }
            out += fmt::format(
                "sightline_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n",
                label, histogram.count);
            out += fmt::format("sightline_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n",
                               label, format_value(histogram.sum));
            out += fmt::format("sightline_http_request_duration_seconds_count{{route=\"{}\"}} {}\n",
                               label, histogram.count);
        }
        gauges = m_gauges;
    }
    // Gauge sources may query the database: call them without holding the lock that every
    // request takes in record().
    for (const Gauges& gauge : gauges) {
        std::vector<std::pair<std::string, double>> samples;
        try {
            samples = gauge.source();
        } catch (const std::exception& e) {
            log::warn(fmt::format("metrics gauge={} error=\"{}\"", gauge.name, e.what()));
            continue;
        }
        out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", gauge.name, escape_help(gauge.help),
                           gauge.name);
        for (const auto& [series, value] : samples) {
            out += fmt::format("{} {}\n", series, format_value(value));
        }
    }
    return out;
}

}  // namespace sightline::http
