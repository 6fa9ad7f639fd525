#pragma once
// Survey campaigns (model/campaign.hpp): a moderator splits an area into tasks (the imported
// map's street intersections, or grid cells with streets); volunteers, without an account, are
// handed the nearest free task and answer how many cameras they found there; answers that agree
// close a task. Also the survey layer (what has been looked at, and how long ago) and the share
// of the streets of an area that surveyed tasks vouch for.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "geo/bbox.hpp"
#include "geo/polygon.hpp"
#include "model/campaign.hpp"
#include "services/rate_limiter.hpp"
#include "store/campaign_store.hpp"
#include "store/map_store.hpp"

namespace sightline::services {

struct CampaignOptions {
    double max_area_km2 = 100;       ///< of a campaign's bbox; larger gets too_large
    std::size_t max_tasks = 50'000;  ///< per campaign; more gets too_large
    std::int64_t hold_s = 30 * 60;   ///< a task handed out is kept from others this long
    double default_cell_m = 100;
    double min_cell_m = 25;
    int max_answers_needed = 5;
    std::int64_t stale_after_s = 365LL * 24 * 3600;  ///< a survey older than this is stale
    double answer_burst = 30;       ///< answers a client may send at once (offline queues)
    double answers_per_hour = 240;  ///< refill; 0 disables the limit
    int max_report_ids = 20;
};

struct CampaignRequest {
    std::string name;
    std::optional<geo::BBox> bbox;  ///< either this
    geo::MultiPolygon area;         ///< or this (a GeoJSON Polygon); its box bounds the campaign
    model::SurveyUnit unit = model::SurveyUnit::intersection;
    int answers_needed = 2;
    double cell_m = 0;  ///< cells only; 0 = options.default_cell_m
};

/// What the survey layer shows of a task.
enum class SurveyState { not_surveyed, surveyed_none, surveyed_cameras, stale };
std::string_view to_string(SurveyState state) noexcept;

/// The survey state of a task at `now`.
SurveyState survey_state(const model::SurveyTask& task, std::int64_t now,
                         std::int64_t stale_after_s) noexcept;

class CampaignService {
  public:
    CampaignService(store::CampaignStore& campaigns, store::MapStore& map,
                    CampaignOptions options = {});

    /// invalid_argument for a missing name, a bad area or unit settings; too_large over the area
    /// or task limit; unprocessable when the area holds no task (no streets imported there).
    Result<model::CampaignSummary> create(const CampaignRequest& request,
                                          const std::string& moderator, std::int64_t now);
    /// The nearest free task, now held for options.hold_s; nullopt when none is free.
    Result<std::optional<model::SurveyTask>> next(std::int64_t campaign, geo::LatLon near,
                                                  std::int64_t now);
    /// rate_limited over the client's share; invalid_argument for a negative or absurd count or
    /// too many report ids; not_found for no such task.
    Result<store::AnsweredTask> answer(std::int64_t campaign, std::int64_t task,
                                       const model::TaskAnswer& answer, std::uint64_t client_key,
                                       std::int64_t now);
    /// The street metres inside `box` and how many of them lie within the ground of tasks
    /// surveyed (done and not stale) at `now`.
    struct SurveyedLength {
        double street_m = 0;
        double surveyed_m = 0;
    };
    SurveyedLength surveyed_length(const geo::BBox& box, std::int64_t now);

    store::CampaignStore& store() noexcept { return m_campaigns; }
    [[nodiscard]] const CampaignOptions& options() const noexcept { return m_options; }

  private:
    store::CampaignStore& m_campaigns;
    store::MapStore& m_map;
    CampaignOptions m_options;
    RateLimiter m_limiter;
};

}  // namespace sightline::services
