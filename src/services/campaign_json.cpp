#include "services/campaign_json.hpp"

#include "analysis/survey_tasks.hpp"
#include "services/analysis_json.hpp"
#include "services/campaign_service.hpp"
#include "services/json_writer.hpp"

namespace sightline::services {

namespace {

// "cameras" (the agreed count) and "surveyed_at", null while the task is not done.
void write_outcome(JsonWriter& w, const model::SurveyTask& t) {
    w.key("cameras");
    if (t.cameras)
        w.value(*t.cameras);
    else
        w.null();
    w.key("surveyed_at");
    if (t.surveyed_at > 0)
        w.value(t.surveyed_at);
    else
        w.null();
}

}  // namespace

void write_campaign(JsonWriter& w, const model::CampaignSummary& s) {
    const auto& c = s.campaign;
    w.begin_object();
    w.key("id").value(c.id);
    w.key("name").value(c.name);
    w.key("unit").value(model::to_string(c.unit));
    w.key("answers_needed").value(c.answers_needed);
    w.key("bbox");
    write_bbox(w, c.bbox);
    w.key("created_at").value(c.created_at);
    w.key("tasks").value(s.tasks);
    w.key("done").value(s.done);
    w.key("disputed").value(s.disputed);
    w.key("answers").value(s.answers);
    w.key("cameras_found").value(s.cameras_found);
    w.end_object();
}

void write_task(JsonWriter& w, const model::SurveyTask& t) {
    w.begin_object();
    w.key("id").value(t.id);
    w.key("campaign").value(t.campaign_id);
    w.key("unit").value(model::to_string(t.unit));
    w.key("lat").value_fixed(t.location.lat, 7);
    w.key("lon").value_fixed(t.location.lon, 7);
    w.key("bbox");
    write_bbox(w, t.area);
    w.key("state").value(model::to_string(t.state));
    w.key("answers").value(t.answers);
    write_outcome(w, t);
    w.key("held_until").value(t.held_until);
    w.end_object();
}

std::string surveys_geojson(const std::vector<model::SurveyTask>& tasks, std::int64_t now,
                            std::int64_t stale_after_s) {
    std::string out;
    JsonWriter w(out);
    w.begin_object().key("type").value("FeatureCollection").key("features").begin_array();
    for (const auto& t : tasks) {
        w.begin_object().key("type").value("Feature").key("geometry");
        if (t.unit == model::SurveyUnit::intersection) {
            w.begin_object().key("type").value("Point").key("coordinates");
            write_position(w, t.location);
            w.end_object();
        } else {
            const auto& b = t.area;
            w.begin_object().key("type").value("Polygon").key("coordinates").begin_array();
            write_ring(
                w, {{b.south, b.west}, {b.south, b.east}, {b.north, b.east}, {b.north, b.west}});
            w.end_array().end_object();
        }
        w.key("properties").begin_object();
        w.key("campaign").value(t.campaign_id);
        w.key("task").value(t.id);
        w.key("unit").value(model::to_string(t.unit));
        if (t.unit == model::SurveyUnit::intersection)
            w.key("radius_m").value(analysis::survey_radius_m);
        w.key("state").value(to_string(survey_state(t, now, stale_after_s)));
        write_outcome(w, t);
        w.end_object().end_object();
    }
    w.end_array().end_object();
    return out;
}

}  // namespace sightline::services
