#pragma once
// JSON and GeoJSON of coverage and exposure results, shared by the HTTP API and the CLI
// (docs/api/openapi.json describes the shapes: Coverage, Exposure).

#include <string>
#include <vector>

#include "analysis/district_file.hpp"
#include "services/analysis_service.hpp"

namespace sightline::services {

/// {"bbox", "cell_m", "street_m", "by_level", "share", "cameras", ..., "cells": [...]}.
std::string coverage_json(const CoverageReport& report);
/// A FeatureCollection: one Polygon per grid cell (or per district, with its own outline when
/// `districts` is given, else its bounding box) with the cell's metres and shares.
std::string coverage_geojson(const CoverageReport& report,
                             const std::vector<analysis::DistrictArea>* districts = nullptr);
/// {"length_m", "seen_m", "seen_s", "by_level", "cameras", "segments", ...}, with "geojson"
/// (exposure_geojson) when asked for.
std::string exposure_json(const RouteExposure& exposure, bool with_geojson);
/// A FeatureCollection of the seen stretches: LineStrings with "level" (the finest DORI level
/// any camera sees the stretch at) and "length_m".
std::string exposure_geojson(const RouteExposure& exposure);

// The pieces the writers above share with other writers of the same values (routing_json).
class JsonWriter;
/// Metres with 2 decimals (1 cm).
void write_metres(JsonWriter& w, double metres);
/// {"detect": m, "observe": m, "recognise": m, "identify": m}.
void write_levels(JsonWriter& w, const LevelMetres& metres);
/// [lon, lat] with 7 decimals (GeoJSON order; ~1 cm, OSM's precision).
void write_position(JsonWriter& w, geo::LatLon position);
/// A GeoJSON LineString geometry.
void write_line_string(JsonWriter& w, const std::vector<geo::LatLon>& points);
/// {"detect": share, ...}: each level's metres over `total` (0 when total is 0), 4 decimals.
void write_shares(JsonWriter& w, const LevelMetres& metres, double total);
/// [west, south, east, north] with 7 decimals.
void write_bbox(JsonWriter& w, const geo::BBox& box);
/// A GeoJSON ring: positions, closed if the ring is not.
void write_ring(JsonWriter& w, const std::vector<geo::LatLon>& ring);
/// A GeoJSON MultiPolygon geometry.
void write_multi_polygon(JsonWriter& w, const geo::MultiPolygon& polygons);
/// [{"id", "lat", "lon", "seen_m", "by_level"}] in the given order.
void write_cameras_seen(JsonWriter& w, const std::vector<CameraSeen>& cameras);

}  // namespace sightline::services
