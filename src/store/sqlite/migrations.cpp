#include "store/sqlite/migrations.hpp"

#include <array>

#include <fmt/core.h>

#include "store/sqlite/connection.hpp"

namespace sightline::store::sqlite {
namespace {

// Privacy rule for every table: no column for IP addresses, user agents or any other client
// identity; report times are whole hours (enforced by a CHECK, not just by callers).
constexpr const char* schema_v1 = R"sql(
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value NOT NULL
) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('camera_version', 0);

CREATE TABLE cameras (
    id            INTEGER PRIMARY KEY,
    lat           REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon           REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
    status        TEXT NOT NULL CHECK (status IN ('reported', 'verified', 'disputed', 'removed')),
    kind          TEXT NOT NULL,
    confirmations INTEGER NOT NULL DEFAULT 0 CHECK (confirmations >= 0),
    first_seen    INTEGER NOT NULL,
    last_verified INTEGER NOT NULL DEFAULT 0,
    updated_at    INTEGER NOT NULL,
    osm_type      TEXT CHECK (osm_type IN ('node', 'way', 'relation')),
    osm_id        INTEGER,
    osm_version   INTEGER,
    osm_timestamp INTEGER,
    tags          TEXT NOT NULL DEFAULT '{}',
    CHECK ((osm_id IS NULL) = (osm_type IS NULL))
);
CREATE UNIQUE INDEX cameras_osm ON cameras (osm_type, osm_id) WHERE osm_id IS NOT NULL;
CREATE INDEX cameras_status ON cameras (status);
CREATE INDEX cameras_kind ON cameras (kind);

CREATE VIRTUAL TABLE camera_index USING rtree (id, min_lat, max_lat, min_lon, max_lon);

CREATE TABLE reports (
    id              INTEGER PRIMARY KEY,
    lat             REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon             REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
    accuracy_m      REAL CHECK (accuracy_m IS NULL OR accuracy_m >= 0),
    directions      TEXT NOT NULL DEFAULT '[]',
    tags            TEXT NOT NULL DEFAULT '{}',
    note            TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'accepted', 'merged', 'rejected', 'withdrawn')),
    camera_id       INTEGER REFERENCES cameras (id),
    withdraw_hash   TEXT NOT NULL,
    created_at      INTEGER NOT NULL CHECK (created_at % 3600 = 0),
    decided_at      INTEGER NOT NULL DEFAULT 0,
    decision_reason TEXT NOT NULL DEFAULT '',
    CHECK ((status IN ('accepted', 'merged')) = (camera_id IS NOT NULL))
);
CREATE INDEX reports_status ON reports (status);

CREATE TABLE camera_reports (
    camera_id INTEGER NOT NULL REFERENCES cameras (id),
    report_id INTEGER NOT NULL REFERENCES reports (id),
    PRIMARY KEY (camera_id, report_id)
) WITHOUT ROWID;

CREATE TABLE camera_history (
    id        INTEGER PRIMARY KEY,
    camera_id INTEGER NOT NULL REFERENCES cameras (id),
    at        INTEGER NOT NULL,
    action    TEXT NOT NULL,
    actor     TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT '',
    report_id INTEGER REFERENCES reports (id)
);
CREATE INDEX camera_history_camera ON camera_history (camera_id);
CREATE TRIGGER camera_history_no_update BEFORE UPDATE ON camera_history
BEGIN SELECT RAISE(ABORT, 'camera_history is append-only'); END;
CREATE TRIGGER camera_history_no_delete BEFORE DELETE ON camera_history
BEGIN SELECT RAISE(ABORT, 'camera_history is append-only'); END;

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role          TEXT NOT NULL CHECK (role IN ('moderator', 'admin')),
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE audit_events (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      INTEGER NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    reason  TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
)sql";

