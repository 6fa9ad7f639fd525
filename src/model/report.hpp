#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "geo/lat_lon.hpp"
#include "model/ids.hpp"
#include "model/photo.hpp"
#include "model/tags.hpp"

namespace sightline::model {

enum class ReportStatus { pending, accepted, merged, rejected, withdrawn };

std::string_view to_string(ReportStatus status) noexcept;
Result<ReportStatus> parse_report_status(std::string_view text);

/// Limits on what a reporter may send (documented in docs/api/README.md).
constexpr std::size_t max_note_length = 2000;  ///< code points
constexpr std::size_t max_directions = 8;
constexpr double max_accuracy_m = 10000.0;

/// What an anonymous reporter says about a camera. No identity, no address, no exact time.
struct NewReport {
    geo::LatLon location;
    std::optional<double> accuracy_m;
    std::vector<double> directions_deg;  ///< each in [0, 360)
    Tags tags;
    std::string note;
    std::vector<PhotoRecord> photos;  ///< already scrubbed and written; at most 4
    /// What the server found doubtful (services/plausibility.hpp), for moderators; never set
    /// from a client's input.
    std::vector<std::string> flags;
};

/// Checks ranges, lengths and tags. Adds man_made=surveillance if missing and fills
/// camera:direction from directions_deg when the tag is absent (and vice versa).
Result<NewReport> validate_report(NewReport report);

/// A stored report.
struct Report {
    ReportId id;
    geo::LatLon location;
    std::optional<double> accuracy_m;
    std::vector<double> directions_deg;
    Tags tags;
    std::string note;
    ReportStatus status = ReportStatus::pending;
    std::optional<CameraId> camera_id;  ///< camera it created or confirmed
    std::int64_t created_at = 0;        ///< unix seconds, rounded down to the hour
    std::int64_t decided_at = 0;        ///< unix seconds; 0 while pending
    std::string decision_reason;
    std::vector<PhotoRecord> photos;  ///< in upload order; erased on withdrawal
    std::vector<std::string> flags;   ///< plausibility flags found at submission
};

/// A likely duplicate: an existing camera close to a report.
struct DuplicateCandidate {
    CameraId camera_id;
    double distance_m = 0;
    bool same_kind = false;  ///< camera_kind() agrees (or one side is unknown)
    double score = 0;        ///< 0..1, higher = more likely the same camera
};

/// Radius within which an existing camera is considered a possible duplicate, metres.
constexpr double duplicate_radius_m = 30.0;

/// Scores an existing camera against a report: distance (scaled by the report's accuracy),
/// kind, and direction agreement. Pure function.
DuplicateCandidate score_duplicate(const NewReport& report, CameraId id,
                                   geo::LatLon camera_location, const Tags& camera_tags);

}  // namespace sightline::model
