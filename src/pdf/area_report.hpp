#pragma once
// What the printable report of an area shows: its figures, how they grew and what its map
// draws. A plain value filled by services::AreaReportService and printed by render_report_pdf.

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "geo/bbox.hpp"
#include "geo/lat_lon.hpp"
#include "geo/polygon.hpp"

namespace sightline::pdf {

struct ReportCamera {
    geo::LatLon location;
    std::string kind;  ///< model::camera_kind(): fixed, dome, panning, ALPR, unknown, ...
};

struct AreaReport {
    std::string area_name;          ///< a district's name; empty for a bounding box
    geo::BBox bbox;                 ///< what the map shows
    geo::MultiPolygon outline;      ///< the district; empty for a bounding box
    std::int64_t generated_at = 0;  ///< unix seconds

    double area_km2 = 0;
    std::int64_t cameras = 0;  ///< non-removed cameras inside
    std::vector<std::pair<std::string, std::int64_t>> cameras_by_kind;  ///< most first
    double street_km = 0;
    std::array<double, 4> watched_share{};  ///< detect, observe, recognise, identify (0..1)

    /// Active cameras at the end of each period ("2024-05" or "2024"), oldest first.
    std::vector<std::pair<std::string, std::int64_t>> growth;

    std::vector<std::vector<geo::LatLon>> streets;
    std::vector<std::vector<geo::LatLon>> buildings;  ///< outer rings; may be left empty
    std::vector<ReportCamera> camera_points;
};

}  // namespace sightline::pdf
