#pragma once
// The source of the tiles' `surveys` layer: campaign tasks with their survey state, and the
// version the tile cache keys them by. Used by `serve` and `sightline tiles`.

#include <cstdint>
#include <functional>

#include "services/campaign_service.hpp"
#include "tiles/survey_layer.hpp"

namespace sightline::services {

/// `campaigns` must outlive the provider. The state is taken at the time of the call.
tiles::SurveyProvider survey_tile_provider(CampaignService& campaigns);

/// Changes with every answer, resolution or new campaign, and once a day (surveys turn stale).
std::function<std::int64_t()> survey_tile_version(CampaignService& campaigns);

}  // namespace sightline::services
