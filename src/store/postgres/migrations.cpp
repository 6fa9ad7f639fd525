// The PostgreSQL schema, as numbered migrations like SQLite's (docs/adr/018). Migration 1 is
// the whole schema of SQLite migration 11 at once; later ones are appended, never edited.
// Differences from the SQLite schema, on purpose:
//   - points are also PostGIS geometry(Point, 4326) columns generated from lat/lon, with GiST
//     indexes; boxes of streets, areas and tasks are generated envelopes (the R*Trees' job);
//   - 0/1 columns are boolean; case-insensitive names are unique indexes on lower(name);
//   - the change counters live in `counters`, whose trigger sends NOTIFY sightline_changes;
//   - photo bytes are rows of `photo_bytes` (every server sees them, pg_dump backs them up);
//   - place search has no FTS5: place_word_index (word bytes, place id) holds its posting lists,
//     places.word_count its document lengths (postgres/places.cpp computes FTS5's bm25);
//   - failed logins are counted in `login_attempts` (shared by all servers; no address is
//     stored, only keyed hashes, and rows older than an hour are deleted).
#include "store/postgres/migrations.hpp"

#include <array>

#include <fmt/core.h>

#include "store/postgres/connection.hpp"

namespace sightline::store::postgres {
namespace {

constexpr const char* schema_v1 = R"sql(
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('data_id', md5(random()::text || clock_timestamp()::text));
-- From which every server derives the same daily key for hashing client addresses (ADR 018).
INSERT INTO meta (key, value)
VALUES ('client_key_secret', md5(random()::text || clock_timestamp()::text)
                             || md5(random()::text || clock_timestamp()::text));

CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value)
VALUES ('camera_version', 0), ('map_version', 0), ('survey_version', 0);
CREATE FUNCTION sightline_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('sightline_changes', NEW.name);
    RETURN NULL;
END $$;
CREATE TRIGGER counters_notify AFTER UPDATE ON counters
    FOR EACH ROW EXECUTE FUNCTION sightline_notify_change();

CREATE FUNCTION sightline_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;

CREATE TABLE cameras (
    id                  BIGSERIAL PRIMARY KEY,
    lat                 DOUBLE PRECISION NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon                 DOUBLE PRECISION NOT NULL CHECK (lon BETWEEN -180 AND 180),
    geom                geometry(Point, 4326)
                        GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED,
    status              TEXT NOT NULL
                        CHECK (status IN ('reported', 'verified', 'disputed', 'removed')),
    kind                TEXT NOT NULL,
    confirmations       BIGINT NOT NULL DEFAULT 0 CHECK (confirmations >= 0),
    first_seen          BIGINT NOT NULL,
    last_verified       BIGINT NOT NULL DEFAULT 0,
    updated_at          BIGINT NOT NULL,
    osm_type            TEXT CHECK (osm_type IN ('node', 'way', 'relation')),
    osm_id              BIGINT,
    osm_version         BIGINT,
    osm_timestamp       BIGINT,
    tags                TEXT NOT NULL DEFAULT '{}',
    locally_modified_at BIGINT NOT NULL DEFAULT 0,
    CHECK ((osm_id IS NULL) = (osm_type IS NULL))
);
CREATE INDEX cameras_geom ON cameras USING gist (geom);
CREATE UNIQUE INDEX cameras_osm ON cameras (osm_type, osm_id) WHERE osm_id IS NOT NULL;
CREATE INDEX cameras_status ON cameras (status);
CREATE INDEX cameras_kind ON cameras (kind);
CREATE INDEX cameras_locally_modified ON cameras (locally_modified_at)
    WHERE locally_modified_at > 0;
CREATE INDEX cameras_last_verified ON cameras (last_verified, id) WHERE status <> 'removed';

CREATE TABLE reports (
    id              BIGSERIAL PRIMARY KEY,
    lat             DOUBLE PRECISION NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon             DOUBLE PRECISION NOT NULL CHECK (lon BETWEEN -180 AND 180),
    geom            geometry(Point, 4326)
                    GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED,
    accuracy_m      DOUBLE PRECISION CHECK (accuracy_m IS NULL OR accuracy_m >= 0),
    directions      TEXT NOT NULL DEFAULT '[]',
    tags            TEXT NOT NULL DEFAULT '{}',
    note            TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'accepted', 'merged', 'rejected', 'withdrawn')),
    camera_id       BIGINT REFERENCES cameras (id),
    withdraw_hash   TEXT NOT NULL,
    created_at      BIGINT NOT NULL CHECK (created_at % 3600 = 0),
    decided_at      BIGINT NOT NULL DEFAULT 0,
    decision_reason TEXT NOT NULL DEFAULT '',
    flags           TEXT NOT NULL DEFAULT '[]',
    CHECK ((status IN ('accepted', 'merged')) = (camera_id IS NOT NULL))
);
CREATE INDEX reports_status ON reports (status);
CREATE INDEX reports_geom ON reports USING gist (geom);

