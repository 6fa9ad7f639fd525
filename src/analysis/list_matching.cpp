#include "analysis/list_matching.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>
#include <unordered_map>

#include "geo/distance.hpp"

namespace sightline::analysis {
namespace {

struct Pair {
    double distance_m;
    std::size_t entry;   // index into entries
    std::size_t camera;  // index into cameras
};

// Cameras in square cells of max_distance metres (equirectangular around the entries' mean
// latitude, exact enough at city scale): an entry looks at its cell and the eight around it.
class CameraGrid {
  public:
    CameraGrid(const std::vector<MatchPoint>& cameras, double cell_m, double mean_lat)
        : m_cell_m(std::max(cell_m, 1.0)),
          m_lon_m(geo::earth_radius_m * std::cos(mean_lat * M_PI / 180.0) * M_PI / 180.0) {
        for (std::size_t i = 0; i < cameras.size(); ++i)
            m_cells[key(cameras[i].location)].push_back(i);
    }
    template <typename Visit>
    void near(geo::LatLon p, Visit visit) const {
        auto [cx, cy] = cell(p);
        for (std::int64_t dx = -1; dx <= 1; ++dx)
            for (std::int64_t dy = -1; dy <= 1; ++dy)
                if (auto found = m_cells.find(pack(cx + dx, cy + dy)); found != m_cells.end())
                    for (auto i : found->second)
                        visit(i);
    }

