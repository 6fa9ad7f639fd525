// Camera reads: bbox listings (checked against brute force), filters, nearby, full scan, import.
#include <algorithm>
#include <random>

#include <gtest/gtest.h>

#include "geo/distance.hpp"
#include "store_test_support.hpp"

namespace sightline::store::testing {

namespace {

model::Tags random_tags(std::mt19937_64& rng) {
    static const std::vector<std::string> types{"fixed", "dome", "panning"};
    static const std::vector<std::string> kinds{"camera", "ALPR", "guard"};
    model::Tags tags{{"man_made", "surveillance"}};
    std::uniform_int_distribution<int> pick(0, 2);
    if (pick(rng) != 0) tags["camera:type"] = types[pick(rng)];
    tags["surveillance:type"] = kinds[pick(rng)];
    if (pick(rng) == 0) tags["operator"] = "Град Београд";
    return tags;
}

/// Cameras and a fully loaded copy for brute-force comparisons.
class Cameras : public StoreTest {
  protected:
    std::vector<model::Camera> all;

    void fill(int n, std::uint64_t seed) {
        std::mt19937_64 rng(seed);
        std::uniform_real_distribution<double> lat(44.70, 44.90);
        std::uniform_real_distribution<double> lon(20.30, 20.60);
        std::vector<model::NewCamera> batch;
        for (int i = 0; i < n; ++i) {
            auto status = static_cast<model::CameraStatus>(i % 4);
            batch.push_back({{lat(rng), lon(rng)}, status, random_tags(rng)});
        }
        // A few cameras exactly on box edges used below.
        batch.push_back({{44.75, 20.40}, model::CameraStatus::verified, {}});
        batch.push_back({{44.80, 20.50}, model::CameraStatus::verified, {}});
        auto ids = store->insert_cameras(batch, decision("test import"));
        ASSERT_TRUE(ids) << ids.error().message;
        store->for_each_camera([&](const model::Camera& c) { all.push_back(c); });
    }

    std::vector<model::CameraId> brute_force(const CameraQuery& q) const {
        std::vector<model::CameraId> out;
        for (const auto& c : all) {
            if (q.bbox && !q.bbox->contains(c.location)) continue;
            if (q.kind && model::camera_kind(c.tags) != *q.kind) continue;
            if (q.status && c.status != *q.status) continue;
            if (!q.include_removed && !q.status && c.status == model::CameraStatus::removed)
                continue;
            out.push_back(c.id);
        }
        if (out.size() > static_cast<std::size_t>(std::max(q.limit, 0))) out.resize(q.limit);
        return out;
    }

