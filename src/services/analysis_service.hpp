#pragma once
// Measuring surveillance over the registry: how much of the walkable street network of an area
// the cameras see (coverage), and how much of a route a person walks is seen (exposure). Loads
// the non-removed cameras and the imported buildings around the area, computes each camera's
// viewshed (cached by camera, camera change and map import) and measures lines against them.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/camera_capability.hpp"
#include "analysis/district_file.hpp"
#include "core/error.hpp"
#include "geo/bbox.hpp"
#include "geo/lat_lon.hpp"
#include "store/map_store.hpp"
#include "store/store.hpp"

namespace sightline::services {

/// Metres per DORI level (detect, observe, recognise, identify); each level counts what is seen
/// at that level or finer, so the values never increase with the level.
using LevelMetres = std::array<double, analysis::dori_level_count>;

struct AnalysisOptions {
    double max_area_km2 = 25;         ///< coverage bbox; larger gets too_large (HTTP 413)
    double max_route_area_km2 = 400;  ///< bounding box of an exposure route
    /// Cameras up to this far outside the area are loaded, and every range is capped to it
    /// (buildings are loaded up to twice as far, so a cached viewshed is never cut short).
    double max_range_m = 500;
    std::size_t max_cameras = 100'000;    ///< per request; more gets too_large
    std::size_t cache_capacity = 20'000;  ///< viewsheds kept (least recently used goes)
    unsigned threads = 0;                 ///< viewshed threads; 0 = hardware concurrency
    double default_cell_m = 100;
    double min_cell_m = 10;
    std::size_t max_cells = 250'000;
};

/// Called from the calling thread: phase ("viewsheds", "streets"), done, total.
using AnalysisProgress = std::function<void(std::string_view, std::size_t, std::size_t)>;

struct CoverageRequest {
    /// The area. With districts and no bbox, the districts' bounding box.
    std::optional<geo::BBox> bbox;
    double cell_m = 0;  ///< grid cell size; 0 = options.default_cell_m
    std::vector<analysis::DistrictArea>
        districts;              ///< when given: one result per district, no grid
    unsigned threads = 0;       ///< 0 = options.threads
    AnalysisProgress progress;  ///< may be empty
    /// Overrides options.max_area_km2, for callers whose area is bounded otherwise (a district
    /// read at import); never set from a client's request.
    std::optional<double> max_area_km2;
};

/// Street metres of one grid cell or district.
struct CoverageCell {
    std::string name;  ///< district name; empty for a grid cell
    int column = 0;    ///< grid cell from the south-west corner (0 for districts)
    int row = 0;
    geo::BBox bbox;  ///< the cell, or the district's bounding box
    double street_m = 0;
    LevelMetres by_level_m{};
};

struct CoverageReport {
    geo::BBox bbox;
    double cell_m = 0;  ///< 0 for districts
    double street_m = 0;
    LevelMetres by_level_m{};
    std::vector<CoverageCell> cells;  ///< grid cells with streets, or every district
    std::size_t cameras = 0;          ///< cameras whose viewshed was used
    std::size_t cameras_skipped = 0;  ///< cameras with tags the model cannot read
    std::size_t buildings = 0;
    std::size_t viewsheds_computed = 0;
    std::size_t viewsheds_cached = 0;
    /// Share of the street length within surveyed campaign tasks (CampaignService), when the
    /// caller measured it.
    std::optional<double> surveyed_share;
};

struct ExposureRequest {
    std::vector<std::vector<geo::LatLon>> polylines;  ///< each with at least 2 points
    double speed_m_s = 1.4;                           ///< walking speed, for seconds
    unsigned threads = 0;
    AnalysisProgress progress;
};

struct CameraSeen {
    std::int64_t camera_id = 0;
    geo::LatLon location;
    double seen_m = 0;  ///< observe level or finer
    LevelMetres by_level_m{};
};

/// A stretch of the route with the finest level any camera sees it at.
struct SeenStretch {
    analysis::DoriLevel level = analysis::DoriLevel::detect;
    std::vector<geo::LatLon> points;
    double length_m = 0;
};

struct PolylineExposure {
    double length_m = 0;
    LevelMetres by_level_m{};
};

struct RouteExposure {
    double length_m = 0;
    LevelMetres by_level_m{};
    double seen_m = 0;  ///< == by_level_m[observe]
    double speed_m_s = 0;
    double duration_s = 0;                   ///< length / speed
    double seen_s = 0;                       ///< seen_m / speed
    std::vector<CameraSeen> cameras;         ///< cameras that see some of it, most first
    std::vector<PolylineExposure> segments;  ///< per input line (GPX segment / LineString)
    std::vector<SeenStretch> stretches;      ///< in route order
    std::size_t cameras_skipped = 0;
    std::size_t buildings = 0;
};

/// A camera's visible ground at each DORI level, in degrees (for map layers).
struct CameraViewshedRings {
    std::int64_t camera_id = 0;
    std::array<std::vector<std::vector<geo::LatLon>>, analysis::dori_level_count> rings;
};

/// A street with the metres of each of its segments seen at each level.
struct StreetSeen {
    model::Street street;
    std::vector<LevelMetres> segments;  ///< per segment points[i]..points[i+1]
};

/// Viewsheds kept between requests, in degrees so any request frame can use them.
class ViewshedCache;
/// The cameras of the store by tiles of a fixed grid, with their capabilities, for one camera
/// version: what measuring a route reads instead of querying the store each time.
class CameraTiles;

class AnalysisService {
  public:
    AnalysisService(store::Store& store, store::MapStore& map, AnalysisOptions options = {});
    ~AnalysisService();
    AnalysisService(const AnalysisService&) = delete;
    AnalysisService& operator=(const AnalysisService&) = delete;

