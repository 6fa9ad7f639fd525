#pragma once
// Storage of OpenStreetMap imports: cameras by OSM id, and the street network, buildings, water
// and parks that the basemap tiles and the analysis read. SqliteStore implements it.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "geo/bbox.hpp"
#include "model/map_data.hpp"
#include "store/osm_import_writer.hpp"
#include "store/store.hpp"

namespace sightline::store {

/// Words to find places by (MapStore::find_places): every inner list must match (any one of its
/// alternatives, e.g. a word and its one-typo variants); words are folded index words
/// (search::index_words). The last list's first word may match as a prefix.
struct PlaceQuery {
    std::vector<std::vector<std::string>> words;
    bool last_is_prefix = false;
    int limit = 200;
    /// Candidates around this point (within ~20-40 km) come first, then towns and cities from
    /// anywhere; the rest of the country only when these are fewer than enough_near.
    std::optional<geo::LatLon> near = std::nullopt;
    /// With `near`: when that many were found around the point, the rest is not searched.
    int enough_near = 3;
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
    /// The same import, written while it is read (a country does not fit in memory): the
    /// writer takes rows as they come and applies the cameras and bounds in finish(). Until
    /// then the store looks unchanged; without a finish() nothing changes. Takes the write lock
    /// (waiting for another process's writer like every write) and holds it for the writer's
    /// life.
    virtual std::unique_ptr<OsmImportWriter> begin_osm_import(const Decision& decision) = 0;

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
    /// A random id of this data set, made when it was created: with map_version and
    /// camera_version it tells whether a cache kept outside the store was made from it.
    virtual std::string data_id() = 0;
    virtual std::optional<ImportRun> last_import() = 0;
    /// The districts of every import (model::District), by name; complete ones first, each with
    /// its outline when `with_polygons`, then the incomplete ones.
    virtual std::vector<model::District> districts(bool with_polygons) = 0;
    /// One district with its outline; nullopt if there is no such id.
    virtual std::optional<model::District> find_district(std::int64_t id) = 0;
    /// Cameras created or changed in Sightline since the last import (no OSM id, or changed
    /// locally after it): what an osmChange export offers back to OpenStreetMap.
    virtual std::vector<model::Camera> cameras_changed_since_import() = 0;

    // --- search (issue 15) ------------------------------------------------------------------
    /// Places whose words match, at most query.limit: those near query.near first, then the
    /// best text matches (FTS5 rank) from anywhere.
    virtual std::vector<model::Place> find_places(const PlaceQuery& query) = 0;
    /// Index words w with from <= w < to, in order, at most `limit` (typo candidates).
    virtual std::vector<std::string> place_words_between(std::string_view from, std::string_view to,
                                                         int limit) = 0;
    /// Places within `radius_m` of a point, nearest first.
    virtual std::vector<model::Place> places_near(geo::LatLon centre, double radius_m,
                                                  int limit) = 0;
    virtual std::int64_t place_count() = 0;
    /// Gives back what idle readers hold of the database file's pages in their memory maps
    /// (SQLite; nothing to do for PostgreSQL). After a scan on several threads, each map counts
    /// the same pages in the process's RSS again; the pages stay in the kernel's cache.
    virtual void release_read_maps() {}
};

}  // namespace sightline::store