    static std::vector<model::CameraId> ids_of(const std::vector<model::Camera>& cameras) {
        std::vector<model::CameraId> ids;
        for (const auto& c : cameras)
            ids.push_back(c.id);
        return ids;
    }
};

}  // namespace

TEST_F(Cameras, StampsListEveryCameraWithItsPlaceTimeAndRemovalInIdOrder) {
    fill(50, 17);  // statuses cycle through all four, removed included
    auto stamps = store->camera_stamps();
    ASSERT_EQ(stamps.size(), all.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
        EXPECT_EQ(stamps[i].id, all[i].id);
        EXPECT_EQ(stamps[i].updated_at, all[i].updated_at);
        EXPECT_EQ(stamps[i].location, all[i].location);
        EXPECT_EQ(stamps[i].removed, all[i].status == model::CameraStatus::removed);
    }
    EXPECT_TRUE(std::any_of(stamps.begin(), stamps.end(), [](const auto& s) { return s.removed; }));
}

TEST_F(Cameras, BboxListingsMatchABruteForceFilterOnRandomBoxes) {
    fill(3000, 42);
    ASSERT_EQ(all.size(), 3002u);
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> lat(44.68, 44.92);
    std::uniform_real_distribution<double> lon(20.28, 20.62);
    std::uniform_real_distribution<double> size(0.001, 0.15);
    std::uniform_int_distribution<int> pick(0, 5);
    for (int round = 0; round < 200; ++round) {
        CameraQuery q;
        double s = lat(rng);
        double w = lon(rng);
        q.bbox = geo::BBox{w, s, w + size(rng), s + size(rng)};
        switch (pick(rng)) {
            case 0:
                q.kind = "dome";
                break;
            case 1:
                q.status = model::CameraStatus::removed;
                break;
            case 2:
                q.include_removed = true;
                break;
            case 3:
                q.status = model::CameraStatus::verified, q.kind = "ALPR";
                break;
            default:
                break;
        }
        q.limit = round % 3 == 0 ? 10 : 5000;
        EXPECT_EQ(ids_of(store->find_cameras(q)), brute_force(q)) << "round " << round;
    }
}

TEST_F(Cameras, TreatsBoxEdgesAsInsideDespiteTheFloatPrecisionOfTheIndex) {
    fill(10, 1);
    CameraQuery q;
    q.bbox = geo::BBox{20.40, 44.75, 20.50, 44.80};
    auto found = ids_of(store->find_cameras(q));
    EXPECT_EQ(found, brute_force(q));
    q.bbox = geo::BBox{20.40, 44.75, 20.40, 44.75};  // a point box on a camera
    ASSERT_EQ(store->find_cameras(q).size(), 1u);
    q.bbox = geo::BBox{20.4000001, 44.75, 20.41, 44.76};  // just east of it
    EXPECT_TRUE(store->find_cameras(q).empty());
}

TEST_F(Cameras, LargeBoxesWithASmallLimitReturnTheLowestIds) {
    // Exercises the id-order scan chosen for boxes holding far more cameras than the limit.
    fill(3000, 3);
    for (int limit : {1, 10, 100}) {
        CameraQuery q;
        q.bbox = geo::BBox{20.0, 44.0, 21.0, 45.0};
        q.limit = limit;
        EXPECT_EQ(ids_of(store->find_cameras(q)), brute_force(q)) << limit;
        q.kind = "fixed";
        EXPECT_EQ(ids_of(store->find_cameras(q)), brute_force(q)) << limit;
        q.bbox = geo::BBox{20.3, 44.7, 20.45, 44.8};
        EXPECT_EQ(ids_of(store->find_cameras(q)), brute_force(q)) << limit;
    }
}

TEST_F(Cameras, HidesRemovedCamerasUnlessAskedFor) {
    auto camera = store->accept_report(add_report(), decision());
    ASSERT_TRUE(camera);
    ASSERT_TRUE(store->remove_camera(camera->id, decision("gone")));
    CameraQuery q;
    q.bbox = geo::BBox::around(camera->location, 100);
    EXPECT_TRUE(store->find_cameras(q).empty());
    EXPECT_TRUE(store->find_cameras({}).empty());
    EXPECT_TRUE(store->cameras_near(camera->location, 100, 10).empty());
    q.include_removed = true;
    EXPECT_EQ(store->find_cameras(q).size(), 1u);
    q.include_removed = false;
    q.status = model::CameraStatus::removed;
    EXPECT_EQ(store->find_cameras(q).size(), 1u);
    int visited = 0;
    store->for_each_camera([&](const model::Camera&) { ++visited; });
    EXPECT_EQ(visited, 1) << "for_each_camera includes removed cameras";
}

TEST_F(Cameras, ListsWithoutABoxInIdOrderUpToTheLimit) {
    fill(50, 9);
    CameraQuery q;
    q.limit = 7;
    EXPECT_EQ(ids_of(store->find_cameras(q)), brute_force(q));
    q.kind = "ALPR";
    EXPECT_EQ(ids_of(store->find_cameras(q)), brute_force(q));
    q.limit = 0;
    EXPECT_TRUE(store->find_cameras(q).empty());
    q.limit = -1;
    EXPECT_TRUE(store->find_cameras(q).empty());
}

TEST_F(Cameras, NearbyCamerasComeNearestFirstWithinTheRadius) {
    geo::LatLon centre{44.8125, 20.4612};
    std::vector<model::NewCamera> batch;
    for (double metres : {300.0, 10.0, 120.0, 40.0, 80.0, 500.0})
        batch.push_back({geo::destination(centre, metres * 7, metres),
                         model::CameraStatus::verified,
                         {{"note", std::to_string(static_cast<int>(metres))}}});
    ASSERT_TRUE(store->insert_cameras(batch, decision()));
    auto near = store->cameras_near(centre, 150, 10);
    std::vector<std::string> order;
    for (const auto& c : near)
        order.push_back(c.tags.at("note"));
    EXPECT_EQ(order, (std::vector<std::string>{"10", "40", "80", "120"}));
    EXPECT_EQ(store->cameras_near(centre, 150, 2).size(), 2u);
    EXPECT_TRUE(store->cameras_near(centre, 5, 10).empty());
    EXPECT_TRUE(store->cameras_near(centre, 150, 0).empty());
}

TEST_F(Cameras, ForEachVisitsEveryCameraInIdOrderAcrossPages) {
    std::vector<model::NewCamera> batch(1300, {{44.8, 20.4}, model::CameraStatus::reported, {}});
    auto ids = store->insert_cameras(batch, decision());
    ASSERT_TRUE(ids);
    std::vector<model::CameraId> seen;
    store->for_each_camera([&](const model::Camera& c) {
        seen.push_back(c.id);
        if (seen.size() == 600) {
            EXPECT_TRUE(store->find_camera(c.id)) << "visit may use the store";
        }
    });
    EXPECT_EQ(seen, *ids);
}

TEST_F(Cameras, ImportRoundTripsCamerasAndAppendsOneHistoryEntryEach) {
    std::vector<model::NewCamera> batch{
        {{44.81, 20.46},
         model::CameraStatus::verified,
         {{"operator", "ЕПС"}, {"camera:type", "dome"}}},
        {{44.82, 20.47}, model::CameraStatus::reported, {{"surveillance:type", "ALPR"}}},
    };
    auto ids = store->insert_cameras(batch, decision("import-csv"));
    ASSERT_TRUE(ids);
    ASSERT_EQ(ids->size(), 2u);
    auto first = store->find_camera((*ids)[0]);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->location, batch[0].location);
    EXPECT_EQ(first->status, model::CameraStatus::verified);
    EXPECT_EQ(first->tags, batch[0].tags);
    EXPECT_EQ(first->confirmations, 0);
    EXPECT_EQ(first->first_seen, decision_time);
    EXPECT_EQ(first->last_verified, decision_time);
    EXPECT_TRUE(first->report_ids.empty());
    EXPECT_EQ(store->find_camera((*ids)[1])->last_verified, 0);
    auto history = store->camera_history((*ids)[1]);
    ASSERT_EQ(history.size(), 1u);
    EXPECT_EQ(history[0].action, "imported");
    EXPECT_EQ(history[0].report_id, std::nullopt);
    EXPECT_EQ(count("SELECT count(*) FROM audit_events"), 1);

