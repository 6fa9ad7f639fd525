// Applying extracts to the SQLite store: first import, re-import of a newer extract, other
// cities left alone, conflicts with local moderation, and nothing written on a bad file.
#include <fstream>
#include <functional>

#include <gtest/gtest.h>

#include "osm/importer.hpp"
#include "osm/store_import.hpp"
#include "osm_test_support.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace sightline::osm {
namespace {

using testing::read_fixture;

const geo::BBox world{-180, -90, 180, 90};

store::Decision import_decision(std::int64_t at = 1'700'000'000) {
    return {"import", "", at};
}

class Reimport : public ::testing::Test {
  protected:
    void SetUp() override { m_store = store::open_sqlite_store(m_dir.path()); }

    store::OsmImportSummary apply(const std::string& fixture, std::int64_t at = 1'700'000'000) {
        auto summary = m_store->apply_osm_import(read_fixture(fixture), import_decision(at));
        if (!summary) throw std::runtime_error(summary.error().message);
        return *summary;
    }

    model::Camera by_osm(std::string_view type, std::int64_t id) {
        std::optional<model::Camera> found;
        m_store->for_each_camera([&](const model::Camera& c) {
            if (c.osm && c.osm->type == type && c.osm->id == id) found = c;
        });
        if (!found) throw std::runtime_error("no such OSM camera");
        return *found;
    }

    std::int64_t street_count(const geo::BBox& box) { return street_count_in(*m_store, box); }
    static std::int64_t street_count_in(store::SqliteStore& store, const geo::BBox& box = world) {
        std::int64_t n = 0;
        store.for_each_street(box, [&](const model::Street&) { ++n; });
        return n;
    }

