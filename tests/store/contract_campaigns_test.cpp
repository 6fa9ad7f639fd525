// Survey campaigns in the store (CampaignStore): creating and listing campaigns, handing tasks
// out one volunteer at a time (also between two servers), answers counted once, agreement,
// disputes settled by moderators, and the survey layer's box query.
#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "contract_fixture.hpp"

namespace sightline::testing {
namespace {

constexpr std::int64_t created_at = 1'795'712'400;
constexpr std::int64_t hold_s = 1800;

// A 3 x 3 grid of crossings at 48.000-48.002 N, 11.000-11.003 E, each standing for a box of
// +-0.0005 degrees around it; tasks in row-major order from the south-west corner.
store::NewCampaign grid(std::string name, int answers_needed = 2) {
    store::NewCampaign c;
    c.name = std::move(name);
    c.unit = model::SurveyUnit::intersection;
    c.answers_needed = answers_needed;
    c.bbox = {10.999, 47.999, 11.004, 48.003};
    for (int row = 0; row < 3; ++row)
        for (int col = 0; col < 3; ++col) {
            const double lat = 48.000 + 0.001 * row;
            const double lon = 11.000 + 0.0015 * col;
            c.tasks.push_back(
                {{lat, lon}, {lon - 0.0005, lat - 0.0005, lon + 0.0005, lat + 0.0005}});
        }
    return c;
}

store::Decision by_moderator(std::string reason = "", std::int64_t at = created_at) {
    return {"mila", std::move(reason), at};
}

model::TaskAnswer answer(int cameras, std::string answer_id = "") {
    model::TaskAnswer a;
    a.cameras = cameras;
    a.answer_id = std::move(answer_id);
    return a;
}

TEST_P(StoreContract, ACampaignIsStoredWithItsTasksInOrder) {
    const auto before = store().survey_version();
    auto made = store().insert_campaign(grid("Grid"), by_moderator());
    ASSERT_TRUE(made) << made.error().message;
    EXPECT_GT(made->id, 0);
    EXPECT_EQ(made->name, "Grid");
    EXPECT_EQ(made->answers_needed, 2);
    EXPECT_EQ(made->created_at, created_at);
    EXPECT_GT(store().survey_version(), before) << "the writer reads its own change at once";

    auto found = store().find_campaign(made->id);
    ASSERT_TRUE(found) << found.error().message;
    EXPECT_EQ(found->campaign.name, "Grid");
    EXPECT_EQ(found->campaign.unit, model::SurveyUnit::intersection);
    EXPECT_EQ(found->campaign.bbox.west, 10.999);
    EXPECT_EQ(found->campaign.bbox.north, 48.003);
    EXPECT_EQ(found->campaign.created_at, created_at);
    EXPECT_EQ(found->tasks, 9);
    EXPECT_EQ(found->done, 0);
    EXPECT_EQ(found->disputed, 0);
    EXPECT_EQ(found->answers, 0);
    EXPECT_EQ(found->cameras_found, 0);

    // Tasks keep the order they were given in, with their exact coordinates.
    auto all = store().list_tasks(made->id, std::nullopt, 100);
    auto given = grid("Grid").tasks;
    ASSERT_EQ(all.size(), given.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
        EXPECT_EQ(all[i].campaign_id, made->id);
        EXPECT_EQ(all[i].location, given[i].location) << i;
        EXPECT_EQ(all[i].area.west, given[i].area.west) << i;
        EXPECT_EQ(all[i].area.south, given[i].area.south) << i;
        EXPECT_EQ(all[i].area.east, given[i].area.east) << i;
        EXPECT_EQ(all[i].area.north, given[i].area.north) << i;
        EXPECT_EQ(all[i].state, model::TaskState::open);
        EXPECT_EQ(all[i].held_until, 0);
        EXPECT_FALSE(all[i].cameras);
        EXPECT_EQ(all[i].answers, 0);
        if (i > 0) {
            EXPECT_GT(all[i].id, all[i - 1].id);
        }
    }
    EXPECT_EQ(store().list_tasks(made->id, std::nullopt, 4).size(), 4u);
    EXPECT_EQ(store().list_tasks(made->id, model::TaskState::done, 100).size(), 0u);

    auto task = store().find_task(made->id, all[4].id);
    ASSERT_TRUE(task) << task.error().message;
    EXPECT_EQ(task->location, all[4].location);
    EXPECT_EQ(store().find_task(made->id + 1, all[4].id).error().code, Errc::not_found);
    EXPECT_EQ(store().find_campaign(made->id + 1).error().code, Errc::not_found);
}

TEST_P(StoreContract, CampaignsAreListedNewestFirst) {
    EXPECT_TRUE(store().list_campaigns().empty());
    auto a = store().insert_campaign(grid("First"), by_moderator());
    auto empty = grid("Empty");
    empty.tasks.clear();
    empty.unit = model::SurveyUnit::cell;
    empty.answers_needed = 1;
    auto b = store().insert_campaign(empty, by_moderator());
    ASSERT_TRUE(a && b);
    auto all = store().list_campaigns();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].campaign.id, b->id);
    EXPECT_EQ(all[0].campaign.unit, model::SurveyUnit::cell);
    EXPECT_EQ(all[0].campaign.answers_needed, 1);
    EXPECT_EQ(all[0].tasks, 0) << "a campaign without tasks is listed too";
    EXPECT_EQ(all[1].campaign.id, a->id);
    EXPECT_EQ(all[1].tasks, 9);
}

