// Writing an import's places (sqlite::PlaceLoad): the rows and the search index are those that
// inserting each place with plain SQL gives, a re-import leaves only the new places findable, and
// the connection checks its constraints again afterwards.
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "search/text.hpp"
#include "store/encoding/place_words.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/places.hpp"
#include "store_test_support.hpp"

namespace sightline::store::testing {
namespace {

// Few words, so that they repeat across places as names do; folding, transliteration and
// compound words included.
const std::vector<std::string> vocabulary{
    "Knez",  "Mihailova",   "Straße",
    "Ulica", "Kafana",      "\xd0\x91\xd0\xb5\xd0\xbe\xd0\xb3\xd1\x80\xd0\xb0\xd0\xb4",
    "Café",  "Marienplatz", "Hauptbahnhof",
    "Dom",   "Trg",         "Republike",
    "Šabac", "Sankt-Peter"};

// `n` places around (lat, lon) with names from the vocabulary: addresses, streets, points of
// interest, towns (landmark words), some with other names, and some that are not stored (no
// name, no location on Earth, nothing to index).
std::vector<model::Place> sample_places(int n, unsigned seed, double lat, double lon,
                                        std::string_view prefix = "") {
    std::mt19937 random(seed);
    auto pick = [&](std::size_t count) { return random() % count; };
    auto word = [&] { return vocabulary[pick(vocabulary.size())]; };
    std::vector<model::Place> places;
    for (int i = 0; i < n; ++i) {
        model::Place p;
        p.kind = static_cast<model::PlaceKind>(pick(4));
        p.name = word() + " " + word();
        if (p.kind == model::PlaceKind::address) {
            p.street = word() + " " + word();
            p.housenumber = std::to_string(1 + pick(40)) + (pick(3) == 0 ? "a;5/1" : "");
            p.name = p.street + " " + p.housenumber;
        } else if (pick(3) == 0) {
            p.names = {word(), word() + " " + word()};
        }
        if (!prefix.empty()) p.name = std::string(prefix) + " " + p.name;
        if (p.kind == model::PlaceKind::place) p.type = pick(2) ? "village" : "square";
        if (pick(5) == 0) p.context = word();
        p.location = {lat + static_cast<double>(pick(1000)) * 1e-4,
                      lon + static_cast<double>(pick(1000)) * 1e-4};
        if (i % 97 == 13) p.name.clear();
        if (i % 89 == 7) p.location = {95, lon};
        if (i % 83 == 5) {
            const auto at = p.location;
            p = model::Place{};
            p.name = "(!)";
            p.location = at;
        }
        places.push_back(std::move(p));
    }
    return places;
}

model::OsmExtract extract_of(std::vector<model::Place> places, geo::BBox bounds) {
    model::OsmExtract extract;
    extract.source_name = "places.osm";
    extract.bounds = bounds;
    extract.places = std::move(places);
    return extract;
}

// What the import wrote before PlaceLoad: each place through the connection's cached statements,
// with the table's CHECK constraints, then the typo candidates.
void insert_row_by_row(sqlite::Connection& db, const std::vector<model::Place>& places) {
    sqlite::Transaction tx(db);
    for (const auto& p : places) {
        if (!p.location.is_valid() || p.name.empty()) continue;
        const std::string words = encoding::place_words(p);
        if (words.empty()) continue;
        auto row = db.prepare(
            "INSERT INTO places (kind, name, housenumber, street, type, context, names, lat, lon, "
            "words, cell) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
        row.bind_all(model::to_string(p.kind), p.name, p.housenumber, p.street, p.type, p.context,
                     encoding::place_names_column(p), p.location.lat, p.location.lon, words,
                     sqlite::place_cell(p.location));
        row.run();
        auto fts = db.prepare("INSERT INTO places_fts (rowid, words) VALUES (?1, ?2)");
        fts.bind_all(db.last_insert_rowid(), words);
        fts.run();
    }
    sqlite::refresh_place_words(db);
    tx.commit();
}

// Every row of `sql`, its `columns` as text joined by '|'.
std::vector<std::string> rows(sqlite::Connection& db, const std::string& sql, int columns) {
    std::vector<std::string> out;
    auto stmt = db.prepare(sql);
    while (stmt.step()) {
        std::string line;
        for (int c = 0; c < columns; ++c)
            line += std::string(stmt.text(c)) + "|";
        out.push_back(std::move(line));
    }
    return out;
}

// The places, each token FTS5 indexed for each of them (term, row, position), the sizes it
// ranks by, and the typo candidates.
struct Contents {
    std::vector<std::string> places, tokens, sizes, words;
};

Contents contents_of(const std::filesystem::path& dir) {
    sqlite::Connection db(dir / "sightline.db", {});
    db.execute(
        "CREATE VIRTUAL TABLE temp.tokens USING fts5vocab(main, places_fts, 'instance'); "
        "INSERT INTO places_fts (places_fts) VALUES ('integrity-check')");
    Contents c;
    c.places = rows(db,
                    "SELECT id, kind, name, housenumber, street, type, context, names, lat, lon, "
                    "words, cell FROM places ORDER BY id",
                    12);
    c.tokens = rows(db, "SELECT term, doc, col, offset FROM temp.tokens ORDER BY doc, offset", 4);
    c.sizes = rows(db, "SELECT id, hex(sz) FROM places_fts_docsize ORDER BY id", 2);
    c.words = rows(db, "SELECT word FROM place_words ORDER BY word", 1);
    return c;
}

store::PlaceQuery query(std::string word) {
    store::PlaceQuery q;
    q.words = {{std::move(word)}};
    q.limit = 100'000;
    return q;
}

std::vector<std::string> names(const std::vector<model::Place>& places) {
    std::vector<std::string> out;
    for (const auto& p : places)
        out.push_back(p.name + " @" + p.context);
    return out;
}

TEST(SqlitePlaces, AnImportStoresAndIndexesPlacesAsInsertingThemOneByOneDoes) {
    const auto places = sample_places(3000, 17, 44.8, 20.4);
    TempDir imported;
    {
        auto store = open_store(imported.path());
        auto summary = store->apply_osm_import(extract_of(places, {20.4, 44.8, 20.5, 44.9}),
                                               decision("import"));
        ASSERT_TRUE(summary) << summary.error().message;
        EXPECT_GT(summary->places, 2500);
    }
    TempDir by_rows;
    { open_store(by_rows.path()); }
    {
        sqlite::Connection db(by_rows.path() / "sightline.db", {});
        insert_row_by_row(db, places);
    }
    const auto got = contents_of(imported.path());
    const auto expected = contents_of(by_rows.path());
    EXPECT_EQ(got.places, expected.places);
    EXPECT_EQ(got.tokens, expected.tokens);
    EXPECT_EQ(got.sizes, expected.sizes);
    EXPECT_EQ(got.words, expected.words);
    ASSERT_GT(expected.tokens.size(), 10'000u);

    auto store = open_store(imported.path(), existing_only());
    auto reference = open_store(by_rows.path(), existing_only());
    for (const auto& w : vocabulary) {
        for (const auto& folded : search::index_words(w)) {
            auto q = query(folded);
            q.limit = 20;
            EXPECT_EQ(names(store->find_places(q)), names(reference->find_places(q))) << folded;
            q.near = geo::LatLon{44.85, 20.45};
            EXPECT_EQ(names(store->find_places(q)), names(reference->find_places(q))) << folded;
        }
    }
}

// The places of a newer extract replace those inside its bounds: the old ones are no longer
// found (their index entries went with them), another city's stay.
TEST(SqlitePlaces, AReimportLeavesOnlyTheNewPlacesFindable) {
    TempDir dir;
    auto store = open_store(dir.path());
    const geo::BBox city{20.4, 44.8, 20.5, 44.9};
    const geo::BBox other_city{19.8, 45.2, 19.9, 45.3};
    ASSERT_TRUE(store->apply_osm_import(
        extract_of(sample_places(500, 1, 45.2, 19.8, "Other"), other_city), decision("import")));
    ASSERT_TRUE(store->apply_osm_import(extract_of(sample_places(800, 2, 44.8, 20.4, "Old"), city),
                                        decision("import")));
    const auto other_count = store->find_places(query("other")).size();
    EXPECT_GT(other_count, 100u);
    EXPECT_FALSE(store->find_places(query("old")).empty());

    auto newer = sample_places(600, 3, 44.8, 20.4, "New");
    auto summary = store->apply_osm_import(extract_of(newer, city), decision("import"));
    ASSERT_TRUE(summary) << summary.error().message;
    EXPECT_TRUE(store->find_places(query("old")).empty());
    EXPECT_TRUE(store->place_words_between("old", "olz", 10).empty());
    EXPECT_EQ(store->find_places(query("new")).size(), static_cast<std::size_t>(summary->places));
    EXPECT_EQ(store->find_places(query("other")).size(), other_count);
    EXPECT_EQ(store->place_count(), summary->places + static_cast<std::int64_t>(other_count));
    auto near = query("new");
    near.near = geo::LatLon{44.85, 20.45};
    EXPECT_FALSE(store->find_places(near).empty());
    const auto c = contents_of(dir.path());  // and FTS5 finds its index consistent
    EXPECT_EQ(c.places.size(), c.sizes.size());
}

// The import writes its places under a CheckConstraintsOff, which turns the tables' CHECK
// constraints back on when it ends, also when it ends through an exception; PlaceLoad itself
// holds its rows to those checks.
TEST(SqlitePlaces, ChecksAreBackOnWhenTheLoadEnds) {
    TempDir dir;
    { open_store(dir.path()); }
    sqlite::Connection db(dir.path() / "sightline.db", {});
    auto bad_row = [&db] {
        db.execute(
            "INSERT INTO places (kind, name, lat, lon, words) VALUES ('nonsense', 'x', 1, 1, 'x')");
    };
    auto checks_off = [&db] { return db.query_int64("PRAGMA ignore_check_constraints"); };
    sqlite::Transaction tx(db);
    {
        sqlite::CheckConstraintsOff off(db);
        sqlite::PlaceLoad load(db);
        EXPECT_EQ(checks_off(), 1);
        EXPECT_TRUE(load.insert(encoding::prepare_place(sample_places(1, 5, 44.8, 20.4)[0])));
        EXPECT_FALSE(load.insert(encoding::prepare_place(model::Place{})));
        model::PreparedPlace off_the_globe{sample_places(1, 5, 44.8, 20.4)[0], "words", ""};
        off_the_globe.place.location.lat = 95;
        EXPECT_FALSE(load.insert(off_the_globe)) << "held to the checks that are off";
    }
    EXPECT_EQ(checks_off(), 0);
    EXPECT_THROW(bad_row(), sqlite::SqliteError);
    try {
        sqlite::CheckConstraintsOff off(db);
        throw std::runtime_error("disk full (simulated)");
    } catch (const std::runtime_error&) {
    }
    EXPECT_EQ(checks_off(), 0);
    EXPECT_THROW(bad_row(), sqlite::SqliteError);
    EXPECT_EQ(db.query_int64("SELECT count(*) FROM places"), 1);
}

// A load lets FTS5 keep more new terms in memory (a setting stored in the database) and puts
// the setting back when it ends, also the one a database had before.
TEST(SqlitePlaces, APlaceLoadLeavesTheTextIndexSettingsAsTheyWere) {
    TempDir dir;
    { open_store(dir.path()); }
    sqlite::Connection db(dir.path() / "sightline.db", {});
    auto hash_size = [&db] {
        return db.query_int64(
            "SELECT coalesce((SELECT v FROM places_fts_config WHERE k = 'hashsize'), 1048576)");
    };
    sqlite::Transaction tx(db);
    {
        sqlite::PlaceLoad load(db);
        EXPECT_GT(hash_size(), 1048576);
        EXPECT_TRUE(load.insert(encoding::prepare_place(sample_places(1, 5, 44.8, 20.4)[0])));
    }
    EXPECT_EQ(hash_size(), 1048576);
    db.execute("INSERT INTO places_fts (places_fts, rank) VALUES ('hashsize', 2097152)");
    { sqlite::PlaceLoad load(db); }
    EXPECT_EQ(hash_size(), 2097152);
    tx.commit();
    EXPECT_EQ(db.query_int64("SELECT count(*) FROM places"), 1);
}

std::string cell_index_sql(sqlite::Connection& db) {
    auto stmt = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'places_cell'");
    return stmt.step() ? std::string(stmt.text(0)) : std::string();
}

// A load that at least doubles the table drops the grid-cell index while it inserts and builds
// it again, the same, when it finishes; a smaller one keeps it.
TEST(SqlitePlaces, ALargeLoadBuildsTheCellIndexAgainWhenItFinishes) {
    TempDir dir;
    { open_store(dir.path()); }
    sqlite::Connection db(dir.path() / "sightline.db", {});
    const std::string index_before = cell_index_sql(db);
    ASSERT_NE(index_before, "");
    const auto places = sample_places(200, 11, 44.8, 20.4);
    {
        sqlite::Transaction tx(db);
        sqlite::PlaceLoad load(db);
        EXPECT_FALSE(load.cell_index_dropped());
        for (const auto& p : places)
            load.insert(encoding::prepare_place(p));
        EXPECT_TRUE(load.cell_index_dropped()) << "the table was empty";
        EXPECT_EQ(cell_index_sql(db), "");
        load.finish();
        EXPECT_FALSE(load.cell_index_dropped());
        tx.commit();
    }
    EXPECT_EQ(cell_index_sql(db), index_before);
    EXPECT_EQ(db.query_int64("SELECT count(*) FROM places INDEXED BY places_cell WHERE cell > 0"),
              db.query_int64("SELECT count(*) FROM places"));
    auto check = db.prepare("PRAGMA integrity_check");
    ASSERT_TRUE(check.step());
    EXPECT_EQ(check.text(0), "ok");

    const auto rows = db.query_int64("SELECT count(*) FROM places");
    {
        sqlite::Transaction tx(db);
        sqlite::PlaceLoad load(db);
        for (const auto& p : sample_places(100, 12, 44.8, 20.4))
            load.insert(encoding::prepare_place(p));
        EXPECT_FALSE(load.cell_index_dropped()) << "fewer places than the table held";
        EXPECT_EQ(cell_index_sql(db), index_before);
        load.finish();
        tx.commit();
    }
    EXPECT_GT(db.query_int64("SELECT count(*) FROM places"), rows);
}

// A load that ends without finish() puts the index back all the same; one that ends through an
// exception leaves it to the rollback, which puts it back.
TEST(SqlitePlaces, AnUnfinishedLoadLeavesTheCellIndexInPlace) {
    TempDir dir;
    { open_store(dir.path()); }
    sqlite::Connection db(dir.path() / "sightline.db", {});
    const std::string index_before = cell_index_sql(db);
    {
        sqlite::Transaction tx(db);
        {
            sqlite::PlaceLoad load(db);
            load.insert(encoding::prepare_place(sample_places(1, 5, 44.8, 20.4)[0]));
            ASSERT_TRUE(load.cell_index_dropped());
        }
        EXPECT_EQ(cell_index_sql(db), index_before);
        tx.commit();
    }
    try {
        sqlite::Transaction tx(db);
        sqlite::PlaceLoad load(db);
        for (const auto& p : sample_places(5, 6, 44.8, 20.4))  // more than the table's 1 row
            load.insert(encoding::prepare_place(p));
        ASSERT_TRUE(load.cell_index_dropped());
        throw std::runtime_error("disk full (simulated)");
    } catch (const std::runtime_error&) {
    }
    EXPECT_EQ(cell_index_sql(db), index_before);
    EXPECT_EQ(db.query_int64("SELECT count(*) FROM places"), 1);
}

}  // namespace
}  // namespace sightline::store::testing
