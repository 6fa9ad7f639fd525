// Cameras (listings by box, kind, status and time, nearby, pages, imports, history, events in a
// box, spans over time), users, sessions, audit and statistics, on both backends: ported from
// tests/unit/store/cameras_test.cpp, history_test.cpp and users_test.cpp where they check
// behaviour through the interface.
#include <algorithm>
#include <random>
#include <set>

#include "contract_fixture.hpp"
#include "geo/distance.hpp"

namespace sightline::testing {
namespace {

using store::CameraQuery;
using store::Decision;

/// 2026-11-26T17:00:00Z, on the hour (report times must be).
constexpr std::int64_t report_time = 1795712400;
constexpr std::int64_t decision_time = report_time + 7200 + 123;
constexpr std::int64_t day = 86400;
const std::string withdraw_hash(64, 'a');

Decision decision(std::string reason = "looks right", std::int64_t at = decision_time) {
    return Decision{"mila", std::move(reason), at};
}

model::NewReport belgrade_report() {
    model::NewReport r;
    r.location = {44.8125, 20.4612};
    r.accuracy_m = 12.5;
    r.directions_deg = {135};
    r.tags = {
        {"man_made", "surveillance"}, {"surveillance:type", "camera"}, {"camera:type", "dome"}};
    r.note = "On the corner.";
    return r;
}

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

std::vector<model::CameraId> ids_of(const std::vector<model::Camera>& cameras) {
    std::vector<model::CameraId> ids;
    for (const auto& c : cameras)
        ids.push_back(c.id);
    return ids;
}

CameraQuery box_query(geo::BBox box) {
    CameraQuery q;
    q.bbox = box;
    return q;
}

/// Random cameras around Belgrade (statuses cycling through all four) plus two exactly on the
/// edges of the box {20.40, 44.75, 20.50, 44.80}; returns every camera as stored, by id.
std::vector<model::Camera> fill(store::Backend& store, int n, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> lat(44.70, 44.90);
    std::uniform_real_distribution<double> lon(20.30, 20.60);
    std::vector<model::NewCamera> batch;
    for (int i = 0; i < n; ++i)
        batch.push_back(
            {{lat(rng), lon(rng)}, static_cast<model::CameraStatus>(i % 4), random_tags(rng)});
    batch.push_back({{44.75, 20.40}, model::CameraStatus::verified, {}});
    batch.push_back({{44.80, 20.50}, model::CameraStatus::verified, {}});
    auto ids = store.insert_cameras(batch, decision("test import"));
    EXPECT_TRUE(ids) << ids.error().message;
    std::vector<model::Camera> all;
    store.for_each_camera([&](const model::Camera& c) { all.push_back(c); });
    return all;
}

std::vector<model::CameraId> brute_force(const std::vector<model::Camera>& all,
                                         const CameraQuery& q) {
    std::vector<model::CameraId> out;
    for (const auto& c : all) {
        if (q.bbox && !q.bbox->contains(c.location)) continue;
        if (q.kind && model::camera_kind(c.tags) != *q.kind) continue;
        if (q.status && c.status != *q.status) continue;
        if (!q.include_removed && !q.status && c.status == model::CameraStatus::removed) continue;
        out.push_back(c.id);
    }
    if (out.size() > static_cast<std::size_t>(std::max(q.limit, 0))) out.resize(q.limit);
    return out;
}

std::vector<std::int64_t> active_ids(store::Backend& store, std::int64_t at) {
    CameraQuery q = box_query({20.0, 44.0, 21.0, 45.0});
    q.active_at = at;
    std::vector<std::int64_t> ids;
    for (const auto& c : store.find_cameras(q))
        ids.push_back(c.id.value);
    return ids;
}

// What the spans say was on the map at `t`.
std::vector<std::int64_t> active_by_spans(const std::vector<store::CameraSpan>& spans,
                                          std::int64_t t) {
    std::vector<std::int64_t> ids;
    for (const auto& span : spans)
        if (span.active_from <= t && (!span.removed_at || t < *span.removed_at))
            ids.push_back(span.id.value);
    return ids;
}

// --- listings ------------------------------------------------------------------------------

TEST_P(StoreContract, CameraStampsListEveryCameraWithItsPlaceTimeAndRemovalInIdOrder) {
    auto all = fill(store(), 50, 17);
    auto stamps = store().camera_stamps();
    ASSERT_EQ(stamps.size(), all.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
        EXPECT_EQ(stamps[i].id, all[i].id);
        EXPECT_EQ(stamps[i].updated_at, all[i].updated_at);
        EXPECT_EQ(stamps[i].location, all[i].location);
        EXPECT_EQ(stamps[i].removed, all[i].status == model::CameraStatus::removed);
    }
    EXPECT_TRUE(std::any_of(stamps.begin(), stamps.end(), [](const auto& s) { return s.removed; }));
}

TEST_P(StoreContract, CameraBoxListingsMatchABruteForceFilterOnRandomBoxes) {
    auto all = fill(store(), 1500, 42);
    ASSERT_EQ(all.size(), 1502u);
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> lat(44.68, 44.92);
    std::uniform_real_distribution<double> lon(20.28, 20.62);
    std::uniform_real_distribution<double> size(0.001, 0.15);
    std::uniform_int_distribution<int> pick(0, 5);
    for (int round = 0; round < 120; ++round) {
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
        EXPECT_EQ(ids_of(store().find_cameras(q)), brute_force(all, q)) << "round " << round;
    }
}

TEST_P(StoreContract, CameraBoxEdgesCountAsInside) {
    auto all = fill(store(), 10, 1);
    auto q = box_query(geo::BBox{20.40, 44.75, 20.50, 44.80});
    EXPECT_EQ(ids_of(store().find_cameras(q)), brute_force(all, q));
    q.bbox = geo::BBox{20.40, 44.75, 20.40, 44.75};  // a point box on a camera
    ASSERT_EQ(store().find_cameras(q).size(), 1u);
    q.bbox = geo::BBox{20.4000001, 44.75, 20.41, 44.76};  // just east of it
    EXPECT_TRUE(store().find_cameras(q).empty());
    q.bbox = geo::BBox{20.39, 44.74, 20.3999999, 44.75};  // just west of it
    EXPECT_TRUE(store().find_cameras(q).empty());
}

TEST_P(StoreContract, CameraLargeBoxesWithASmallLimitReturnTheLowestIds) {
    auto all = fill(store(), 2000, 3);
    for (int limit : {1, 10, 100}) {
        CameraQuery q = box_query({20.0, 44.0, 21.0, 45.0});
        q.limit = limit;
        EXPECT_EQ(ids_of(store().find_cameras(q)), brute_force(all, q)) << limit;
        q.kind = "fixed";
        EXPECT_EQ(ids_of(store().find_cameras(q)), brute_force(all, q)) << limit;
        q.bbox = geo::BBox{20.3, 44.7, 20.45, 44.8};
        EXPECT_EQ(ids_of(store().find_cameras(q)), brute_force(all, q)) << limit;
    }
}

TEST_P(StoreContract, CameraListingsWithoutABoxGoInIdOrderUpToTheLimit) {
    auto all = fill(store(), 50, 9);
    CameraQuery q;
    q.limit = 7;
    EXPECT_EQ(ids_of(store().find_cameras(q)), brute_force(all, q));
    q.kind = "ALPR";
    EXPECT_EQ(ids_of(store().find_cameras(q)), brute_force(all, q));
    q.kind.reset();
    q.status = model::CameraStatus::disputed;
    q.limit = 1000;
    EXPECT_EQ(ids_of(store().find_cameras(q)), brute_force(all, q));
    q.limit = 0;
    EXPECT_TRUE(store().find_cameras(q).empty());
    q.limit = -1;
    EXPECT_TRUE(store().find_cameras(q).empty());
}

TEST_P(StoreContract, RemovedCamerasAreHiddenUnlessAskedFor) {
    model::NewCamera gone{{44.8125, 20.4612}, model::CameraStatus::removed, {}};
    auto ids = store().insert_cameras({gone}, decision());
    ASSERT_TRUE(ids);
    auto q = box_query(geo::BBox::around(gone.location, 100));
    EXPECT_TRUE(store().find_cameras(q).empty());
    EXPECT_TRUE(store().find_cameras({}).empty());
    EXPECT_TRUE(store().cameras_near(gone.location, 100, 10).empty());
    q.include_removed = true;
    EXPECT_EQ(store().find_cameras(q).size(), 1u);
    q.include_removed = false;
    q.status = model::CameraStatus::removed;
    EXPECT_EQ(store().find_cameras(q).size(), 1u);
    int visited = 0;
    store().for_each_camera([&](const model::Camera&) { ++visited; });
    EXPECT_EQ(visited, 1) << "for_each_camera includes removed cameras";
}

TEST_P(StoreContract, NearbyCamerasComeNearestFirstWithinTheRadius) {
    geo::LatLon centre{44.8125, 20.4612};
    std::vector<model::NewCamera> batch;
    for (double metres : {300.0, 10.0, 120.0, 40.0, 80.0, 500.0})
        batch.push_back({geo::destination(centre, metres * 7, metres),
                         model::CameraStatus::verified,
                         {{"note", std::to_string(static_cast<int>(metres))}}});
    ASSERT_TRUE(store().insert_cameras(batch, decision()));
    std::vector<std::string> order;
    for (const auto& c : store().cameras_near(centre, 150, 10))
        order.push_back(c.tags.at("note"));
    EXPECT_EQ(order, (std::vector<std::string>{"10", "40", "80", "120"}));
    EXPECT_EQ(store().cameras_near(centre, 150, 2).size(), 2u);
    EXPECT_TRUE(store().cameras_near(centre, 5, 10).empty());
    EXPECT_TRUE(store().cameras_near(centre, 150, 0).empty());
    EXPECT_TRUE(store().cameras_near({91, 0}, 150, 10).empty());
}

TEST_P(StoreContract, ForEachCameraVisitsEveryCameraInIdOrderAcrossPages) {
    std::vector<model::NewCamera> batch(2600, {{44.8, 20.4}, model::CameraStatus::reported, {}});
    auto ids = store().insert_cameras(batch, decision());
    ASSERT_TRUE(ids);
    std::vector<model::CameraId> seen;
    store().for_each_camera([&](const model::Camera& c) {
        seen.push_back(c.id);
        if (seen.size() == 600) {
            EXPECT_TRUE(store().find_camera(c.id)) << "visit may use the store";
        }
    });
    std::vector<model::CameraId> sorted = *ids;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(seen, sorted);
}

TEST_P(StoreContract, CameraPagesFollowTheirKey) {
    auto all = fill(store(), 30, 5);
    auto first = store().camera_page(store::CameraOrder::id, 0, 10);
    ASSERT_EQ(first.size(), 10u);
    EXPECT_EQ(first.front().id, all[0].id);
    EXPECT_EQ(first.back().id, all[9].id);
    EXPECT_EQ(first[3].tags, all[3].tags);
    auto next = store().camera_page(store::CameraOrder::id, first.back().id.value, 100);
    ASSERT_EQ(next.size(), all.size() - 10);
    EXPECT_EQ(next.front().id, all[10].id);
    EXPECT_TRUE(store().camera_page(store::CameraOrder::id, all.back().id.value, 10).empty());
    EXPECT_TRUE(store().camera_page(store::CameraOrder::id, 0, 0).empty());
    EXPECT_TRUE(store().camera_page(store::CameraOrder::osm_node_id, 0, 10).empty())
        << "CSV cameras are not OpenStreetMap nodes";
}

// --- imports -------------------------------------------------------------------------------

TEST_P(StoreContract, CameraImportRoundTripsCamerasAndAppendsOneHistoryEntryEach) {
    auto version = store().camera_version();
    std::vector<model::NewCamera> batch{
        {{44.81, 20.46},
         model::CameraStatus::verified,
         {{"operator", "ЕПС"}, {"camera:type", "dome"}}},
        {{44.82, 20.47}, model::CameraStatus::reported, {{"surveillance:type", "ALPR"}}},
        // Characters that need quoting in SQL, JSON or array literals.
        {{-33.8567844, 151.213108},
         model::CameraStatus::disputed,
         {{"note", "say \"hi\" \\ {a,b} 'x'"}, {"ref", "NULL"}, {"name", ""}}},
    };
    auto ids = store().insert_cameras(batch, decision("import-csv"));
    ASSERT_TRUE(ids) << ids.error().message;
    ASSERT_EQ(ids->size(), 3u);
    EXPECT_GT(store().camera_version(), version);
    auto first = store().find_camera((*ids)[0]);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->location, batch[0].location);
    EXPECT_EQ(first->status, model::CameraStatus::verified);
    EXPECT_EQ(first->tags, batch[0].tags);
    EXPECT_EQ(first->confirmations, 0);
    EXPECT_EQ(first->first_seen, decision_time);
    EXPECT_EQ(first->last_verified, decision_time);
    EXPECT_EQ(first->updated_at, decision_time);
    EXPECT_FALSE(first->osm);
    EXPECT_TRUE(first->report_ids.empty());
    EXPECT_EQ(store().find_camera((*ids)[1])->last_verified, 0);
    auto third = store().find_camera((*ids)[2]);
    ASSERT_TRUE(third);
    EXPECT_EQ(third->tags, batch[2].tags);
    EXPECT_EQ(third->location, batch[2].location);
    EXPECT_EQ(third->status, model::CameraStatus::disputed);