// OpenStreetMap imports. locally_modified_at (unix seconds, 0 = not since the last import) marks
// OSM cameras whose OSM-visible state (tags, status) moderators changed, so a re-import records a
// conflict instead of overwriting them and the osmChange export offers them back to OSM.
// Geometry is packed int32 E7 (lat, lon) pairs; areas: int32 ring count, then per ring an int32
// point count and its points. The R*Trees index each row's bounding box.
constexpr const char* schema_v2 = R"sql(
ALTER TABLE cameras ADD COLUMN locally_modified_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX cameras_locally_modified ON cameras (locally_modified_at)
    WHERE locally_modified_at > 0;
INSERT INTO meta (key, value) VALUES ('map_version', 0);

CREATE TABLE streets (
    id         INTEGER PRIMARY KEY,
    osm_way_id INTEGER NOT NULL,
    highway    TEXT NOT NULL,
    name       TEXT NOT NULL DEFAULT '',
    points     BLOB NOT NULL
);
CREATE INDEX streets_osm ON streets (osm_way_id);
CREATE VIRTUAL TABLE street_index USING rtree (id, min_lat, max_lat, min_lon, max_lon);
CREATE TRIGGER streets_unindex AFTER DELETE ON streets
BEGIN DELETE FROM street_index WHERE id = old.id; END;

CREATE TABLE areas (
    id            INTEGER PRIMARY KEY,
    osm_id        INTEGER NOT NULL,
    from_relation INTEGER NOT NULL CHECK (from_relation IN (0, 1)),
    kind          TEXT NOT NULL CHECK (kind IN ('building', 'water', 'park')),
    name          TEXT NOT NULL DEFAULT '',
    height_m      REAL NOT NULL DEFAULT 0,
    rings         BLOB NOT NULL
);
CREATE INDEX areas_osm ON areas (osm_id, from_relation);
CREATE VIRTUAL TABLE area_index USING rtree (id, min_lat, max_lat, min_lon, max_lon);
CREATE TRIGGER areas_unindex AFTER DELETE ON areas
BEGIN DELETE FROM area_index WHERE id = old.id; END;

CREATE TABLE import_runs (
    id                INTEGER PRIMARY KEY,
    at                INTEGER NOT NULL,
    source_name       TEXT NOT NULL,
    west              REAL NOT NULL,
    south             REAL NOT NULL,
    east              REAL NOT NULL,
    north             REAL NOT NULL,
    cameras_new       INTEGER NOT NULL,
    cameras_updated   INTEGER NOT NULL,
    cameras_unchanged INTEGER NOT NULL,
    cameras_removed   INTEGER NOT NULL,
    cameras_conflicts INTEGER NOT NULL,
    streets           INTEGER NOT NULL,
    buildings         INTEGER NOT NULL,
    water             INTEGER NOT NULL,
    parks             INTEGER NOT NULL
);
)sql";

// Photos: only what the scrubbed image shows. No capture time, device or position columns; the
// files live under data/photos/ (store/photo_files.hpp), named by the SHA-256 kept here.
constexpr const char* schema_v3 = R"sql(
CREATE TABLE photos (
    sha256          TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    format          TEXT NOT NULL CHECK (format IN ('jpeg', 'png', 'webp', 'heif')),
    width           INTEGER NOT NULL CHECK (width > 0),
    height          INTEGER NOT NULL CHECK (height > 0),
    byte_size       INTEGER NOT NULL CHECK (byte_size > 0),
    faces_blurred   INTEGER NOT NULL CHECK (faces_blurred >= 0),
    perceptual_hash INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE report_photos (
    report_id INTEGER NOT NULL REFERENCES reports (id),
    position  INTEGER NOT NULL CHECK (position BETWEEN 0 AND 3),
    sha256    TEXT NOT NULL REFERENCES photos (sha256),
    PRIMARY KEY (report_id, position)
) WITHOUT ROWID;
CREATE INDEX report_photos_sha256 ON report_photos (sha256);
)sql";

