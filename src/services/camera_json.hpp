#pragma once
// GeoJSON (RFC 7946) and CSV renderings of cameras, shared by the HTTP API and the CLI export.

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/camera.hpp"
#include "model/photo.hpp"
#include "model/source.hpp"
#include "store/camera_text_stream.hpp"
#include "store/source_store.hpp"
#include "store/store.hpp"

namespace sightline::services {

/// Appends one GeoJSON Feature: Point geometry [lon, lat] and properties id, status, kind,
/// confirmations, first_seen, last_verified, updated_at (RFC 3339), directions_deg, tags, osm.
void append_camera_feature(std::string& out, const model::Camera& camera);
/// A Feature with the camera's page in its properties too: "sources" (where it is known from,
/// oldest first: {kind: report | osm | list, name, since}), "report_ids", "history" and
/// "photos" (each {url, thumbnail_url, report_id, reported_at}, newest first).
std::string camera_feature_with_history(const model::Camera& camera,
                                        const std::vector<model::CameraEvent>& history,
                                        const std::vector<model::CameraPhoto>& photos,
                                        const std::vector<model::CameraSource>& sources);
/// A FeatureCollection of `cameras`.
std::string camera_feature_collection(const std::vector<model::Camera>& cameras);

/// Every camera (removed ones too, with their status) as one GeoJSON FeatureCollection, a
/// piece at a time, with the foreign members "license", "license_url" and "generated" (RFC 3339,
/// from `generated_at`, unix seconds); each feature has "sources" as on the camera page.
store::CameraTextStream geojson_export(store::Store& store, store::SourceStore& sources,
                                       std::int64_t generated_at);
/// Every camera as CSV (RFC 4180, header row), a piece at a time. Columns: id, lat, lon, status,
/// kind, confirmations, first_seen, last_verified, then the common OSM keys, then sources
/// ("kind:name" joined by "|", oldest first), then other_tags (JSON).
store::CameraTextStream csv_export(store::Store& store, store::SourceStore& sources);

/// The OSM keys that have a column of their own in the CSV export (and the KML and GeoPackage
/// dumps), in column order.
std::span<const std::string_view> camera_tag_columns();
/// The camera's other tags (those without a column) as a JSON object; "" when there are none.
std::string other_tags_json(const model::Camera& camera);

/// Appends a CSV field, quoted when it contains a comma, quote, CR or LF; a leading = + - @
/// is prefixed with ' so spreadsheets do not run it as a formula.
void append_csv_field(std::string& out, std::string_view field);

}  // namespace sightline::services
