#pragma once
// JSON of campaigns, their tasks and the survey layer (docs/api/openapi.json: Campaign,
// SurveyTask; the survey layer is GeoJSON).

#include <cstdint>
#include <string>
#include <vector>

#include "model/campaign.hpp"

namespace sightline::services {

class JsonWriter;

/// {"id", "name", "unit", "answers_needed", "bbox", "created_at", "tasks", "done", "disputed",
/// "answers", "cameras_found"}.
void write_campaign(JsonWriter& w, const model::CampaignSummary& campaign);
/// {"id", "campaign", "unit", "lat", "lon", "bbox", "state", "answers", "cameras",
/// "surveyed_at", "held_until"}.
void write_task(JsonWriter& w, const model::SurveyTask& task);
/// A FeatureCollection of tasks: a Point for an intersection (with "radius_m": the ground it
/// vouches for), a Polygon for a cell; properties campaign, task, state (the survey state at
/// `now`: not_surveyed, surveyed_none, surveyed_cameras, stale), cameras, surveyed_at.
std::string surveys_geojson(const std::vector<model::SurveyTask>& tasks, std::int64_t now,
                            std::int64_t stale_after_s);

}  // namespace sightline::services
