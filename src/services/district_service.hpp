#pragma once
// Figures per district (the administrative boundaries read at import): area, cameras, street
// length and the share of it each DORI level watches. Computed for every district at once after
// a map import (neighbours one after the other, so the viewshed cache serves both), and after
// camera changes only for the districts within reach of a changed camera.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"
#include "geo/bbox.hpp"
#include "model/map_data.hpp"
#include "services/analysis_service.hpp"
#include "store/map_store.hpp"
#include "store/store.hpp"

namespace sightline::services {

struct DistrictFigures {
    model::District district;  ///< without its outline (DistrictService::outline has it)
    geo::BBox bbox;
    double area_km2 = 0;
    /// Non-removed cameras inside; a camera on a border two districts share counts in one.
    std::int64_t cameras = 0;
    double street_m = 0;      ///< walkable street length inside
    LevelMetres watched_m{};  ///< of street_m, what the cameras see at each DORI level
};

struct DistrictTable {
    int level = 0;  ///< the finest admin_level among the districts; 0 when there are none
    std::vector<DistrictFigures> districts;   ///< complete ones, by name
    std::vector<model::District> incomplete;  ///< cut off by an extract's edge, by name
    std::int64_t camera_version = 0;          ///< what the figures were computed from
    std::int64_t map_version = 0;
    /// The cameras as the figures saw them (id -> stamp), to find what changed since.
    std::unordered_map<std::int64_t, store::CameraStamp> cameras;
    std::size_t measured = 0;  ///< districts measured to make this table (the rest were kept)
};

class DistrictService {
  public:
    DistrictService(store::Store& store, store::MapStore& map, AnalysisService& analysis)
        : m_store(store), m_map(map), m_analysis(analysis) {}

    /// The figures of every district, computed now if cameras or the map changed since the last
    /// call (one caller computes, the others wait for it). Progress phase "districts".
    Result<std::shared_ptr<const DistrictTable>> table(const AnalysisProgress& progress = {});
    /// Makes a computation in progress, and every later one, give up with Errc::unavailable
    /// between two districts (a server shutting down).
    void stop() noexcept { m_stopping = true; }
    /// One district's figures with its outline; not_found for an unknown or incomplete id.
    Result<std::pair<DistrictFigures, geo::MultiPolygon>> district(std::int64_t id);

    /// More changed cameras than this and every district is measured again.
    static constexpr std::size_t max_incremental_cameras = 500;

  private:
    Result<DistrictFigures> measure(const model::District& district);
    /// The districts whose figures a change of cameras from `before` to `now` can alter: those
    /// whose box, widened by the longest camera range, holds a changed camera's old or new place.
    /// nullopt: too many changes, measure everything.
    std::optional<std::vector<bool>> touched(const DistrictTable& before,
                                             const std::vector<store::CameraStamp>& now) const;

    store::Store& m_store;
    store::MapStore& m_map;
    AnalysisService& m_analysis;
    std::mutex m_compute;  ///< one computation at a time
    std::mutex m_mutex;    ///< guards m_table
    std::shared_ptr<const DistrictTable> m_table;
    std::atomic<bool> m_stopping{false};
};

}  // namespace sightline::services
