// Official lists and every camera's sources in the store (SourceStore): lists and their entries,
// the matching saved, moderators' decisions, the crowd's cameras, and where a camera is known
// from. Ported from tests/unit/store/sources_test.cpp, plus what the interface comments promise.
#include <chrono>
#include <thread>

#include "contract_fixture.hpp"

namespace sightline::testing {
namespace {

// 2026-11-26T17:00:00Z, on the hour (report times are).
constexpr std::int64_t report_time = 1'795'712'400;
constexpr std::int64_t decision_time = report_time + 7200 + 123;

store::Decision decision(std::string reason = "looks right", std::int64_t at = decision_time) {
    return {"mila", std::move(reason), at};
}

model::NewReport report_at(geo::LatLon where, std::string direction = "135") {
    model::NewReport r;
    r.location = where;
    r.accuracy_m = 12.5;
    r.tags = {{"man_made", "surveillance"},
              {"surveillance", "public"},
              {"surveillance:type", "camera"},
              {"camera:type", "dome"}};
    if (!direction.empty()) r.tags["camera:direction"] = direction;
    r.note = "On the corner.";
    return r;
}

model::NewSource list(std::string name, std::vector<geo::LatLon> places = {{44.81, 20.46}}) {
    model::NewSource s;
    s.name = std::move(name);
    s.file_name = "list.csv";
    int line = 2;
    for (auto place : places) {
        model::SourceEntry e;
        e.line = line++;
        e.location = place;
        s.entries.push_back(e);
    }
    return s;
}

// A camera on the crowd's map: a report accepted by a moderator.
model::CameraId crowd_camera(store::Backend& s, geo::LatLon where, std::string direction = "135") {
    auto report =
        s.insert_report(report_at(where, std::move(direction)), std::string(64, 'a'), report_time);
    EXPECT_TRUE(report) << report.error().message;
    auto camera = s.accept_report(*report, decision());
    EXPECT_TRUE(camera) << camera.error().message;
    return camera->id;
}

model::CameraId imported_camera(store::Backend& s, geo::LatLon where,
                                std::string reason = "import-csv") {
    auto ids = s.insert_cameras({{where, model::CameraStatus::reported, {}}}, decision(reason));
    EXPECT_TRUE(ids) << ids.error().message;
    return ids->front();
}

TEST_P(StoreContract, ACameraIsKnownFromItsReportsAndTheCsvImportThatMadeIt) {
    auto accepted = crowd_camera(store(), {44.8125, 20.4612});
    auto from_report = store().camera_sources(accepted);
    ASSERT_EQ(from_report.size(), 1u);
    EXPECT_EQ(from_report[0].kind, "report");
    EXPECT_EQ(from_report[0].name.starts_with("report "), true) << from_report[0].name;
    EXPECT_EQ(from_report[0].since, report_time);
    EXPECT_GT(from_report[0].ref, 0);

    // Imports before lists were named, and after.
    auto old = imported_camera(store(), {44.80, 20.45}, "import-csv");
    auto named = imported_camera(store(), {44.80, 20.45}, "import-csv: Zagreb open data");
    auto other = imported_camera(store(), {44.80, 20.45}, "imported by hand");
    auto unnamed = store().camera_sources(old);
    ASSERT_EQ(unnamed.size(), 1u);
    EXPECT_EQ(unnamed[0].kind, "list");
    EXPECT_EQ(unnamed[0].name, "");
    EXPECT_EQ(unnamed[0].since, decision_time);
    EXPECT_EQ(unnamed[0].ref, 0);
    ASSERT_EQ(store().camera_sources(named).size(), 1u);
    EXPECT_EQ(store().camera_sources(named)[0].name, "Zagreb open data");
    EXPECT_TRUE(store().camera_sources(other).empty());
    EXPECT_TRUE(store().camera_sources(model::CameraId{999'999}).empty());
}

TEST_P(StoreContract, TheSourcesOfARangeOfCamerasComeByCameraThenOldestFirst) {
    auto a = crowd_camera(store(), {44.81, 20.46});
    auto b = imported_camera(store(), {44.82, 20.47}, "import-csv: Open data");
    auto c = crowd_camera(store(), {44.83, 20.48});
    // b is also named by a list (matched now, after its import).
    auto id =
        store().insert_source(list("Police list", {{44.82, 20.47}, {44.81, 20.46}}), decision());
    ASSERT_TRUE(id) << id.error().message;
    auto entries = store().source_entries(*id);
    ASSERT_EQ(entries.size(), 2u);
    entries[0].state = model::EntryState::matched;
    entries[0].camera = b;
    entries[1].state = model::EntryState::matched;
    entries[1].camera = a;
    ASSERT_TRUE(store().save_matching(*id, entries, store().camera_version()));

    auto all = store().camera_sources_between(a, c);
    ASSERT_EQ(all.size(), 5u);
    EXPECT_EQ(all[0].first, a);
    EXPECT_EQ(all[0].second.kind, "report");
    EXPECT_EQ(all[1].first, a);
    EXPECT_EQ(all[1].second.kind, "list");
    EXPECT_EQ(all[1].second.name, "Police list");
    EXPECT_EQ(all[1].second.ref, id->value);
    EXPECT_GE(all[1].second.since, all[0].second.since);
    EXPECT_EQ(all[2].first, b);
    EXPECT_EQ(all[2].second.name, "Open data");
    EXPECT_EQ(all[2].second.since, decision_time);
    EXPECT_EQ(all[3].first, b);
    EXPECT_EQ(all[3].second.name, "Police list");
    EXPECT_EQ(all[4].first, c);
    EXPECT_EQ(all[4].second.kind, "report");
    EXPECT_EQ(store().camera_sources_between(b, b).size(), 2u);
    EXPECT_EQ(store().camera_sources_between(c, b).size(), 0u);
}

TEST_P(StoreContract, AListNameIsUniqueWhateverItsCase) {
    ASSERT_TRUE(store().insert_source(list("Police list 2021"), decision()));
    auto again = store().insert_source(list("POLICE LIST 2021"), decision());
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, Errc::conflict);
    EXPECT_EQ(store().list_sources().size(), 1u);
    // The store is usable after the conflict.
    EXPECT_TRUE(store().insert_source(list("Police list 2022"), decision()));
}

TEST_P(StoreContract, ListsAreListedByNameWhateverItsCase) {
    auto b = store().insert_source(list("b list"), decision());
    auto a = store().insert_source(list("A list", {{44.81, 20.46}, {44.82, 20.47}}), decision());
    auto c = store().insert_source(list("C list", {}), decision());
    ASSERT_TRUE(a && b && c);
    auto all = store().list_sources();
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0].name, "A list");
    EXPECT_EQ(all[1].name, "b list");
    EXPECT_EQ(all[2].name, "C list");
    EXPECT_EQ(all[0].entries, 2);
    EXPECT_EQ(all[2].entries, 0);

    auto found = store().find_source(*a);
    ASSERT_TRUE(found) << found.error().message;
    EXPECT_EQ(found->id, *a);
    EXPECT_EQ(found->file_name, "list.csv");
    EXPECT_EQ(found->imported_at, decision_time);
    EXPECT_EQ(found->max_distance_m, 30);
    EXPECT_EQ(found->max_angle_deg, 60);
    EXPECT_EQ(found->matched_version, -1);
    EXPECT_EQ(found->entries, 2);
    EXPECT_EQ(store().find_source(model::SourceId{a->value + 100}).error().code, Errc::not_found);
}

TEST_P(StoreContract, AnEntryOffTheMapOrABadListStoresNothing) {
    auto bad = list("Bad");
    bad.entries.back().location = {91, 20};
    EXPECT_EQ(store().insert_source(bad, decision()).error().code, Errc::invalid_argument);
    EXPECT_EQ(store().insert_source(list(""), decision()).error().code, Errc::invalid_argument);
    EXPECT_EQ(store().insert_source(list(std::string(201, 'x')), decision()).error().code,
              Errc::invalid_argument);
    auto far = list("Far");
    far.max_distance_m = 0;
    EXPECT_EQ(store().insert_source(far, decision()).error().code, Errc::invalid_argument);
    auto wide = list("Wide");
    wide.max_angle_deg = 181;
    EXPECT_EQ(store().insert_source(wide, decision()).error().code, Errc::invalid_argument);
    EXPECT_TRUE(store().list_sources().empty());
}

TEST_P(StoreContract, EntriesKeepWhatTheListGaveInItsOrder) {
    model::NewSource s = list("Police list", {});
    s.max_distance_m = 25.5;
    s.max_angle_deg = 45;
    s.unplaced_rows = 3;
    for (int i = 0; i < 3; ++i) {
        model::SourceEntry e;
        e.line = 10 - i;  // not sorted: the store keeps the order given
        e.location = {44.8 + 0.001 * i, 20.4 + 0.0011 * i};
        s.entries.push_back(e);
    }
    s.entries[0].directions_deg = {135, 22.5};
    s.entries[0].address = "Knez Mihailova 5, \"Beograd\" \\ Кнез Михаилова";
    s.entries[0].label = "K-17";
    s.entries[2].label = "{\"not\": [json]}";
    auto id = store().insert_source(s, decision());
    ASSERT_TRUE(id) << id.error().message;
    auto found = store().find_source(*id);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->max_distance_m, 25.5);
    EXPECT_EQ(found->max_angle_deg, 45);
    EXPECT_EQ(found->unplaced_rows, 3);

