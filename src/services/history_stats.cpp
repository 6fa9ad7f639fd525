#include "services/history_stats.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <map>

#include <fmt/core.h>

#include "core/clock.hpp"
#include "services/camera_json.hpp"
#include "services/json_writer.hpp"

namespace sightline::services {
namespace {

namespace chr = std::chrono;

// A period as one integer: months since year 0 (year * 12 + month - 1), or the year.
std::int64_t period_index(std::int64_t unix_s, HistoryInterval interval) {
    auto day = chr::floor<chr::days>(chr::sys_seconds{chr::seconds{unix_s}});
    chr::year_month_day ymd{day};
    auto year = static_cast<std::int64_t>(static_cast<int>(ymd.year()));
    if (interval == HistoryInterval::year) return year;
    return year * 12 + static_cast<std::int64_t>(static_cast<unsigned>(ymd.month())) - 1;
}

struct YearMonth {
    int year = 0;
    unsigned month = 1;
};

YearMonth year_month(std::int64_t index, HistoryInterval interval) {
    if (interval == HistoryInterval::year) return {static_cast<int>(index), 1};
    auto year = index >= 0 ? index / 12 : (index - 11) / 12;
    return {static_cast<int>(year), static_cast<unsigned>(index - year * 12) + 1};
}

std::int64_t period_start(std::int64_t index, HistoryInterval interval) {
    auto [y, m] = year_month(index, interval);
    chr::sys_days day{chr::year{y} / chr::month{m} / chr::day{1}};
    return chr::duration_cast<chr::seconds>(day.time_since_epoch()).count();
}

std::string period_name(std::int64_t index, HistoryInterval interval) {
    auto [y, m] = year_month(index, interval);
    if (interval == HistoryInterval::year) return fmt::format("{:04}", y);
    return fmt::format("{:04}-{:02}", y, m);
}

std::string day_text(std::int64_t unix_s) {
    return format_utc(unix_s).substr(0, 10);  // "2024-05-01T00:00:00Z" -> "2024-05-01"
}

}  // namespace

std::string_view to_string(HistoryInterval interval) noexcept {
    return interval == HistoryInterval::year ? "year" : "month";
}

Result<HistoryInterval> parse_history_interval(std::string_view text) {
    if (text == "month") return HistoryInterval::month;
    if (text == "year") return HistoryInterval::year;
    return fail(Errc::invalid_argument,
                fmt::format("interval must be month or year, got '{}'", text));
}

Result<std::int64_t> parse_iso_day(std::string_view text) {
    auto bad = [&] {
        return fail(Errc::invalid_argument,
                    fmt::format("expected a date as YYYY-MM-DD, got '{}'", text));
    };
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad();
    auto number = [&](std::size_t from, std::size_t length) -> std::optional<int> {
        int value = 0;
        auto part = text.substr(from, length);
        if (!std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return std::nullopt;
        std::from_chars(part.data(), part.data() + part.size(), value);
        return value;
    };
    auto y = number(0, 4);
    auto m = number(5, 2);
    auto d = number(8, 2);
    if (!y || !m || !d) return bad();
    chr::year_month_day ymd{chr::year{*y}, chr::month{static_cast<unsigned>(*m)},
                            chr::day{static_cast<unsigned>(*d)}};
    if (!ymd.ok()) return bad();
    return chr::duration_cast<chr::seconds>(chr::sys_days{ymd}.time_since_epoch()).count();
}

History count_history(const std::vector<store::CameraSpan>& spans,
                      const std::vector<std::int64_t>& report_times, HistoryInterval interval,
                      std::int64_t now) {
    History h;
    h.interval = interval;
    h.now = now;
    std::map<std::string, std::size_t> kind_index;
    for (const auto& span : spans) {
        kind_index.emplace(span.kind, 0);
        h.first_event = std::min(h.first_event.value_or(span.active_from), span.active_from);
    }
    for (auto t : report_times)
        h.first_event = std::min(h.first_event.value_or(t), t);
    for (auto& [kind, index] : kind_index) {
        index = h.kinds.size();
        h.kinds.push_back(kind);
    }
    if (!h.first_event) return h;

    std::int64_t last =
        std::max(period_index(now, interval), period_index(*h.first_event, interval));
    std::int64_t first = period_index(*h.first_event, interval);
    auto max_periods = static_cast<std::int64_t>(max_history_periods);
    if (last - first + 1 > max_periods) {
        h.periods_left_out = last - first + 1 - max_periods;
        first = last - max_periods + 1;
    }
    auto count = static_cast<std::size_t>(last - first + 1);
    // Changes per period; what happened before the first listed period is carried into it.
    std::vector<std::int64_t> added(count), removed(count), reports(count);
    std::vector<std::vector<std::int64_t>> kind_delta(count,
                                                      std::vector<std::int64_t>(h.kinds.size()));
    std::int64_t carried = 0;
    std::vector<std::int64_t> carried_by_kind(h.kinds.size());
    auto slot = [&](std::int64_t t) -> std::optional<std::size_t> {
        auto index = std::min(period_index(t, interval), last);
        if (index < first) return std::nullopt;
        return static_cast<std::size_t>(index - first);
    };
    for (const auto& span : spans) {
        auto kind = kind_index.at(span.kind);
        if (auto s = slot(span.active_from)) {
            ++added[*s];
            ++kind_delta[*s][kind];
        } else {
            ++carried;
            ++carried_by_kind[kind];
        }
        if (!span.removed_at) continue;
        if (auto s = slot(*span.removed_at)) {
            ++removed[*s];
            --kind_delta[*s][kind];
        } else {
            --carried;
            --carried_by_kind[kind];
        }
    }
    for (auto t : report_times)
        if (auto s = slot(t)) ++reports[*s];

    std::int64_t active = carried;
    auto by_kind = carried_by_kind;
    h.periods.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        auto index = first + static_cast<std::int64_t>(i);
        active += added[i] - removed[i];
        for (std::size_t k = 0; k < by_kind.size(); ++k)
            by_kind[k] += kind_delta[i][k];
        HistoryPeriod p;
        p.period = period_name(index, interval);
        p.start = period_start(index, interval);
        p.end = period_start(index + 1, interval);
        p.active = active;
        p.added = added[i];
        p.removed = removed[i];
        p.active_by_kind = by_kind;
        p.reports = reports[i];
        h.periods.push_back(std::move(p));
    }
    return h;
}

History load_history(store::Store& store, const std::optional<geo::BBox>& bbox,
                     HistoryInterval interval, std::int64_t now) {
    auto history = count_history(store.camera_spans(bbox), store.report_times(bbox), interval, now);
    history.bbox = bbox;
    return history;
}

std::string history_json(const History& h) {
    std::string out;
    JsonWriter w(out);
    w.begin_object();
    w.key("interval").value(to_string(h.interval));
    w.key("bbox");
    if (h.bbox) {
        w.begin_array();
        for (double v : {h.bbox->west, h.bbox->south, h.bbox->east, h.bbox->north})
            w.value_fixed(v, 6);
        w.end_array();
    } else {
        w.null();
    }
    w.key("now").value(format_utc(h.now));
    w.key("first_event");
    if (h.first_event)
        w.value(format_utc(*h.first_event));
    else
        w.null();
    w.key("kinds").begin_array();
    for (const auto& kind : h.kinds)
        w.value(kind);
    w.end_array();
    w.key("periods_left_out").value(h.periods_left_out);
    w.key("periods").begin_array();
    for (const auto& p : h.periods) {
        w.begin_object();
        w.key("period").value(p.period);
        w.key("start").value(day_text(p.start));
        w.key("end").value(day_text(p.end));
        w.key("active").value(p.active);
        w.key("added").value(p.added);
        w.key("removed").value(p.removed);
        w.key("active_by_kind").begin_object();
        for (std::size_t k = 0; k < h.kinds.size(); ++k)
            w.key(h.kinds[k]).value(p.active_by_kind[k]);
        w.end_object();
        w.key("reports").value(p.reports);
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return out;
}

std::string history_csv(const History& h) {
    std::string out = "period,start,active,added,removed,reports";
    for (const auto& kind : h.kinds) {
        out += ',';
        append_csv_field(out, "active:" + kind);
    }
    out += '\n';
    for (const auto& p : h.periods) {
        out += fmt::format("{},{},{},{},{},{}", p.period, day_text(p.start), p.active, p.added,
                           p.removed, p.reports);
        for (auto n : p.active_by_kind)
            out += fmt::format(",{}", n);
        out += '\n';
    }
    return out;
}

}  // namespace sightline::services
