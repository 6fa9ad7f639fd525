// SqliteStore: survey campaigns, their tasks and answers (store/campaign_store.hpp).

#include <cmath>
#include <limits>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "store/sqlite/connection.hpp"
#include "store/sqlite/read_pool.hpp"
#include "store/sqlite/rows.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace sightline::store {

using sqlite::Connection;
using sqlite::Statement;
using sqlite::Transaction;

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

model::SurveyTask task_row(const Statement& s) {
    model::SurveyTask t;
    t.id = s.int64(0);
    t.campaign_id = s.int64(1);
    t.unit = model::parse_survey_unit(s.text(2)).value_or(model::SurveyUnit::intersection);
    t.location = {s.real(3), s.real(4)};
    t.area = {s.real(5), s.real(6), s.real(7), s.real(8)};
    t.state = parse_state(s.text(9));
    t.held_until = s.int64(10);
    if (auto c = s.optional_int64(11)) t.cameras = static_cast<int>(*c);
    t.surveyed_at = s.int64(12);
    t.answers = s.int64(13);
    return t;
}

std::optional<model::SurveyTask> read_task(Connection& db, std::int64_t campaign,
                                           std::int64_t task) {
    auto stmt = db.prepare(fmt::format("{} WHERE t.id = ?1 AND t.campaign_id = ?2", task_columns));
    stmt.bind_all(task, campaign);
    if (!stmt.step()) return std::nullopt;
    return task_row(stmt);
}

model::CampaignSummary summary_row(const Statement& s) {
    model::CampaignSummary c;
    c.campaign.id = s.int64(0);
    c.campaign.name = s.string(1);
    c.campaign.unit = model::parse_survey_unit(s.text(2)).value_or(model::SurveyUnit::intersection);
    c.campaign.answers_needed = static_cast<int>(s.int64(3));
    c.campaign.bbox = {s.real(4), s.real(5), s.real(6), s.real(7)};
    c.campaign.created_at = s.int64(8);
    c.tasks = s.int64(9);
    c.done = s.int64(10);
    c.disputed = s.int64(11);
    c.answers = s.int64(12);
    c.cameras_found = s.int64(13);
    return c;
}

constexpr const char* summary_columns =
    "SELECT c.id, c.name, c.unit, c.answers_needed, c.west, c.south, c.east, c.north, "
    "c.created_at, count(t.id), coalesce(sum(t.state = 'done'), 0), "
    "coalesce(sum(t.state = 'disputed'), 0), coalesce(sum(t.answers), 0), "
    "coalesce(sum(CASE WHEN t.state = 'done' THEN t.cameras ELSE 0 END), 0) FROM campaigns c "
    "LEFT JOIN survey_tasks t ON t.campaign_id = c.id";

int answers_needed(Connection& db, std::int64_t campaign) {
    auto stmt = db.prepare("SELECT answers_needed FROM campaigns WHERE id = ?1");
    stmt.bind(1, campaign);
    return stmt.step() ? static_cast<int>(stmt.int64(0)) : 1;
}

void bump_survey_version(Connection& db) {
    db.execute("UPDATE meta SET value = value + 1 WHERE key = 'survey_version'");
}

bool campaign_exists(Connection& db, std::int64_t id) {
    auto stmt = db.prepare("SELECT 1 FROM campaigns WHERE id = ?1");
    stmt.bind(1, id);
    return stmt.step();
}

}  // namespace