TEST_P(StoreContract, TheNearestFreeTaskIsHeldForOneVolunteer) {
    auto campaign = store().insert_campaign(grid("Grid"), by_moderator());
    ASSERT_TRUE(campaign);
    const auto id = campaign->id;
    const auto all = store().list_tasks(id, std::nullopt, 100);
    const std::int64_t now = created_at + 60;

    // At the middle crossing, then next to the north-east one.
    auto middle = store().hold_nearest_task(id, {48.001, 11.0015}, now, hold_s);
    ASSERT_TRUE(middle) << middle.error().message;
    ASSERT_TRUE(*middle);
    EXPECT_EQ((*middle)->id, all[4].id);
    EXPECT_EQ((*middle)->held_until, now + hold_s);
    EXPECT_EQ(store().find_task(id, all[4].id)->held_until, now + hold_s);
    auto corner = store().hold_nearest_task(id, {48.0021, 11.0031}, now, hold_s);
    ASSERT_TRUE(corner && *corner);
    EXPECT_EQ((*corner)->id, all[8].id);

    // A degree of longitude counts 0.67 of one of latitude at 48 N (cos 48). From a point
    // 0.0009 north and 0.0012 east of the south-west corner, the crossing north of that corner
    // (0.0001 lat, 0.0012 lon away) is nearer than the one east of it (0.0009 lat, 0.0003 lon
    // away), though farther in plain degrees.
    auto scaled = store().hold_nearest_task(id, {48.0009, 11.0012}, now, hold_s);
    ASSERT_TRUE(scaled && *scaled);
    EXPECT_EQ((*scaled)->id, all[3].id)
        << "lat " << (*scaled)->location.lat << " lon " << (*scaled)->location.lon;

    // Every task once, then none while they are held.
    std::set<std::int64_t> handed{all[4].id, all[8].id, all[3].id};
    for (int i = 0; i < 6; ++i) {
        auto next = store().hold_nearest_task(id, {48.001, 11.0015}, now, hold_s);
        ASSERT_TRUE(next && *next) << i;
        EXPECT_TRUE(handed.insert((*next)->id).second) << "handed out twice: " << (*next)->id;
    }
    auto none = store().hold_nearest_task(id, {48.001, 11.0015}, now + 1, hold_s);
    ASSERT_TRUE(none);
    EXPECT_FALSE(*none);

    // When the hold runs out, the task is handed out again.
    auto again = store().hold_nearest_task(id, {48.001, 11.0015}, now + hold_s, hold_s);
    ASSERT_TRUE(again && *again);
    EXPECT_EQ((*again)->id, all[4].id);
    EXPECT_EQ((*again)->held_until, now + 2 * hold_s);

    EXPECT_EQ(store().hold_nearest_task(id + 1, {48, 11}, now, hold_s).error().code,
              Errc::not_found);
}