// Search (issue 15): what the imported map names (addresses, streets, places, points of
// interest). `words` holds the folded index words (search::index_words) that places_fts indexes;
// '/' and '-' are kept inside words so that house numbers like 5/1 and 12-14 stay one word.
constexpr const char* schema_v4 = R"sql(
CREATE TABLE places (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('address', 'street', 'place', 'poi')),
    name        TEXT NOT NULL,
    housenumber TEXT NOT NULL DEFAULT '',
    street      TEXT NOT NULL DEFAULT '',
    type        TEXT NOT NULL DEFAULT '',
    context     TEXT NOT NULL DEFAULT '',
    names       TEXT NOT NULL DEFAULT '',
    lat         REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon         REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
    words       TEXT NOT NULL
);
CREATE VIRTUAL TABLE place_index USING rtree (id, min_lat, max_lat, min_lon, max_lon);
CREATE VIRTUAL TABLE places_fts USING fts5 (words, content = 'places', content_rowid = 'id',
    tokenize = "unicode61 tokenchars '/-'");
CREATE VIRTUAL TABLE places_vocab USING fts5vocab (places_fts, 'row');
-- The words of places_vocab in a B-tree, refreshed by every import: typo candidates are a range
-- of it, which fts5vocab would answer only by scanning every word.
CREATE TABLE place_words (word TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TRIGGER places_unindex AFTER DELETE ON places BEGIN
    DELETE FROM place_index WHERE id = old.id;
    INSERT INTO places_fts (places_fts, rowid, words) VALUES ('delete', old.id, old.words);
END;
)sql";

// Cameras imported from OpenStreetMap were stored as "verified" although no moderator of this
// instance had looked at them: the camera page said "Verified, 0 confirmations, last verified
// never" and the "Reported" filter found none of them. They are "reported" (someone mapped them);
// those a report was merged into since (a moderator's decision) stay verified.
constexpr const char* schema_v5 = R"sql(
UPDATE cameras SET status = 'reported'
 WHERE status = 'verified' AND osm_id IS NOT NULL AND last_verified = 0 AND confirmations = 0;
UPDATE meta SET value = value + 1 WHERE key = 'camera_version' AND changes() > 0;
-- The name people know an imported area by (the statistics showed "munich_center.osm.pbf"):
-- set by each import (sqlite::settlement_name); areas imported before stay unnamed until then.
ALTER TABLE import_runs ADD COLUMN place TEXT NOT NULL DEFAULT '';
)sql";

// A random name for this data set, so that caches kept beside the database (the prepared routing
// data) can tell it from another database with the same version counters: a data folder whose
// sightline.db was deleted and imported afresh counts from 1 again.
constexpr const char* schema_v6 = R"sql(
INSERT OR IGNORE INTO meta (key, value) VALUES ('data_id', lower(hex(randomblob(16))));
)sql";

// Administrative boundaries at the district level of the latest import of each area. An
// incomplete one (cut off by the extract's edge) has no outline and no box.
constexpr const char* schema_v7 = R"sql(
CREATE TABLE districts (
    id          INTEGER PRIMARY KEY,
    osm_type    TEXT NOT NULL CHECK (osm_type IN ('way', 'relation')),
    osm_id      INTEGER NOT NULL,
    admin_level INTEGER NOT NULL,
    name        TEXT NOT NULL,
    names       TEXT NOT NULL DEFAULT '{}',
    complete    INTEGER NOT NULL CHECK (complete IN (0, 1)),
    west        REAL,
    south       REAL,
    east        REAL,
    north       REAL,
    polygons    BLOB,
    CHECK ((complete = 1) = (polygons IS NOT NULL AND west IS NOT NULL))
);
CREATE UNIQUE INDEX districts_osm ON districts (osm_type, osm_id);
)sql";