  private:
    std::pair<std::int64_t, std::int64_t> cell(geo::LatLon p) const {
        const double lat_m = geo::earth_radius_m * M_PI / 180.0;
        return {static_cast<std::int64_t>(std::floor(p.lon * m_lon_m / m_cell_m)),
                static_cast<std::int64_t>(std::floor(p.lat * lat_m / m_cell_m))};
    }
    static std::int64_t pack(std::int64_t x, std::int64_t y) { return x * 4'000'000'007LL + y; }
    std::int64_t key(geo::LatLon p) const {
        auto [x, y] = cell(p);
        return pack(x, y);
    }
    double m_cell_m;
    double m_lon_m;
    std::unordered_map<std::int64_t, std::vector<std::size_t>> m_cells;
};

void sort_unique(std::vector<std::int64_t>& ids) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}

}  // namespace

bool directions_agree(const std::vector<double>& a, const std::vector<double>& b,
                      double max_angle_deg) noexcept {
    if (a.empty() || b.empty()) return true;
    for (double x : a)
        for (double y : b)
            if (geo::heading_difference_deg(x, y) <= max_angle_deg) return true;
    return false;
}

ListMatchResult match_list(const std::vector<MatchEntry>& entries,
                           const std::vector<MatchPoint>& cameras,
                           const ListMatchOptions& options) {
    ListMatchResult result;
    result.entries.resize(entries.size());
    std::vector<bool> resolved(entries.size(), false);
    std::vector<bool> taken(cameras.size(), false);
    std::map<std::int64_t, std::size_t> camera_index;
    for (std::size_t i = 0; i < cameras.size(); ++i)
        camera_index.emplace(cameras[i].id, i);

    // Moderators' decisions first, in entry id order so that two claiming one camera resolve
    // the same way every time.
    std::vector<std::size_t> by_id(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i)
        by_id[i] = i;
    std::sort(by_id.begin(), by_id.end(), [&](std::size_t a, std::size_t b) {
        return entries[a].point.id < entries[b].point.id;
    });
    for (std::size_t i = 0; i < entries.size(); ++i)
        result.entries[i].entry = entries[i].point.id;
    for (auto i : by_id) {
        const auto& e = entries[i];
        if (!e.decided) continue;
        auto& out = result.entries[i];
        if (!e.decided_camera) {
            out.decided = true;
            resolved[i] = true;
            continue;
        }
        auto found = camera_index.find(*e.decided_camera);
        if (found == camera_index.end() || taken[found->second]) continue;  // gone: automatic
        taken[found->second] = true;
        resolved[i] = true;
        out.decided = true;
        out.state = model::EntryState::matched;
        out.camera = *e.decided_camera;
        out.distance_m = geo::distance_m(e.point.location, cameras[found->second].location);
    }

    // Every pair within reach, split by whether the directions agree.
    double mean_lat = 0;
    for (const auto& e : entries)
        mean_lat += e.point.location.lat / static_cast<double>(entries.size());
    CameraGrid grid(cameras, options.max_distance_m, mean_lat);
    std::vector<Pair> pairs;
    std::vector<std::vector<Pair>> conflicts(entries.size());
    std::vector<std::vector<Pair>> pairs_of_entry(entries.size());
    std::vector<std::vector<Pair>> pairs_of_camera(cameras.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (resolved[i]) continue;
        grid.near(entries[i].point.location, [&](std::size_t c) {
            if (taken[c]) return;
            double d = geo::distance_m(entries[i].point.location, cameras[c].location);
            if (!(d <= options.max_distance_m)) return;
            Pair p{d, i, c};
            if (directions_agree(entries[i].point.directions_deg, cameras[c].directions_deg,
                                 options.max_angle_deg)) {
                pairs.push_back(p);
                pairs_of_entry[i].push_back(p);
                pairs_of_camera[c].push_back(p);
            } else {
                conflicts[i].push_back(p);
            }
        });
    }
    auto order = [&](const Pair& a, const Pair& b) {
        return std::tuple(a.distance_m, entries[a.entry].point.id, cameras[a.camera].id) <
               std::tuple(b.distance_m, entries[b.entry].point.id, cameras[b.camera].id);
    };
    std::sort(pairs.begin(), pairs.end(), order);

    auto make_ambiguous = [&](std::size_t i, std::vector<std::int64_t> candidates,
                              const char* reason) {
        auto& out = result.entries[i];
        out.state = model::EntryState::ambiguous;
        sort_unique(candidates);
        out.candidates = std::move(candidates);
        out.reason = reason;
        resolved[i] = true;
    };

    // Nearest pairs first. A pair is taken when neither side has another free partner about as
    // near; otherwise the entries involved go to review and hold the cameras they could be.
    for (const auto& p : pairs) {
        if (resolved[p.entry] || taken[p.camera]) continue;
        const double reach = p.distance_m + options.ambiguity_m;
        std::vector<std::int64_t> other_cameras;
        for (const auto& q : pairs_of_entry[p.entry])
            if (q.camera != p.camera && !taken[q.camera] && q.distance_m <= reach)
                other_cameras.push_back(cameras[q.camera].id);
        std::vector<std::size_t> other_entries;
        for (const auto& q : pairs_of_camera[p.camera])
            if (q.entry != p.entry && !resolved[q.entry] && q.distance_m <= reach)
                other_entries.push_back(q.entry);
        if (other_cameras.empty() && other_entries.empty()) {
            auto& out = result.entries[p.entry];
            out.state = model::EntryState::matched;
            out.camera = cameras[p.camera].id;
            out.distance_m = p.distance_m;
            resolved[p.entry] = true;
            taken[p.camera] = true;
            continue;
        }
        std::vector<std::int64_t> held = other_cameras;
        held.push_back(cameras[p.camera].id);
        make_ambiguous(p.entry, held, "close_candidates");
        for (auto e : other_entries)
            make_ambiguous(e, {cameras[p.camera].id}, "close_candidates");
        for (auto id : held)
            taken[camera_index.at(id)] = true;
    }

    // An entry with no agreeing camera near it but one looking elsewhere: the list or the crowd
    // may have the direction wrong, or they are two cameras on one pole.
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (resolved[i]) continue;
        std::vector<std::int64_t> candidates;
        for (const auto& q : conflicts[i])
            if (!taken[q.camera]) candidates.push_back(cameras[q.camera].id);
        if (candidates.empty()) continue;
        make_ambiguous(i, candidates, "direction_conflict");
        for (auto id : result.entries[i].candidates)
            taken[camera_index.at(id)] = true;
    }

    std::vector<bool> matched(cameras.size(), false);
    for (const auto& e : result.entries)
        if (e.camera) matched[camera_index.at(*e.camera)] = true;
    for (std::size_t c = 0; c < cameras.size(); ++c) {
        if (!taken[c])
            result.crowd_only.push_back(cameras[c].id);
        else if (!matched[c])
            result.held.push_back(cameras[c].id);
    }
    sort_unique(result.crowd_only);
    sort_unique(result.held);
    return result;
}

}  // namespace sightline::analysis
