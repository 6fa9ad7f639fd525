// Opening, migrations, reopening, several processes on one data directory, backups, threads.
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "store/sqlite/map_cells.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/places.hpp"
#include "store_test_support.hpp"

namespace sightline::store::testing {
namespace {

// As before migration 13: streets and areas in R*Trees (their boxes copied there from the rows,
// as 32-bit floats), without their box and cell columns.
void undo_migration_thirteen(RawDb& db) {
    for (std::string table : {"street", "area"}) {
        const std::string rows = table + "s";
        db.exec(fmt::format(
            "CREATE VIRTUAL TABLE {0}_index USING rtree (id, min_lat, max_lat, min_lon, max_lon); "
            "INSERT INTO {0}_index SELECT id, min_lat, max_lat, min_lon, max_lon FROM {1}; "
            "DROP INDEX {1}_cell; ALTER TABLE {1} DROP COLUMN cell; "
            "ALTER TABLE {1} DROP COLUMN min_lat; ALTER TABLE {1} DROP COLUMN max_lat; "
            "ALTER TABLE {1} DROP COLUMN min_lon; ALTER TABLE {1} DROP COLUMN max_lon; "
            "CREATE TRIGGER {1}_unindex AFTER DELETE ON {1} "
            "BEGIN DELETE FROM {0}_index WHERE id = old.id; END;",
            table, rows));
    }
}

// As before migration 12: places in an R*Tree, without their grid cell.
void undo_migration_twelve(RawDb& db) {
    db.exec(
        "DROP TRIGGER places_unindex; DROP INDEX places_cell; DROP INDEX places_settlements; "
        "ALTER TABLE places DROP COLUMN cell; "
        "CREATE VIRTUAL TABLE place_index USING rtree (id, min_lat, max_lat, min_lon, max_lon); "
        "CREATE TRIGGER places_unindex AFTER DELETE ON places BEGIN "
        "DELETE FROM place_index WHERE id = old.id; "
        "INSERT INTO places_fts (places_fts, rowid, words) VALUES ('delete', old.id, old.words); "
        "END;");
}

}  // namespace

TEST(SqliteStore, EachDataSetHasARandomIdThatOutlivesReopening) {
    TempDir one, two;
    std::string id;
    {
        auto store = open_store(one.path());
        id = store->data_id();
        EXPECT_EQ(id.size(), 32u);
        EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
        EXPECT_NE(open_store(two.path())->data_id(), id);
    }
    EXPECT_EQ(open_store(one.path())->data_id(), id);
}

TEST(SqliteStore, CreatesTheDataDirectoryAndAppliesAllMigrations) {
    TempDir dir;
    auto store = open_store(dir.path() / "nested" / "data");
    EXPECT_EQ(store->database_path(), dir.path() / "nested" / "data" / "sightline.db");
    EXPECT_TRUE(std::filesystem::exists(store->database_path()));
    EXPECT_EQ(store->schema_version(), sqlite::latest_schema_version());
    EXPECT_EQ(store->camera_version(), 0);

    RawDb db(store->database_path());
    for (const char* table : {"cameras", "camera_index", "camera_reports", "camera_history",
                              "reports", "users", "sessions", "audit_events", "meta"})
        EXPECT_EQ(db.count(std::string("SELECT count(*) FROM sqlite_master WHERE name = '") +
                           table + "'"),
                  1)
            << table;
    EXPECT_EQ(db.count("SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"), 1);
}

// ADR 021: a database the store creates has 16 KiB pages, whether it is made for a first import
// (rollback journal) or by a server; one made before keeps its own page size.
TEST(SqliteStore, ANewDatabaseHas16KiBPagesAndAnOldOneKeepsItsOwn) {
    const std::string page_size_is = "SELECT count(*) FROM pragma_page_size WHERE page_size = ";
    TempDir made_by_server, made_for_import, made_before;
    open_store(made_by_server.path());
    EXPECT_EQ(RawDb(made_by_server.path() / "sightline.db").count(page_size_is + "16384"), 1);
    SqliteOptions first_load;
    first_load.rollback_journal_if_new = true;
    open_store(made_for_import.path(), first_load);
    EXPECT_EQ(RawDb(made_for_import.path() / "sightline.db").count(page_size_is + "16384"), 1);

    const auto old_file = made_before.path() / "sightline.db";
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(old_file.c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw, "PRAGMA page_size = 4096; CREATE TABLE before_us (x)", nullptr,
                           nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(raw);
    {
        auto store = open_store(made_before.path());
        ASSERT_TRUE(store->insert_user("mila", model::Role::moderator, "hash", decision()));
    }
    RawDb old_db(old_file);
    EXPECT_EQ(old_db.count(page_size_is + "4096"), 1);
    EXPECT_EQ(old_db.count("SELECT count(*) FROM users WHERE name = 'mila'"), 1);
}

// store::OpenOptions::rollback_journal_if_new: only a database file the store creates, and only
// while it is open; it is in WAL mode for whoever opens it next.
TEST(SqliteStore, ANewDatabaseForItsFirstLoadHasARollbackJournalUntilItCloses) {
    TempDir dir;
    SqliteOptions first_load;
    first_load.rollback_journal_if_new = true;
    const auto file = dir.path() / "sightline.db";
    const std::string mode_is = "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = ";
    {
        auto store = open_store(dir.path(), first_load);
        RawDb db(file);
        EXPECT_EQ(db.count(mode_is + "'delete'"), 1);
        // It stores and reads as any store does, a transaction that fails included.
        ASSERT_TRUE(store->insert_user("mila", model::Role::moderator, "hash", decision()));
        EXPECT_THROW(db.exec("BEGIN; INSERT INTO meta (key, value) VALUES ('x', 'y'); "
                             "INSERT INTO meta (key, value) VALUES ('x', 'z'); COMMIT;"),
                     std::runtime_error);
        db.exec("ROLLBACK");
        EXPECT_EQ(db.count("SELECT count(*) FROM meta WHERE key = 'x'"), 0);
        EXPECT_TRUE(store->find_user_by_name("mila"));
        // Another open meanwhile (a server started during the first import) cannot switch the
        // file to WAL while a write is under way: it waits its busy timeout, then says why.
        db.exec("BEGIN IMMEDIATE");
        try {
            open_store(dir.path());
            ADD_FAILURE() << "opened during the write";
        } catch (const sightline::Exception& e) {
            EXPECT_NE(std::string_view(e.what()).find("is busy: another process is writing it"),
                      std::string_view::npos)
                << e.what();
        }
        db.exec("ROLLBACK");
    }
    RawDb db(file);
    EXPECT_EQ(db.count(mode_is + "'wal'"), 1);
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "sightline.db-journal"));
    {
        auto store = open_store(dir.path(), first_load);  // the file exists: WAL as always
        EXPECT_EQ(RawDb(file).count(mode_is + "'wal'"), 1);
        EXPECT_TRUE(store->find_user_by_name("mila"));
    }
}