CREATE TABLE camera_reports (
    camera_id BIGINT NOT NULL REFERENCES cameras (id),
    report_id BIGINT NOT NULL REFERENCES reports (id),
    PRIMARY KEY (camera_id, report_id)
);
CREATE INDEX camera_reports_report ON camera_reports (report_id);

CREATE TABLE camera_history (
    id        BIGSERIAL PRIMARY KEY,
    camera_id BIGINT NOT NULL REFERENCES cameras (id),
    at        BIGINT NOT NULL,
    action    TEXT NOT NULL,
    actor     TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT '',
    report_id BIGINT REFERENCES reports (id)
);
CREATE INDEX camera_history_camera ON camera_history (camera_id);
CREATE INDEX camera_history_at ON camera_history (at);
CREATE TRIGGER camera_history_append_only BEFORE UPDATE OR DELETE ON camera_history
    FOR EACH ROW EXECUTE FUNCTION sightline_append_only();

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('moderator', 'admin')),
    password_hash TEXT NOT NULL,
    disabled      BOOLEAN NOT NULL DEFAULT false,
    created_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_name ON users (lower(name));

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE audit_events (
    id      BIGSERIAL PRIMARY KEY,
    at      BIGINT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    reason  TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION sightline_append_only();

CREATE TABLE photos (
    sha256          TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    format          TEXT NOT NULL CHECK (format IN ('jpeg', 'png', 'webp', 'heif')),
    width           BIGINT NOT NULL CHECK (width > 0),
    height          BIGINT NOT NULL CHECK (height > 0),
    byte_size       BIGINT NOT NULL CHECK (byte_size > 0),
    faces_blurred   BIGINT NOT NULL CHECK (faces_blurred >= 0),
    perceptual_hash BIGINT NOT NULL
);
CREATE TABLE report_photos (
    report_id BIGINT NOT NULL REFERENCES reports (id),
    position  INTEGER NOT NULL CHECK (position BETWEEN 0 AND 3),
    sha256    TEXT NOT NULL REFERENCES photos (sha256),
    PRIMARY KEY (report_id, position)
);
CREATE INDEX report_photos_sha256 ON report_photos (sha256);
-- The bytes themselves (PhotoStorage): image and thumbnail of each hash.
CREATE TABLE photo_bytes (
    sha256    TEXT NOT NULL CHECK (length(sha256) = 64),
    variant   TEXT NOT NULL CHECK (variant IN ('image', 'thumbnail')),
    extension TEXT NOT NULL,
    bytes     BYTEA NOT NULL,
    stored_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (sha256, variant)
);

CREATE TABLE camera_checks (
    id              BIGSERIAL PRIMARY KEY,
    camera_id       BIGINT NOT NULL REFERENCES cameras (id),
    present         BOOLEAN NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
    created_at      BIGINT NOT NULL CHECK (created_at % 3600 = 0),
    decided_at      BIGINT NOT NULL DEFAULT 0,
    decision_reason TEXT NOT NULL DEFAULT '',
    CHECK (NOT present OR status = 'accepted')
);
CREATE INDEX camera_checks_status ON camera_checks (status, id);
CREATE INDEX camera_checks_camera ON camera_checks (camera_id) WHERE status = 'pending';
CREATE TABLE check_photos (
    check_id BIGINT NOT NULL REFERENCES camera_checks (id),
    sha256   TEXT NOT NULL REFERENCES photos (sha256),
    PRIMARY KEY (check_id, sha256)
);
CREATE INDEX check_photos_sha256 ON check_photos (sha256);

-- Failed logins of every server (services/login_throttle, ADR 007 and 018).
CREATE UNLOGGED TABLE login_attempts (
    key      BIGINT PRIMARY KEY,
    attempts INTEGER NOT NULL,
    last_s   DOUBLE PRECISION NOT NULL
);

-- OpenStreetMap imports ----------------------------------------------------------------------
CREATE TABLE streets (
    id         BIGSERIAL PRIMARY KEY,
    osm_way_id BIGINT NOT NULL,
    highway    TEXT NOT NULL,
    name       TEXT NOT NULL DEFAULT '',
    points     BYTEA NOT NULL,
    west DOUBLE PRECISION NOT NULL, south DOUBLE PRECISION NOT NULL,
    east DOUBLE PRECISION NOT NULL, north DOUBLE PRECISION NOT NULL,
    bounds     geometry(Polygon, 4326)
               GENERATED ALWAYS AS (ST_MakeEnvelope(west, south, east, north, 4326)) STORED
);
CREATE INDEX streets_osm ON streets (osm_way_id);
CREATE INDEX streets_bounds ON streets USING gist (bounds);

CREATE TABLE areas (
    id            BIGSERIAL PRIMARY KEY,
    osm_id        BIGINT NOT NULL,
    from_relation BOOLEAN NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('building', 'water', 'park')),
    name          TEXT NOT NULL DEFAULT '',
    height_m      DOUBLE PRECISION NOT NULL DEFAULT 0,
    rings         BYTEA NOT NULL,
    west DOUBLE PRECISION NOT NULL, south DOUBLE PRECISION NOT NULL,
    east DOUBLE PRECISION NOT NULL, north DOUBLE PRECISION NOT NULL,
    bounds        geometry(Polygon, 4326)
                  GENERATED ALWAYS AS (ST_MakeEnvelope(west, south, east, north, 4326)) STORED
);
CREATE INDEX areas_osm ON areas (osm_id, from_relation);
CREATE INDEX areas_bounds ON areas USING gist (bounds);