Result<model::Campaign> SqliteStore::insert_campaign(const NewCampaign& campaign,
                                                     const Decision& decision) {
    std::lock_guard lock(m_write_mutex);
    auto& db = *m_writer;
    Transaction tx(db);
    auto insert = db.prepare(
        "INSERT INTO campaigns (name, unit, answers_needed, west, south, east, north, "
        "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    const auto& b = campaign.bbox;
    insert.bind_all(campaign.name, model::to_string(campaign.unit),
                    static_cast<std::int64_t>(campaign.answers_needed), b.west, b.south, b.east,
                    b.north, decision.at);
    insert.run();
    model::Campaign out;
    out.id = db.last_insert_rowid();
    out.name = campaign.name;
    out.unit = campaign.unit;
    out.answers_needed = campaign.answers_needed;
    out.bbox = campaign.bbox;
    out.created_at = decision.at;
    for (const auto& task : campaign.tasks) {
        auto row = db.prepare(
            "INSERT INTO survey_tasks (campaign_id, lat, lon, west, south, east, north) VALUES "
            "(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        row.bind_all(out.id, task.location.lat, task.location.lon, task.area.west, task.area.south,
                     task.area.east, task.area.north);
        row.run();
        auto index = db.prepare(
            "INSERT INTO survey_task_index (id, min_lat, max_lat, min_lon, max_lon) VALUES (?1, "
            "?2, ?3, ?4, ?5)");
        index.bind_all(db.last_insert_rowid(), task.area.south, task.area.north, task.area.west,
                       task.area.east);
        index.run();
    }
    sqlite::append_audit(db, decision.at, decision.actor, "create_campaign",
                         fmt::format("campaigns/{}", out.id),
                         fmt::format("{} ({} tasks)", campaign.name, campaign.tasks.size()));
    bump_survey_version(db);
    tx.commit();
    return out;
}

std::vector<model::CampaignSummary> SqliteStore::list_campaigns() {
    auto db = m_readers->acquire();
    auto stmt = db->prepare(fmt::format("{} GROUP BY c.id ORDER BY c.id DESC", summary_columns));
    std::vector<model::CampaignSummary> out;
    while (stmt.step())
        out.push_back(summary_row(stmt));
    return out;
}

Result<model::CampaignSummary> SqliteStore::find_campaign(std::int64_t id) {
    auto db = m_readers->acquire();
    auto stmt = db->prepare(fmt::format("{} WHERE c.id = ?1 GROUP BY c.id", summary_columns));
    stmt.bind(1, id);
    if (!stmt.step()) return fail(Errc::not_found, fmt::format("no campaign {}", id));
    return summary_row(stmt);
}

Result<std::optional<model::SurveyTask>> SqliteStore::hold_nearest_task(std::int64_t campaign,
                                                                        geo::LatLon near,
                                                                        std::int64_t now,
                                                                        std::int64_t hold_s) {
    std::lock_guard lock(m_write_mutex);
    auto& db = *m_writer;
    Transaction tx(db);
    if (!campaign_exists(db, campaign))
        return fail(Errc::not_found, fmt::format("no campaign {}", campaign));
    // Nearest by squared distance in a plane scaled by cos(latitude): exact enough to pick a
    // corner in a city, and one indexed scan of the campaign's open tasks.
    const double k = std::cos(near.lat * 3.14159265358979 / 180);
    auto pick = db.prepare(
        "SELECT id FROM survey_tasks WHERE campaign_id = ?1 AND state = 'open' AND held_until "
        "<= ?2 ORDER BY (lat - ?3) * (lat - ?3) + (lon - ?4) * (lon - ?4) * ?5, id LIMIT 1");
    pick.bind_all(campaign, now, near.lat, near.lon, k * k);
    if (!pick.step()) return std::optional<model::SurveyTask>{};
    const std::int64_t id = pick.int64(0);
    auto hold = db.prepare("UPDATE survey_tasks SET held_until = ?1 WHERE id = ?2");
    hold.bind_all(now + hold_s, id);
    hold.run();
    auto task = read_task(db, campaign, id);
    tx.commit();
    return task;
}

Result<model::SurveyTask> SqliteStore::find_task(std::int64_t campaign, std::int64_t task) {
    auto db = m_readers->acquire();
    auto found = read_task(*db, campaign, task);
    if (!found)
        return fail(Errc::not_found, fmt::format("no task {} in campaign {}", task, campaign));
    return *found;
}

Result<AnsweredTask> SqliteStore::add_task_answer(std::int64_t campaign, std::int64_t task,
                                                  const model::TaskAnswer& answer,
                                                  std::int64_t now) {
    std::lock_guard lock(m_write_mutex);
    auto& db = *m_writer;
    Transaction tx(db);
    auto before = read_task(db, campaign, task);
    if (!before)
        return fail(Errc::not_found, fmt::format("no task {} in campaign {}", task, campaign));
    if (!answer.answer_id.empty()) {
        auto seen =
            db.prepare("SELECT 1 FROM survey_answers WHERE task_id = ?1 AND answer_id = ?2");
        seen.bind_all(task, answer.answer_id);
        if (seen.step()) return AnsweredTask{*before, false};
    }
    auto insert = db.prepare(
        "INSERT INTO survey_answers (task_id, at, cameras, report_ids, answer_id) VALUES (?1, "
        "?2, ?3, ?4, ?5)");
    insert.bind_all(task, now, static_cast<std::int64_t>(answer.cameras),
                    nlohmann::json(answer.report_ids).dump());
    if (answer.answer_id.empty())
        insert.bind(5, std::nullopt);
    else
        insert.bind(5, answer.answer_id);
    insert.run();

    std::vector<int> counts;
    auto all = db.prepare("SELECT cameras FROM survey_answers WHERE task_id = ?1 ORDER BY id");
    all.bind(1, task);
    while (all.step())
        counts.push_back(static_cast<int>(all.int64(0)));
    auto update = db.prepare("UPDATE survey_tasks SET answers = ?1 WHERE id = ?2");
    update.bind_all(static_cast<std::int64_t>(counts.size()), task);
    update.run();
    if (before->state == model::TaskState::open) {
        auto agreement = model::agree(counts, answers_needed(db, campaign));
        if (agreement.state == model::TaskState::done) {
            auto done = db.prepare(
                "UPDATE survey_tasks SET state = 'done', cameras = ?1, surveyed_at = ?2, "
                "held_until = 0 WHERE id = ?3");
            done.bind_all(static_cast<std::int64_t>(*agreement.cameras), now, task);
            done.run();
        } else if (agreement.state == model::TaskState::disputed) {
            auto disputed = db.prepare(
                "UPDATE survey_tasks SET state = 'disputed', held_until = 0 WHERE id = ?1");
            disputed.bind(1, task);
            disputed.run();
        } else {
            // Answered: free it for the next volunteer (answers must come from several people).
            auto release = db.prepare("UPDATE survey_tasks SET held_until = 0 WHERE id = ?1");
            release.bind(1, task);
            release.run();
        }
    }
    bump_survey_version(db);
    auto after = read_task(db, campaign, task);
    tx.commit();
    return AnsweredTask{*after, true};
}

std::vector<model::SurveyTask> SqliteStore::list_tasks(std::int64_t campaign,
                                                       std::optional<model::TaskState> state,
                                                       int limit) {
    auto db = m_readers->acquire();
    auto stmt = db->prepare(fmt::format(
        "{} WHERE t.campaign_id = ?1 AND (?2 IS NULL OR t.state = ?2) ORDER BY t.id LIMIT ?3",
        task_columns));
    stmt.bind(1, campaign);
    if (state)
        stmt.bind(2, model::to_string(*state));
    else
        stmt.bind(2, std::nullopt);
    stmt.bind(3, static_cast<std::int64_t>(limit));
    std::vector<model::SurveyTask> out;
    while (stmt.step())
        out.push_back(task_row(stmt));
    return out;
}

Result<model::SurveyTask> SqliteStore::resolve_task(std::int64_t campaign, std::int64_t task,
                                                    int cameras, const Decision& decision) {
    std::lock_guard lock(m_write_mutex);
    auto& db = *m_writer;
    Transaction tx(db);
    auto before = read_task(db, campaign, task);
    if (!before)
        return fail(Errc::not_found, fmt::format("no task {} in campaign {}", task, campaign));
    if (before->state == model::TaskState::done)
        return fail(Errc::conflict, fmt::format("task {} is done already", task));
    auto done = db.prepare(
        "UPDATE survey_tasks SET state = 'done', cameras = ?1, surveyed_at = ?2, held_until = 0 "
        "WHERE id = ?3");
    done.bind_all(static_cast<std::int64_t>(cameras), decision.at, task);
    done.run();
    sqlite::append_audit(db, decision.at, decision.actor, "resolve_task",
                         fmt::format("campaigns/{}/tasks/{}", campaign, task),
                         fmt::format("{} cameras{}{}", cameras, decision.reason.empty() ? "" : ": ",
                                     decision.reason));
    bump_survey_version(db);
    auto after = read_task(db, campaign, task);
    tx.commit();
    return *after;
}

std::vector<model::SurveyTask> SqliteStore::survey_tasks_in(const geo::BBox& bbox, int limit) {
    auto db = m_readers->acquire();
    auto stmt = db->prepare(fmt::format(
        "{} WHERE t.id IN (SELECT id FROM survey_task_index WHERE max_lat >= ?1 AND min_lat <= "
        "?2 AND max_lon >= ?3 AND min_lon <= ?4) ORDER BY t.id LIMIT ?5",
        task_columns));
    stmt.bind_all(bbox.south, bbox.north, bbox.west, bbox.east, static_cast<std::int64_t>(limit));
    std::vector<model::SurveyTask> out;
    while (stmt.step())
        out.push_back(task_row(stmt));
    return out;
}

std::int64_t SqliteStore::survey_version() {
    auto db = m_readers->acquire();
    return db->query_int64("SELECT value FROM meta WHERE key = 'survey_version'");
}

}  // namespace sightline::store