    auto entries = store().source_entries(*id);
    ASSERT_EQ(entries.size(), 3u);
    for (std::size_t i = 0; i < entries.size(); ++i) {
        EXPECT_EQ(entries[i].line, s.entries[i].line) << i;
        EXPECT_EQ(entries[i].location, s.entries[i].location) << i;
        EXPECT_EQ(entries[i].directions_deg, s.entries[i].directions_deg) << i;
        EXPECT_EQ(entries[i].address, s.entries[i].address) << i;
        EXPECT_EQ(entries[i].label, s.entries[i].label) << i;
        EXPECT_EQ(entries[i].state, model::EntryState::unmatched);
        EXPECT_FALSE(entries[i].camera);
        EXPECT_TRUE(entries[i].candidates.empty());
        EXPECT_FALSE(entries[i].decided);
        if (i > 0) {
            EXPECT_GT(entries[i].id, entries[i - 1].id);
        }
    }
    EXPECT_TRUE(store().source_entries(model::SourceId{id->value + 1}).empty());
}

TEST_P(StoreContract, TheMatchingIsSavedEntryByEntry) {
    auto a = imported_camera(store(), {44.81, 20.46});
    auto b = imported_camera(store(), {44.8101, 20.4601});
    auto id = store().insert_source(list("L", {{44.81, 20.46}, {44.8101, 20.4601}, {45, 21}}),
                                    decision());
    ASSERT_TRUE(id);
    auto entries = store().source_entries(*id);
    ASSERT_EQ(entries.size(), 3u);
    entries[0].state = model::EntryState::matched;
    entries[0].camera = a;
    entries[0].distance_m = 3.25;
    entries[1].state = model::EntryState::ambiguous;
    entries[1].candidates = {b, a};
    entries[1].reason = "close_candidates";
    ASSERT_TRUE(store().save_matching(*id, entries, 7));
    EXPECT_EQ(store().find_source(*id)->matched_version, 7);

    auto saved = store().source_entries(*id);
    ASSERT_EQ(saved.size(), 3u);
    EXPECT_EQ(saved[0].state, model::EntryState::matched);
    EXPECT_EQ(saved[0].camera, a);
    EXPECT_EQ(saved[0].distance_m, 3.25);
    EXPECT_EQ(saved[1].state, model::EntryState::ambiguous);
    EXPECT_FALSE(saved[1].camera);
    ASSERT_EQ(saved[1].candidates.size(), 2u);
    EXPECT_EQ(saved[1].candidates[0], b);
    EXPECT_EQ(saved[1].candidates[1], a);
    EXPECT_EQ(saved[1].reason, "close_candidates");
    EXPECT_EQ(saved[2].state, model::EntryState::unmatched);
    const auto since = store().camera_sources(a).back().since;
    EXPECT_GT(since, 0);

    // Entries left out keep their matching; the same camera again keeps when the list first
    // named it (matchings are stamped in seconds: a second later, so that a new stamp shows).
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    auto again = saved;
    again.erase(again.begin() + 1);
    again[0].distance_m = 4.5;
    again[1].state = model::EntryState::matched;
    again[1].camera = b;
    ASSERT_TRUE(store().save_matching(*id, again, 8));
    auto after = store().source_entries(*id);
    EXPECT_EQ(after[0].distance_m, 4.5);
    EXPECT_EQ(after[1].state, model::EntryState::ambiguous);
    EXPECT_EQ(after[1].reason, "close_candidates");
    EXPECT_EQ(after[2].camera, b);
    EXPECT_EQ(store().camera_sources(a).back().since, since);
    EXPECT_EQ(store().find_source(*id)->matched_version, 8);

    // Back to unmatched: the list no longer names the camera.
    after[0].state = model::EntryState::unmatched;
    after[0].camera.reset();
    ASSERT_TRUE(store().save_matching(*id, {after[0]}, 9));
    ASSERT_EQ(store().camera_sources(a).size(), 1u) << "only its import";

    EXPECT_EQ(store().save_matching(model::SourceId{id->value + 1}, {}, 9).error().code,
              Errc::not_found);
}

TEST_P(StoreContract, AMatchedEntryMakesTheListACameraSourceAndDecisionsAreChecked) {
    auto camera = crowd_camera(store(), {44.8125, 20.4612});
    auto id = store().insert_source(list("Police list 2021"), decision());
    ASSERT_TRUE(id);
    auto entries = store().source_entries(*id);
    ASSERT_EQ(entries.size(), 1u);
    entries[0].state = model::EntryState::matched;
    entries[0].camera = camera;
    ASSERT_TRUE(store().save_matching(*id, entries, store().camera_version()));
    EXPECT_EQ(store().find_source(*id)->matched_version, store().camera_version());
    auto sources = store().camera_sources(camera);
    ASSERT_EQ(sources.size(), 2u);
    EXPECT_EQ(sources[1].kind, "list");
    EXPECT_EQ(sources[1].ref, id->value);

    EXPECT_EQ(store().decide_entry(*id, entries[0].id + 1, camera, decision()).error().code,
              Errc::not_found);
    EXPECT_EQ(
        store().decide_entry(*id, entries[0].id, model::CameraId{999}, decision()).error().code,
        Errc::not_found);
    EXPECT_EQ(store()
                  .decide_entry(model::SourceId{id->value + 1}, entries[0].id, camera, decision())
                  .error()
                  .code,
              Errc::not_found);
    ASSERT_TRUE(store().decide_entry(*id, entries[0].id, std::nullopt, decision()));
    auto decided = store().source_entries(*id);
    EXPECT_TRUE(decided[0].decided);
    EXPECT_FALSE(decided[0].decided_camera);
    EXPECT_EQ(decided[0].decided_by, "mila");
    EXPECT_EQ(decided[0].decided_at, decision_time);
    EXPECT_EQ(store().find_source(*id)->matched_version, -1) << "to be matched again";
}

TEST_P(StoreContract, TwoEntriesOfAListCannotBeDecidedToBeOneCamera) {
    auto camera = crowd_camera(store(), {44.8125, 20.4612});
    auto gone = crowd_camera(store(), {44.8130, 20.4620});
    ASSERT_TRUE(store().remove_camera(gone, decision("taken down")));
    auto id =
        store().insert_source(list("L", {{44.8125, 20.4612}, {44.8126, 20.4613}}), decision());
    auto other = store().insert_source(list("M"), decision());
    ASSERT_TRUE(id && other);
    auto entries = store().source_entries(*id);
    ASSERT_EQ(entries.size(), 2u);

    ASSERT_TRUE(store().decide_entry(*id, entries[0].id, camera, decision()));
    auto second = store().decide_entry(*id, entries[1].id, camera, decision());
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, Errc::conflict);
    EXPECT_FALSE(store().source_entries(*id)[1].decided) << "the conflict changed nothing";
    // The same entry decided again, and another list's entry, may name the camera.
    EXPECT_TRUE(store().decide_entry(*id, entries[0].id, camera, decision()));
    auto m = store().source_entries(*other);
    EXPECT_TRUE(store().decide_entry(*other, m[0].id, camera, decision()));
    // A removed camera cannot be chosen.
    EXPECT_EQ(store().decide_entry(*id, entries[1].id, gone, decision()).error().code,
              Errc::conflict);