// Survey campaigns: tasks (intersections or cells) with an R*Tree of their ground, and the
// answers volunteers give (answer_id makes a retried answer count once).
constexpr const char* schema_v8 = R"sql(
CREATE TABLE campaigns (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    unit           TEXT NOT NULL CHECK (unit IN ('intersection', 'cell')),
    answers_needed INTEGER NOT NULL CHECK (answers_needed BETWEEN 1 AND 10),
    west REAL NOT NULL, south REAL NOT NULL, east REAL NOT NULL, north REAL NOT NULL,
    created_at     INTEGER NOT NULL
);
CREATE TABLE survey_tasks (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    lat REAL NOT NULL, lon REAL NOT NULL,
    west REAL NOT NULL, south REAL NOT NULL, east REAL NOT NULL, north REAL NOT NULL,
    state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done', 'disputed')),
    held_until  INTEGER NOT NULL DEFAULT 0,
    cameras     INTEGER CHECK (cameras IS NULL OR cameras >= 0),
    surveyed_at INTEGER NOT NULL DEFAULT 0,
    answers     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX survey_tasks_campaign ON survey_tasks (campaign_id, state);
CREATE VIRTUAL TABLE survey_task_index USING rtree (id, min_lat, max_lat, min_lon, max_lon);
CREATE TABLE survey_answers (
    id         INTEGER PRIMARY KEY,
    task_id    INTEGER NOT NULL REFERENCES survey_tasks (id),
    at         INTEGER NOT NULL,
    cameras    INTEGER NOT NULL CHECK (cameras >= 0),
    report_ids TEXT NOT NULL DEFAULT '[]',
    answer_id  TEXT
);
CREATE INDEX survey_answers_task ON survey_answers (task_id);
CREATE UNIQUE INDEX survey_answers_once ON survey_answers (task_id, answer_id)
    WHERE answer_id IS NOT NULL;
INSERT INTO meta (key, value) VALUES ('survey_version', 0);
)sql";

// What the server found doubtful about a report (services/plausibility.hpp): a JSON array.
constexpr const char* schema_v9 = R"sql(
ALTER TABLE reports ADD COLUMN flags TEXT NOT NULL DEFAULT '[]';
)sql";

// Official lists (issue 14, docs/adr/016): a list a moderator imported and its entries, placed
// on the map. The matching with the crowd's cameras is kept with each entry (state, camera,
// candidates: comma-separated camera ids) and remade when the cameras changed since
// matched_version; a moderator's decision (decided, decided_camera) is never overridden by it.
// matched_at is when the entry was first matched with its camera: since when the list is one
// of the camera's sources. Reports, OpenStreetMap and CSV imports need no table: a camera's
// sources of those kinds are read from camera_reports, osm_type/osm_id and its history.
// location_text is the address the list gave (the schema's privacy test keeps "addr" out of
// column names: no column may look like it holds a client's address).
constexpr const char* schema_v10 = R"sql(
CREATE TABLE sources (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE COLLATE NOCASE,
    file_name       TEXT NOT NULL DEFAULT '',
    imported_at     INTEGER NOT NULL,
    max_distance_m  REAL NOT NULL CHECK (max_distance_m > 0),
    max_angle_deg   REAL NOT NULL CHECK (max_angle_deg BETWEEN 0 AND 180),
    unplaced_rows   INTEGER NOT NULL DEFAULT 0 CHECK (unplaced_rows >= 0),
    matched_version INTEGER NOT NULL DEFAULT -1
);
CREATE TABLE source_entries (
    id             INTEGER PRIMARY KEY,
    source_id      INTEGER NOT NULL REFERENCES sources (id),
    line           INTEGER NOT NULL,
    lat            REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon            REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
    directions     TEXT NOT NULL DEFAULT '[]',
    location_text  TEXT NOT NULL DEFAULT '',
    label          TEXT NOT NULL DEFAULT '',
    state          TEXT NOT NULL DEFAULT 'unmatched'
                   CHECK (state IN ('matched', 'unmatched', 'ambiguous')),
    camera_id      INTEGER REFERENCES cameras (id),
    distance_m     REAL NOT NULL DEFAULT 0,
    candidates     TEXT NOT NULL DEFAULT '',
    reason         TEXT NOT NULL DEFAULT '',
    matched_at     INTEGER NOT NULL DEFAULT 0,
    decided        INTEGER NOT NULL DEFAULT 0 CHECK (decided IN (0, 1)),
    decided_camera INTEGER REFERENCES cameras (id),
    decided_by     TEXT NOT NULL DEFAULT '',
    decided_at     INTEGER NOT NULL DEFAULT 0,
    CHECK ((state = 'matched') = (camera_id IS NOT NULL)),
    CHECK (decided = 1 OR decided_camera IS NULL)
);
CREATE INDEX source_entries_source ON source_entries (source_id);
CREATE INDEX source_entries_camera ON source_entries (camera_id) WHERE camera_id IS NOT NULL;
)sql";