TEST_P(StoreContract, TwoServersNeverHandOutTheSameTask) {
    // 60 tasks, four volunteers at the same spot on two servers asking at once.
    store::NewCampaign big = grid("Big");
    big.tasks.clear();
    for (int i = 0; i < 60; ++i) {
        const double lat = 48.0 + 0.0001 * i;
        big.tasks.push_back({{lat, 11.0}, {10.9999, lat - 0.00005, 11.0001, lat + 0.00005}});
    }
    auto campaign = store().insert_campaign(big, by_moderator());
    ASSERT_TRUE(campaign);
    auto server_b = open_again();
    std::vector<std::vector<std::int64_t>> got(4);
    std::atomic<int> failures{0};
    std::vector<std::thread> volunteers;
    for (int v = 0; v < 4; ++v)
        volunteers.emplace_back([&, v] {
            auto& s = v % 2 == 0 ? store() : *server_b;
            for (int i = 0; i < 20; ++i) {
                auto t = s.hold_nearest_task(campaign->id, {48.003, 11.0}, created_at, hold_s);
                if (!t) {
                    ++failures;
                    continue;
                }
                if (*t) got[static_cast<std::size_t>(v)].push_back((*t)->id);
            }
        });
    for (auto& t : volunteers)
        t.join();
    EXPECT_EQ(failures.load(), 0);
    std::set<std::int64_t> handed;
    std::size_t total = 0;
    for (const auto& ids : got) {
        total += ids.size();
        handed.insert(ids.begin(), ids.end());
    }
    EXPECT_EQ(handed.size(), total) << "a task was handed to two volunteers";
    EXPECT_EQ(total, 60u) << "80 requests for 60 tasks: every task handed out once";
}