CREATE TABLE import_runs (
    id                BIGSERIAL PRIMARY KEY,
    at                BIGINT NOT NULL,
    source_name       TEXT NOT NULL,
    west DOUBLE PRECISION NOT NULL, south DOUBLE PRECISION NOT NULL,
    east DOUBLE PRECISION NOT NULL, north DOUBLE PRECISION NOT NULL,
    cameras_new       BIGINT NOT NULL,
    cameras_updated   BIGINT NOT NULL,
    cameras_unchanged BIGINT NOT NULL,
    cameras_removed   BIGINT NOT NULL,
    cameras_conflicts BIGINT NOT NULL,
    streets           BIGINT NOT NULL,
    buildings         BIGINT NOT NULL,
    water             BIGINT NOT NULL,
    parks             BIGINT NOT NULL,
    place             TEXT NOT NULL DEFAULT ''
);

CREATE TABLE places (
    id          BIGSERIAL PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('address', 'street', 'place', 'poi')),
    name        TEXT NOT NULL,
    housenumber TEXT NOT NULL DEFAULT '',
    street      TEXT NOT NULL DEFAULT '',
    type        TEXT NOT NULL DEFAULT '',
    context     TEXT NOT NULL DEFAULT '',
    names       TEXT NOT NULL DEFAULT '',
    lat         DOUBLE PRECISION NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon         DOUBLE PRECISION NOT NULL CHECK (lon BETWEEN -180 AND 180),
    geom        geometry(Point, 4326)
                GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED,
    words       TEXT NOT NULL,
    -- Tokens in words (with repeats), the document length of SQLite's FTS5 bm25().
    word_count  INTEGER GENERATED ALWAYS AS (array_length(string_to_array(words, ' '), 1)) STORED
);
CREATE INDEX places_geom ON places USING gist (geom);
-- Every index word of a place (search::index_words), for exact and prefix lookups: FTS5's
-- posting lists. Words are bytes (UTF-8), compared bytewise like SQLite's, whatever the
-- database's collation; a prefix is a range of the primary key.
CREATE TABLE place_word_index (
    word     BYTEA NOT NULL,
    place_id BIGINT NOT NULL REFERENCES places (id) ON DELETE CASCADE,
    PRIMARY KEY (word, place_id)
);
CREATE INDEX place_word_index_place ON place_word_index (place_id);
-- The distinct words of place_word_index without the cell words and "zplace", refreshed by every
-- import (typo candidates are a range of it).
CREATE TABLE place_words (word BYTEA PRIMARY KEY);

