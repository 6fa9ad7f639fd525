#pragma once
// Search hits as GeoJSON (RFC 7946), for the API and `sightline search --json`.

#include <string>
#include <vector>

#include "services/search_service.hpp"

namespace sightline::services {

/// A Feature: Point geometry [lon, lat]; properties kind, name, label, type, and camera_id and
/// distance_m when known.
void append_search_feature(std::string& out, const SearchHit& hit);
/// A FeatureCollection of hits, best first.
std::string search_feature_collection(const std::vector<SearchHit>& hits);

}  // namespace sightline::services