    /// A moderator merges a report that the camera hangs on a wall (a local change, to OSM).
    bool merge_wall_mount(const model::Camera& cam) {
        model::NewReport report;
        report.location = cam.location;
        report.tags = {{"man_made", "surveillance"}, {"camera:mount", "wall"}};
        auto report_id = m_store->insert_report(report, "hash", 1'700'000'000 / 3600 * 3600);
        return report_id && m_store->merge_report(*report_id, cam.id, {"mod", "", 1'700'000'100});
    }

    bool history_has(model::CameraId id, std::string_view action) {
        for (const auto& e : m_store->camera_history(id))
            if (e.action == action) return true;
        return false;
    }

    testing::TempDir m_dir;
    std::unique_ptr<store::SqliteStore> m_store;
};

// Imported cameras are "reported": someone mapped them; no moderator here has checked them.
TEST_F(Reimport, FirstImportCreatesReportedCamerasAndTheGround) {
    EXPECT_FALSE(m_store->street_bounds()) << "no streets before the first import";
    auto s = apply("basic.osm");
    EXPECT_EQ(s.cameras_new, 2);
    EXPECT_EQ(s.streets, 3);
    EXPECT_EQ(s.buildings, 2);
    EXPECT_EQ(s.water, 1);
    EXPECT_EQ(s.parks, 1);
    auto cam = by_osm("node", 1);
    EXPECT_EQ(cam.status, model::CameraStatus::reported);
    // Last confirmed when the mapper edited it (2020-01-02T03:04:05Z), not at the import.
    EXPECT_EQ(cam.last_verified, 1577934245);
    EXPECT_EQ(cam.osm->version, 1);
    EXPECT_EQ(cam.tags.at("camera:direction"), "90");
    EXPECT_EQ(m_store->map_version(), 1);
    auto run = m_store->last_import();
    ASSERT_TRUE(run);
    EXPECT_EQ(run->source_name, "basic.osm");
    EXPECT_EQ(run->summary.cameras_new, 2);

    // Geometry survives the packing (E7).
    std::vector<model::Area> buildings;
    m_store->for_each_area(world, model::AreaKind::building,
                           [&](const model::Area& a) { buildings.push_back(a); });
    ASSERT_EQ(buildings.size(), 2u);
    for (const auto& b : buildings) {
        if (b.osm_id != 3000) continue;
        EXPECT_TRUE(b.from_relation);
        ASSERT_EQ(b.rings.size(), 2u);
        EXPECT_NEAR(b.rings[0][0].lat, 48.040, 1e-7);
    }
    std::int64_t parks = 0;
    m_store->for_each_area({11.089, 48.089, 11.093, 48.093}, model::AreaKind::park,
                           [&](const model::Area& a) {
                               EXPECT_EQ(a.name, "Hofgarten");
                               ++parks;
                           });
    EXPECT_EQ(parks, 1);
    EXPECT_EQ(street_count({11.0, 48.0, 11.01, 48.01}), 0);
    // Streets 401, 402, 406 span nodes 50-53 (48.070-48.072 N, 11.070-11.071 E); the R*Tree keeps
    // floats, rounded outwards.
    auto bounds = m_store->street_bounds();
    ASSERT_TRUE(bounds);
    EXPECT_NEAR(bounds->west, 11.070, 1e-5);
    EXPECT_NEAR(bounds->east, 11.071, 1e-5);
    EXPECT_NEAR(bounds->south, 48.070, 1e-5);
    EXPECT_NEAR(bounds->north, 48.072, 1e-5);
}

TEST_F(Reimport, StatisticsGiveTheCameraDensityOverEachExtractsBounds) {
    apply("basic.osm");
    apply("basic.osm", 1'700'000'100);  // the latest run per file counts once
    auto areas = m_store->stats().imported_areas;
    ASSERT_EQ(areas.size(), 1u);
    EXPECT_EQ(areas[0].name, "basic.osm");
    EXPECT_DOUBLE_EQ(areas[0].bounds.south, 48.0);
    EXPECT_DOUBLE_EQ(areas[0].bounds.east, 11.1);
    // 0.1 x 0.1 degrees at 48 N: about 11.1 km x 7.4 km.
    EXPECT_NEAR(areas[0].area_km2, 82.6, 0.5);
    EXPECT_EQ(areas[0].cameras, 2);
}

TEST_F(Reimport, ImportingTheSameFileTwiceChangesNothing) {
    apply("basic.osm");
    auto s = apply("basic.osm");
    EXPECT_EQ(s.cameras_new, 0);
    EXPECT_EQ(s.cameras_unchanged, 2);
    EXPECT_EQ(s.cameras_updated + s.cameras_removed + s.cameras_conflicts, 0);
    EXPECT_EQ(street_count(world), 3);  // replaced, not duplicated
}

TEST_F(Reimport, ANewerExtractUpdatesAndRemoves) {
    apply("basic.osm");
    auto way_camera = by_osm("way", 100);
    auto s = apply("basic_v2.osm", 1'800'000'000);
    EXPECT_EQ(s.cameras_new, 1);      // node 2
    EXPECT_EQ(s.cameras_updated, 1);  // node 1 v2
    EXPECT_EQ(s.cameras_removed, 1);  // way 100 is gone
    auto cam = by_osm("node", 1);
    EXPECT_EQ(cam.osm->version, 2);
    EXPECT_EQ(cam.tags.at("camera:direction"), "180");
    EXPECT_FALSE(cam.tags.contains("operator"));
    auto removed = m_store->find_camera(way_camera.id);
    ASSERT_TRUE(removed);
    EXPECT_EQ(removed->status, model::CameraStatus::removed);
    EXPECT_TRUE(history_has(way_camera.id, "imported"));
    EXPECT_TRUE(history_has(way_camera.id, "removed"));
    EXPECT_EQ(street_count(world), 1);  // the streets inside the bounds were replaced
    EXPECT_TRUE(m_store->cameras_changed_since_import().empty());
}

TEST_F(Reimport, ACameraOutsideTheNewBoundsIsKept) {
    apply("elsewhere.osm");
    apply("basic.osm");
    apply("basic_v2.osm");
    auto far = by_osm("node", 7);
    EXPECT_EQ(far.status, model::CameraStatus::reported);
    EXPECT_EQ(street_count({20.4, 44.8, 20.5, 44.82}), 1);  // the other city's streets stay
}

TEST_F(Reimport, ALocallyChangedCameraGetsAConflictAndKeepsItsState) {
    apply("basic.osm");
    auto cam = by_osm("node", 1);
    ASSERT_TRUE(merge_wall_mount(cam));
    auto way_camera = by_osm("way", 100);
    ASSERT_TRUE(m_store->remove_camera(way_camera.id, {"mod", "gone", 1'700'000'200}));

    auto changed = m_store->cameras_changed_since_import();
    ASSERT_EQ(changed.size(), 2u);

    auto s = apply("basic_v2.osm", 1'800'000'000);
    EXPECT_EQ(s.cameras_conflicts, 1);  // node 1: v2 in OSM, merged here
    EXPECT_EQ(s.cameras_updated, 0);
    EXPECT_EQ(s.cameras_removed, 0);  // way 100 was already removed here
    auto kept = by_osm("node", 1);
    EXPECT_EQ(kept.osm->version, 1);
    EXPECT_EQ(kept.tags.at("camera:mount"), "wall");
    EXPECT_EQ(kept.tags.at("camera:direction"), "90");
    EXPECT_TRUE(history_has(kept.id, "conflict"));
    // Both deletions agree now, so only the merged camera is still offered to OSM.
    changed = m_store->cameras_changed_since_import();
    ASSERT_EQ(changed.size(), 1u);
    EXPECT_EQ(changed[0].id, kept.id);
}

// A moderator's change that reached OpenStreetMap (a mapper uploaded the osmChange) comes back
// in the next extract: the camera is in sync again, not a conflict, and no longer offered to OSM.
TEST_F(Reimport, ALocalChangeThatReachedOsmIsInSyncAgain) {
    apply("basic.osm");
    auto cam = by_osm("node", 1);
    ASSERT_TRUE(merge_wall_mount(cam));
    const auto merged = by_osm("node", 1);
    ASSERT_EQ(merged.tags.at("camera:mount"), "wall");
    ASSERT_EQ(m_store->cameras_changed_since_import().size(), 1u);

    // Version 2 in OSM is what was merged here.
    auto extract = read_fixture("basic.osm");
    auto with_node_one = [&extract](const std::function<void(model::OsmCamera&)>& change) {
        for (auto& c : extract.cameras)
            if (c.osm.type == "node" && c.osm.id == 1) change(c);
    };
    with_node_one([&merged](model::OsmCamera& c) {
        c.osm.version = 2;
        c.tags = merged.tags;
        c.location = merged.location;
    });
    auto s = m_store->apply_osm_import(extract, import_decision(1'800'000'000));
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->cameras_conflicts, 0);
    EXPECT_EQ(s->cameras_updated, 0);
    EXPECT_EQ(s->cameras_unchanged, 2);  // node 1, in sync again, and way 100
    auto synced = by_osm("node", 1);
    EXPECT_EQ(synced.osm->version, 2);
    EXPECT_EQ(synced.tags, merged.tags);
    EXPECT_EQ(synced.updated_at, merged.updated_at);  // nothing about it changed here
    EXPECT_FALSE(history_has(synced.id, "conflict"));
    EXPECT_TRUE(m_store->cameras_changed_since_import().empty());

    // From now on OSM's next version is an update, as for any camera in sync.
    with_node_one([](model::OsmCamera& c) {
        c.osm.version = 3;
        c.tags["camera:direction"] = "180";
    });
    s = m_store->apply_osm_import(extract, import_decision(1'900'000'000));
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->cameras_updated, 1);
    EXPECT_EQ(s->cameras_conflicts, 0);
    EXPECT_EQ(by_osm("node", 1).tags.at("camera:direction"), "180");
}

// The import writes with the tables' CHECK constraints off: a camera off the globe (which
// libosmium never gives, but an extract made otherwise could) is skipped, never stored, and a
// camera moved off the globe keeps its place.
TEST_F(Reimport, ACameraOffTheGlobeIsNeverStored) {
    auto extract = read_fixture("basic.osm");
    ASSERT_EQ(extract.cameras.size(), 2u);
    const auto key = extract.cameras.front().osm;
    extract.cameras.front().location.lat = 95;
    auto first = m_store->apply_osm_import(extract, import_decision());
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_EQ(first->cameras_new, 1);
    EXPECT_THROW(by_osm(key.type, key.id), std::runtime_error);

    apply("basic.osm", 1'800'000'000);
    const auto before = by_osm(key.type, key.id);
    extract.cameras.front().osm.version = before.osm->version + 1;
    ASSERT_TRUE(m_store->apply_osm_import(extract, import_decision(1'900'000'000)));
    const auto after = by_osm(key.type, key.id);
    EXPECT_EQ(after.location, before.location);
    EXPECT_EQ(after.osm->version, before.osm->version);
}

TEST_F(Reimport, ARemovedCameraChangedInOsmIsAConflict) {
    apply("basic.osm");
    auto cam = by_osm("node", 1);
    ASSERT_TRUE(m_store->remove_camera(cam.id, {"mod", "not there", 1'700'000'200}));
    auto s = apply("basic_v2.osm", 1'800'000'000);
    EXPECT_EQ(s.cameras_conflicts, 1);
    auto kept = m_store->find_camera(cam.id);
    ASSERT_TRUE(kept);
    EXPECT_EQ(kept->status, model::CameraStatus::removed);
    EXPECT_TRUE(history_has(cam.id, "conflict"));
}

TEST_F(Reimport, ABadFileLeavesTheStoreAsItWas) {
    apply("basic.osm");
    auto version = m_store->camera_version();
    auto map_version = m_store->map_version();
    std::int64_t cameras = 0;
    m_store->for_each_camera([&](const model::Camera&) { ++cameras; });

    testing::TempDir dir;
    auto source = testing::shared_osm("munich_center.osm.pbf");
    std::filesystem::path broken = dir.path() / "half.osm.pbf";
    if (std::filesystem::exists(source)) {
        const std::string bytes = testing::file_bytes(source);
        std::ofstream(broken, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    } else {
        std::ofstream(broken, std::ios::binary) << "not a pbf file at all";
    }
    auto extract = read_osm_file(broken);
    ASSERT_FALSE(extract);
    EXPECT_EQ(extract.error().code, Errc::invalid_argument);

    std::int64_t after = 0;
    m_store->for_each_camera([&](const model::Camera&) { ++after; });
    EXPECT_EQ(after, cameras);
    EXPECT_EQ(m_store->camera_version(), version);
    EXPECT_EQ(m_store->map_version(), map_version);
    EXPECT_EQ(street_count(world), 3);
}

// sightline import writes the store while it reads. A cut PBF is found out in pass 2 (pass 1 reads
// only the whole blobs at its end, ADR 020), after part of it was written: the store must stay
// as it was.
TEST_F(Reimport, ATruncatedPbfImportedWhileReadingLeavesTheStoreAsItWas) {
    auto source = testing::shared_osm("munich_center.osm.pbf");
    if (!std::filesystem::exists(source)) GTEST_SKIP() << "no " << source;
    apply("basic.osm");
    auto version = m_store->camera_version();
    auto map_version = m_store->map_version();
    auto places = m_store->place_count();
    auto run = m_store->last_import();
    ASSERT_TRUE(run);

    testing::TempDir dir;
    std::filesystem::path broken = dir.path() / "cut.osm.pbf";
    {
        const std::string bytes = testing::file_bytes(source);
        std::ofstream(broken, std::ios::binary) << bytes.substr(0, bytes.size() - 100);
    }
    auto s = import_osm_file(broken, *m_store, import_decision(1'800'000'000));
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, Errc::invalid_argument);
    EXPECT_NE(s.error().message.find("cannot read"), std::string::npos) << s.error().message;
    EXPECT_EQ(m_store->camera_version(), version);
    EXPECT_EQ(m_store->map_version(), map_version);
    EXPECT_EQ(m_store->place_count(), places);
    EXPECT_EQ(street_count(world), 3);
    EXPECT_EQ(m_store->last_import()->id, run->id);
    // The write lock was given back: the next import goes through.
    EXPECT_TRUE(import_osm_file(testing::fixture("basic_v2.osm"), *m_store,
                                import_decision(1'800'000'000)));
}

// Anomaly: the store fails in the middle of the stream (disk full) after a street was written
// into the open transaction. Nothing of it may survive.
TEST_F(Reimport, AWriterThatFailsHalfwayLeavesTheStoreAsItWas) {
    apply("basic.osm");
    auto version = m_store->camera_version();
    auto map_version = m_store->map_version();
    auto places = m_store->place_count();
    struct FailingSink final : model::MapDataSink {
        explicit FailingSink(model::MapDataSink& to) : to(to) {}
        model::MapDataSink& to;
        int streets = 0;
        void add_street(const model::Street& s) override {
            if (streets == 1) throw sightline::Exception("disk full (simulated)");
            to.add_street(s);
            ++streets;
        }
        void add_area(const model::Area& a) override { to.add_area(a); }
        void add_place(const model::Place& p) override { to.add_place(p); }
        void add_camera(const model::OsmCamera& c) override { to.add_camera(c); }
    };
    {
        auto writer = m_store->begin_osm_import(import_decision(1'800'000'000));
        FailingSink failing(*writer);
        EXPECT_THROW(read_osm_file(testing::fixture("basic.osm"), failing), sightline::Exception);
        ASSERT_GT(failing.streets, 0) << "streets went into the transaction before the failure";
    }
    EXPECT_EQ(m_store->camera_version(), version);
    EXPECT_EQ(m_store->map_version(), map_version);
    EXPECT_EQ(m_store->place_count(), places);
    EXPECT_EQ(street_count(world), 3);
    // A writer left without finish() must not keep the lock either.
    EXPECT_TRUE(import_osm_file(testing::fixture("basic_v2.osm"), *m_store, import_decision()));
}

// The streamed import and the in-memory one leave the same store, first import and re-import.
TEST_F(Reimport, StreamingTheFileGivesWhatApplyingItInMemoryGives) {
    testing::TempDir other_dir;
    auto other = store::open_sqlite_store(other_dir.path());
    for (const char* name : {"basic.osm", "elsewhere.osm", "basic_v2.osm"}) {
        auto in_memory = apply(name);
        auto streamed = import_osm_file(testing::fixture(name), *other, import_decision());
        ASSERT_TRUE(streamed) << streamed.error().message;
        EXPECT_EQ(streamed->cameras_new, in_memory.cameras_new) << name;
        EXPECT_EQ(streamed->cameras_updated, in_memory.cameras_updated) << name;
        EXPECT_EQ(streamed->cameras_removed, in_memory.cameras_removed) << name;
        EXPECT_EQ(streamed->streets, in_memory.streets) << name;
        EXPECT_EQ(streamed->buildings + streamed->water + streamed->parks,
                  in_memory.buildings + in_memory.water + in_memory.parks)
            << name;
        EXPECT_EQ(streamed->places, in_memory.places) << name;
        EXPECT_EQ(other->place_count(), m_store->place_count()) << name;
        std::int64_t streets = 0;
        other->for_each_street(world, [&](const model::Street&) { ++streets; });
        EXPECT_EQ(streets, street_count(world)) << name;
    }
}

// A PBF whose relations lie between its nodes and ways: the first read finds one that pass 1
// did not see, drops what it wrote and reads the file again, every blob searched.
TEST_F(Reimport, APbfWhoseRelationsAreNotLastIsReadAgainWhole) {
    const auto in_memory = apply("basic.osm");
    testing::TempDir other_dir;
    auto other = store::open_sqlite_store(other_dir.path());
    auto streamed =
        import_osm_file(testing::fixture("basic_file_order.osm.pbf"), *other, import_decision());
    ASSERT_TRUE(streamed) << streamed.error().message;
    EXPECT_EQ(streamed->cameras_new, in_memory.cameras_new);
    EXPECT_EQ(streamed->streets, in_memory.streets);
    EXPECT_EQ(streamed->buildings, in_memory.buildings);
    EXPECT_EQ(streamed->places, in_memory.places);
    // Nothing of the first read is left: it was rolled back, not added to.
    EXPECT_EQ(other->place_count(), m_store->place_count());
    EXPECT_EQ(street_count_in(*other), street_count(world));
}

TEST_F(Reimport, RejectsAnExtractWithoutValidBounds) {
    auto extract = read_fixture("basic.osm");
    extract.bounds = {10, 50, 5, 40};
    auto s = m_store->apply_osm_import(extract, import_decision());
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, Errc::invalid_argument);
    EXPECT_FALSE(m_store->last_import());
}

}  // namespace
}  // namespace sightline::osm