// Freshness (issue 14): checks of cameras by anyone, without an account. Like reports they
// carry no client identity and their times are whole hours. A "still there" check is settled at
// once (accepted); a "gone" one waits for a moderator. last_verified now means "someone last
// confirmed the camera is there": for cameras imported from OpenStreetMap that is the time of
// their OSM version (a mapper saw it then), which was left at 0 before.
constexpr const char* schema_v11 = R"sql(
CREATE TABLE camera_checks (
    id              INTEGER PRIMARY KEY,
    camera_id       INTEGER NOT NULL REFERENCES cameras (id),
    present         INTEGER NOT NULL CHECK (present IN (0, 1)),
    note            TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
    created_at      INTEGER NOT NULL CHECK (created_at % 3600 = 0),
    decided_at      INTEGER NOT NULL DEFAULT 0,
    decision_reason TEXT NOT NULL DEFAULT '',
    CHECK (present = 0 OR status = 'accepted')
);
CREATE INDEX camera_checks_status ON camera_checks (status, id);
CREATE INDEX camera_checks_camera ON camera_checks (camera_id) WHERE status = 'pending';
-- A check's photo (at most one), scrubbed like report photos; for moderators only.
CREATE TABLE check_photos (
    check_id INTEGER NOT NULL REFERENCES camera_checks (id),
    sha256   TEXT NOT NULL REFERENCES photos (sha256),
    PRIMARY KEY (check_id, sha256)
) WITHOUT ROWID;
CREATE INDEX check_photos_sha256 ON check_photos (sha256);
-- The re-check list: oldest confirmation first among cameras still on the map.
CREATE INDEX cameras_last_verified ON cameras (last_verified, id) WHERE status <> 'removed';
UPDATE cameras SET last_verified = osm_timestamp
 WHERE last_verified = 0 AND osm_timestamp IS NOT NULL AND osm_timestamp > 0;
UPDATE meta SET value = value + 1 WHERE key = 'camera_version' AND changes() > 0;
)sql";

// The import spent a quarter of its store time inserting every place into an R*Tree (about 8 us
// each; 1.2 million places in the synthetic country of issue 17), for lookups around a point.
// Places are points: a grid cell number in a covering B-tree index finds them as fast, and a
// B-tree insert costs a fraction of an R*Tree one. `cell` is the 0.002-degree cell (about 220 m
// north-south) of the place: its row of latitude shifted left by 18 bits, or-ed with its column of
// longitude (sqlite::place_cell computes the same with the same floating-point operations).
constexpr const char* schema_v12 = R"sql(
DROP TRIGGER places_unindex;
DROP TABLE place_index;
ALTER TABLE places ADD COLUMN cell INTEGER NOT NULL DEFAULT 0;
UPDATE places
   SET cell = (CAST((lat + 90) * 500 AS INTEGER) << 18) | CAST((lon + 180) * 500 AS INTEGER);
CREATE INDEX places_cell ON places (cell, lat, lon);
-- Towns and villages, for naming an import (settlement_name): few rows, so a partial index.
CREATE INDEX places_settlements ON places (type) WHERE kind = 'place';
CREATE TRIGGER places_unindex AFTER DELETE ON places BEGIN
    INSERT INTO places_fts (places_fts, rowid, words) VALUES ('delete', old.id, old.words);
END;
)sql";

