#pragma once
// JSON, GeoJSON and CSV of the figures per district (docs/api/openapi.json: District).

#include <cstdint>
#include <map>
#include <string>

#include "services/district_service.hpp"

namespace sightline::services {

/// {"level", "districts": [District...], "incomplete": [{"osm", "name"}]}.
std::string districts_json(const DistrictTable& table);
/// One district object with its "geometry" (a MultiPolygon).
std::string district_json(const DistrictFigures& figures, const geo::MultiPolygon& outline);
/// A FeatureCollection: each district's outline with its figures as properties.
std::string districts_geojson(const DistrictTable& table,
                              const std::map<std::int64_t, geo::MultiPolygon>& outlines);
/// One row per district; shares as fractions, lengths in km.
std::string districts_csv(const DistrictTable& table);

}  // namespace sightline::services