    // The matching never overrides a decision.
    auto decided = store().source_entries(*id);
    decided[0].state = model::EntryState::unmatched;
    decided[0].decided = false;
    decided[0].decided_camera.reset();
    ASSERT_TRUE(store().save_matching(*id, decided, 1));
    auto after = store().source_entries(*id);
    EXPECT_TRUE(after[0].decided);
    EXPECT_EQ(after[0].decided_camera, camera);
}

TEST_P(StoreContract, TheCrowdsCamerasAreThoseReportedAndNotRemoved) {
    auto reported = crowd_camera(store(), {44.8125, 20.4612}, "90;180");
    auto undirected = crowd_camera(store(), {44.8127, 20.4615}, "");
    auto imported = imported_camera(store(), {44.8126, 20.4613});
    auto removed = crowd_camera(store(), {44.8128, 20.4614});
    auto outside = crowd_camera(store(), {44.9, 20.6});
    ASSERT_TRUE(store().remove_camera(removed, decision("taken down")));

    auto crowd = store().crowd_cameras({20.45, 44.80, 20.47, 44.82});
    ASSERT_EQ(crowd.size(), 2u);
    EXPECT_EQ(crowd[0].id, reported);
    EXPECT_EQ(crowd[0].location, (geo::LatLon{44.8125, 20.4612}));
    EXPECT_EQ(crowd[0].directions_deg, (std::vector<double>{90, 180}));
    EXPECT_EQ(crowd[1].id, undirected);
    EXPECT_TRUE(crowd[1].directions_deg.empty());
    for (const auto& c : crowd) {
        EXPECT_NE(c.id, imported) << "a CSV import is not the crowd's";
        EXPECT_NE(c.id, outside);
    }

    // A point on the box's edge is inside it.
    auto edge = store().crowd_cameras({20.4612, 44.8125, 20.4612, 44.8125});
    ASSERT_EQ(edge.size(), 1u);
    EXPECT_EQ(edge[0].id, reported);
    EXPECT_TRUE(store().crowd_cameras({21.0, 45.0, 21.1, 45.1}).empty());
}

