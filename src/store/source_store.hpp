#pragma once
// Storage of imported official lists and of every camera's sources (issue 14, docs/adr/016).
// SqliteStore implements it. Each method that writes is one transaction with an audit event.

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "geo/bbox.hpp"
#include "model/camera.hpp"
#include "model/source.hpp"
#include "store/store.hpp"

namespace sightline::store {

/// A camera of the crowd's map: not removed, and known from a report or OpenStreetMap.
struct CrowdCamera {
    model::CameraId id;
    geo::LatLon location;
    std::vector<double> directions_deg;  ///< from camera:direction; empty when unknown
};

class SourceStore {
  public:
    virtual ~SourceStore() = default;

    /// Stores a list and its placed entries (their matching state as given). conflict when a
    /// list of that name exists (case-insensitive); invalid_argument for an entry off the map.
    virtual Result<model::SourceId> insert_source(const model::NewSource& source,
                                                  const Decision& decision) = 0;
    /// Every list, by name.
    virtual std::vector<model::Source> list_sources() = 0;
    virtual Result<model::Source> find_source(model::SourceId id) = 0;
    /// The list's entries, by id, with their matching and decisions.
    virtual std::vector<model::SourceEntry> source_entries(model::SourceId id) = 0;
    /// Replaces the matching of every entry (state, camera, candidates; not the decisions) and
    /// notes the camera_version it was made at. Entries not in `entries` keep theirs.
    virtual Status save_matching(model::SourceId id, const std::vector<model::SourceEntry>& entries,
                                 std::int64_t camera_version) = 0;
    /// A moderator's decision for one entry: `camera` is the crowd camera it is, or nullopt
    /// for none of them. not_found for an unknown list, entry or camera; conflict when the
    /// camera is removed or another entry of the list was decided to be it.
    virtual Status decide_entry(model::SourceId id, std::int64_t entry,
                                std::optional<model::CameraId> camera,
                                const Decision& decision) = 0;
    /// The crowd's cameras inside `bbox`, by id.
    virtual std::vector<CrowdCamera> crowd_cameras(const geo::BBox& bbox) = 0;
    /// Where a camera is known from: its reports, its OpenStreetMap object, the CSV imports
    /// that created it and the lists that match it; oldest first.
    virtual std::vector<model::CameraSource> camera_sources(model::CameraId id) = 0;
    /// The sources of every camera with an id in first..last, by camera id, each camera's
    /// oldest first: what an export reads a block at a time.
    virtual std::vector<std::pair<model::CameraId, model::CameraSource>> camera_sources_between(
        model::CameraId first, model::CameraId last) = 0;
};

}  // namespace sightline::store