// Streets and areas leave their R*Trees too (docs/adr/019-map-grid-cells.md): the import of the
// synthetic country of issue 17 spent about 40% of its store thread inserting their boxes. Each
// row keeps its box and the grid cell of its box (sqlite::map_cell: the cell of the south-west
// corner on the finest of seven grid levels, 0.01 to 40.96 degrees, whose cells are larger than
// the box; level 7 for the rest), and a B-tree index on the cell and the box finds them. The
// boxes of the rows already there come from the R*Trees (32-bit floats rounded outwards); the
// cells are computed with the same floating-point operations as sqlite::map_cell.
constexpr const char* schema_v13 = R"sql(
DROP TRIGGER streets_unindex;
ALTER TABLE streets ADD COLUMN min_lat REAL NOT NULL DEFAULT 0;
ALTER TABLE streets ADD COLUMN max_lat REAL NOT NULL DEFAULT 0;
ALTER TABLE streets ADD COLUMN min_lon REAL NOT NULL DEFAULT 0;
ALTER TABLE streets ADD COLUMN max_lon REAL NOT NULL DEFAULT 0;
ALTER TABLE streets ADD COLUMN cell INTEGER NOT NULL DEFAULT 0;
UPDATE streets
   SET min_lat = i.min_lat, max_lat = i.max_lat, min_lon = i.min_lon, max_lon = i.max_lon
  FROM street_index AS i WHERE i.id = streets.id;
DROP TABLE street_index;
UPDATE streets SET cell = CASE
    WHEN max(max_lat - min_lat, max_lon - min_lon) * 100.0 <= 0.999 THEN 0
    WHEN max(max_lat - min_lat, max_lon - min_lon) * 25.0 <= 0.999 THEN 1
    WHEN max(max_lat - min_lat, max_lon - min_lon) * 6.25 <= 0.999 THEN 2
    WHEN max(max_lat - min_lat, max_lon - min_lon) * 1.5625 <= 0.999 THEN 3
    WHEN max(max_lat - min_lat, max_lon - min_lon) * 0.390625 <= 0.999 THEN 4
    WHEN max(max_lat - min_lat, max_lon - min_lon) * 0.09765625 <= 0.999 THEN 5
    WHEN max(max_lat - min_lat, max_lon - min_lon) * 0.0244140625 <= 0.999 THEN 6
    ELSE 7 END;
UPDATE streets
   SET cell = (cell << 40)
            | (max(CAST((min_lat + 90) * (100.0 / (1 << (2 * cell))) AS INTEGER), 0) << 20)
            | max(CAST((min_lon + 180) * (100.0 / (1 << (2 * cell))) AS INTEGER), 0)
 WHERE cell < 7;
UPDATE streets SET cell = 7 << 40 WHERE cell = 7;
CREATE INDEX streets_cell ON streets (cell, min_lat, max_lat, min_lon, max_lon);
-- The same for areas; their index begins with the kind: for_each_area asks for one at a time.
DROP TRIGGER areas_unindex;
ALTER TABLE areas ADD COLUMN min_lat REAL NOT NULL DEFAULT 0;
ALTER TABLE areas ADD COLUMN max_lat REAL NOT NULL DEFAULT 0;
ALTER TABLE areas ADD COLUMN min_lon REAL NOT NULL DEFAULT 0;
ALTER TABLE areas ADD COLUMN max_lon REAL NOT NULL DEFAULT 0;
ALTER TABLE areas ADD COLUMN cell INTEGER NOT NULL DEFAULT 0;
UPDATE areas
   SET min_lat = i.min_lat, max_lat = i.max_lat, min_lon = i.min_lon, max_lon = i.max_lon
  FROM area_index AS i WHERE i.id = areas.id;