TEST(SqliteStore, MigrationsAreNumberedFromOneWithoutGaps) {
    int expected = 1;
    for (const auto& m : sqlite::migrations()) {
        EXPECT_EQ(m.version, expected++);
        EXPECT_FALSE(m.description.empty());
    }
}

// Migration 5: cameras imported from OpenStreetMap said "verified" though no moderator had seen
// them; those no report was merged into become "reported", and caches see a new camera version.
TEST(SqliteStore, MigrationFiveMarksUnreviewedOsmCamerasAsReported) {
    TempDir dir;
    { open_store(dir.path()); }
    {
        RawDb db(dir.path() / "sightline.db");
        db.exec(
            "INSERT INTO cameras (id, lat, lon, status, kind, confirmations, first_seen, "
            "last_verified, updated_at, osm_type, osm_id, osm_version, osm_timestamp) VALUES "
            "(1, 44.8, 20.4, 'verified', 'fixed', 0, 100, 0, 100, 'node', 11, 1, 100), "
            "(2, 44.8, 20.4, 'verified', 'fixed', 1, 100, 200, 200, 'node', 12, 1, 100), "
            "(3, 44.8, 20.4, 'verified', 'fixed', 1, 100, 200, 200, NULL, NULL, NULL, NULL), "
            "(4, 44.8, 20.4, 'removed', 'fixed', 0, 100, 0, 100, 'node', 14, 1, 100)");
        // As a version 4 database: without what migrations 5 and later add.
        db.exec("ALTER TABLE import_runs DROP COLUMN place");
        db.exec("DROP TABLE districts");
        db.exec("DROP TABLE survey_answers");
        db.exec("DROP TABLE survey_tasks");
        db.exec("DROP TABLE survey_task_index");
        db.exec("DROP TABLE campaigns");
        db.exec("DELETE FROM meta WHERE key = 'survey_version'");
        db.exec("ALTER TABLE reports DROP COLUMN flags");
        db.exec("DROP TABLE source_entries");
        db.exec("DROP TABLE sources");
        db.exec(
            "DROP TABLE check_photos; DROP TABLE camera_checks; DROP INDEX "
            "cameras_last_verified");
        undo_migration_thirteen(db);
        undo_migration_twelve(db);
        db.exec("PRAGMA user_version = 4");
    }
    auto store = open_store(dir.path(), existing_only());
    EXPECT_EQ(store->schema_version(), sqlite::latest_schema_version());
    EXPECT_EQ(store->find_camera(model::CameraId{1})->status, model::CameraStatus::reported);
    EXPECT_EQ(store->find_camera(model::CameraId{2})->status, model::CameraStatus::verified)
        << "a report was merged into it";
    EXPECT_EQ(store->find_camera(model::CameraId{3})->status, model::CameraStatus::verified);
    EXPECT_EQ(store->find_camera(model::CameraId{4})->status, model::CameraStatus::removed);
    // Once by migration 5, once by migration 9 (last_verified of OSM cameras 1 and 4).
    EXPECT_EQ(store->camera_version(), 2);
}