CREATE TABLE districts (
    id          BIGSERIAL PRIMARY KEY,
    osm_type    TEXT NOT NULL CHECK (osm_type IN ('way', 'relation')),
    osm_id      BIGINT NOT NULL,
    admin_level INTEGER NOT NULL,
    name        TEXT NOT NULL,
    names       TEXT NOT NULL DEFAULT '{}',
    complete    BOOLEAN NOT NULL,
    west DOUBLE PRECISION, south DOUBLE PRECISION, east DOUBLE PRECISION, north DOUBLE PRECISION,
    polygons    BYTEA,
    CHECK (complete = (polygons IS NOT NULL AND west IS NOT NULL))
);
CREATE UNIQUE INDEX districts_osm ON districts (osm_type, osm_id);

-- Survey campaigns -----------------------------------------------------------------------------
CREATE TABLE campaigns (
    id             BIGSERIAL PRIMARY KEY,
    name           TEXT NOT NULL,
    unit           TEXT NOT NULL CHECK (unit IN ('intersection', 'cell')),
    answers_needed INTEGER NOT NULL CHECK (answers_needed BETWEEN 1 AND 10),
    west DOUBLE PRECISION NOT NULL, south DOUBLE PRECISION NOT NULL,
    east DOUBLE PRECISION NOT NULL, north DOUBLE PRECISION NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE TABLE survey_tasks (
    id          BIGSERIAL PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    lat DOUBLE PRECISION NOT NULL, lon DOUBLE PRECISION NOT NULL,
    west DOUBLE PRECISION NOT NULL, south DOUBLE PRECISION NOT NULL,
    east DOUBLE PRECISION NOT NULL, north DOUBLE PRECISION NOT NULL,
    geom        geometry(Point, 4326)
                GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED,
    bounds      geometry(Polygon, 4326)
                GENERATED ALWAYS AS (ST_MakeEnvelope(west, south, east, north, 4326)) STORED,
    state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done', 'disputed')),
    held_until  BIGINT NOT NULL DEFAULT 0,
    cameras     INTEGER CHECK (cameras IS NULL OR cameras >= 0),
    surveyed_at BIGINT NOT NULL DEFAULT 0,
    answers     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX survey_tasks_campaign ON survey_tasks (campaign_id, state);
CREATE INDEX survey_tasks_geom ON survey_tasks USING gist (geom);
CREATE INDEX survey_tasks_bounds ON survey_tasks USING gist (bounds);
CREATE TABLE survey_answers (
    id         BIGSERIAL PRIMARY KEY,
    task_id    BIGINT NOT NULL REFERENCES survey_tasks (id),
    at         BIGINT NOT NULL,
    cameras    INTEGER NOT NULL CHECK (cameras >= 0),
    report_ids TEXT NOT NULL DEFAULT '[]',
    answer_id  TEXT
);
CREATE INDEX survey_answers_task ON survey_answers (task_id);
CREATE UNIQUE INDEX survey_answers_once ON survey_answers (task_id, answer_id)
    WHERE answer_id IS NOT NULL;

-- Official lists ------------------------------------------------------------------------------
CREATE TABLE sources (
    id              BIGSERIAL PRIMARY KEY,
    name            TEXT NOT NULL,
    file_name       TEXT NOT NULL DEFAULT '',
    imported_at     BIGINT NOT NULL,
    max_distance_m  DOUBLE PRECISION NOT NULL CHECK (max_distance_m > 0),
    max_angle_deg   DOUBLE PRECISION NOT NULL CHECK (max_angle_deg BETWEEN 0 AND 180),
    unplaced_rows   BIGINT NOT NULL DEFAULT 0 CHECK (unplaced_rows >= 0),
    matched_version BIGINT NOT NULL DEFAULT -1
);
CREATE UNIQUE INDEX sources_name ON sources (lower(name));
CREATE TABLE source_entries (
    id             BIGSERIAL PRIMARY KEY,
    source_id      BIGINT NOT NULL REFERENCES sources (id),
    line           BIGINT NOT NULL,
    lat            DOUBLE PRECISION NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon            DOUBLE PRECISION NOT NULL CHECK (lon BETWEEN -180 AND 180),
    directions     TEXT NOT NULL DEFAULT '[]',
    location_text  TEXT NOT NULL DEFAULT '',
    label          TEXT NOT NULL DEFAULT '',
    state          TEXT NOT NULL DEFAULT 'unmatched'
                   CHECK (state IN ('matched', 'unmatched', 'ambiguous')),
    camera_id      BIGINT REFERENCES cameras (id),
    distance_m     DOUBLE PRECISION NOT NULL DEFAULT 0,
    candidates     TEXT NOT NULL DEFAULT '',
    reason         TEXT NOT NULL DEFAULT '',
    matched_at     BIGINT NOT NULL DEFAULT 0,
    decided        BOOLEAN NOT NULL DEFAULT false,
    decided_camera BIGINT REFERENCES cameras (id),
    decided_by     TEXT NOT NULL DEFAULT '',
    decided_at     BIGINT NOT NULL DEFAULT 0,
    CHECK ((state = 'matched') = (camera_id IS NOT NULL)),
    CHECK (decided OR decided_camera IS NULL)
);
CREATE INDEX source_entries_source ON source_entries (source_id);
CREATE INDEX source_entries_camera ON source_entries (camera_id) WHERE camera_id IS NOT NULL;
)sql";

constexpr std::array<Migration, 1> all_migrations{{
    {1, "the whole schema of SQLite migration 11, with PostGIS points and GiST indexes", schema_v1},
}};

// Any constant: the advisory lock that makes two servers starting at once migrate one by one.
constexpr std::int64_t migration_lock = 0x5349'4748'544c'494e;  // "SIGHTLIN"

}  // namespace

