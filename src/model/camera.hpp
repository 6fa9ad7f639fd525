#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "geo/lat_lon.hpp"
#include "model/ids.hpp"
#include "model/tags.hpp"

namespace sightline::model {

/// Lifecycle of a camera. `removed` keeps the record and its history.
enum class CameraStatus { reported, verified, disputed, removed };

std::string_view to_string(CameraStatus status) noexcept;
Result<CameraStatus> parse_camera_status(std::string_view text);

/// Where a camera came from in OpenStreetMap, if it did.
struct OsmProvenance {
    std::string type;  ///< "node", "way" or "relation"
    std::int64_t id = 0;
    int version = 0;
    std::int64_t timestamp = 0;  ///< unix seconds of the OSM version
};

/// A camera: a point with OSM tags (man_made=surveillance, ...) plus Sightline's own state.
struct Camera {
    CameraId id;
    geo::LatLon location;
    CameraStatus status = CameraStatus::reported;
    int confirmations = 0;  ///< independent reports confirming it (the first counts as 1)
    Tags tags;
    std::int64_t first_seen = 0;     ///< unix seconds
    std::int64_t last_verified = 0;  ///< unix seconds; 0 if never verified by a moderator
    std::int64_t updated_at = 0;     ///< unix seconds of the last change of any kind
    std::optional<OsmProvenance> osm;
    std::vector<ReportId> report_ids;  ///< provenance: reports that created or confirmed it
};

/// A camera to be created (moderator acceptance, CSV import).
struct NewCamera {
    geo::LatLon location;
    CameraStatus status = CameraStatus::reported;
    Tags tags;
};

/// The camera's kind for filtering and display: camera:type if set (fixed, dome, panning),
/// "ALPR" when surveillance:type=ALPR, else surveillance:type, else "unknown".
std::string camera_kind(const Tags& tags);

/// One entry in a camera's history.
struct CameraEvent {
    std::int64_t at = 0;  ///< unix seconds
    std::string action;   ///< created, confirmed, removed, imported, updated, ...
    std::string actor;    ///< moderator name, "import", or "anonymous"
    std::string detail;   ///< free text: reason, changed tags
    std::optional<ReportId> report_id;
};

}  // namespace sightline::model
