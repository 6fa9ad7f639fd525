#pragma once
// JSON of official lists (GET /api/v1/sources, .../comparison, .../review) and of a camera's
// sources (the camera page and the exports).

#include <string>
#include <vector>

#include "model/source.hpp"
#include "services/json_writer.hpp"
#include "services/source_service.hpp"

namespace sightline::services {

/// `[{"kind","name","since"(RFC 3339 or null), "report_id"|"source_id"}]`.
void write_camera_sources(JsonWriter& w, const std::vector<model::CameraSource>& sources);
/// The sources as one CSV field: "report:report 17|osm:node/5|list:Police list 2021".
std::string camera_sources_text(const std::vector<model::CameraSource>& sources);

/// `{"id","name","file_name","imported_at","max_distance_m","max_angle_deg","entries",
/// "unplaced_rows"}`.
void write_source(JsonWriter& w, const model::Source& source);
/// `{"sources": [...]}`.
std::string sources_json(const std::vector<model::Source>& sources);
/// `{"source", "counts", "coverage": [W,S,E,N] | null, "geojson": FeatureCollection}`; every
/// feature has "layer": both | only_list | only_crowd | ambiguous.
std::string comparison_json(const Comparison& comparison);
/// `{"source", "entries": [ambiguous entries with their candidates]}` for moderators.
std::string review_json(const Comparison& comparison);

}  // namespace sightline::services
