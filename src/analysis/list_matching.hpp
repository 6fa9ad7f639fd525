#pragma once
// Matching the entries of an official list with the crowd's cameras (docs/adr/016): one-to-one,
// nearest pairs first, within a distance and, when both say where they look, an angle. Pairs
// that cannot be told apart (another candidate about as near, or directions that disagree) are
// left for a moderator instead of guessed. Pure and deterministic: the same input gives the
// same answer, whatever its order.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "geo/lat_lon.hpp"
#include "model/source.hpp"

namespace sightline::analysis {

struct ListMatchOptions {
    double max_distance_m = 30;  ///< an entry and a camera farther apart are not the same
    double max_angle_deg = 60;   ///< directions farther apart (when both have one) disagree
    /// A second candidate within this many metres of the nearest one's distance makes the pair
    /// ambiguous (the position of either is rarely better than that).
    double ambiguity_m = 5;
};

/// A point with its viewing directions (degrees from north; empty when unknown).
struct MatchPoint {
    std::int64_t id = 0;
    geo::LatLon location;
    std::vector<double> directions_deg;
};

/// A list entry, with a moderator's decision if there is one.
struct MatchEntry {
    MatchPoint point;
    bool decided = false;
    std::optional<std::int64_t> decided_camera;  ///< decided: nullopt = none of the crowd's
};

/// What became of one entry.
struct EntryMatch {
    std::int64_t entry = 0;
    model::EntryState state = model::EntryState::unmatched;
    std::optional<std::int64_t> camera;    ///< matched
    double distance_m = 0;                 ///< matched: to that camera
    std::vector<std::int64_t> candidates;  ///< ambiguous: ascending ids
    std::string reason;    ///< ambiguous: "close_candidates" or "direction_conflict"
    bool decided = false;  ///< a moderator's decision, not the matching's
};

struct ListMatchResult {
    std::vector<EntryMatch> entries;  ///< in the order of the input entries
    /// Cameras that are no entry's and no ambiguous entry's candidate, ascending.
    std::vector<std::int64_t> crowd_only;
    /// Cameras held by ambiguous entries (neither matched nor crowd-only), ascending.
    std::vector<std::int64_t> held;
};

/// True when two sets of directions agree: either is empty, or some pair is within max_angle_deg.
bool directions_agree(const std::vector<double>& a, const std::vector<double>& b,
                      double max_angle_deg) noexcept;

/// Matches `entries` with `cameras` (the crowd's, not removed). A decision for a camera that is
/// not among `cameras` (removed since) or that an earlier entry's decision took counts as no
/// decision. Ids must be unique within each vector.
ListMatchResult match_list(const std::vector<MatchEntry>& entries,
                           const std::vector<MatchPoint>& cameras, const ListMatchOptions& options);

}  // namespace sightline::analysis
