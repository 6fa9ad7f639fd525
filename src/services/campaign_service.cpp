#include "services/campaign_service.hpp"

#include <cmath>

#include <fmt/core.h>

#include "analysis/local_frame.hpp"
#include "analysis/survey_tasks.hpp"

namespace sightline::services {

using analysis::Vec2;

std::string_view to_string(SurveyState state) noexcept {
    switch (state) {
        case SurveyState::not_surveyed:
            return "not_surveyed";
        case SurveyState::surveyed_none:
            return "surveyed_none";
        case SurveyState::surveyed_cameras:
            return "surveyed_cameras";
        case SurveyState::stale:
            return "stale";
    }
    return "not_surveyed";
}

SurveyState survey_state(const model::SurveyTask& task, std::int64_t now,
                         std::int64_t stale_after_s) noexcept {
    if (task.state != model::TaskState::done) return SurveyState::not_surveyed;
    if (now - task.surveyed_at > stale_after_s) return SurveyState::stale;
    return task.cameras.value_or(0) == 0 ? SurveyState::surveyed_none
                                         : SurveyState::surveyed_cameras;
}

CampaignService::CampaignService(store::CampaignStore& campaigns, store::MapStore& map,
                                 CampaignOptions options)
    : m_campaigns(campaigns),
      m_map(map),
      m_options(options),
      m_limiter(options.answer_burst, options.answers_per_hour) {}

Result<model::CampaignSummary> CampaignService::create(const CampaignRequest& request,
                                                       const std::string& moderator,
                                                       std::int64_t now) {
    if (request.name.empty() || request.name.size() > 200)
        return fail(Errc::invalid_argument, "name must be 1 to 200 bytes");
    if (request.bbox.has_value() == !request.area.empty())
        return fail(Errc::invalid_argument, "give either bbox or area");
    if (request.answers_needed < 1 || request.answers_needed > m_options.max_answers_needed)
        return fail(Errc::invalid_argument,
                    fmt::format("answers_needed must be 1 to {}", m_options.max_answers_needed));
    geo::BBox box = geo::BBox::empty_box();
    if (request.bbox) {
        box = *request.bbox;
    } else {
        for (const auto& polygon : request.area)
            for (auto p : polygon.front())
                box.extend(p);
    }
    if (!(box.west < box.east && box.south < box.north))
        return fail(Errc::invalid_argument, "the area is not a valid box or polygon");
    if (box.area_km2() > m_options.max_area_km2)
        return fail(Errc::too_large,
                    fmt::format("the area covers {:.1f} km²; the limit is {:.0f} km²",
                                box.area_km2(), m_options.max_area_km2));
    double cell_m = request.cell_m > 0 ? request.cell_m : m_options.default_cell_m;
    if (request.unit == model::SurveyUnit::cell &&
        (!std::isfinite(cell_m) || cell_m < m_options.min_cell_m || cell_m > 10'000))
        return fail(Errc::invalid_argument,
                    fmt::format("cell_m must be {:.0f} to 10000", m_options.min_cell_m));

    std::vector<std::vector<geo::LatLon>> streets;
    m_map.for_each_street(box, [&](const model::Street& s) { streets.push_back(s.points); });
    auto spots = request.unit == model::SurveyUnit::intersection
                     ? analysis::find_intersections(streets, 15, request.area)
                     : analysis::street_cells(streets, box, cell_m, request.area);
    // Intersections just outside the box come from streets that cross it.
    std::erase_if(spots, [&](const analysis::SurveySpot& s) { return !box.contains(s.location); });
    if (spots.empty())
        return fail(Errc::unprocessable,
                    "the area holds no street intersections or streets: import its map first");
    if (spots.size() > m_options.max_tasks)
        return fail(Errc::too_large, fmt::format("{} tasks are too many (at most {}); choose a "
                                                 "smaller area",
                                                 spots.size(), m_options.max_tasks));
    store::NewCampaign campaign;
    campaign.name = request.name;
    campaign.unit = request.unit;
    campaign.answers_needed = request.answers_needed;
    campaign.bbox = box;
    campaign.tasks.reserve(spots.size());
    for (const auto& s : spots)
        campaign.tasks.push_back({s.location, s.area});
    auto created = m_campaigns.insert_campaign(campaign, {moderator, "", now});
    if (!created) return std::unexpected(created.error());
    return m_campaigns.find_campaign(created->id);
}

Result<std::optional<model::SurveyTask>> CampaignService::next(std::int64_t campaign,
                                                               geo::LatLon near, std::int64_t now) {
    if (!near.is_valid()) return fail(Errc::invalid_argument, "lat and lon must be a position");
    return m_campaigns.hold_nearest_task(campaign, near, now, m_options.hold_s);
}

Result<store::AnsweredTask> CampaignService::answer(std::int64_t campaign, std::int64_t task,
                                                    const model::TaskAnswer& answer,
                                                    std::uint64_t client_key, std::int64_t now) {
    if (answer.cameras < 0 || answer.cameras > 1000)
        return fail(Errc::invalid_argument, "cameras must be 0 to 1000");
    if (static_cast<int>(answer.report_ids.size()) > m_options.max_report_ids)
        return fail(Errc::invalid_argument,
                    fmt::format("at most {} report_ids", m_options.max_report_ids));
    if (answer.answer_id.size() > 64)
        return fail(Errc::invalid_argument, "answer_id is at most 64 bytes");
    if (!m_limiter.allow(client_key, monotonic_seconds()))
        return fail(Errc::rate_limited, "too many answers from this client; try again later");
    return m_campaigns.add_task_answer(campaign, task, answer, now);
}

CampaignService::SurveyedLength CampaignService::surveyed_length(const geo::BBox& box,
                                                                 std::int64_t now) {
    const analysis::LocalFrame frame({box.south, box.west});
    const analysis::Rect rect{frame.to_local({box.south, box.west}),
                              frame.to_local({box.north, box.east})};
    std::vector<analysis::Circle> circles;
    std::vector<analysis::Rect> cells;
    for (const auto& task : m_campaigns.survey_tasks_in(box, 1'000'000)) {
        auto state = survey_state(task, now, m_options.stale_after_s);
        if (state != SurveyState::surveyed_none && state != SurveyState::surveyed_cameras) continue;
        if (task.unit == model::SurveyUnit::intersection)
            circles.push_back({frame.to_local(task.location), analysis::survey_radius_m});
        else
            cells.push_back({frame.to_local({task.area.south, task.area.west}),
                             frame.to_local({task.area.north, task.area.east})});
    }
    const analysis::SurveyedGround ground(std::move(circles), std::move(cells));
    SurveyedLength out;
    m_map.for_each_street(box, [&](const model::Street& street) {
        for (std::size_t i = 0; i + 1 < street.points.size(); ++i) {
            Vec2 a = frame.to_local(street.points[i]), b = frame.to_local(street.points[i + 1]);
            double t0 = 0, t1 = 0;
            if (!analysis::clip_to_rect(a, b, rect, t0, t1)) continue;
            Vec2 p = a + (b - a) * t0, q = a + (b - a) * t1;
            out.street_m += analysis::length(q - p);
            out.surveyed_m += ground.length_inside(p, q);
        }
    });
    return out;
}

}  // namespace sightline::services