    auto history = store().camera_history((*ids)[1]);
    ASSERT_EQ(history.size(), 1u);
    EXPECT_EQ(history[0].action, "imported");
    EXPECT_EQ(history[0].actor, "mila");
    EXPECT_EQ(history[0].detail, "import-csv");
    EXPECT_EQ(history[0].at, decision_time);
    EXPECT_EQ(history[0].report_id, std::nullopt);
    auto audit = store().list_audit(10, std::nullopt);
    ASSERT_EQ(audit.size(), 1u);
    EXPECT_EQ(audit[0].action, "import_csv");
    EXPECT_EQ(audit[0].reason, "import-csv");

    CameraQuery alpr;
    alpr.kind = "ALPR";
    EXPECT_EQ(ids_of(store().find_cameras(alpr)), std::vector<model::CameraId>{(*ids)[1]});
    EXPECT_EQ(store().find_camera(model::CameraId{999999}).error().code, Errc::not_found);
    EXPECT_TRUE(store().camera_history(model::CameraId{999999}).empty());
}

TEST_P(StoreContract, CameraImportReturnsIdsInInputOrder) {
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> lat(-60, 60);
    std::uniform_real_distribution<double> lon(-170, 170);
    std::vector<model::NewCamera> batch;
    for (int i = 0; i < 500; ++i)
        batch.push_back(
            {{lat(rng), lon(rng)}, model::CameraStatus::reported, {{"ref", std::to_string(i)}}});
    auto ids = store().insert_cameras(batch, decision());
    ASSERT_TRUE(ids);
    ASSERT_EQ(ids->size(), batch.size());
    EXPECT_EQ(std::set<model::CameraId>(ids->begin(), ids->end()).size(), batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) {
        auto camera = store().find_camera((*ids)[i]);
        ASSERT_TRUE(camera);
        EXPECT_EQ(camera->location, batch[i].location);
        EXPECT_EQ(camera->tags.at("ref"), std::to_string(i));
    }
    auto audit = store().list_audit(1, std::nullopt);
    ASSERT_EQ(audit.size(), 1u);
    auto [low, high] = std::minmax_element(ids->begin(), ids->end());
    EXPECT_EQ(audit[0].subject,
              "cameras/" + std::to_string(low->value) + "-" + std::to_string(high->value));
}

TEST_P(StoreContract, CameraImportRefusesAnInvalidLocationAndWritesNothing) {
    auto version = store().camera_version();
    std::vector<model::NewCamera> batch{{{44.8, 20.4}, model::CameraStatus::reported, {}},
                                        {{44.8, 200.0}, model::CameraStatus::reported, {}}};
    auto ids = store().insert_cameras(batch, decision());
    ASSERT_FALSE(ids);
    EXPECT_EQ(ids.error().code, Errc::invalid_argument);
    EXPECT_NE(ids.error().message.find("camera 2"), std::string::npos);
    EXPECT_TRUE(store().camera_stamps().empty());
    EXPECT_TRUE(store().list_audit(10, std::nullopt).empty());
    EXPECT_EQ(store().camera_version(), version);
}

TEST_P(StoreContract, AnEmptyCameraImportIsAuditedButChangesNoCamera) {
    auto version = store().camera_version();
    auto ids = store().insert_cameras({}, decision());
    ASSERT_TRUE(ids);
    EXPECT_TRUE(ids->empty());
    EXPECT_EQ(store().camera_version(), version);
    auto audit = store().list_audit(10, std::nullopt);
    ASSERT_EQ(audit.size(), 1u);
    EXPECT_EQ(audit[0].subject, "cameras/none");
}

// --- history, change feeds and spans -------------------------------------------------------

TEST_P(StoreContract, CamerasChangedAtIsTheNewestHistoryEntry) {
    EXPECT_EQ(store().cameras_changed_at(), 0) << "no camera yet";
    model::NewCamera camera{{44.8, 20.4}, model::CameraStatus::verified, {}};
    ASSERT_TRUE(store().insert_cameras({camera}, decision("a", decision_time)));
    EXPECT_EQ(store().cameras_changed_at(), decision_time);
    ASSERT_TRUE(store().insert_cameras({camera}, decision("b", decision_time + 600)));
    EXPECT_EQ(store().cameras_changed_at(), decision_time + 600);
}

TEST_P(StoreContract, CameraEventsInABoxAreTheNewestEntriesOfCamerasInsideIt) {
    auto all = fill(store(), 300, 21);
    const geo::BBox box{20.40, 44.75, 20.50, 44.80};
    std::vector<model::CameraId> inside;
    model::CameraId outside{0};
    for (const auto& c : all) {
        if (box.contains(c.location) && c.status != model::CameraStatus::removed &&
            inside.size() < 2)
            inside.push_back(c.id);
        if (!box.contains(c.location) && c.status != model::CameraStatus::removed) outside = c.id;
    }
    ASSERT_EQ(inside.size(), 2u);
    ASSERT_TRUE(store().remove_camera(inside[0], decision("gone", decision_time + 10)));
    ASSERT_TRUE(store().remove_camera(outside, decision("gone", decision_time + 20)));
    ASSERT_TRUE(store().remove_camera(inside[1], decision("gone", decision_time + 30)));

    auto events = store().camera_events_in(box, 5);
    ASSERT_EQ(events.size(), 5u);
    EXPECT_EQ(events[0].camera.id, inside[1]);
    EXPECT_EQ(events[0].event.action, "removed");
    EXPECT_EQ(events[0].event.at, decision_time + 30);
    EXPECT_EQ(events[0].event.detail, "gone");
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

    auto every = store().camera_events_in(box, 100'000);
    const auto in_box = std::count_if(
        all.begin(), all.end(), [&](const model::Camera& c) { return box.contains(c.location); });
    EXPECT_EQ(static_cast<std::ptrdiff_t>(every.size()), in_box + 2);
    EXPECT_TRUE(store().camera_events_in(box, 0).empty());
    EXPECT_TRUE(store().camera_events_in({0, 0, 1, 1}, 10).empty());
}

TEST_P(StoreContract, CameraSpansOfImportsStartAtTheImportAndFollowTheBox) {
    model::NewCamera alpr{{44.80, 20.45},
                          model::CameraStatus::reported,
                          {{"man_made", "surveillance"}, {"surveillance:type", "ALPR"}}};
    model::NewCamera zagreb{{45.81, 15.97}, model::CameraStatus::removed, {}};
    ASSERT_TRUE(store().insert_cameras({alpr, zagreb}, decision("csv", decision_time + day)));
    auto spans = store().camera_spans(std::nullopt);
    ASSERT_EQ(spans.size(), 2u);
    EXPECT_EQ(spans[0].kind, "ALPR");
    EXPECT_EQ(spans[0].location, alpr.location);
    EXPECT_EQ(spans[0].active_from, decision_time + day);
    EXPECT_FALSE(spans[0].removed_at);
    // Imported as removed: the import starts a span that no removal entry ends.
    EXPECT_EQ(spans[1].kind, "unknown");
    EXPECT_EQ(spans[1].active_from, decision_time + day);
    EXPECT_FALSE(spans[1].removed_at);
    EXPECT_EQ(store().camera_spans(geo::BBox{20.0, 44.0, 21.0, 45.0}).size(), 1u);
    auto zagreb_spans = store().camera_spans(geo::BBox{15.0, 45.0, 16.5, 46.0});
    ASSERT_EQ(zagreb_spans.size(), 1u);
    EXPECT_EQ(zagreb_spans[0].id, spans[1].id);
    EXPECT_TRUE(store().camera_spans(geo::BBox{0, 0, 1, 1}).empty());
    for (auto t : {decision_time + day - 1, decision_time + day, decision_time + 2 * day})
        EXPECT_EQ(active_ids(store(), t),
                  active_by_spans(store().camera_spans(geo::BBox{20.0, 44.0, 21.0, 45.0}), t))
            << t;
}

TEST_P(StoreContract, CameraSpansOfManyCamerasComeInIdOrder) {
    // More rows than one read of a streaming backend holds.
    auto all = fill(store(), 12'000, 4);
    std::vector<model::CameraId> ids;
    store().for_each_camera_span(std::nullopt, [&](const store::CameraSpan& span) {
        ids.push_back(span.id);
        EXPECT_EQ(span.active_from, decision_time);
        EXPECT_FALSE(span.removed_at);
    });
    EXPECT_EQ(ids, ids_of(all));
    const geo::BBox box{20.40, 44.75, 20.50, 44.80};
    std::vector<model::CameraId> in_box;
    store().for_each_camera_span(box,
                                 [&](const store::CameraSpan& span) { in_box.push_back(span.id); });
    CameraQuery q = box_query(box);
    q.include_removed = true;
    q.limit = 100'000;
    EXPECT_EQ(in_box, brute_force(all, q));
}

TEST_P(StoreContract, AConfirmationDoesNotStartASpanAndARemovalEndsIt) {
    constexpr std::int64_t t_accept = report_time + 10 * day;
    constexpr std::int64_t t_merge = t_accept + 20 * day;
    constexpr std::int64_t t_remove = t_merge + 30 * day;
    auto first = store().insert_report(belgrade_report(), withdraw_hash, report_time);
    auto second = store().insert_report(belgrade_report(), withdraw_hash, report_time);
    ASSERT_TRUE(first && second);
    auto camera = store().accept_report(*first, decision("ok", t_accept));
    ASSERT_TRUE(camera);
    ASSERT_TRUE(store().merge_report(*second, camera->id, decision("same", t_merge)));
    ASSERT_TRUE(store().remove_camera(camera->id, decision("gone", t_remove)));
    // A CSV camera imported after the removal, for a second kind of span.
    model::NewCamera later{{44.80, 20.45}, model::CameraStatus::verified, {}};
    ASSERT_TRUE(store().insert_cameras({later}, decision("csv", t_remove + day)));

    auto spans = store().camera_spans(std::nullopt);
    ASSERT_EQ(spans.size(), 2u);
    EXPECT_EQ(spans[0].id, camera->id);
    EXPECT_EQ(spans[0].kind, "dome");
    EXPECT_EQ(spans[0].active_from, t_accept);
    EXPECT_EQ(spans[0].removed_at, t_remove);
    EXPECT_DOUBLE_EQ(spans[0].location.lat, 44.8125);

    const auto id = camera->id.value;
    EXPECT_EQ(active_ids(store(), t_accept - 1), std::vector<std::int64_t>{});
    EXPECT_EQ(active_ids(store(), t_accept), std::vector<std::int64_t>{id});
    EXPECT_EQ(active_ids(store(), t_remove - 1), std::vector<std::int64_t>{id});
    EXPECT_EQ(active_ids(store(), t_remove), std::vector<std::int64_t>{});
    std::set<std::int64_t> moments;
    for (const auto& span : spans)
        for (auto t : {span.active_from, span.removed_at.value_or(span.active_from)})
            for (auto dt : {-1, 0, 1})
                moments.insert(t + dt);
    for (auto t : moments)
        EXPECT_EQ(active_ids(store(), t), active_by_spans(spans, t)) << "at " << t;
    // Without active_at the removed camera stays hidden.
    EXPECT_EQ(store().find_cameras(box_query({20.0, 44.0, 21.0, 45.0})).size(), 1u);

    auto history = store().camera_history(camera->id);
    ASSERT_EQ(history.size(), 3u);
    EXPECT_EQ(history[0].action, "created");
    EXPECT_EQ(history[0].report_id, *first);
    EXPECT_EQ(history[2].action, "removed");
    EXPECT_EQ(store().cameras_changed_at(), t_remove + day);
}

TEST_P(StoreContract, ReportTimesAreAscendingAndFollowTheBox) {
    auto far = belgrade_report();
    far.location = {45.81, 15.97};  // Zagreb
    ASSERT_TRUE(store().insert_report(belgrade_report(), withdraw_hash, report_time + 7200));
    ASSERT_TRUE(store().insert_report(far, withdraw_hash, report_time + 3600));
    ASSERT_TRUE(store().insert_report(belgrade_report(), withdraw_hash, report_time));
    geo::BBox belgrade{20.0, 44.0, 21.0, 45.0};
    geo::BBox zagreb{15.0, 45.0, 16.5, 46.0};
    EXPECT_EQ(store().report_times(std::nullopt),
              (std::vector<std::int64_t>{report_time, report_time + 3600, report_time + 7200}));
    EXPECT_EQ(store().report_times(zagreb), std::vector<std::int64_t>{report_time + 3600});
    EXPECT_EQ(store().report_times(belgrade),
              (std::vector<std::int64_t>{report_time, report_time + 7200}));
    EXPECT_TRUE(store().report_times(geo::BBox{0, 0, 1, 1}).empty());
}

// --- statistics ----------------------------------------------------------------------------

TEST_P(StoreContract, StatsCountCamerasAndReports) {
    std::vector<model::NewCamera> batch{
        {{44.81, 20.46},
         model::CameraStatus::verified,
         {{"operator", "ЕПС"}, {"camera:type", "dome"}}},
        {{44.82, 20.47},
         model::CameraStatus::verified,
         {{"operator", "ЕПС"}, {"manufacturer", "Hikvision"}}},
        {{44.83, 20.48},
         model::CameraStatus::reported,
         {{"surveillance:type", "ALPR"}, {"operator", "Zeta"}, {"manufacturer", "Axis"}}},
        {{44.835, 20.485},
         model::CameraStatus::disputed,
         {{"operator", "alpha"}, {"manufacturer", "axis"}}},
        {{44.84, 20.49}, model::CameraStatus::removed, {{"operator", "Gone"}}},
    };
    ASSERT_TRUE(store().insert_cameras(batch, decision()));
    ASSERT_TRUE(store().insert_report(belgrade_report(), withdraw_hash, report_time));
    ASSERT_TRUE(store().insert_report(belgrade_report(), withdraw_hash, report_time + day));
    auto rejected = store().insert_report(belgrade_report(), withdraw_hash, report_time);
    ASSERT_TRUE(rejected);
    ASSERT_TRUE(store().reject_report(*rejected, decision("no")));

    auto s = store().stats();
    EXPECT_EQ(s.cameras_total, 4);
    using Counts = std::vector<std::pair<std::string, std::int64_t>>;
    EXPECT_EQ(s.cameras_by_status,
              (Counts{{"verified", 2}, {"disputed", 1}, {"removed", 1}, {"reported", 1}}));
    // Ties by name, byte by byte: upper case first.
    EXPECT_EQ(s.cameras_by_kind, (Counts{{"unknown", 2}, {"ALPR", 1}, {"dome", 1}}));
    EXPECT_EQ(s.cameras_by_operator, (Counts{{"ЕПС", 2}, {"Zeta", 1}, {"alpha", 1}}));
    EXPECT_EQ(s.cameras_by_manufacturer, (Counts{{"Axis", 1}, {"Hikvision", 1}, {"axis", 1}}));
    EXPECT_EQ(s.reports_by_status, (Counts{{"pending", 2}, {"rejected", 1}}));
    EXPECT_EQ(s.reports_by_day, (Counts{{"2026-11-26", 2}, {"2026-11-27", 1}}));
    EXPECT_TRUE(s.imported_areas.empty());
}

// --- users, sessions and audit -------------------------------------------------------------

TEST_P(StoreContract, UsersRoundTripByIdAndByNameIgnoringCase) {
    auto id = store().insert_user("Mila", model::Role::admin, "$argon2id$v=19$hash",
                                  decision("first admin"));
    ASSERT_TRUE(id) << id.error().message;
    auto user = store().find_user(*id);
    ASSERT_TRUE(user);
    EXPECT_EQ(user->name, "Mila");
    EXPECT_EQ(user->role, model::Role::admin);
    EXPECT_FALSE(user->disabled);
    EXPECT_EQ(user->password_hash, "$argon2id$v=19$hash");
    EXPECT_EQ(user->created_at, decision_time);
    EXPECT_EQ(store().find_user_by_name("Mila")->id, *id);
    EXPECT_EQ(store().find_user_by_name("mila")->id, *id);
    EXPECT_EQ(store().find_user_by_name("MILA")->name, "Mila");
    EXPECT_EQ(store().find_user(model::UserId{id->value + 1}).error().code, Errc::not_found);
    EXPECT_EQ(store().find_user_by_name("nobody").error().code, Errc::not_found);

    auto audit = store().list_audit(1, std::nullopt);
    ASSERT_EQ(audit.size(), 1u);
    EXPECT_EQ(audit[0].action, "user_add");
    EXPECT_EQ(audit[0].subject, "user/Mila");
    EXPECT_EQ(audit[0].actor, "mila");
    EXPECT_EQ(audit[0].reason, "first admin");
    EXPECT_EQ(audit[0].at, decision_time);
}

TEST_P(StoreContract, UsersRefuseADuplicateNameIgnoringCase) {
    ASSERT_TRUE(store().insert_user("mila", model::Role::moderator, "h", decision()));
    auto again = store().insert_user("MiLa", model::Role::admin, "h", decision());
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, Errc::conflict);
    EXPECT_EQ(store().list_users().size(), 1u);
    EXPECT_EQ(store().list_audit(10, std::nullopt).size(), 1u) << "a refusal is not audited";
    EXPECT_TRUE(store().insert_user("mila2", model::Role::moderator, "h", decision()))
        << "the store still works after the conflict";
}

TEST_P(StoreContract, UsersRefuseAnInvalidNameOrAnEmptyHash) {
    for (const char* bad : {"", "a b", "'; DROP TABLE users;--", "ćevap"}) {
        auto id = store().insert_user(bad, model::Role::moderator, "h", decision());
        ASSERT_FALSE(id) << bad;
        EXPECT_EQ(id.error().code, Errc::invalid_argument);
    }
    EXPECT_EQ(store().insert_user("ana", model::Role::moderator, "", decision()).error().code,
              Errc::invalid_argument);
    EXPECT_TRUE(store().list_users().empty());
}

TEST_P(StoreContract, UsersAreListedByNameIgnoringCase) {
    for (const char* name : {"zoran", "Bojan", "ana", "Ana.2", "_admin", "9lives"})
        ASSERT_TRUE(store().insert_user(name, model::Role::moderator, "h", decision())) << name;
    std::vector<std::string> names;
    for (const auto& user : store().list_users())
        names.push_back(user.name);
    EXPECT_EQ(names,
              (std::vector<std::string>{"9lives", "_admin", "ana", "Ana.2", "Bojan", "zoran"}));
}

TEST_P(StoreContract, DisablingAUserDeletesTheirSessions) {
    auto mila = store().insert_user("mila", model::Role::moderator, "h", decision());
    auto ana = store().insert_user("ana", model::Role::moderator, "h", decision());
    ASSERT_TRUE(mila && ana);
    ASSERT_TRUE(store().insert_session({"t1", *mila, "csrf1", decision_time + 3600}));
    ASSERT_TRUE(store().insert_session({"t2", *ana, "csrf2", decision_time + 3600}));

    ASSERT_TRUE(store().set_user_disabled("MILA", true, decision("left the project")));
    EXPECT_TRUE(store().find_user(*mila)->disabled);
    EXPECT_FALSE(store().find_user(*ana)->disabled);
    EXPECT_EQ(store().find_session("t1", decision_time).error().code, Errc::not_found);
    EXPECT_TRUE(store().find_session("t2", decision_time));
    auto audit = store().list_audit(1, std::nullopt);
    ASSERT_EQ(audit.size(), 1u);
    EXPECT_EQ(audit[0].action, "user_disable");
    EXPECT_EQ(audit[0].subject, "user/mila") << "the stored name";
    EXPECT_EQ(audit[0].reason, "left the project");

    ASSERT_TRUE(store().set_user_disabled("mila", false, decision()));
    EXPECT_FALSE(store().find_user(*mila)->disabled);
    EXPECT_EQ(store().list_audit(1, std::nullopt)[0].action, "user_enable");
    EXPECT_EQ(store().set_user_disabled("ghost", true, decision()).error().code, Errc::not_found);
}

TEST_P(StoreContract, SessionsExpireAndCanBeDeleted) {
    auto mila = store().insert_user("mila", model::Role::moderator, "h", decision());
    ASSERT_TRUE(mila);
    model::SessionRecord session{"hash1", *mila, "csrf", 1000};
    ASSERT_TRUE(store().insert_session(session));
    EXPECT_EQ(store().insert_session(session).error().code, Errc::conflict);
    EXPECT_EQ(store().insert_session({"hash2", model::UserId{99}, "c", 1000}).error().code,
              Errc::not_found);
    EXPECT_EQ(store().insert_session({"", *mila, "c", 1000}).error().code, Errc::invalid_argument);

    auto found = store().find_session("hash1", 999);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->token_hash, "hash1");
    EXPECT_EQ(found->user_id, *mila);
    EXPECT_EQ(found->csrf_token, "csrf");
    EXPECT_EQ(found->expires_at, 1000);
    EXPECT_EQ(store().find_session("hash1", 1000).error().code, Errc::not_found);

    ASSERT_TRUE(store().insert_session({"hash3", *mila, "c", 5000}));
    store().delete_expired_sessions(1000);
    EXPECT_EQ(store().find_session("hash1", 0).error().code, Errc::not_found) << "deleted";
    EXPECT_TRUE(store().find_session("hash3", 0));
    ASSERT_TRUE(store().delete_session("hash3"));
    EXPECT_TRUE(store().delete_session("hash3")) << "logging out twice is fine";
    EXPECT_EQ(store().find_session("hash3", 0).error().code, Errc::not_found);
}

TEST_P(StoreContract, AuditIsNewestFirstAndPagedById) {
    for (int i = 0; i < 6; ++i)
        ASSERT_TRUE(store().insert_user("user" + std::to_string(i), model::Role::moderator, "h",
                                        decision("r" + std::to_string(i), decision_time + i)));
    auto audit = store().list_audit(100, std::nullopt);
    ASSERT_EQ(audit.size(), 6u);
    for (std::size_t i = 0; i < audit.size(); ++i) {
        EXPECT_EQ(audit[i].subject, "user/user" + std::to_string(5 - i));
        EXPECT_EQ(audit[i].at, decision_time + 5 - static_cast<std::int64_t>(i));
        if (i > 0) {
            EXPECT_LT(audit[i].id, audit[i - 1].id);
        }
    }
    auto page = store().list_audit(3, audit[1].id);
    ASSERT_EQ(page.size(), 3u);
    EXPECT_EQ(page[0].id, audit[2].id);
    EXPECT_EQ(page[2].id, audit[4].id);
    EXPECT_EQ(store().list_audit(10, audit[5].id).size(), 0u);
    EXPECT_TRUE(store().list_audit(0, std::nullopt).empty());
    EXPECT_TRUE(store().list_audit(-5, std::nullopt).empty());
}

}  // namespace
}  // namespace sightline::testing