// Migration 9: last_verified is "last confirmed there"; for OSM cameras never confirmed here that
// is the time of their OSM version, which the cameras layer and the re-check list then use.
TEST(SqliteStore, MigrationElevenDatesOsmCamerasByTheirOsmVersion) {
    TempDir dir;
    { open_store(dir.path()); }
    {
        RawDb db(dir.path() / "sightline.db");
        db.exec(
            "INSERT INTO cameras (id, lat, lon, status, kind, confirmations, first_seen, "
            "last_verified, updated_at, osm_type, osm_id, osm_version, osm_timestamp) VALUES "
            "(1, 44.8, 20.4, 'reported', 'fixed', 0, 500, 0, 500, 'node', 11, 1, 100), "
            "(2, 44.8, 20.4, 'verified', 'fixed', 1, 500, 700, 700, 'node', 12, 1, 100), "
            "(3, 44.8, 20.4, 'reported', 'fixed', 0, 500, 0, 500, NULL, NULL, NULL, NULL)");
        db.exec(
            "DROP TABLE check_photos; DROP TABLE camera_checks; DROP INDEX cameras_last_verified");
        undo_migration_thirteen(db);
        undo_migration_twelve(db);
        db.exec("PRAGMA user_version = 10");
    }
    auto store = open_store(dir.path(), existing_only());
    EXPECT_EQ(store->schema_version(), sqlite::latest_schema_version());
    EXPECT_EQ(store->find_camera(model::CameraId{1})->last_verified, 100);
    EXPECT_EQ(store->find_camera(model::CameraId{2})->last_verified, 700) << "confirmed here later";
    EXPECT_EQ(store->find_camera(model::CameraId{3})->last_verified, 0)
        << "nobody ever confirmed it";
    EXPECT_EQ(store->camera_version(), 1);
    EXPECT_TRUE(store->insert_check(model::CameraId{3}, {true, "", {}}, report_time));
}

