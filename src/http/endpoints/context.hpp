#pragma once
// What endpoint functions share: the services, the metrics and the API's options and limits.

#include <cstddef>
#include <string>

#include "http/metrics.hpp"
#include "services/camera_dumps.hpp"
#include "services/scrub_jobs.hpp"
#include "services/services.hpp"
#include "tiles/tile_service.hpp"

namespace sightline::http {

struct ApiOptions {
    bool secure_cookies = false;        ///< add Secure to the session cookie (TLS proxy in front)
    double max_bbox_area_km2 = 10'000;  ///< larger camera bbox queries get 413
    int default_camera_limit = 1000;
    int max_camera_limit = 10'000;
    std::size_t max_json_depth = 32;  ///< deeper request JSON gets 400
    std::string web_dir;              ///< the built browser app; empty or missing: / answers 404
    double scrub_per_hour = 60;       ///< media scrub uploads per client per hour; 0 = unlimited
};

struct ApiContext {
    services::Services& services;
    Metrics& metrics;
    ApiOptions options;
    tiles::TileService* tiles = nullptr;   ///< null: the /tiles routes answer 503
    services::ScrubJobs* scrub = nullptr;  ///< null: POST /api/v1/scrub answers 503
    /// null: GET /api/v1/export/cameras.gpkg answers 503
    services::GeoPackageDumps* dumps = nullptr;
};

}  // namespace sightline::http
