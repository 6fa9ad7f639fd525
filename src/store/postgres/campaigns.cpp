// PostgresStore: campaigns (see postgres_store.hpp).
#include "store/postgres/postgres_store.hpp"

#include "store/postgres/not_yet.hpp"

#pragma GCC diagnostic ignored "-Wunused-parameter"  // until written

namespace sightline::store {

Result<model::Campaign> PostgresStore::insert_campaign(const NewCampaign& campaign,
                                                       const Decision& decision) {
    postgres::not_yet("insert_campaign");
}

std::vector<model::CampaignSummary> PostgresStore::list_campaigns() {
    postgres::not_yet("list_campaigns");
}

Result<model::CampaignSummary> PostgresStore::find_campaign(std::int64_t id) {
    postgres::not_yet("find_campaign");
}

Result<std::optional<model::SurveyTask>> PostgresStore::hold_nearest_task(std::int64_t campaign,
                                                                          geo::LatLon near,
                                                                          std::int64_t now,
                                                                          std::int64_t hold_s) {
    postgres::not_yet("hold_nearest_task");
}

Result<model::SurveyTask> PostgresStore::find_task(std::int64_t campaign, std::int64_t task) {
    postgres::not_yet("find_task");
}

Result<AnsweredTask> PostgresStore::add_task_answer(std::int64_t campaign, std::int64_t task,
                                                    const model::TaskAnswer& answer,
                                                    std::int64_t now) {
    postgres::not_yet("add_task_answer");
}

std::vector<model::SurveyTask> PostgresStore::list_tasks(std::int64_t campaign,
                                                         std::optional<model::TaskState> state,
                                                         int limit) {
    postgres::not_yet("list_tasks");
}

Result<model::SurveyTask> PostgresStore::resolve_task(std::int64_t campaign, std::int64_t task,
                                                      int cameras, const Decision& decision) {
    postgres::not_yet("resolve_task");
}

std::vector<model::SurveyTask> PostgresStore::survey_tasks_in(const geo::BBox& bbox, int limit) {
    postgres::not_yet("survey_tasks_in");
}

}  // namespace sightline::store
