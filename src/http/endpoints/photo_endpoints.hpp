#pragma once
// JSON of photos shared by the report and photo endpoints.

#include "photo/photo_pipeline.hpp"
#include "services/json_writer.hpp"
#include "services/photo_service.hpp"

namespace sightline::http {

/// Limits of photo uploads (documented in docs/api/README.md).
constexpr std::size_t max_photo_bytes = 20 * 1024 * 1024;
/// A report with 4 photos at the limit, plus room for the report part and framing.
constexpr std::size_t max_report_body_bytes = 4 * max_photo_bytes + 1024 * 1024;

/// {"sha256", "url", "thumbnail_url", "format", "width", "height", "faces_blurred"}
void write_photo(services::JsonWriter& w, const model::PhotoRecord& photo);
/// The same keys without the braces, to extend the object.
void write_photo_fields(services::JsonWriter& w, const model::PhotoRecord& photo);
/// {"photographer": {lat, lon}|null, "accuracy_m", "heading_deg", "taken_at",
///  "camera_position", "camera_direction_deg", "camera_distance_m"}
void write_suggestion(services::JsonWriter& w, const photo::PhotoSuggestion& suggestion);

}  // namespace sightline::http
