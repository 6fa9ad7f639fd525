#pragma once
// Freshness (issue 14): anyone may say whether a camera is still there. "Still there" moves the
// camera's last_verified; "gone" waits for a moderator, whose acceptance removes the camera.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "model/ids.hpp"
#include "model/photo.hpp"
#include "model/tags.hpp"

namespace sightline::model {

/// Longest note of a check, in code points.
inline constexpr std::size_t max_check_note_length = 500;

/// Photos a check may carry (scrubbed like report photos; seen by moderators only).
inline constexpr std::size_t max_photos_per_check = 1;

/// "Still there" checks are settled when made (accepted); "gone" checks wait (pending).
enum class CheckStatus { pending, accepted, rejected };

std::string_view to_string(CheckStatus status) noexcept;
Result<CheckStatus> parse_check_status(std::string_view text);

/// What a passer-by says about a camera. No account, no address, no device: only this.
struct NewCheck {
    bool present = true;
    std::string note;                 ///< optional, at most max_check_note_length code points
    std::vector<PhotoRecord> photos;  ///< scrubbed and written already; at most one
};

/// A stored check.
struct CameraCheck {
    std::int64_t id = 0;
    CameraId camera_id;
    bool present = true;
    std::string note;
    CheckStatus status = CheckStatus::pending;
    std::int64_t created_at = 0;  ///< unix seconds, rounded down to the hour (privacy)
    std::int64_t decided_at = 0;  ///< unix seconds; 0 while pending
    std::string decision_reason;
    std::vector<std::string> photos;  ///< sha256 of its photos
};

/// Checks the note's length and encoding (line breaks and tabs allowed, other control
/// characters not); invalid_argument when it is too long or not clean UTF-8.
Result<NewCheck> validate_check(NewCheck check);

/// The staleness cut-off at `now` (unix seconds): a camera whose last_verified is earlier is
/// stale. The start of today (UTC) minus `stale_after_s`, so it moves once a day and tile caches
/// keyed by it stay valid all day.
[[nodiscard]] constexpr std::int64_t stale_before(std::int64_t now,
                                                  std::int64_t stale_after_s) noexcept {
    return now - (now % 86'400 + 86'400) % 86'400 - stale_after_s;
}

/// When someone last confirmed an OpenStreetMap camera was there: the later of its version's
/// timestamp (a mapper edited it then) and its check_date tag (YYYY-MM-DD, the survey date that
/// StreetComplete and others write), never later than `now`. 0 when neither is known.
std::int64_t osm_last_confirmed(const Tags& tags, std::int64_t osm_timestamp, std::int64_t now);

}  // namespace sightline::model
