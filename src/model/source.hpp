#pragma once
// Where a camera is known from (crowd reports, an OpenStreetMap import, imported lists), and the
// official lists that a moderator imports to compare with the crowd's map (issue 14).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "geo/lat_lon.hpp"
#include "model/ids.hpp"

namespace sightline::model {

struct SourceId {
    std::int64_t value = 0;
    friend constexpr auto operator<=>(SourceId, SourceId) = default;
};

/// One reason a camera is on the map.
struct CameraSource {
    std::string kind;  ///< "report", "osm" or "list"
    std::string
        name;  ///< "report 17", "node/123", "Police list 2021"; "" for an unnamed CSV import
    std::int64_t since = 0;  ///< unix seconds: when this source first named the camera
    std::int64_t ref = 0;    ///< the report id or the list's source id; 0 when there is none
};

/// What the matching made of one entry of a list.
enum class EntryState { matched, unmatched, ambiguous };
std::string_view to_string(EntryState state) noexcept;
Result<EntryState> parse_entry_state(std::string_view text);

/// One row of an official list, placed on the map.
struct SourceEntry {
    std::int64_t id = 0;
    int line = 0;  ///< line number in the imported file (the header is line 1)
    geo::LatLon location;
    std::vector<double> directions_deg;  ///< empty when the list gives none
    std::string address;                 ///< as the list gave it ("" for coordinate lists)
    std::string label;                   ///< a name or number the list gave the entry, or ""
    // --- the matching with the crowd's cameras (kept up to date by the source service) ---
    EntryState state = EntryState::unmatched;
    std::optional<CameraId> camera;    ///< the crowd camera it is, when matched
    double distance_m = 0;             ///< to that camera
    std::vector<CameraId> candidates;  ///< ambiguous: the cameras it could be
    std::string reason;                ///< ambiguous: "close_candidates" or "direction_conflict"
    // --- a moderator's decision, which the matching never overrides ---
    bool decided = false;
    std::optional<CameraId> decided_camera;  ///< decided: nullopt means "none of the crowd's"
    std::string decided_by;                  ///< moderator name (never shown publicly)
    std::int64_t decided_at = 0;
};

/// An imported official list.
struct Source {
    SourceId id;
    std::string name;       ///< "Police list 2021"; unique (case-insensitive)
    std::string file_name;  ///< the imported file's name, without its folder
    std::int64_t imported_at = 0;
    double max_distance_m = 30;  ///< how far an entry may be from the camera it is
    double max_angle_deg = 60;   ///< how far apart their directions may be, when both have one
    std::int64_t entries = 0;
    std::int64_t unplaced_rows = 0;     ///< rows whose address could not be placed (not stored)
    std::int64_t matched_version = -1;  ///< camera_version the stored matching was made at
};

/// A list to store: its entries are placed; matching comes later.
struct NewSource {
    std::string name;
    std::string file_name;
    double max_distance_m = 30;
    double max_angle_deg = 60;
    std::int64_t unplaced_rows = 0;
    std::vector<SourceEntry> entries;
};

}  // namespace sightline::model
