#pragma once
// An OpenStreetMap import written while the file is still being read: streets, areas and places
// go into the store as they come, inside one open write transaction, and nothing of it is
// visible or kept until finish() commits. MapStore::begin_osm_import() makes one.

#include <cstdint>

#include "core/error.hpp"
#include "model/map_data.hpp"
#include "model/map_data_sink.hpp"

namespace sightline::store {

struct OsmImportSummary {
    std::int64_t cameras_new = 0;
    std::int64_t cameras_updated = 0;  ///< newer OSM version applied
    std::int64_t cameras_unchanged = 0;
    std::int64_t cameras_removed = 0;  ///< gone from OSM inside the extract's bounds
    std::int64_t cameras_conflicts =
        0;  ///< changed in OSM and locally: local kept, conflict recorded
    std::int64_t streets = 0;
    std::int64_t buildings = 0;
    std::int64_t water = 0;
    std::int64_t parks = 0;
    std::int64_t places = 0;     ///< searchable addresses, streets, places, points of interest
    std::int64_t districts = 0;  ///< complete boundaries at the district level
    std::int64_t districts_incomplete = 0;  ///< cut off by the extract's edge, left out
    int district_level = 0;                 ///< their admin_level; 0 when there are none
};

/// One import in progress. add_camera/add_street/add_area/add_place (model::MapDataSink) write
/// rows at once (a camera by its OSM id: new, updated, unchanged or a conflict; the first of
/// two with the same id wins); the rows they replace are only known from the extract's bounds,
/// so they are removed in finish(), which also marks the cameras gone from OSM and commits.
/// Destroying the writer without a successful finish() (a truncated file, an exception) rolls
/// everything back: the store is unchanged. It holds the store's write lock (in-process and
/// SQLite's) for its whole life, so keep it short-lived and on one thread. The add_* calls throw on
/// environment failures (disk full); rows they skip (fewer than 2 points, no name) are not counted.
class OsmImportWriter : public model::MapDataSink {
  public:
    /// Adds the cameras, streets, areas and places `rest` still holds (the in-memory path;
    /// empty when they were streamed through add_*), marks the earlier cameras inside
    /// rest.bounds that no add_camera brought as removed, removes what the import replaces, records
    /// the import run and an audit event and commits. Fails with invalid_argument (and commits
    /// nothing) when rest.bounds is not a valid box. Call at most once.
    virtual Result<OsmImportSummary> finish(const model::OsmExtract& rest) = 0;
};

}  // namespace sightline::store
