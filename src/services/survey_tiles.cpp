#include "services/survey_tiles.hpp"

#include "analysis/survey_tasks.hpp"
#include "core/clock.hpp"

namespace sightline::services {

namespace {
constexpr int max_tasks_per_tile = 20'000;
}

tiles::SurveyProvider survey_tile_provider(CampaignService& campaigns) {
    return [&campaigns](const geo::BBox& box) {
        const auto now = unix_now();
        std::vector<tiles::SurveyShape> shapes;
        for (const auto& t : campaigns.store().survey_tasks_in(box, max_tasks_per_tile)) {
            tiles::SurveyShape s;
            s.task = t.id;
            s.campaign = t.campaign_id;
            s.cell = t.unit == model::SurveyUnit::cell;
            s.location = t.location;
            s.area = t.area;
            s.state = to_string(survey_state(t, now, campaigns.options().stale_after_s));
            s.cameras = t.cameras.value_or(-1);
            s.radius_m = s.cell ? 0 : analysis::survey_radius_m;
            shapes.push_back(s);
        }
        return shapes;
    };
}

std::function<std::int64_t()> survey_tile_version(CampaignService& campaigns) {
    return [&campaigns] {
        return campaigns.store().survey_version() * 1'000'000 + unix_now() / 86'400;
    };
}

}  // namespace sightline::services
