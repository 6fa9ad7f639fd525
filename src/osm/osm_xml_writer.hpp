#pragma once
// Cameras as OpenStreetMap XML 0.6 (a .osm file for JOSM) and as an osmChange 0.6 (.osc) of
// what Sightline changed since the last import, for a mapper to review and upload.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "model/camera.hpp"
#include "store/camera_text_stream.hpp"
#include "store/store.hpp"

namespace sightline::osm {

/// Receives output piece by piece (a file, a response body, ...).
using TextSink = std::function<void(std::string_view)>;

/// Appends `text` escaped for an XML attribute value: & < > " ' become entities, tab, LF and
/// CR become character references (so they survive attribute normalisation), other control
/// characters that XML 1.0 forbids are dropped.
void append_xml_escaped(std::string& out, std::string_view text);

/// Every non-removed camera as one <node> of an OSM XML 0.6 document, a piece at a time, in
/// osmium's order. Cameras that came from OSM nodes keep their id, version and timestamp;
/// Sightline-only cameras, and cameras that OSM maps as ways (a way cannot be written without
/// its nodes), get the negative id -camera.id. count() is the number of nodes written. The licence
/// is a root attribute and, with `generated_at` (unix seconds), a comment before the root.
store::CameraTextStream osm_xml_export(store::Store& store, std::int64_t generated_at);

struct ChangeCounts {
    std::int64_t created = 0;   ///< cameras without an OSM id (negative node ids)
    std::int64_t modified = 0;  ///< OSM nodes changed locally (their id and base version)
    std::int64_t deleted = 0;   ///< OSM nodes removed locally by moderators
    std::int64_t skipped = 0;   ///< changed cameras that OSM maps as ways: left to the mapper
};

/// An osmChange 0.6 document of `changed` (MapStore::cameras_changed_since_import()): <create>
/// for cameras with no OSM id, <modify> for changed OSM nodes, <delete> for removed ones.
ChangeCounts write_osm_change(const std::vector<model::Camera>& changed, const TextSink& sink);

}  // namespace sightline::osm
