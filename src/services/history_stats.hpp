#pragma once
// Change over time (issue 18): cameras on the map, added and removed, and reports received, per
// month or year, from each camera's history (store::CameraSpan). Pure counting over one read of
// the store; the HTTP endpoint and `sightline stats history` share it and its JSON/CSV text.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "geo/bbox.hpp"
#include "store/store.hpp"

namespace sightline::services {

enum class HistoryInterval { month, year };

std::string_view to_string(HistoryInterval interval) noexcept;
/// "month" or "year"; invalid_argument otherwise.
Result<HistoryInterval> parse_history_interval(std::string_view text);

/// At most this many periods are listed (50 years of months). Beyond it the most recent ones
/// are kept: `active` stays right (earlier cameras are carried in), and History::periods_left_out
/// says how many earlier periods (with their added, removed and reports) were not listed.
constexpr std::size_t max_history_periods = 600;

/// One month or year, UTC.
struct HistoryPeriod {
    std::string period;       ///< "2024-05" or "2024"
    std::int64_t start = 0;   ///< unix seconds of its first second
    std::int64_t end = 0;     ///< unix seconds of the next period's first second
    std::int64_t active = 0;  ///< cameras on the map at its end (at `now` for the current one)
    std::int64_t added = 0;   ///< spans that began in it (new cameras, and cameras restored)
    std::int64_t removed = 0;
    std::vector<std::int64_t> active_by_kind;  ///< `active` split by History::kinds, same order
    std::int64_t reports = 0;                  ///< reports received in it
};

struct History {
    HistoryInterval interval = HistoryInterval::month;
    std::optional<geo::BBox> bbox;
    std::int64_t now = 0;
    std::optional<std::int64_t> first_event;  ///< earliest camera start or report; none: empty
    std::vector<std::string> kinds;           ///< every camera kind in the data, sorted
    /// From the period of first_event to the one holding `now`, none skipped (empty ones are
    /// zeros); empty when there is no event at all.
    std::vector<HistoryPeriod> periods;
    std::int64_t periods_left_out = 0;  ///< earlier periods cut by max_history_periods
};

/// Counts spans and reports given one at a time into periods: memory grows with the periods
/// and kinds, not with the cameras.
class HistoryCounter {
  public:
    explicit HistoryCounter(HistoryInterval interval) : m_interval(interval) {}
    void add_span(const store::CameraSpan& span);
    void add_report(std::int64_t created_at);
    /// The periods up to the one holding `now`; events after `now` count in the last period.
    [[nodiscard]] History finish(std::int64_t now) const;

  private:
    struct Changes {
        std::int64_t added = 0;
        std::int64_t removed = 0;
        std::int64_t reports = 0;
        std::vector<std::int64_t> by_kind;  ///< added minus removed, by kind index
    };
    Changes& at(std::int64_t unix_s);
    std::size_t kind_index(const std::string& kind);

    HistoryInterval m_interval;
    std::map<std::int64_t, Changes> m_periods;  ///< by period number
    std::vector<std::string> m_kinds;           ///< in order of appearance
    std::map<std::string, std::size_t, std::less<>> m_kind_index;
    std::optional<std::int64_t> m_first_event;
};

/// Counts `spans` and report creation times (unix seconds) into periods up to `now`. Events
/// after `now` count in the last period.
History count_history(const std::vector<store::CameraSpan>& spans,
                      const std::vector<std::int64_t>& report_times, HistoryInterval interval,
                      std::int64_t now);

/// Reads the store (one statement for cameras, streamed; one for reports) and counts.
History load_history(store::Store& store, const std::optional<geo::BBox>& bbox,
                     HistoryInterval interval, std::int64_t now);

/// The last answers of load_history as JSON (up to 16 areas and intervals), reused while the
/// cameras are unchanged (Store::camera_version) for at most `max_age_s`: the map asks for the
/// range of its time slider on every load, and 1M cameras take about a second to count. Reports
/// do not change camera_version, so their counts may be that much late. Thread-safe.
class HistoryCache {
  public:
    explicit HistoryCache(std::int64_t max_age_s = 60) : m_max_age_s(max_age_s) {}
    std::string json(store::Store& store, const std::optional<geo::BBox>& bbox,
                     HistoryInterval interval, std::int64_t now);

  private:
    struct Entry {
        std::string key;
        std::int64_t camera_version = 0;
        std::int64_t made_at = 0;
        std::string json;
    };
    std::int64_t m_max_age_s;
    std::mutex m_mutex;
    std::vector<Entry> m_entries;  ///< newest last
};

/// {"interval":"month","bbox":[W,S,E,N]|null,"now":"...Z","first_event":"...Z"|null,
///  "kinds":[...],"periods_left_out":0,"periods":[{"period":"2024-05","start":"2024-05-01",
///  "end":"2024-06-01","active":N,"added":N,"removed":N,"active_by_kind":{...},"reports":N}]}
std::string history_json(const History& history);
/// period,start,active,added,removed,reports, then one "active:KIND" column per kind; CRLF-free,
/// one line per period.
std::string history_csv(const History& history);

/// "YYYY-MM-DD" (a real calendar day) -> unix seconds of its first second, UTC;
/// invalid_argument otherwise.
Result<std::int64_t> parse_iso_day(std::string_view text);

}  // namespace sightline::services
