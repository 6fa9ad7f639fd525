#pragma once
// What makes a report doubtful, so moderators look twice instead of accepting it silently
// (issue 14: on comparable maps, whole countries of entries turned out fake). Flags, never
// refusals: a real camera can stand in a park far from a street.

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "analysis/camera_capability.hpp"
#include "model/report.hpp"

namespace sightline::services {

/// Farther than this from any walkable street (where the map is imported): "far_from_street".
constexpr double far_from_street_m = 100;
/// This many reports from one client within burst_window_s: "burst" on each from the last one.
constexpr int burst_reports = 5;
constexpr double burst_window_s = 600;

struct PlausibilityFacts {
    /// Distance to the nearest walkable street; nullopt when no map is imported around.
    std::optional<double> nearest_street_m;
    int recent_reports_from_client = 1;  ///< within burst_window_s, this one included
};

/// "far_from_street", "burst", "model_mismatch" (the tags name a catalogue model whose type
/// differs from the camera:type given), in that order.
std::vector<std::string> plausibility_flags(const model::NewReport& report,
                                            const PlausibilityFacts& facts,
                                            const analysis::CameraCatalogue& catalogue);

/// Counts each client's reports over a sliding window, in memory only (keys are the server's
/// per-client hashes, nothing is written). Bounded: the oldest clients are forgotten first.
class RecentReports {
  public:
    explicit RecentReports(std::size_t max_clients = 100'000) : m_max_clients(max_clients) {}
    /// Records a report at `now_s` and returns how many the client sent within window_s.
    int record(std::uint64_t client_key, double now_s, double window_s);

  private:
    std::mutex m_mutex;
    std::unordered_map<std::uint64_t, std::deque<double>> m_times;
    std::deque<std::uint64_t> m_order;  ///< first sighting of each key, oldest first
    std::size_t m_max_clients;
};

}  // namespace sightline::services