    CameraQuery alpr;
    alpr.kind = "ALPR";
    EXPECT_EQ(ids_of(store->find_cameras(alpr)), std::vector<model::CameraId>{(*ids)[1]});
}

TEST_F(Cameras, ImportReturnsIdsInInputOrderThoughRowsAreWrittenInSpatialOrder) {
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> lat(-60, 60);
    std::uniform_real_distribution<double> lon(-170, 170);
    std::vector<model::NewCamera> batch;
    for (int i = 0; i < 500; ++i)
        batch.push_back(
            {{lat(rng), lon(rng)}, model::CameraStatus::reported, {{"ref", std::to_string(i)}}});
    auto ids = store->insert_cameras(batch, decision());
    ASSERT_TRUE(ids);
    ASSERT_EQ(ids->size(), batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) {
        auto camera = store->find_camera((*ids)[i]);
        ASSERT_TRUE(camera);
        EXPECT_EQ(camera->location, batch[i].location);
        EXPECT_EQ(camera->tags.at("ref"), std::to_string(i));
    }
    auto audit = store->list_audit(1, std::nullopt);
    auto [low, high] = std::minmax_element(ids->begin(), ids->end());
    EXPECT_EQ(audit[0].subject,
              "cameras/" + std::to_string(low->value) + "-" + std::to_string(high->value));
}

TEST_F(Cameras, ImportRefusesAnInvalidLocationAndWritesNothing) {
    std::vector<model::NewCamera> batch{{{44.8, 20.4}, model::CameraStatus::reported, {}},
                                        {{44.8, 200.0}, model::CameraStatus::reported, {}}};
    auto ids = store->insert_cameras(batch, decision());
    ASSERT_FALSE(ids);
    EXPECT_EQ(ids.error().code, Errc::invalid_argument);
    EXPECT_NE(ids.error().message.find("camera 2"), std::string::npos);
    EXPECT_EQ(count("SELECT count(*) FROM cameras"), 0);
}