// Migration 12: places leave the R*Tree for a grid cell in a B-tree index; those imported before
// get their cell, are found around a point and are still deleted with their search words.
TEST(SqliteStore, MigrationTwelveGivesEveryPlaceItsGridCell) {
    TempDir dir;
    { open_store(dir.path()); }
    const geo::LatLon square{44.81603, 20.46012};
    {
        RawDb db(dir.path() / "sightline.db");
        undo_migration_thirteen(db);
        undo_migration_twelve(db);
        db.exec(
            "INSERT INTO places (id, kind, name, lat, lon, words) VALUES "
            "(1, 'place', 'Terazije', 44.81603, 20.46012, 'terazije'), "
            "(2, 'place', 'Far away', 44.9, 20.6, 'far away'); "
            "INSERT INTO place_index VALUES (1, 44.81603, 44.81603, 20.46012, 20.46012), "
            "(2, 44.9, 44.9, 20.6, 20.6); "
            "INSERT INTO places_fts (rowid, words) VALUES (1, 'terazije'), (2, 'far away');");
        db.exec("PRAGMA user_version = 11");
    }
    auto store = open_store(dir.path(), existing_only());
    EXPECT_EQ(store->schema_version(), sqlite::latest_schema_version());
    RawDb db(dir.path() / "sightline.db");
    EXPECT_EQ(db.count("SELECT cell FROM places WHERE id = 1"), sqlite::place_cell(square))
        << "SQL and C++ compute the same cell";
    auto near = store->places_near({44.8161, 20.4602}, 100, 10);
    ASSERT_EQ(near.size(), 1u);
    EXPECT_EQ(near[0].name, "Terazije");
    db.exec("DELETE FROM places WHERE id = 1");
    EXPECT_EQ(db.count("SELECT count(*) FROM places_fts WHERE places_fts MATCH 'terazije'"), 0);
    EXPECT_EQ(db.count("SELECT count(*) FROM places_fts WHERE places_fts MATCH 'far'"), 1);
}