std::span<const Migration> migrations() noexcept {
    return all_migrations;
}

int latest_schema_version() noexcept {
    return all_migrations.back().version;
}

int current_schema_version(Connection& db) {
    auto exists = db.run("SELECT to_regclass('schema_migrations') IS NOT NULL");
    if (!exists.boolean(0, 0)) return 0;
    auto rows = db.run("SELECT coalesce(max(version), 0) FROM schema_migrations");
    return static_cast<int>(rows.int64(0, 0));
}

std::vector<int> migrate(Connection& db) {
    std::vector<int> applied;
    if (current_schema_version(db) == latest_schema_version()) return applied;
    Transaction tx(db);
    db.run("SELECT pg_advisory_xact_lock($1)", migration_lock);
    db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "applied_at TIMESTAMPTZ NOT NULL DEFAULT now(), description TEXT NOT NULL)");
    const int current = current_schema_version(db);  // again, under the lock
    if (current > latest_schema_version())
        throw sightline::Exception(fmt::format(
            "the PostgreSQL database has schema version {}, newer than this build supports "
            "({}); upgrade Sightline",
            current, latest_schema_version()));
    for (const auto& migration : all_migrations) {
        if (migration.version <= current) continue;
        db.execute(migration.sql);
        db.run("INSERT INTO schema_migrations (version, description) VALUES ($1, $2)",
               migration.version, migration.description);
        applied.push_back(migration.version);
    }
    tx.commit();
    return applied;
}

}  // namespace sightline::store::postgres
