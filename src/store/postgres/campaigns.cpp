// PostgresStore: survey campaigns, their tasks and answers (store/campaign_store.hpp), with the
// behaviour of store/sqlite/campaigns.cpp. Several servers hand out tasks and record answers at
// once: a task is held with FOR UPDATE SKIP LOCKED (two volunteers never get the same task), and
// the answers of one task are counted under the task row's lock.
#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "store/postgres/connection.hpp"
#include "store/postgres/pool.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/postgres/rows.hpp"

namespace sightline::store {

using postgres::Connection;
using postgres::Rows;
using postgres::Transaction;

namespace {

constexpr const char* task_columns =
    "SELECT t.id, t.campaign_id, c.unit, t.lat, t.lon, t.west, t.south, t.east, t.north, "
    "t.state, t.held_until, t.cameras, t.surveyed_at, t.answers FROM survey_tasks t JOIN "
    "campaigns c ON c.id = t.campaign_id";

model::TaskState parse_state(std::string_view text) {
    if (text == "done") return model::TaskState::done;
    if (text == "disputed") return model::TaskState::disputed;
    return model::TaskState::open;
}

model::SurveyTask task_row(const Rows& rows, int r) {
    model::SurveyTask t;
    t.id = rows.int64(r, 0);
    t.campaign_id = rows.int64(r, 1);
    t.unit = model::parse_survey_unit(rows.text(r, 2)).value_or(model::SurveyUnit::intersection);
    t.location = {rows.real(r, 3), rows.real(r, 4)};
    t.area = {rows.real(r, 5), rows.real(r, 6), rows.real(r, 7), rows.real(r, 8)};
    t.state = parse_state(rows.text(r, 9));
    t.held_until = rows.int64(r, 10);
    if (auto c = rows.optional_int64(r, 11)) t.cameras = static_cast<int>(*c);
    t.surveyed_at = rows.int64(r, 12);
    t.answers = rows.int64(r, 13);
    return t;
}

std::vector<model::SurveyTask> task_rows(const Rows& rows) {
    std::vector<model::SurveyTask> out;
    out.reserve(static_cast<std::size_t>(rows.size()));
    for (int r = 0; r < rows.size(); ++r)
        out.push_back(task_row(rows, r));
    return out;
}

/// The task; with `lock`, its row stays locked (FOR UPDATE) until the transaction ends, so the
/// read-check-write of an answer or a resolution is not interleaved with another server's.
std::optional<model::SurveyTask> read_task(Connection& db, std::int64_t campaign, std::int64_t task,
                                           bool lock = false) {
    static const std::string plain =
        fmt::format("{} WHERE t.id = $1 AND t.campaign_id = $2", task_columns);
    static const std::string locked = plain + " FOR UPDATE OF t";
    auto rows = db.run(lock ? locked : plain, task, campaign);
    if (rows.empty()) return std::nullopt;
    return task_row(rows, 0);
}

model::CampaignSummary summary_row(const Rows& rows, int r) {
    model::CampaignSummary c;
    c.campaign.id = rows.int64(r, 0);
    c.campaign.name = rows.string(r, 1);
    c.campaign.unit =
        model::parse_survey_unit(rows.text(r, 2)).value_or(model::SurveyUnit::intersection);
    c.campaign.answers_needed = static_cast<int>(rows.int64(r, 3));
    c.campaign.bbox = {rows.real(r, 4), rows.real(r, 5), rows.real(r, 6), rows.real(r, 7)};
    c.campaign.created_at = rows.int64(r, 8);
    c.tasks = rows.int64(r, 9);
    c.done = rows.int64(r, 10);
    c.disputed = rows.int64(r, 11);
    c.answers = rows.int64(r, 12);
    c.cameras_found = rows.int64(r, 13);
    return c;
}

constexpr const char* summary_columns =
    "SELECT c.id, c.name, c.unit, c.answers_needed, c.west, c.south, c.east, c.north, "
    "c.created_at, count(t.id), count(*) FILTER (WHERE t.state = 'done'), "
    "count(*) FILTER (WHERE t.state = 'disputed'), coalesce(sum(t.answers), 0), "
    "coalesce(sum(CASE WHEN t.state = 'done' THEN t.cameras ELSE 0 END), 0) FROM campaigns c "
    "LEFT JOIN survey_tasks t ON t.campaign_id = c.id";

int answers_needed(Connection& db, std::int64_t campaign) {
    auto rows = db.run("SELECT answers_needed FROM campaigns WHERE id = $1", campaign);
    return rows.empty() ? 1 : static_cast<int>(rows.int64(0, 0));
}

void bump_survey_version(Connection& db) {
    db.run("UPDATE counters SET value = value + 1 WHERE name = 'survey_version'");
}

bool campaign_exists(Connection& db, std::int64_t id) {
    return !db.run("SELECT 1 FROM campaigns WHERE id = $1", id).empty();
}

// Tasks go in a few statements of this many rows each (a campaign can have thousands; one
// round trip per task made creating a city-wide campaign slow), as a JSON array of arrays.
constexpr std::size_t tasks_per_insert = 2000;

}  // namespace

Result<model::Campaign> PostgresStore::insert_campaign(const NewCampaign& campaign,
                                                       const Decision& decision) {
    auto db = m_pool->acquire();
    Transaction tx(*db);
    const auto& b = campaign.bbox;
    auto inserted = db->run(
        "INSERT INTO campaigns (name, unit, answers_needed, west, south, east, north, "
        "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        campaign.name, model::to_string(campaign.unit), campaign.answers_needed, b.west, b.south,
        b.east, b.north, decision.at);
    model::Campaign out;
    out.id = inserted.int64(0, 0);
    out.name = campaign.name;
    out.unit = campaign.unit;
    out.answers_needed = campaign.answers_needed;
    out.bbox = campaign.bbox;
    out.created_at = decision.at;
    for (std::size_t first = 0; first < campaign.tasks.size(); first += tasks_per_insert) {
        const auto last = std::min(campaign.tasks.size(), first + tasks_per_insert);
        auto batch = nlohmann::json::array();
        for (std::size_t i = first; i < last; ++i) {
            const auto& t = campaign.tasks[i];
            batch.push_back({t.location.lat, t.location.lon, t.area.west, t.area.south, t.area.east,
                             t.area.north});
        }
        // In the array's order, so task ids follow the order given (as SQLite's do).
        db->run(
            "INSERT INTO survey_tasks (campaign_id, lat, lon, west, south, east, north) "
            "SELECT $1, (x.v->>0)::float8, (x.v->>1)::float8, (x.v->>2)::float8, "
            "(x.v->>3)::float8, (x.v->>4)::float8, (x.v->>5)::float8 "
            "FROM json_array_elements($2::json) WITH ORDINALITY AS x(v, n) ORDER BY x.n",
            out.id, batch.dump());
    }
    postgres::append_audit(*db, decision.at, decision.actor, "create_campaign",
                           fmt::format("campaigns/{}", out.id),
                           fmt::format("{} ({} tasks)", campaign.name, campaign.tasks.size()));
    bump_survey_version(*db);
    tx.commit();
    saw_change(*db);
    return out;
}

std::vector<model::CampaignSummary> PostgresStore::list_campaigns() {
    auto db = m_pool->acquire();
    static const std::string sql =
        fmt::format("{} GROUP BY c.id ORDER BY c.id DESC", summary_columns);
    auto rows = db->run(sql);
    std::vector<model::CampaignSummary> out;
    for (int r = 0; r < rows.size(); ++r)
        out.push_back(summary_row(rows, r));
    return out;
}

Result<model::CampaignSummary> PostgresStore::find_campaign(std::int64_t id) {
    auto db = m_pool->acquire();
    static const std::string sql = fmt::format("{} WHERE c.id = $1 GROUP BY c.id", summary_columns);
    auto rows = db->run(sql, id);
    if (rows.empty()) return fail(Errc::not_found, fmt::format("no campaign {}", id));
    return summary_row(rows, 0);
}

Result<std::optional<model::SurveyTask>> PostgresStore::hold_nearest_task(std::int64_t campaign,
                                                                          geo::LatLon near,
                                                                          std::int64_t now,
                                                                          std::int64_t hold_s) {
    auto db = m_pool->acquire();
    Transaction tx(*db);
    if (!campaign_exists(*db, campaign))
        return fail(Errc::not_found, fmt::format("no campaign {}", campaign));
    // The same order as SQLite's (squared distance in a plane scaled by cos(latitude), then id),
    // computed in the same float8 steps. SKIP LOCKED passes over a task another server is
    // handing out at this moment; the row lock is re-checked against held_until, so a task
    // held by a transaction that committed meanwhile is passed over too, never handed twice.
    const double k = std::cos(near.lat * 3.14159265358979 / 180);
    auto held = db->run(
        "UPDATE survey_tasks SET held_until = $6 WHERE id = (SELECT id FROM survey_tasks "
        "WHERE campaign_id = $1 AND state = 'open' AND held_until <= $2 "
        "ORDER BY (lat - $3) * (lat - $3) + (lon - $4) * (lon - $4) * $5, id LIMIT 1 "
        "FOR UPDATE SKIP LOCKED) AND state = 'open' AND held_until <= $2 RETURNING id",
        campaign, now, near.lat, near.lon, k * k, now + hold_s);
    if (held.empty()) return std::optional<model::SurveyTask>{};
    auto task = read_task(*db, campaign, held.int64(0, 0));
    tx.commit();
    return task;
}

Result<model::SurveyTask> PostgresStore::find_task(std::int64_t campaign, std::int64_t task) {
    auto db = m_pool->acquire();
    auto found = read_task(*db, campaign, task);
    if (!found)
        return fail(Errc::not_found, fmt::format("no task {} in campaign {}", task, campaign));
    return *found;
}

Result<AnsweredTask> PostgresStore::add_task_answer(std::int64_t campaign, std::int64_t task,
                                                    const model::TaskAnswer& answer,
                                                    std::int64_t now) {
    auto db = m_pool->acquire();
    Transaction tx(*db);
    // Locked: answers to one task from several servers are counted one after the other.
    auto before = read_task(*db, campaign, task, /*lock=*/true);
    if (!before)
        return fail(Errc::not_found, fmt::format("no task {} in campaign {}", task, campaign));
    std::optional<std::string> answer_id;
    if (!answer.answer_id.empty()) answer_id = answer.answer_id;
    // A retry of an answer already recorded (same task and answer_id) inserts nothing.
    auto inserted = db->run(
        "INSERT INTO survey_answers (task_id, at, cameras, report_ids, answer_id) "
        "VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (task_id, answer_id) WHERE answer_id IS NOT NULL DO NOTHING RETURNING id",
        task, now, answer.cameras, nlohmann::json(answer.report_ids).dump(), answer_id);
    if (inserted.empty()) return AnsweredTask{*before, false};

    std::vector<int> counts;
    auto all = db->run("SELECT cameras FROM survey_answers WHERE task_id = $1 ORDER BY id", task);
    for (int r = 0; r < all.size(); ++r)
        counts.push_back(static_cast<int>(all.int64(r, 0)));
    db->run("UPDATE survey_tasks SET answers = $1 WHERE id = $2",
            static_cast<std::int64_t>(counts.size()), task);
    if (before->state == model::TaskState::open) {
        auto agreement = model::agree(counts, answers_needed(*db, campaign));
        if (agreement.state == model::TaskState::done) {
            db->run(
                "UPDATE survey_tasks SET state = 'done', cameras = $1, surveyed_at = $2, "
                "held_until = 0 WHERE id = $3",
                *agreement.cameras, now, task);
        } else if (agreement.state == model::TaskState::disputed) {
            db->run("UPDATE survey_tasks SET state = 'disputed', held_until = 0 WHERE id = $1",
                    task);
        } else {
            // Answered: free it for the next volunteer (answers must come from several people).
            db->run("UPDATE survey_tasks SET held_until = 0 WHERE id = $1", task);
        }
    }
    bump_survey_version(*db);
    auto after = read_task(*db, campaign, task);
    tx.commit();
    saw_change(*db);
    return AnsweredTask{*after, true};
}

std::vector<model::SurveyTask> PostgresStore::list_tasks(std::int64_t campaign,
                                                         std::optional<model::TaskState> state,
                                                         int limit) {
    auto db = m_pool->acquire();
    static const std::string sql = fmt::format(
        "{} WHERE t.campaign_id = $1 AND ($2::text IS NULL OR t.state = $2) ORDER BY t.id "
        "LIMIT $3",
        task_columns);
    std::optional<std::string> state_text;
    if (state) state_text = std::string(model::to_string(*state));
    // SQLite reads a negative LIMIT as none; PostgreSQL refuses it (NULL is none).
    std::optional<std::int64_t> rows_limit;
    if (limit >= 0) rows_limit = limit;
    return task_rows(db->run(sql, campaign, state_text, rows_limit));
}

Result<model::SurveyTask> PostgresStore::resolve_task(std::int64_t campaign, std::int64_t task,
                                                      int cameras, const Decision& decision) {
    auto db = m_pool->acquire();
    Transaction tx(*db);
    auto before = read_task(*db, campaign, task, /*lock=*/true);
    if (!before)
        return fail(Errc::not_found, fmt::format("no task {} in campaign {}", task, campaign));
    if (before->state == model::TaskState::done)
        return fail(Errc::conflict, fmt::format("task {} is done already", task));
    db->run(
        "UPDATE survey_tasks SET state = 'done', cameras = $1, surveyed_at = $2, held_until = 0 "
        "WHERE id = $3",
        cameras, decision.at, task);
    postgres::append_audit(*db, decision.at, decision.actor, "resolve_task",
                           fmt::format("campaigns/{}/tasks/{}", campaign, task),
                           fmt::format("{} cameras{}{}", cameras,
                                       decision.reason.empty() ? "" : ": ", decision.reason));
    bump_survey_version(*db);
    auto after = read_task(*db, campaign, task);
    tx.commit();
    saw_change(*db);
    return *after;
}

std::vector<model::SurveyTask> PostgresStore::survey_tasks_in(const geo::BBox& bbox, int limit) {
    // SQLite's R*Tree finds nothing in a box turned inside out; ST_MakeEnvelope would turn it
    // right side out. The GiST test is on boxes rounded to float4; the exact one follows.
    if (!(bbox.west <= bbox.east && bbox.south <= bbox.north)) return {};
    auto db = m_pool->acquire();
    static const std::string sql = fmt::format(
        "{} WHERE t.bounds && ST_MakeEnvelope($1, $2, $3, $4, 4326) AND t.east >= $1 "
        "AND t.north >= $2 AND t.west <= $3 AND t.south <= $4 ORDER BY t.id LIMIT $5",
        task_columns);
    std::optional<std::int64_t> rows_limit;
    if (limit >= 0) rows_limit = limit;
    return task_rows(db->run(sql, bbox.west, bbox.south, bbox.east, bbox.north, rows_limit));
}

}  // namespace sightline::store