TEST_F(Cameras, StatsCountCamerasAndReports) {
    std::vector<model::NewCamera> batch{
        {{44.81, 20.46},
         model::CameraStatus::verified,
         {{"operator", "ЕПС"}, {"camera:type", "dome"}}},
        {{44.82, 20.47},
         model::CameraStatus::verified,
         {{"operator", "ЕПС"}, {"manufacturer", "Hikvision"}}},
        {{44.83, 20.48}, model::CameraStatus::reported, {{"surveillance:type", "ALPR"}}},
        {{44.84, 20.49}, model::CameraStatus::removed, {{"operator", "Gone"}}},
    };
    ASSERT_TRUE(store->insert_cameras(batch, decision()));
    add_report();
    ASSERT_TRUE(store->insert_report(belgrade_report(), withdraw_hash_a, report_time + 86400));
    ASSERT_TRUE(store->reject_report(add_report(), decision("no")));

    auto s = store->stats();
    EXPECT_EQ(s.cameras_total, 3);
    using Counts = std::vector<std::pair<std::string, std::int64_t>>;
    EXPECT_EQ(s.cameras_by_status, (Counts{{"verified", 2}, {"removed", 1}, {"reported", 1}}));
    EXPECT_EQ(s.cameras_by_kind, (Counts{{"ALPR", 1}, {"dome", 1}, {"unknown", 1}}));
    EXPECT_EQ(s.cameras_by_operator, (Counts{{"ЕПС", 2}}));
    EXPECT_EQ(s.cameras_by_manufacturer, (Counts{{"Hikvision", 1}}));
    EXPECT_EQ(s.reports_by_status, (Counts{{"pending", 2}, {"rejected", 1}}));
    EXPECT_EQ(s.reports_by_day, (Counts{{"2026-11-26", 2}, {"2026-11-27", 1}}));
}

}  // namespace sightline::store::testing

namespace sightline::store::testing {

TEST_F(Cameras, CamerasChangedAtIsTheNewestHistoryEntry) {
    EXPECT_EQ(store->cameras_changed_at(), 0) << "no camera yet";
    auto camera = store->accept_report(add_report(), decision("ok", decision_time));
    ASSERT_TRUE(camera);
    EXPECT_EQ(store->cameras_changed_at(), decision_time);
    ASSERT_TRUE(store->remove_camera(camera->id, decision("gone", decision_time + 600)));
    EXPECT_EQ(store->cameras_changed_at(), decision_time + 600);
}

TEST_F(Cameras, EventsInABoxAreTheNewestHistoryEntriesOfCamerasInsideIt) {
    fill(300, 21);
    const geo::BBox box{20.40, 44.75, 20.50, 44.80};
    // Every camera has one "imported" entry; later ones for two cameras of the box and one out.
    std::vector<model::CameraId> inside;
    model::CameraId outside{0};
    for (const auto& c : all) {
        if (box.contains(c.location) && c.status != model::CameraStatus::removed &&
            inside.size() < 2)
            inside.push_back(c.id);
        if (!box.contains(c.location) && c.status != model::CameraStatus::removed) outside = c.id;
    }
    ASSERT_EQ(inside.size(), 2u);
    ASSERT_TRUE(store->remove_camera(inside[0], decision("gone", decision_time + 10)));
    ASSERT_TRUE(store->remove_camera(outside, decision("gone", decision_time + 20)));
    ASSERT_TRUE(store->remove_camera(inside[1], decision("gone", decision_time + 30)));

    auto events = store->camera_events_in(box, 5);
    ASSERT_EQ(events.size(), 5u);
    EXPECT_EQ(events[0].camera.id, inside[1]);
    EXPECT_EQ(events[0].event.action, "removed");
    EXPECT_EQ(events[0].event.at, decision_time + 30);
    EXPECT_EQ(events[0].camera.status, model::CameraStatus::removed);
    EXPECT_EQ(events[1].camera.id, inside[0]);
    EXPECT_EQ(events[1].event.action, "removed");
    for (std::size_t i = 0; i < events.size(); ++i) {
        EXPECT_TRUE(box.contains(events[i].camera.location)) << i;
        if (i > 0) {
            EXPECT_LT(events[i].entry_id, events[i - 1].entry_id) << "newest first";
        }
    }
    for (std::size_t i = 2; i < events.size(); ++i)
        EXPECT_EQ(events[i].event.action, "imported");

    // All of them: one "imported" per camera in the box plus the two removals.
    auto every = store->camera_events_in(box, 100'000);
    const auto in_box = std::count_if(
        all.begin(), all.end(), [&](const model::Camera& c) { return box.contains(c.location); });
    EXPECT_EQ(static_cast<std::ptrdiff_t>(every.size()), in_box + 2);
    EXPECT_TRUE(store->camera_events_in(box, 0).empty());
    EXPECT_TRUE(store->camera_events_in({0, 0, 1, 1}, 10).empty());
}

}  // namespace sightline::store::testing