    /// invalid_argument for a bad cell size, district or bbox; too_large over the limits.
    Result<CoverageReport> coverage(const CoverageRequest& request);
    /// invalid_argument for an empty route, a line of fewer than 2 points or a bad speed.
    Result<RouteExposure> exposure(const ExposureRequest& request);
    /// Several routes measured against one scene (their common area): as exposure() for each,
    /// loading cameras and viewsheds once. invalid_argument / too_large as exposure().
    Result<std::vector<RouteExposure>> exposures(
        const std::vector<std::vector<std::vector<geo::LatLon>>>& routes, double speed_m_s,
        unsigned threads = 0, const AnalysisProgress& progress = {});
    /// The viewsheds of every camera that can see into `area` (cached as for coverage), one
    /// thread. too_large over the coverage limits.
    Result<std::vector<CameraViewshedRings>> viewsheds(const geo::BBox& area);

    /// Every street whose bounding box meets `area`, with what the cameras see of each segment,
    /// each street measured whole (cached viewsheds as for coverage). No area limit: for the
    /// routing graph, whose caller bounds it. Progress phases "viewsheds", then "streets".
    /// Without `cache_viewsheds` the viewsheds it computes are not kept in the cache (the
    /// routing graph's build measures a whole country, chunk by chunk, once).
    Result<std::vector<StreetSeen>> street_exposure(const geo::BBox& area, unsigned threads = 0,
                                                    const AnalysisProgress& progress = {},
                                                    bool cache_viewsheds = true);

    [[nodiscard]] const AnalysisOptions& options() const noexcept { return m_options; }

  private:
    struct Scene;
    struct RouteScene;
    Result<Scene> load_scene(const geo::BBox& area, unsigned threads,
                             const AnalysisProgress& progress, bool keep_computed = true);
    /// The cameras that can see into `area` with their viewsheds in degrees; each is placed in
    /// the area's frame only when a route comes near it (measure_route).
    Result<RouteScene> load_route_scene(const geo::BBox& area, unsigned threads,
                                        const AnalysisProgress& progress);
    static RouteExposure measure_route(RouteScene& scene,
                                       const std::vector<std::vector<geo::LatLon>>& polylines,
                                       double speed_m_s);

    store::Store& m_store;
    store::MapStore& m_map;
    AnalysisOptions m_options;
    std::unique_ptr<ViewshedCache> m_cache;
    std::unique_ptr<CameraTiles> m_camera_tiles;
};

}  // namespace sightline::services