TEST_P(StoreContract, ACameraFromOpenStreetMapIsTheCrowds) {
    auto reported = crowd_camera(store(), {44.8125, 20.4612});
    model::OsmExtract extract;
    extract.source_name = "belgrade.osm.pbf";
    extract.bounds = {20.40, 44.78, 20.50, 44.84};
    model::OsmCamera node;
    node.osm = {"node", 4242, 3, report_time - 86'400};
    node.location = {44.8129, 20.4611};
    node.tags = {{"man_made", "surveillance"}, {"camera:direction", "NE"}};
    extract.cameras.push_back(node);
    auto imported = store().apply_osm_import(extract, decision());
    ASSERT_TRUE(imported) << imported.error().message;

    auto crowd = store().crowd_cameras({20.45, 44.80, 20.47, 44.82});
    ASSERT_EQ(crowd.size(), 2u);
    EXPECT_EQ(crowd[0].id, reported);
    EXPECT_EQ(crowd[1].location, (geo::LatLon{44.8129, 20.4611}));
    EXPECT_EQ(crowd[1].directions_deg, (std::vector<double>{45}));
    auto osm = store().camera_sources(crowd[1].id);
    ASSERT_EQ(osm.size(), 1u);
    EXPECT_EQ(osm[0].kind, "osm");
    EXPECT_EQ(osm[0].name, "node/4242");
    EXPECT_EQ(osm[0].ref, 0);
}

}  // namespace
}  // namespace sightline::testing