DROP TABLE area_index;
UPDATE areas SET cell = CASE
    WHEN max(max_lat - min_lat, max_lon - min_lon) * 100.0 <= 0.999 THEN 0
    WHEN max(max_lat - min_lat, max_lon - min_lon) * 25.0 <= 0.999 THEN 1
    WHEN max(max_lat - min_lat, max_lon - min_lon) * 6.25 <= 0.999 THEN 2
    WHEN max(max_lat - min_lat, max_lon - min_lon) * 1.5625 <= 0.999 THEN 3
    WHEN max(max_lat - min_lat, max_lon - min_lon) * 0.390625 <= 0.999 THEN 4
    WHEN max(max_lat - min_lat, max_lon - min_lon) * 0.09765625 <= 0.999 THEN 5
    WHEN max(max_lat - min_lat, max_lon - min_lon) * 0.0244140625 <= 0.999 THEN 6
    ELSE 7 END;
UPDATE areas
   SET cell = (cell << 40)
            | (max(CAST((min_lat + 90) * (100.0 / (1 << (2 * cell))) AS INTEGER), 0) << 20)
            | max(CAST((min_lon + 180) * (100.0 / (1 << (2 * cell))) AS INTEGER), 0)
 WHERE cell < 7;
UPDATE areas SET cell = 7 << 40 WHERE cell = 7;
CREATE INDEX areas_cell ON areas (kind, cell, min_lat, max_lat, min_lon, max_lon);
)sql";

// The places' cell index on the cell alone: a first import builds it with one CREATE INDEX after
// the rows (PlaceLoad::finish), and sorting 1.2 million integer keys took 0.53 s where the
// (cell, lat, lon) records took 0.87 s, at the end of the import where nothing else runs. A
// lookup reads the rows of its cells, a few more than its box: as fast (0.1-0.2 ms either way).
constexpr const char* schema_v14 = R"sql(
DROP INDEX places_cell;
CREATE INDEX places_cell ON places (cell);
)sql";

constexpr std::array<Migration, 14> all_migrations{{
    {1, "initial schema: cameras, R*Tree index, reports, users, sessions, audit", schema_v1},
    {2, "OpenStreetMap imports: streets, areas, import runs, locally modified cameras", schema_v2},
    {3, "photos of reports: scrubbed image records and their links to reports", schema_v3},
    {4, "search: addresses, streets, places and points of interest of the imported map", schema_v4},
    {5, "imported cameras are reported, not verified; imported areas get a place name", schema_v5},
    {6, "a random id for the data set, for caches kept beside it", schema_v6},
    {7, "districts: administrative boundaries read at import", schema_v7},
    {8, "survey campaigns: tasks and volunteers' answers", schema_v8},
    {9, "plausibility flags of reports, for moderators", schema_v9},
    {10, "official lists and their entries, matched with the crowd's cameras", schema_v10},
    {11, "freshness: checks of cameras; last_verified of OSM cameras from their OSM version",
     schema_v11},
    {12, "places found by a grid cell in a B-tree index instead of an R*Tree", schema_v12},
    {13, "streets and areas found by their box's grid cell in a B-tree index, not R*Trees",
     schema_v13},
    {14, "the places' grid-cell index on the cell alone: a first import builds it faster",
     schema_v14},
}};

}  // namespace

std::span<const Migration> migrations() noexcept {
    return all_migrations;
}

int latest_schema_version() noexcept {
    return all_migrations.back().version;
}

void migrate(Connection& connection) {
    // Fast path without the write lock: opening a current database (the CLI while the server
    // is writing) must not wait for the writer.
    if (connection.query_int64("PRAGMA user_version") == latest_schema_version()) return;
    Transaction tx(connection);
    auto current = connection.query_int64("PRAGMA user_version");  // again, under the lock
    if (current > latest_schema_version())
        throw sightline::Exception(
            fmt::format("database {} has schema version {}, newer than this build supports ({}); "
                        "upgrade Sightline",
                        connection.path().string(), current, latest_schema_version()));
    if (current == latest_schema_version()) return;  // the destructor ends the read-only tx
    for (const auto& migration : all_migrations) {
        if (migration.version <= current) continue;
        connection.execute(migration.sql);
        // PRAGMA takes no bound parameters; the version is our own constant, not a value.
        connection.execute(fmt::format("PRAGMA user_version = {}", migration.version).c_str());
    }
    tx.commit();
}

}  // namespace sightline::store::sqlite
