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

std::size_t HistoryCounter::kind_index(const std::string& kind) {
    if (auto found = m_kind_index.find(kind); found != m_kind_index.end()) return found->second;
    m_kinds.push_back(kind);
    return m_kind_index[kind] = m_kinds.size() - 1;
}

HistoryCounter::Changes& HistoryCounter::at(std::int64_t unix_s) {
    return m_periods[period_index(unix_s, m_interval)];
}

void HistoryCounter::add_span(const store::CameraSpan& span) {
    auto kind = kind_index(span.kind);
    m_first_event = std::min(m_first_event.value_or(span.active_from), span.active_from);
    auto& start = at(span.active_from);
    ++start.added;
    if (start.by_kind.size() <= kind) start.by_kind.resize(kind + 1);
    ++start.by_kind[kind];
    if (!span.removed_at) return;
    auto& end = at(*span.removed_at);
    ++end.removed;
    if (end.by_kind.size() <= kind) end.by_kind.resize(kind + 1);
    --end.by_kind[kind];
}

void HistoryCounter::add_report(std::int64_t created_at) {
    m_first_event = std::min(m_first_event.value_or(created_at), created_at);
    ++at(created_at).reports;
}

History HistoryCounter::finish(std::int64_t now) const {
    History h;
    h.interval = m_interval;
    h.now = now;
    h.first_event = m_first_event;
    // Kinds sorted by name; by_kind vectors are in order of appearance.
    std::vector<std::size_t> order(m_kinds.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::ranges::sort(order, [&](auto a, auto b) { return m_kinds[a] < m_kinds[b]; });
    std::vector<std::size_t> position(m_kinds.size());
    for (std::size_t p = 0; p < order.size(); ++p) {
        position[order[p]] = p;
        h.kinds.push_back(m_kinds[order[p]]);
    }
    if (!m_first_event) return h;

    std::int64_t first = period_index(*m_first_event, m_interval);
    std::int64_t last = std::max(period_index(now, m_interval), first);
    auto max_periods = static_cast<std::int64_t>(max_history_periods);
    if (last - first + 1 > max_periods) {
        h.periods_left_out = last - first + 1 - max_periods;
        first = last - max_periods + 1;
    }
    auto count = static_cast<std::size_t>(last - first + 1);
    std::vector<Changes> changes(count);
    // What happened before the first listed period is carried into it.
    std::int64_t active = 0;
    std::vector<std::int64_t> by_kind(h.kinds.size());
    for (const auto& [index, c] : m_periods) {
        if (index < first) {
            active += c.added - c.removed;
            for (std::size_t k = 0; k < c.by_kind.size(); ++k)
                by_kind[position[k]] += c.by_kind[k];
            continue;
        }
        auto& into = changes[static_cast<std::size_t>(std::min(index, last) - first)];
        into.added += c.added;
        into.removed += c.removed;
        into.reports += c.reports;
        into.by_kind.resize(h.kinds.size());
        for (std::size_t k = 0; k < c.by_kind.size(); ++k)
            into.by_kind[position[k]] += c.by_kind[k];
    }
    h.periods.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        auto index = first + static_cast<std::int64_t>(i);
        const auto& c = changes[i];
        active += c.added - c.removed;
        for (std::size_t k = 0; k < c.by_kind.size(); ++k)
            by_kind[k] += c.by_kind[k];
        HistoryPeriod p;
        p.period = period_name(index, m_interval);
        p.start = period_start(index, m_interval);
        p.end = period_start(index + 1, m_interval);
        p.active = active;
        p.added = c.added;
        p.removed = c.removed;
        p.active_by_kind = by_kind;
        p.reports = c.reports;
        h.periods.push_back(std::move(p));
    }
    return h;
}

History count_history(const std::vector<store::CameraSpan>& spans,
                      const std::vector<std::int64_t>& report_times, HistoryInterval interval,
                      std::int64_t now) {
    HistoryCounter counter(interval);
    for (const auto& span : spans)
        counter.add_span(span);
    for (auto t : report_times)
        counter.add_report(t);
    return counter.finish(now);
}

History load_history(store::Store& store, const std::optional<geo::BBox>& bbox,
                     HistoryInterval interval, std::int64_t now) {
    HistoryCounter counter(interval);
    store.for_each_camera_span(bbox,
                               [&](const store::CameraSpan& span) { counter.add_span(span); });
    for (auto t : store.report_times(bbox))
        counter.add_report(t);
    auto history = counter.finish(now);
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

std::string HistoryCache::json(store::Store& store, const std::optional<geo::BBox>& bbox,
                               HistoryInterval interval, std::int64_t now) {
    constexpr std::size_t max_entries = 16;
    std::string key(to_string(interval));
    if (bbox)
        key += fmt::format(" {:.6f},{:.6f},{:.6f},{:.6f}", bbox->west, bbox->south, bbox->east,
                           bbox->north);
    auto version = store.camera_version();
    {
        std::lock_guard lock(m_mutex);
        for (const auto& e : m_entries)
            if (e.key == key && e.camera_version == version && now - e.made_at < m_max_age_s &&
                now >= e.made_at)
                return e.json;
    }
    // Counted outside the lock: two requests that miss together both count (rare, harmless).
    auto text = history_json(load_history(store, bbox, interval, now));
    std::lock_guard lock(m_mutex);
    std::erase_if(m_entries, [&](const Entry& e) { return e.key == key; });
    if (m_entries.size() >= max_entries) m_entries.erase(m_entries.begin());
    m_entries.push_back({key, version, now, text});
    return text;
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
