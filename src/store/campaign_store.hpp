#pragma once
// Storage of survey campaigns (model/campaign.hpp): their tasks, the answers volunteers give and
// the moderators' decisions on disputed tasks. SqliteStore implements it. Every method that
// changes something is one transaction.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "geo/bbox.hpp"
#include "model/campaign.hpp"
#include "store/store.hpp"

namespace sightline::store {

struct NewSurveyTask {
    geo::LatLon location;
    geo::BBox area;
};

struct NewCampaign {
    std::string name;
    model::SurveyUnit unit = model::SurveyUnit::intersection;
    int answers_needed = 2;
    geo::BBox bbox;
    std::vector<NewSurveyTask> tasks;
};

/// A task answered: the task after the answer, and whether the answer was new (false: an answer
/// with the same answer_id was already recorded, nothing changed).
struct AnsweredTask {
    model::SurveyTask task;
    bool recorded = true;
};

class CampaignStore {
  public:
    virtual ~CampaignStore() = default;

    /// The campaign and its tasks, with an audit event.
    virtual Result<model::Campaign> insert_campaign(const NewCampaign& campaign,
                                                    const Decision& decision) = 0;
    /// Newest first.
    virtual std::vector<model::CampaignSummary> list_campaigns() = 0;
    /// not_found if there is none.
    virtual Result<model::CampaignSummary> find_campaign(std::int64_t id) = 0;
    /// The open task nearest to `near` that nobody holds at `now`, now held until now + hold_s;
    /// nullopt when every open task is held or there is none left. not_found for no campaign.
    virtual Result<std::optional<model::SurveyTask>> hold_nearest_task(std::int64_t campaign,
                                                                       geo::LatLon near,
                                                                       std::int64_t now,
                                                                       std::int64_t hold_s) = 0;
    /// not_found if the task is not in that campaign.
    virtual Result<model::SurveyTask> find_task(std::int64_t campaign, std::int64_t task) = 0;
    /// Records the answer and moves the task as model::agree() says (open -> done or disputed;
    /// a done or disputed task keeps its state). not_found for no such task.
    virtual Result<AnsweredTask> add_task_answer(std::int64_t campaign, std::int64_t task,
                                                 const model::TaskAnswer& answer,
                                                 std::int64_t now) = 0;
    /// A campaign's tasks in one state (all when nullopt), by id, at most `limit`.
    virtual std::vector<model::SurveyTask> list_tasks(std::int64_t campaign,
                                                      std::optional<model::TaskState> state,
                                                      int limit) = 0;
    /// A moderator settles a disputed (or open) task with a count: it becomes done. conflict if
    /// it is done already; an audit event.
    virtual Result<model::SurveyTask> resolve_task(std::int64_t campaign, std::int64_t task,
                                                   int cameras, const Decision& decision) = 0;
    /// Tasks of every campaign whose ground meets `bbox`, at most `limit`: the survey layer.
    virtual std::vector<model::SurveyTask> survey_tasks_in(const geo::BBox& bbox, int limit) = 0;
    /// Monotonic counter bumped by every change to campaigns, tasks or answers (tile caches).
    virtual std::int64_t survey_version() = 0;
};

}  // namespace sightline::store