// Migration 13: streets and areas leave their R*Trees for the grid cells of their boxes. Those
// imported before get their box (from the R*Tree) and the cell sqlite::map_cell gives that box,
// queries give what they gave before, and a re-import of the area still replaces them.
TEST(SqliteStore, MigrationThirteenGivesStreetsAndAreasTheirBoxAndCell) {
    TempDir dir;
    const geo::BBox everywhere{-180, -90, 180, 90};
    const std::vector<geo::BBox> boxes{{20.4601, 44.8121, 20.4622, 44.8139},
                                       {20.4695, 44.8095, 20.4705, 44.8105},
                                       {20.1, 44.5, 20.6, 44.52},
                                       {-70.6512, -33.4412, -70.6498, -33.4391},
                                       {179.9951, -17.713, 179.9999, -17.709},
                                       {-180, -80, 180, 80}};
    model::OsmExtract extract;
    extract.bounds = everywhere;
    for (std::size_t i = 0; i < boxes.size(); ++i) {
        const auto& b = boxes[i];
        const auto id = static_cast<std::int64_t>(i) + 1;
        extract.streets.push_back({id, "residential", "", {{b.south, b.west}, {b.north, b.east}}});
        model::Area area;
        area.osm_id = id;
        area.kind = model::AreaKind::park;
        area.rings = {{{b.south, b.west}, {b.south, b.east}, {b.north, b.east}, {b.south, b.west}}};
        extract.areas.push_back(area);
    }
    const std::vector<geo::BBox> queries{everywhere,
                                         {20.46, 44.5, 20.47, 44.813},
                                         {20.4702, 44.8103, 20.48, 44.82},
                                         {20.59, 44.51, 20.7, 44.6},
                                         {-70.66, -33.44, -70.65, -33.43},
                                         {179.999, -17.71, 180, -17.70},
                                         {-179.5, 79.9, -179.4, 79.95},
                                         {0, 0, 1, 1}};
    auto found = [&](SqliteStore& store) {
        std::vector<std::string> out;
        for (const auto& q : queries) {
            std::string line;
            store.for_each_street(
                q, [&](const model::Street& s) { line += fmt::format("s{} ", s.osm_way_id); });
            store.for_each_area(q, model::AreaKind::park, [&](const model::Area& a) {
                line += fmt::format("a{} ", a.osm_id);
            });
            out.push_back(line);
        }
        return out;
    };
    std::vector<std::string> before;
    {
        auto store = open_store(dir.path());
        ASSERT_TRUE(store->apply_osm_import(extract, {"import", "", 1'700'000'000}));
        before = found(*store);
    }
    EXPECT_EQ(before[1], "s1 s2 s3 s6 a1 a2 a3 a6 ") << "the R*Trees' order is the ids'";
    {
        RawDb db(dir.path() / "sightline.db");
        undo_migration_thirteen(db);
        db.exec("PRAGMA user_version = 12");
    }
    auto store = open_store(dir.path(), existing_only());
    EXPECT_EQ(store->schema_version(), sqlite::latest_schema_version());
    EXPECT_EQ(found(*store), before);
    RawDb db(dir.path() / "sightline.db");
    EXPECT_EQ(db.count("SELECT count(*) FROM sqlite_master WHERE name IN ('street_index', "
                       "'area_index', 'streets_unindex', 'areas_unindex')"),
              0);
    for (std::string table : {"streets", "areas"})
        for (std::size_t i = 0; i < boxes.size(); ++i) {
            // The R*Tree's box: 32-bit floats, rounded outwards.
            const auto column = [&](const char* name) {
                double value = 0;
                auto stmt = fmt::format("SELECT {} FROM {} WHERE id = {}", name, table, i + 1);
                EXPECT_NO_THROW(value = db.real(stmt));
                return value;
            };
            const geo::BBox box{column("min_lon"), column("min_lat"), column("max_lon"),
                                column("max_lat")};
            EXPECT_LE(box.west, boxes[i].west);
            EXPECT_GE(box.north, boxes[i].north);
            EXPECT_EQ(db.count(fmt::format("SELECT cell FROM {} WHERE id = {}", table, i + 1)),
                      sqlite::map_cell(box))
                << table << " " << i + 1 << ": SQL and C++ compute the same cell";
        }
    // A re-import of the same area without them removes them.
    extract.streets.clear();
    extract.areas.clear();
    ASSERT_TRUE(store->apply_osm_import(extract, {"import", "", 1'700'000'100}));
    EXPECT_FALSE(store->street_bounds());
    EXPECT_EQ(db.count("SELECT count(*) FROM areas"), 0);
}

// Migration 14: the places' cell index keeps the cell alone (a first import builds it faster);
// places are found by position as before.
TEST(SqliteStore, MigrationFourteenIndexesPlacesByTheCellAlone) {
    TempDir dir;
    {
        auto store = open_store(dir.path());
        model::OsmExtract extract;
        extract.source_name = "terazije.osm";
        extract.bounds = {20.45, 44.81, 20.47, 44.82};
        model::Place place;
        place.kind = model::PlaceKind::place;
        place.type = "square";
        place.name = "Terazije";
        place.location = {44.81603, 20.46012};
        extract.places.push_back(place);
        ASSERT_TRUE(store->apply_osm_import(extract, {"import", "", 1'700'000'000}));
    }
    {
        RawDb db(dir.path() / "sightline.db");
        db.exec(
            "DROP INDEX places_cell; CREATE INDEX places_cell ON places (cell, lat, lon); "
            "PRAGMA user_version = 13");
    }
    auto store = open_store(dir.path(), existing_only());
    EXPECT_EQ(store->schema_version(), sqlite::latest_schema_version());
    RawDb db(dir.path() / "sightline.db");
    EXPECT_EQ(db.count("SELECT count(*) FROM pragma_index_info('places_cell')"), 1);
    EXPECT_EQ(db.count("SELECT count(*) FROM pragma_index_info('places_cell') WHERE name = 'cell'"),
              1);
    auto near = store->places_near({44.8161, 20.4602}, 100, 10);
    ASSERT_EQ(near.size(), 1u);
    EXPECT_EQ(near[0].name, "Terazije");
    EXPECT_TRUE(store->places_near({44.9, 20.6}, 100, 10).empty());
}

// The cell of a point lies between the cells of any box's corners, row by row: what the grid
// lookups rely on (sqlite/places.cpp), also across the equator, the meridian and the poles.
TEST(SqliteStore, PlaceCellsAreMonotoneInEachCoordinate) {
    for (double lat : {-90.0, -45.123456, -0.0001, 0.0, 0.0019, 0.002, 44.81603, 89.9999, 90.0})
        for (double lon : {-180.0, -120.5, -0.0001, 0.0, 0.0021, 20.46012, 179.9999, 180.0}) {
            const auto row = sqlite::place_cell_row(lat);
            const auto column = sqlite::place_cell_column(lon);
            EXPECT_LE(sqlite::place_cell_row(lat - 1e-9), row);
            EXPECT_GE(sqlite::place_cell_row(lat + 1e-9), row);
            EXPECT_LE(sqlite::place_cell_column(lon - 1e-9), column);
            EXPECT_GE(sqlite::place_cell_column(lon + 1e-9), column);
            EXPECT_LT(column, std::int64_t{1} << sqlite::place_cell_column_bits);
            EXPECT_EQ(sqlite::place_cell({lat, lon}),
                      (row << sqlite::place_cell_column_bits) | column);
        }
}

TEST(SqliteStore, ReopeningKeepsDataAndSchemaVersion) {
    TempDir dir;
    model::ReportId report;
    model::CameraId camera;
    {
        auto store = open_store(dir.path());
        report = *store->insert_report(belgrade_report(), withdraw_hash_a, report_time);
        camera = store->accept_report(report, decision())->id;
    }
    auto store = open_store(dir.path(), existing_only());
    EXPECT_EQ(store->schema_version(), sqlite::latest_schema_version());
    EXPECT_EQ(store->find_report(report)->camera_id, camera);
    EXPECT_EQ(store->find_camera(camera)->report_ids, std::vector<model::ReportId>{report});
    EXPECT_EQ(store->camera_version(), 1);
}

TEST(SqliteStore, RefusesADatabaseFromANewerBuild) {
    TempDir dir;
    { open_store(dir.path()); }
    RawDb(dir.path() / "sightline.db").exec("PRAGMA user_version = 999");
    try {
        open_store(dir.path());
        FAIL() << "opened a newer schema";
    } catch (const sightline::Exception& e) {
        EXPECT_NE(std::string(e.what()).find("999"), std::string::npos) << e.what();
    }
}

TEST(SqliteStore, ThrowsAClearErrorForAFileThatIsNotADatabase) {
    TempDir dir;
    std::ofstream(dir.path() / "sightline.db")
        << "this is not a database, just some text......"
           "...................................................";
    try {
        open_store(dir.path());
        FAIL() << "opened garbage";
    } catch (const sightline::Exception& e) {
        std::string message = e.what();
        EXPECT_NE(message.find("sightline.db"), std::string::npos) << message;
        EXPECT_NE(message.find("not a database"), std::string::npos) << message;
    }
}

TEST(SqliteStore, ThrowsWhenTheDataDirectoryIsMissingAndCreationIsOff) {
    TempDir dir;
    EXPECT_THROW(open_store(dir.path() / "missing", existing_only()), sightline::Exception);
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "missing"));
    EXPECT_THROW(open_store(dir.path(), existing_only()), sightline::Exception)
        << "an empty directory has no database to open";
}

TEST(SqliteStore, ThrowsWhenTheDataDirectoryIsAFile) {
    TempDir dir;
    std::ofstream(dir.path() / "file") << "x";
    EXPECT_THROW(open_store(dir.path() / "file"), sightline::Exception);
}

TEST(SqliteStore, TwoStoresOnOneDirectorySeeEachOthersWrites) {
    TempDir dir;
    auto server = open_store(dir.path());
    auto cli = open_store(dir.path(), synchronous_normal());
    ASSERT_TRUE(cli->insert_user("admin", model::Role::admin, "h", decision()));
    EXPECT_TRUE(server->find_user_by_name("admin"));

    auto report = server->insert_report(belgrade_report(), withdraw_hash_a, report_time);
    ASSERT_TRUE(report);
    auto camera = cli->accept_report(*report, decision());
    ASSERT_TRUE(camera);
    EXPECT_EQ(server->find_camera(camera->id)->status, model::CameraStatus::verified);
    EXPECT_EQ(server->camera_version(), cli->camera_version());
    EXPECT_EQ(server->accept_report(*report, decision()).error().code, Errc::conflict);
}

TEST(SqliteStore, AnotherProcessCanAddAUserWhileTheServerHasTheStoreOpen) {
    TempDir dir;
    auto server = open_store(dir.path());
    ASSERT_TRUE(server->insert_report(belgrade_report(), withdraw_hash_a, report_time));
    pid_t child = fork();
    ASSERT_NE(child, -1);
    if (child == 0) {  // the CLI: its own store on the same data directory
        int code = 1;
        try {
            auto cli = open_store(dir.path(), existing_only());
            if (cli->insert_user("admin", model::Role::admin, "h", decision()) &&
                cli->list_reports(report_query(10)).size() == 1)
                code = 0;
        } catch (...) {
            code = 2;
        }
        _exit(code);
    }
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
    auto admin = server->find_user_by_name("admin");
    ASSERT_TRUE(admin);
    EXPECT_EQ(admin->role, model::Role::admin);
    EXPECT_EQ(server->list_audit(10, std::nullopt).size(), 1u);
}

TEST(SqliteStore, ConcurrentWritersInTwoStoresNeverLoseAReport) {
    TempDir dir;
    auto a = open_store(dir.path());
    auto b = open_store(dir.path());
    auto write = [&](SqliteStore& store) {
        for (int i = 0; i < 50; ++i)
            ASSERT_TRUE(store.insert_report(belgrade_report(), withdraw_hash_a, report_time));
    };
    std::thread ta(write, std::ref(*a));
    std::thread tb(write, std::ref(*b));
    ta.join();
    tb.join();
    EXPECT_EQ(a->list_reports(report_query(1000)).size(), 100u);
}

TEST(SqliteStore, ReadersAndTheWriterWorkFromManyThreads) {
    TempDir dir;
    auto store = open_store(dir.path());
    std::atomic<bool> stop = false;
    std::atomic<int> reads = 0;
    std::vector<std::thread> readers;
    for (int t = 0; t < 4; ++t)
        readers.emplace_back([&] {
            while (!stop) {
                store->find_cameras(bbox_query(geo::BBox{20, 44, 21, 45}));
                store->camera_version();
                ++reads;
            }
        });
    for (int i = 0; i < 30; ++i) {
        auto id = store->insert_report(belgrade_report(), withdraw_hash_a, report_time);
        ASSERT_TRUE(id);
        ASSERT_TRUE(store->accept_report(*id, decision()));
    }
    stop = true;
    for (auto& t : readers)
        t.join();
    EXPECT_GT(reads.load(), 0);
    EXPECT_EQ(store->find_cameras({}).size(), 30u);
}

TEST(SqliteStore, BackupProducesADatabaseWithTheSameContents) {
    TempDir dir;
    auto store = open_store(dir.path() / "live");
    for (int i = 0; i < 5; ++i) {
        auto id = store->insert_report(belgrade_report(), withdraw_hash_a, report_time);
        ASSERT_TRUE(id);
        if (i % 2 == 0) {
            ASSERT_TRUE(store->accept_report(*id, decision()));
        }
    }
    ASSERT_TRUE(store->insert_user("mila", model::Role::admin, "h", decision()));
    std::filesystem::create_directories(dir.path() / "copy");
    ASSERT_TRUE(store->backup_to(dir.path() / "copy" / "sightline.db"));
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "copy" / "sightline.db.partial"));
    // Writes after the backup do not reach it.
    ASSERT_TRUE(store->insert_report(belgrade_report(), withdraw_hash_a, report_time));

    auto copy = open_store(dir.path() / "copy", existing_only());
    EXPECT_EQ(copy->schema_version(), store->schema_version());
    EXPECT_EQ(copy->find_cameras({}).size(), 3u);
    EXPECT_EQ(copy->list_reports(report_query(100)).size(), 5u);
    EXPECT_EQ(copy->list_users().size(), 1u);
    EXPECT_EQ(copy->list_audit(100, std::nullopt).size(),
              store->list_audit(100, std::nullopt).size());
    EXPECT_EQ(copy->camera_version(), store->camera_version());

    // Overwrites an older backup; refuses a destination it cannot create.
    ASSERT_TRUE(store->backup_to(dir.path() / "copy" / "sightline.db"));
    EXPECT_EQ(store->backup_to(store->database_path()).error().code, Errc::invalid_argument);
    EXPECT_EQ(store->find_cameras({}).size(), 3u);
    auto bad = store->backup_to(dir.path() / "no" / "such" / "dir.db");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, Errc::invalid_argument);
    EXPECT_EQ(bad.error().message.find(dir.path().string()), std::string::npos) << "no paths";
}

TEST(SqliteStore, SynchronousNormalStoresTheSameData) {
    TempDir dir;
    auto store = open_store(dir.path(), synchronous_normal());
    auto id = store->insert_report(belgrade_report(), withdraw_hash_a, report_time);
    ASSERT_TRUE(id);
    EXPECT_EQ(store->find_report(*id)->status, model::ReportStatus::pending);
}

}  // namespace sightline::store::testing
