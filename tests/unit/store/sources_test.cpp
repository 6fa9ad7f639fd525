// Official lists and camera sources in the store (SourceStore, migration 10).

#include <gtest/gtest.h>

#include "store_test_support.hpp"

namespace sightline::store::testing {
namespace {

class Sources : public StoreTest {
  protected:
    model::NewSource list(std::string name) {
        model::NewSource s;
        s.name = std::move(name);
        model::SourceEntry e;
        e.line = 2;
        e.location = {44.81, 20.46};
        s.entries.push_back(e);
        return s;
    }
};

TEST_F(Sources, ACameraIsKnownFromItsReportsAndTheCsvImportThatMadeIt) {
    auto accepted = store->accept_report(add_report(), decision());
    ASSERT_TRUE(accepted);
    auto from_report = store->camera_sources(accepted->id);
    ASSERT_EQ(from_report.size(), 1u);
    EXPECT_EQ(from_report[0].kind, "report");
    EXPECT_EQ(from_report[0].since, report_time);

    // Imports before lists were named, and after.
    auto old = store->insert_cameras({{{44.80, 20.45}, model::CameraStatus::reported, {}}},
                                     decision("import-csv"));
    auto named = store->insert_cameras({{{44.80, 20.45}, model::CameraStatus::reported, {}}},
                                       decision("import-csv: Zagreb open data"));
    auto other = store->insert_cameras({{{44.80, 20.45}, model::CameraStatus::reported, {}}},
                                       decision("imported by hand"));
    ASSERT_TRUE(old && named && other);
    auto unnamed = store->camera_sources(old->front());
    ASSERT_EQ(unnamed.size(), 1u);
    EXPECT_EQ(unnamed[0].kind, "list");
    EXPECT_EQ(unnamed[0].name, "");
    EXPECT_EQ(unnamed[0].since, decision_time);
    ASSERT_EQ(store->camera_sources(named->front()).size(), 1u);
    EXPECT_EQ(store->camera_sources(named->front())[0].name, "Zagreb open data");
    EXPECT_TRUE(store->camera_sources(other->front()).empty());
}

TEST_F(Sources, AListNameIsUniqueWhateverItsCase) {
    ASSERT_TRUE(store->insert_source(list("Police list 2021"), decision()));
    auto again = store->insert_source(list("POLICE LIST 2021"), decision());
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, Errc::conflict);
    EXPECT_EQ(store->list_sources().size(), 1u);
}

TEST_F(Sources, AnEntryOffTheMapStoresNothing) {
    auto bad = list("Bad");
    bad.entries.back().location = {91, 20};
    EXPECT_EQ(store->insert_source(bad, decision()).error().code, Errc::invalid_argument);
    EXPECT_TRUE(store->list_sources().empty());
}

TEST_F(Sources, AMatchedEntryMakesTheListACameraSourceAndDecisionsAreChecked) {
    auto camera = store->accept_report(add_report(), decision());
    ASSERT_TRUE(camera);
    auto id = store->insert_source(list("Police list 2021"), decision());
    ASSERT_TRUE(id);
    auto entries = store->source_entries(*id);
    ASSERT_EQ(entries.size(), 1u);
    entries[0].state = model::EntryState::matched;
    entries[0].camera = camera->id;
    ASSERT_TRUE(store->save_matching(*id, entries, store->camera_version()));
    EXPECT_EQ(store->find_source(*id)->matched_version, store->camera_version());
    auto sources = store->camera_sources(camera->id);
    ASSERT_EQ(sources.size(), 2u);
    EXPECT_EQ(sources[1].kind, "list");
    EXPECT_EQ(sources[1].ref, id->value);

    EXPECT_EQ(store->decide_entry(*id, entries[0].id + 1, camera->id, decision()).error().code,
              Errc::not_found);
    EXPECT_EQ(
        store->decide_entry(*id, entries[0].id, model::CameraId{999}, decision()).error().code,
        Errc::not_found);
    ASSERT_TRUE(store->decide_entry(*id, entries[0].id, std::nullopt, decision()));
    auto decided = store->source_entries(*id);
    EXPECT_TRUE(decided[0].decided);
    EXPECT_FALSE(decided[0].decided_camera);
    EXPECT_EQ(store->find_source(*id)->matched_version, -1) << "to be matched again";
}

}  // namespace
}  // namespace sightline::store::testing
