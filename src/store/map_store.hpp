#pragma once
// Storage of OpenStreetMap imports: cameras by OSM id, and the street network, buildings, water
// and parks that the basemap tiles and the analysis read. SqliteStore implements it.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "geo/bbox.hpp"
#include "model/map_data.hpp"
#include "store/store.hpp"

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
};

struct ImportRun {
    std::int64_t id = 0;
    std::int64_t at = 0;  ///< unix seconds
    std::string source_name;
    OsmImportSummary summary;
};

class MapStore {
  public:
    virtual ~MapStore() = default;

    /// One transaction: cameras are matched by (osm type, id). New ones are created (status
    /// verified); a newer OSM version updates a camera unless moderators changed it locally since
    /// the last import (then a "conflict" history event is recorded and the local state kept);
    /// cameras from earlier imports inside extract.bounds that are missing now are marked removed
    /// (history kept). Streets and areas inside extract.bounds are replaced. Appends an import run
    /// and an audit event. On any failure nothing changes.
    virtual Result<OsmImportSummary> apply_osm_import(const model::OsmExtract& extract,
                                                      const Decision& decision) = 0;

    /// Streets whose bounding box intersects `bbox` (R*Tree), in no particular order.
    virtual void for_each_street(const geo::BBox& bbox,
                                 const std::function<void(const model::Street&)>& visit) = 0;
    /// The box around every imported street (from the R*Tree, so slightly generous); nullopt
    /// when there is none.
    virtual std::optional<geo::BBox> street_bounds() = 0;
    /// Areas of one kind whose bounding box intersects `bbox`.
    virtual void for_each_area(const geo::BBox& bbox, model::AreaKind kind,
                               const std::function<void(const model::Area&)>& visit) = 0;
    /// Bumped by every import (for tile caches).
    virtual std::int64_t map_version() = 0;
    virtual std::optional<ImportRun> last_import() = 0;
    /// Cameras created or changed in Sightline since the last import (no OSM id, or changed
    /// locally after it): what an osmChange export offers back to OpenStreetMap.
    virtual std::vector<model::Camera> cameras_changed_since_import() = 0;
};

}  // namespace sightline::store