TEST_P(StoreContract, AnswersAreCountedOnceAndAgreeingAnswersFinishATask) {
    auto campaign = store().insert_campaign(grid("Grid"), by_moderator());
    ASSERT_TRUE(campaign);
    const auto id = campaign->id;
    const auto t = store().list_tasks(id, std::nullopt, 100)[0].id;
    auto held = store().hold_nearest_task(id, {48.0, 11.0}, created_at, hold_s);
    ASSERT_TRUE(held && *held && (*held)->id == t);

    auto version = store().survey_version();
    model::TaskAnswer first = answer(0, "a-1");
    first.report_ids = {17, 18};
    auto a = store().add_task_answer(id, t, first, created_at + 10);
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_TRUE(a->recorded);
    EXPECT_EQ(a->task.answers, 1);
    EXPECT_EQ(a->task.state, model::TaskState::open);
    EXPECT_EQ(a->task.held_until, 0) << "answered: free for the next volunteer";
    EXPECT_GT(store().survey_version(), version);

    // The offline queue delivering the same answer again changes nothing.
    version = store().survey_version();
    auto again = store().add_task_answer(id, t, answer(0, "a-1"), created_at + 20);
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_FALSE(again->recorded);
    EXPECT_EQ(again->task.answers, 1);
    EXPECT_EQ(again->task.state, model::TaskState::open);
    EXPECT_EQ(store().survey_version(), version);
    // The same answer_id on another task is another answer.
    const auto other = store().list_tasks(id, std::nullopt, 100)[1].id;
    auto elsewhere = store().add_task_answer(id, other, answer(3, "a-1"), created_at + 20);
    ASSERT_TRUE(elsewhere);
    EXPECT_TRUE(elsewhere->recorded);

    // A second volunteer agrees: done with their count, at the time of that answer.
    auto b = store().add_task_answer(id, t, answer(0), created_at + 30);
    ASSERT_TRUE(b) << b.error().message;
    EXPECT_TRUE(b->recorded);
    EXPECT_EQ(b->task.state, model::TaskState::done);
    ASSERT_TRUE(b->task.cameras);
    EXPECT_EQ(*b->task.cameras, 0);
    EXPECT_EQ(b->task.surveyed_at, created_at + 30);
    EXPECT_EQ(b->task.answers, 2);

    // A later answer is counted but a done task keeps its state and count.
    auto late = store().add_task_answer(id, t, answer(5), created_at + 40);
    ASSERT_TRUE(late);
    EXPECT_EQ(late->task.state, model::TaskState::done);
    EXPECT_EQ(*late->task.cameras, 0);
    EXPECT_EQ(late->task.surveyed_at, created_at + 30);
    EXPECT_EQ(late->task.answers, 3);
    // A done task is not handed out.
    for (int i = 0; i < 8; ++i) {
        auto next = store().hold_nearest_task(id, {48.0, 11.0}, created_at + 50, hold_s);
        ASSERT_TRUE(next && *next);
        EXPECT_NE((*next)->id, t);
    }

    auto summary = store().find_campaign(id);
    ASSERT_TRUE(summary);
    EXPECT_EQ(summary->done, 1);
    EXPECT_EQ(summary->answers, 4);
    EXPECT_EQ(summary->cameras_found, 0);

    EXPECT_EQ(store().add_task_answer(id, 999'999, answer(1), created_at).error().code,
              Errc::not_found);
    EXPECT_EQ(store().add_task_answer(id + 1, t, answer(1), created_at).error().code,
              Errc::not_found);
}

TEST_P(StoreContract, AnswersSentToTwoServersAtOnceAreEachCountedOnce) {
    // Eight volunteers' phones on two servers, each sending five answers and every one of them
    // twice (an offline queue retrying): forty answers, none lost, none counted twice.
    auto campaign = store().insert_campaign(grid("Grid", 10), by_moderator());
    ASSERT_TRUE(campaign);
    const auto t = store().list_tasks(campaign->id, std::nullopt, 100)[0].id;
    auto server_b = open_again();
    std::atomic<int> recorded{0};
    std::atomic<int> failures{0};
    std::vector<std::thread> senders;
    for (int v = 0; v < 8; ++v)
        senders.emplace_back([&, v] {
            auto& s = v % 2 == 0 ? store() : *server_b;
            for (int i = 0; i < 5; ++i)
                for (int attempt = 0; attempt < 2; ++attempt) {
                    try {
                        auto r = s.add_task_answer(
                            campaign->id, t,
                            answer(1, "phone-" + std::to_string(v) + "-" + std::to_string(i)),
                            created_at);
                        if (!r)
                            ++failures;
                        else if (r->recorded)
                            ++recorded;
                    } catch (const std::exception&) {
                        ++failures;
                    }
                }
        });
    for (auto& s : senders)
        s.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(recorded.load(), 40);
    auto task = store().find_task(campaign->id, t);
    ASSERT_TRUE(task);
    EXPECT_EQ(task->answers, 40);
    EXPECT_EQ(task->state, model::TaskState::done);
    EXPECT_EQ(task->cameras, 1);
    EXPECT_EQ(store().find_campaign(campaign->id)->answers, 40);
}

TEST_P(StoreContract, DisagreeingAnswersGoToAModeratorWhoSettlesTheCount) {
    auto campaign = store().insert_campaign(grid("Grid"), by_moderator());
    ASSERT_TRUE(campaign);
    const auto id = campaign->id;
    const auto all = store().list_tasks(id, std::nullopt, 100);
    const auto t = all[1].id;

    // needed + 2 answers without two agreeing: disputed (after the fourth, not before).
    for (int n : {1, 2, 3}) {
        auto r = store().add_task_answer(id, t, answer(n), created_at + n);
        ASSERT_TRUE(r) << r.error().message;
        EXPECT_EQ(r->task.state, model::TaskState::open) << n;
    }
    auto fourth = store().add_task_answer(id, t, answer(4), created_at + 4);
    ASSERT_TRUE(fourth);
    EXPECT_EQ(fourth->task.state, model::TaskState::disputed);
    EXPECT_FALSE(fourth->task.cameras);
    EXPECT_EQ(fourth->task.surveyed_at, 0);
    // Disputed stays disputed, even when a fifth answer agrees with one of them.
    auto fifth = store().add_task_answer(id, t, answer(2), created_at + 5);
    ASSERT_TRUE(fifth);
    EXPECT_EQ(fifth->task.state, model::TaskState::disputed);
    EXPECT_EQ(fifth->task.answers, 5);

    auto disputed = store().list_tasks(id, model::TaskState::disputed, 100);
    ASSERT_EQ(disputed.size(), 1u);
    EXPECT_EQ(disputed[0].id, t);
    EXPECT_EQ(store().list_tasks(id, model::TaskState::open, 100).size(), 8u);
    EXPECT_EQ(store().find_campaign(id)->disputed, 1);

    const auto version = store().survey_version();
    auto resolved = store().resolve_task(id, t, 2, by_moderator("went myself", created_at + 100));
    ASSERT_TRUE(resolved) << resolved.error().message;
    EXPECT_EQ(resolved->state, model::TaskState::done);
    EXPECT_EQ(resolved->cameras, 2);
    EXPECT_EQ(resolved->surveyed_at, created_at + 100);
    EXPECT_EQ(resolved->held_until, 0);
    EXPECT_GT(store().survey_version(), version);
    EXPECT_EQ(store().resolve_task(id, t, 3, by_moderator()).error().code, Errc::conflict);
    EXPECT_EQ(store().find_task(id, t)->cameras, 2) << "the conflict changed nothing";

    // An open task can be settled too (a moderator who went there).
    auto open = store().resolve_task(id, all[2].id, 0, by_moderator());
    ASSERT_TRUE(open) << open.error().message;
    EXPECT_EQ(open->state, model::TaskState::done);
    EXPECT_EQ(store().resolve_task(id, 999'999, 1, by_moderator()).error().code, Errc::not_found);
    EXPECT_EQ(store().resolve_task(id + 1, t, 1, by_moderator()).error().code, Errc::not_found);

    auto summary = store().find_campaign(id);
    ASSERT_TRUE(summary);
    EXPECT_EQ(summary->tasks, 9);
    EXPECT_EQ(summary->done, 2);
    EXPECT_EQ(summary->disputed, 0);
    EXPECT_EQ(summary->answers, 5);
    EXPECT_EQ(summary->cameras_found, 2);
}

TEST_P(StoreContract, TheSurveyLayerHoldsTheTasksWhoseGroundMeetsTheBox) {
    auto a = store().insert_campaign(grid("A"), by_moderator());
    ASSERT_TRUE(a);
    // A second campaign over the same ground, one more to the east.
    auto far = grid("Far");
    for (auto& t : far.tasks) {
        t.location.lon += 1;
        t.area.west += 1;
        t.area.east += 1;
    }
    auto b = store().insert_campaign(grid("B"), by_moderator());
    auto c = store().insert_campaign(far, by_moderator());
    ASSERT_TRUE(b && c);
    const auto tasks_a = store().list_tasks(a->id, std::nullopt, 100);
    const auto tasks_b = store().list_tasks(b->id, std::nullopt, 100);

    // Around the south-west crossing only.
    auto corner = store().survey_tasks_in({10.9998, 47.9998, 11.0002, 48.0002}, 100);
    ASSERT_EQ(corner.size(), 2u);
    EXPECT_EQ(corner[0].id, tasks_a[0].id);
    EXPECT_EQ(corner[1].id, tasks_b[0].id);
    EXPECT_EQ(corner[0].unit, model::SurveyUnit::intersection);
    // A box that only touches the ground of a task meets it.
    const double edge = tasks_a[0].area.east;
    auto touching = store().survey_tasks_in({edge, 48.0, edge + 0.0002, 48.0001}, 100);
    ASSERT_EQ(touching.size(), 2u);
    EXPECT_EQ(touching[0].id, tasks_a[0].id);
    // The whole grid, by id, at most `limit`.
    auto whole = store().survey_tasks_in({10.99, 47.99, 11.01, 48.01}, 100);
    ASSERT_EQ(whole.size(), 18u);
    for (std::size_t i = 1; i < whole.size(); ++i)
        EXPECT_GT(whole[i].id, whole[i - 1].id);
    EXPECT_EQ(store().survey_tasks_in({10.99, 47.99, 11.01, 48.01}, 5).size(), 5u);
    EXPECT_EQ(store().survey_tasks_in({10.99, 47.99, 12.01, 48.01}, 100).size(), 27u);
    EXPECT_TRUE(store().survey_tasks_in({20.0, 44.0, 20.1, 44.1}, 100).empty());
    // States travel with the tasks.
    ASSERT_TRUE(store().resolve_task(a->id, tasks_a[0].id, 1, by_moderator()));
    auto after = store().survey_tasks_in({10.9998, 47.9998, 11.0002, 48.0002}, 100);
    ASSERT_EQ(after.size(), 2u);
    EXPECT_EQ(after[0].state, model::TaskState::done);
    EXPECT_EQ(after[0].cameras, 1);
    EXPECT_EQ(after[1].state, model::TaskState::open);
}

}  // namespace
}  // namespace sightline::testing
