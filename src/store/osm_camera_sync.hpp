#pragma once
// What an OpenStreetMap import does with each camera, by OSM id, on any backend: new ones are
// added as reported, newer versions update unless moderators changed the camera here (then a
// conflict is recorded and the local state kept), and the earlier ones inside the extract's
// bounds that it no longer has are marked removed. The rules live here once; each backend's
// import writer supplies the reads and writes (its own SQL) by overriding the hooks.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "geo/bbox.hpp"
#include "model/camera.hpp"
#include "model/map_data.hpp"
#include "store/osm_import_writer.hpp"
#include "store/store.hpp"

namespace sightline::store {

/// A camera of an earlier import, as the rules need it.
struct StoredOsmCamera {
    model::CameraId id;
    int version = 0;
    bool removed = false;
    std::int64_t locally_modified_at = 0;
    geo::LatLon location;
    std::string tags_json;
    bool seen = false;  ///< brought by this import
};

/// (OSM type, OSM id).
using OsmKey = std::pair<std::string, std::int64_t>;

/// Applies an extract's cameras as they come (the import streams them), then marks the ones it
/// did not bring. Used from the import writer's thread, inside its transaction; the stored
/// cameras are read at the first call (after the writer has taken its locks).
class OsmCameraSync {
  public:
    OsmCameraSync(const Decision& decision, OsmImportSummary& summary)
        : m_decision(decision), m_summary(summary) {}
    virtual ~OsmCameraSync() = default;
    OsmCameraSync(const OsmCameraSync&) = delete;
    OsmCameraSync& operator=(const OsmCameraSync&) = delete;

    /// One camera of the extract; the first of two with the same OSM id wins.
    void add(const model::OsmCamera& camera);
    /// The earlier cameras inside `bounds` that no add() brought: removed, or a conflict when
    /// changed here. Call once, after the last add().
    void remove_missing(const geo::BBox& bounds, const std::string& source_name);

  protected:
    /// Every camera with an OSM id, locked for this transaction where the backend needs it.
    virtual std::map<OsmKey, StoredOsmCamera> load_stored() = 0;
    virtual model::CameraId insert(const model::Camera& camera) = 0;
    /// The local change reached OSM: the OSM version and timestamp, no local change any more.
    virtual void mark_in_sync(model::CameraId id, const model::OsmProvenance& osm) = 0;
    /// The OSM camera's location, tags, kind and version; a removed one comes back (verified
    /// when confirmed before); last_verified moves to the OSM date when that is later.
    virtual void update_from_osm(model::CameraId id, const model::OsmCamera& camera,
                                 const std::string& tags_json, std::int64_t last_confirmed) = 0;
    virtual void clear_local_change(model::CameraId id) = 0;
    virtual void mark_removed(model::CameraId id) = 0;
    virtual void append_history(model::CameraId id, const model::CameraEvent& event) = 0;

    [[nodiscard]] const Decision& decision() const noexcept { return m_decision; }

  private:
    void load();

    const Decision& m_decision;
    OsmImportSummary& m_summary;
    bool m_loaded = false;
    std::map<OsmKey, StoredOsmCamera> m_stored;
    std::set<OsmKey> m_incoming;
};

}  // namespace sightline::store
