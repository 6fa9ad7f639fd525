#!/usr/bin/env bash
# The camera registry benchmark (`make bench`): N synthetic cameras over 40x40 km, bbox queries
# of about 1,000 cameras against Sightline (in-store with build/bench/store_bench, HTTP with
# wrk) and, in the same run, against a throwaway PostgreSQL 15 + PostGIS 3 cluster (pgbench);
# plus the cost of durable (synchronous=FULL) report inserts. In the same cluster, Sightline's
# own PostgreSQL store (issue 13): import, bbox and reports with `--store postgresql://...`, and
# two servers on that one database behind nginx against one. Writes its section of
# docs/benchmarks.md. See bench/README.md for what each number means.
#
#   bench/run.sh                                        # full run: 1,000,000 cameras, 20 s each
#   BENCH_CAMERAS=20000 BENCH_SECONDS=3 bench/run.sh    # smoke run, about two minutes
#   BENCH_CAMERAS=200000 BENCH_SECONDS=10 BENCH_OUT=docs/benchmarks.md bench/run.sh
#                                                       # a smaller run published (it says its size)
set -euo pipefail
export LC_ALL=C  # number formats for awk, printf and sort

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-build}
[[ $BUILD_DIR = /* ]] || BUILD_DIR=$ROOT/$BUILD_DIR
N=${BENCH_CAMERAS:-1000000}
DURATION_S=${BENCH_SECONDS:-20}
REPORTS=${BENCH_REPORTS:-2000}
SEED=${BENCH_SEED:-42}
TARGET=${BENCH_TARGET:-1000}       # cameras per query box, on average
LIMIT=2000                         # ?limit= / LIMIT: above the box's count, so nothing is cut
PG_PORT=${BENCH_PG_PORT:-54329}
NGINX_PORT=${BENCH_NGINX_PORT:-18490}  # and the next port: nginx in front of one / two servers
PG_BIN=/usr/lib/postgresql/15/bin
STORE_FILTER=${BENCH_STORE_FILTER:-}  # empty: all of store_bench
CENTER_LAT=44.8125
CENTER_LON=20.4612
SIDE_KM=40

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
now_ns() { date +%s%N; }
# Seconds between two now_ns readings, 1 decimal.
elapsed_s() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }
elapsed_s2() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'; }  # 2 decimals
# Value of key=value in a "RESULT ..." line.
field() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k { print $2 }'; }
us_to_ms() { awk -v v="$1" 'BEGIN { printf "%.2f", v / 1000 }'; }

[[ $N =~ ^[0-9]+$ && $N -ge 1 ]] || die "BENCH_CAMERAS must be a positive integer"
[[ $DURATION_S =~ ^[0-9]+$ && $DURATION_S -ge 1 ]] || die "BENCH_SECONDS must be a positive integer"
[[ $REPORTS =~ ^[0-9]+$ && $REPORTS -ge 1 ]] || die "BENCH_REPORTS must be a positive integer"

LOAD_AT_START=$(cut -d' ' -f1 /proc/loadavg)
LOADAVG_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
awk -v l="$LOAD_AT_START" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }' &&
    log "warning: load average $LOAD_AT_START on $(nproc) cores: other work will distort the numbers"

# --- 1. tools --------------------------------------------------------------------------------
source "$ROOT/bench/tools/ensure_packages.sh"
ensure_packages wrk curl postgresql-15 postgresql-15-postgis-3 nginx-light

# The executable sits at the top of the build tree or, without a RUNTIME_OUTPUT_DIRECTORY, in src/cli/.
SIGHTLINE=$BUILD_DIR/sightline
[[ -x $SIGHTLINE ]] || SIGHTLINE=$BUILD_DIR/src/cli/sightline
[[ -x $SIGHTLINE ]] || die "no sightline executable in $BUILD_DIR: run 'make bench' (or 'make build') first"
STORE_BENCH=$BUILD_DIR/bench/store_bench

# --- scratch space and cleanup -----------------------------------------------------------------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sightline-bench.XXXXXX")
chmod 755 "$TMP"  # the PostgreSQL server runs as another user and must reach $TMP/pg
RESULTS=$BUILD_DIR/bench-results/registry  # raw outputs, kept for inspection
# Only a full-size run replaces the numbers in the docs; a smoke run writes next to its raw outputs.
if ((N == 1000000 && DURATION_S >= 20)); then
    OUT=${BENCH_OUT:-$ROOT/docs/benchmarks.md}
else
    OUT=${BENCH_OUT:-$RESULTS/benchmarks.md}
fi
[[ $OUT = /* ]] || OUT=$PWD/$OUT
rm -rf "$RESULTS" && mkdir -p "$RESULTS"
SERVER_PIDS=()
NGINX_PID=
PG_STARTED=
PG_RUN=()
if ((EUID == 0)); then
    getent passwd postgres >/dev/null || die "user 'postgres' missing (it comes with postgresql-15)"
    PG_RUN=(runuser -u postgres --)
fi

stop_servers() {  # every `sightline serve` this script started
    local pid
    for pid in "${SERVER_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    SERVER_PIDS=()
}
stop_nginx() {
    if [[ -n $NGINX_PID ]]; then
        kill -QUIT "$NGINX_PID" 2>/dev/null || true
        wait "$NGINX_PID" 2>/dev/null || true
        NGINX_PID=
    fi
}
stop_postgres() {
    if [[ -n $PG_STARTED ]]; then
        "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$TMP/pg" -m fast -w stop >/dev/null 2>&1 || true
        PG_STARTED=
    fi
}
cleanup() {
    local rc=$?
    stop_nginx
    stop_servers
    stop_postgres
    if [[ ${BENCH_KEEP:-0} = 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
    ((rc == 0)) || log "failed (exit $rc); raw outputs in $RESULTS"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 2. data -----------------------------------------------------------------------------------
# The data box and the query box, in integer micro-degrees. The query box is a square of the
# area that holds TARGET cameras on average: N / (40 km)^2 cameras per km^2.
read -r WEST SOUTH EAST NORTH BOX_W BOX_H BOX_KM < <(awk -v n="$N" -v t="$TARGET" \
    -v lat0="$CENTER_LAT" -v lon0="$CENTER_LON" -v side="$SIDE_KM" 'BEGIN {
        pi = atan2(0, -1)
        km_per_deg = 6371.0088 * pi / 180                   # along a meridian
        half_lat = side / 2 / km_per_deg
        half_lon = half_lat / cos(lat0 * pi / 180)
        box_km = sqrt(t * side * side / n); if (box_km > side) box_km = side
        box_lat = box_km / km_per_deg; box_lon = box_lat / cos(lat0 * pi / 180)
        printf "%d %d %d %d %d %d %.3f\n", (lon0 - half_lon) * 1e6, (lat0 - half_lat) * 1e6,
               (lon0 + half_lon) * 1e6, (lat0 + half_lat) * 1e6, box_lon * 1e6, box_lat * 1e6, box_km
    }')
WEST_MAX=$((EAST - BOX_W))
SOUTH_MAX=$((NORTH - BOX_H))
udeg() { awk -v v="$1" 'BEGIN { printf "%.6f", v / 1e6 }'; }
log "data box $(udeg $WEST),$(udeg $SOUTH),$(udeg $EAST),$(udeg $NORTH); query box ${BOX_KM} km square" \
    "($(udeg $BOX_W) x $(udeg $BOX_H) deg)"

CSV=$TMP/cameras.csv
t0=$(now_ns)
awk -v n="$N" -v seed="$SEED" -v west="$(udeg $WEST)" -v south="$(udeg $SOUTH)" \
    -v east="$(udeg $EAST)" -v north="$(udeg $NORTH)" -f "$ROOT/bench/tools/gen_cameras.awk" >"$CSV"
log "generated $N cameras in $(elapsed_s "$t0" "$(now_ns)") s ($(du -h "$CSV" | cut -f1))"

# A fixed sample of query boxes, drawn like the benchmarks draw theirs, to compare result sizes.
SAMPLE=$TMP/boxes.txt
awk -v seed="$SEED" -v w0="$WEST" -v w1="$WEST_MAX" -v s0="$SOUTH" -v s1="$SOUTH_MAX" \
    -v bw="$BOX_W" -v bh="$BOX_H" 'BEGIN {
        state = seed % 2147483646 + 1
        for (i = 0; i < 20; i++) {
            state = (state * 48271) % 2147483647; w = w0 + int(state / 2147483647 * (w1 - w0 + 1))
            state = (state * 48271) % 2147483647; s = s0 + int(state / 2147483647 * (s1 - s0 + 1))
            printf "%.6f %.6f %.6f %.6f\n", w / 1e6, s / 1e6, (w + bw) / 1e6, (s + bh) / 1e6
        }
    }' >"$SAMPLE"

# --- 3. Sightline (SQLite store): import, serve ---------------------------------------------
DATA=$TMP/data
tags=()
for key in surveillance surveillance:type camera:type camera:mount camera:direction operator manufacturer; do
    tags+=(--tag "$key=$key")
done
log "sightline import-csv ($N cameras)"
t0=$(now_ns)
"$SIGHTLINE" import-csv "$CSV" --data "$DATA" "${tags[@]}" >"$RESULTS/import.txt" 2>&1 ||
    { cat "$RESULTS/import.txt" >&2; die "import-csv failed"; }
SL_IMPORT_S=$(elapsed_s "$t0" "$(now_ns)")
SL_DB_MB=$(du -sm "$DATA" | cut -f1)
log "imported in $SL_IMPORT_S s: $(head -1 "$RESULTS/import.txt"); data dir $SL_DB_MB MB"

# start_server NAME STORE_ARGS...: `sightline serve` on a free port; sets PORT and SERVER_PID.
# Its log goes to $RESULTS/NAME.err.
start_server() {
    local name=$1 i
    shift
    : >"$TMP/$name.out"  # exists before the child opens it, so that sed below never fails
    "$SIGHTLINE" serve "$@" --listen 127.0.0.1:0 --no-access-log --report-rate 0 \
        >>"$TMP/$name.out" 2>"$RESULTS/$name.err" &
    SERVER_PID=$!
    SERVER_PIDS+=("$SERVER_PID")
    for ((i = 0; i < 300; i++)); do
        PORT=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$TMP/$name.out")
        [[ -n $PORT ]] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$RESULTS/$name.err" >&2; die "server $name exited"; }
        sleep 0.1
    done
    die "server $name did not print 'listening on' within 30 s"
}
# wait_snapshot URL: waits until the server's in-memory camera snapshot is current (/metrics),
# so that timed runs measure the snapshot and not the store's fallback listing.
wait_snapshot() {
    local i
    for ((i = 0; i < 18000; i++)); do
        curl -sf "$1/metrics" | grep -q '^sightline_camera_snapshot_current 1$' && return 0
        sleep 0.05
    done
    die "the camera snapshot of $1 was not current within 15 minutes"
}
start_server serve --data "$DATA"
BASE=http://127.0.0.1:$PORT
log "sightline serving on $BASE (pid $SERVER_PID)"

# --- 4. PostgreSQL + PostGIS: throwaway cluster, same CSV ----------------------------------------
mkdir -p "$TMP/pg" "$TMP/pgsock" "$TMP/pglog"
if ((EUID == 0)); then chown postgres: "$TMP/pg" "$TMP/pgsock"; fi
"${PG_RUN[@]}" "$PG_BIN/initdb" -D "$TMP/pg" -U postgres --auth=trust --no-locale -E UTF8 \
    >"$RESULTS/initdb.txt" 2>&1 || { cat "$RESULTS/initdb.txt" >&2; die "initdb failed"; }
# Defaults except: Unix socket only, a shared_buffers that holds the table and index, no JIT (it
# only slows short queries down).
"${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$TMP/pg" -l "$TMP/pg/server.log" -w \
    -o "-p $PG_PORT -k $TMP/pgsock -c listen_addresses='' -c shared_buffers=1GB -c jit=off" \
    start >/dev/null || { cat "$TMP/pg/server.log" >&2; die "PostgreSQL did not start"; }
PG_STARTED=1
PSQL=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$TMP/pgsock" -p "$PG_PORT" -U postgres -d postgres)
PG_VERSION=$("${PSQL[@]}" -Atc 'SHOW server_version')
log "PostgreSQL $PG_VERSION on $TMP/pgsock port $PG_PORT; loading"

t0=$(now_ns)
"${PSQL[@]}" <<'SQL' >"$RESULTS/pg_load.txt" 2>&1 || { cat "$RESULTS/pg_load.txt" >&2; die "PostGIS setup failed"; }
CREATE EXTENSION postgis;
CREATE UNLOGGED TABLE staging (
    id bigint GENERATED ALWAYS AS IDENTITY, lat float8, lon float8, surveillance text,
    surveillance_type text, camera_type text, camera_mount text, camera_direction text,
    operator text, manufacturer text);
SQL
"${PSQL[@]}" -c "COPY staging (lat, lon, surveillance, surveillance_type, camera_type, camera_mount,
    camera_direction, operator, manufacturer) FROM STDIN WITH (FORMAT csv, HEADER true)" \
    <"$CSV" >>"$RESULTS/pg_load.txt" 2>&1 || { cat "$RESULTS/pg_load.txt" >&2; die "COPY failed"; }
"${PSQL[@]}" <<'SQL' >>"$RESULTS/pg_load.txt" 2>&1 || { cat "$RESULTS/pg_load.txt" >&2; die "PostGIS load failed"; }
CREATE TABLE cameras (id bigint PRIMARY KEY, geom geometry(Point, 4326) NOT NULL, tags jsonb NOT NULL);
-- The same tags Sightline stores: the CSV columns plus man_made=surveillance.
INSERT INTO cameras
SELECT id, ST_SetSRID(ST_MakePoint(lon, lat), 4326),
       jsonb_strip_nulls(jsonb_build_object(
           'man_made', 'surveillance', 'surveillance', surveillance,
           'surveillance:type', surveillance_type, 'camera:type', camera_type,
           'camera:mount', camera_mount, 'camera:direction', camera_direction,
           'operator', operator, 'manufacturer', manufacturer))
  FROM staging ORDER BY id;
DROP TABLE staging;
CREATE INDEX cameras_geom ON cameras USING gist (geom);
VACUUM ANALYZE cameras;
SQL
PG_LOAD_S=$(elapsed_s "$t0" "$(now_ns)")
PG_DB_MB=$("${PSQL[@]}" -Atc "SELECT pg_total_relation_size('cameras') / 1048576")
POSTGIS_VERSION=$("${PSQL[@]}" -Atc "SELECT postgis_lib_version()")
log "PostGIS load (COPY, insert, GiST, VACUUM ANALYZE) $PG_LOAD_S s; table + indexes $PG_DB_MB MB"

# --- 5. same boxes, same result size? --------------------------------------------------------
# sightline_sample URL: "features bytes" of the sample boxes' answers, summed.
sightline_sample() {
    local features=0 bytes=0 w s e n body
    while read -r w s e n; do
        body=$(curl -sf "$1/api/v1/cameras?bbox=$w,$s,$e,$n&limit=$LIMIT") || die "bbox request failed: $1 $w,$s,$e,$n"
        features=$((features + $(grep -o '"type":"Feature"' <<<"$body" | wc -l)))
        bytes=$((bytes + ${#body}))
        grep -q '"truncated":false' <<<"$body" || die "a sample box was truncated at limit=$LIMIT"
    done <"$SAMPLE"
    echo "$features $bytes"
}
wait_snapshot "$BASE"
read -r sl_features sl_bytes < <(sightline_sample "$BASE")
pg_features=0 pg_bytes=0
while read -r w s e n; do
    body=$("${PSQL[@]}" -Atc "SELECT json_build_object('type','FeatureCollection','features',
        json_agg(ST_AsGeoJSON(c.*)::json)) FROM (SELECT id, geom, tags FROM cameras
        WHERE geom && ST_MakeEnvelope($w, $s, $e, $n, 4326) LIMIT $LIMIT) c")
    pg_features=$((pg_features + $(grep -oE '"type" ?: ?"Feature"' <<<"$body" | wc -l)))
    pg_bytes=$((pg_bytes + ${#body}))
done <"$SAMPLE"
boxes=$(wc -l <"$SAMPLE")
SL_FEATURES=$((sl_features / boxes)) SL_BYTES=$((sl_bytes / boxes))
PG_FEATURES=$((pg_features / boxes)) PG_BYTES=$((pg_bytes / boxes))
log "sample of $boxes boxes: Sightline $SL_FEATURES features / $SL_BYTES bytes per response," \
    "PostGIS $PG_FEATURES features / $PG_BYTES bytes"
# PostGIS's && compares single-precision bounding boxes rounded outwards, so it may return a few
# points just outside the box; Sightline compares exactly. More than 1% apart means a bug.
if ((sl_features != pg_features)); then
    if (((sl_features - pg_features) ** 2 * 10000 > sl_features ** 2)); then
        log "warning: Sightline and PostGIS found different counts ($sl_features vs $pg_features)"
    else
        log "note: $sl_features vs $pg_features cameras in the sample (PostGIS && is approximate at the edges)"
    fi
fi
((SL_FEATURES * 2 > TARGET && SL_FEATURES < TARGET * 2)) ||
    log "warning: $SL_FEATURES features per box, expected about $TARGET"

# --- 6. HTTP throughput and latency (wrk) ------------------------------------------------------
WARM_S=$(((DURATION_S + 9) / 10))
SINGLE_S=$(((DURATION_S + 1) / 2))
box_args=(-- "$WEST" "$WEST_MAX" "$SOUTH" "$SOUTH_MAX" "$BOX_W" "$BOX_H" "$LIMIT" "$SEED")
run_wrk() {  # NAME THREADS CONNECTIONS SECONDS [URL (default: the SQLite server)]
    wrk -t"$2" -c"$3" -d"$4s" --latency -s "$ROOT/bench/bbox.lua" "${5:-$BASE}" "${box_args[@]}" >"$RESULTS/$1.txt" 2>&1 ||
        { cat "$RESULTS/$1.txt" >&2; die "wrk failed"; }
    local line
    line=$(grep '^RESULT ' "$RESULTS/$1.txt") || die "no RESULT line in $RESULTS/$1.txt"
    [[ $(field "$line" non2xx) = 0 && $(field "$line" socket_errors) = 0 ]] ||
        die "wrk saw errors: $line"
    echo "$line"
}
log "wrk warm-up ${WARM_S} s"
run_wrk wrk_warmup 2 16 "$WARM_S" >/dev/null
log "wrk -t2 -c16 -d${DURATION_S}s"
SL_HTTP=$(run_wrk wrk_bbox 2 16 "$DURATION_S")
log "  $SL_HTTP"
log "wrk -t1 -c1 -d${SINGLE_S}s (single client)"
SL_SINGLE=$(run_wrk wrk_bbox_single 1 1 "$SINGLE_S")
log "  $SL_SINGLE"

# --- 7. PostGIS throughput and latency (pgbench) ------------------------------------------------
# Per-transaction latencies in microseconds (3rd column of pgbench's --log files) -> "p50 p99 mean".
pg_percentiles() {
    cat "$1".* | awk '{ print $3 }' | sort -n | awk '
        { v[NR] = $1; sum += $1 }
        END {
            if (NR == 0) { print "0 0 0"; exit }
            i50 = int(NR * 0.50 + 0.999999); i99 = int(NR * 0.99 + 0.999999)
            printf "%d %d %.0f\n", v[i50], v[i99], sum / NR
        }'
}
run_pgbench() {  # NAME CLIENTS THREADS SECONDS -> "tps p50_us p99_us mean_us"
    local out=$RESULTS/$1.txt
    "$PG_BIN/pgbench" -n -M prepared -c"$2" -j"$3" -T"$4" --random-seed="$SEED" \
        -h "$TMP/pgsock" -p "$PG_PORT" -U postgres -f "$ROOT/bench/postgis_bbox.sql" \
        -D west_min="$WEST" -D west_max="$WEST_MAX" -D south_min="$SOUTH" -D south_max="$SOUTH_MAX" \
        -D width="$BOX_W" -D height="$BOX_H" -D lim="$LIMIT" \
        --log --log-prefix="$TMP/pglog/$1" postgres >"$out" 2>&1 || { cat "$out" >&2; die "pgbench failed"; }
    grep -q '^number of failed transactions: 0' "$out" || ! grep -q 'failed transactions' "$out" ||
        die "pgbench saw failed transactions ($out)"
    local tps
    tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' "$out")
    [[ -n $tps ]] || die "no tps in $out"
    echo "$tps $(pg_percentiles "$TMP/pglog/$1")"
}
log "pgbench warm-up ${WARM_S} s"
run_pgbench pg_warmup 16 2 "$WARM_S" >/dev/null
log "pgbench -c16 -j2 -T$DURATION_S"
result=$(run_pgbench pg_bbox 16 2 "$DURATION_S")
read -r PG_TPS PG_P50 PG_P99 PG_MEAN <<<"$result"
log "  tps=$PG_TPS p50_us=$PG_P50 p99_us=$PG_P99"
log "pgbench -c1 -j1 -T$SINGLE_S (single client)"
result=$(run_pgbench pg_bbox_single 1 1 "$SINGLE_S")
read -r PG1_TPS PG1_P50 PG1_P99 PG1_MEAN <<<"$result"
log "  tps=$PG1_TPS p50_us=$PG1_P50 p99_us=$PG1_P99"

# --- 8. durable reports (synchronous=FULL, the server's only mode) -----------------------------
# run_reports NAME URL: $REPORTS anonymous POSTs over 8 connections; report.lua ends the run
# after $REPORTS responses (-d only bounds it). Prints its RESULT line.
run_reports() {
    wrk -t1 -c8 -d600s --latency -s "$ROOT/bench/report.lua" "$2" -- \
        "$WEST" "$SOUTH" "$EAST" "$NORTH" "$REPORTS" "$SEED" >"$RESULTS/$1.txt" 2>&1 ||
        { cat "$RESULTS/$1.txt" >&2; die "wrk ($1) failed"; }
    local line
    line=$(grep '^RESULT ' "$RESULTS/$1.txt") || die "no RESULT line in $RESULTS/$1.txt"
    [[ $(field "$line" failed) = 0 ]] || log "warning: some report POSTs were not 2xx: $line"
    echo "$line"
}
log "wrk POST /api/v1/reports x $REPORTS (-t1 -c8)"
SL_REPORTS=$(run_reports wrk_reports "$BASE")
log "  $SL_REPORTS"
stop_servers

# --- 9. Sightline on PostgreSQL: its own database in the same cluster, the same CSV -----------
# The PostGIS peer stays in database "postgres"; Sightline's store gets database "sightline".
# The cluster keeps PostgreSQL's defaults for durability (synchronous_commit=on, fsync=on): a
# 201 is sent after a commit that is on disk.
PSQL_STORE=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$TMP/pgsock" -p "$PG_PORT" -U postgres -d sightline)
PG_URL="postgresql:///sightline?host=$TMP/pgsock&port=$PG_PORT&user=postgres"
PG_SYNC_COMMIT=$("${PSQL[@]}" -Atc 'SHOW synchronous_commit')
PG_FSYNC=$("${PSQL[@]}" -Atc 'SHOW fsync')
{ "${PSQL[@]}" -c 'CREATE DATABASE sightline' && "${PSQL_STORE[@]}" -c 'CREATE EXTENSION postgis' &&
    "$SIGHTLINE" migrate --store "$PG_URL" --data "$TMP/pgcli"; } >"$RESULTS/pgstore_setup.txt" 2>&1 ||
    { cat "$RESULTS/pgstore_setup.txt" >&2; die "setting up the PostgreSQL store failed"; }
log "PostgreSQL store set up (synchronous_commit=$PG_SYNC_COMMIT, fsync=$PG_FSYNC)"
log "sightline import-csv --store postgresql://... ($N cameras)"
t0=$(now_ns)
"$SIGHTLINE" import-csv "$CSV" --store "$PG_URL" --data "$TMP/pgcli" "${tags[@]}" >"$RESULTS/pgstore_import.txt" 2>&1 ||
    { cat "$RESULTS/pgstore_import.txt" >&2; die "import-csv into PostgreSQL failed"; }
PGS_IMPORT_S=$(elapsed_s "$t0" "$(now_ns)")
PGS_DB_MB=$("${PSQL_STORE[@]}" -Atc \
    "SELECT (pg_total_relation_size('cameras') + pg_total_relation_size('camera_history')) / 1048576")
log "imported in $PGS_IMPORT_S s: $(head -1 "$RESULTS/pgstore_import.txt"); cameras + history $PGS_DB_MB MB"

t0=$(now_ns)
start_server pgstore1 --store "$PG_URL" --data "$TMP/pgdata1"
PGS_PORT=$PORT
PGS_BASE=http://127.0.0.1:$PORT
wait_snapshot "$PGS_BASE"
PGS_SNAPSHOT_S=$(elapsed_s "$t0" "$(now_ns)")
log "sightline --store postgresql on $PGS_BASE (pid $SERVER_PID); snapshot current ${PGS_SNAPSHOT_S} s after the start"
read -r pgs_features pgs_bytes < <(sightline_sample "$PGS_BASE")
log "sample: $((pgs_features / boxes)) features / $((pgs_bytes / boxes)) bytes per response"
((pgs_features == sl_features)) ||
    log "warning: the PostgreSQL store found $pgs_features cameras in the sample, the SQLite store $sl_features"
log "wrk warm-up ${WARM_S} s"
run_wrk pgstore_wrk_warmup 2 16 "$WARM_S" "$PGS_BASE" >/dev/null
log "wrk -t2 -c16 -d${DURATION_S}s"
PGS_HTTP=$(run_wrk pgstore_wrk_bbox 2 16 "$DURATION_S" "$PGS_BASE")
log "  $PGS_HTTP"
log "wrk -t1 -c1 -d${SINGLE_S}s (single client)"
PGS_SINGLE=$(run_wrk pgstore_wrk_bbox_single 1 1 "$SINGLE_S" "$PGS_BASE")
log "  $PGS_SINGLE"
log "wrk POST /api/v1/reports x $REPORTS (-t1 -c8)"
PGS_REPORTS=$(run_reports pgstore_wrk_reports "$PGS_BASE")
log "  $PGS_REPORTS"

# --- 10. two servers on the one database behind nginx ------------------------------------------
# A second server on the same database (its own --data folder for caches), and a throwaway
# nginx with two listeners: round robin to both servers, and to the first alone (what the proxy
# hop costs by itself). The same wrk runs as above through each.
t0=$(now_ns)
start_server pgstore2 --store "$PG_URL" --data "$TMP/pgdata2"
PGS2_PORT=$PORT
PGS2_BASE=http://127.0.0.1:$PORT
wait_snapshot "$PGS2_BASE"
PGS2_SNAPSHOT_S=$(elapsed_s "$t0" "$(now_ns)")
log "second server on $PGS2_BASE; snapshot current ${PGS2_SNAPSHOT_S} s after the start"
NGINX_WORKERS=$(nproc)
mkdir -p "$TMP/nginx"
cat >"$TMP/nginx/nginx.conf" <<NGINX
worker_processes $NGINX_WORKERS;
daemon off;
error_log $TMP/nginx/error.log warn;
pid $TMP/nginx/nginx.pid;
events { worker_connections 4096; }
http {
    keepalive_requests 1000000;
    client_body_temp_path $TMP/nginx/body;
    proxy_temp_path $TMP/nginx/proxy;
    fastcgi_temp_path $TMP/nginx/fastcgi;
    uwsgi_temp_path $TMP/nginx/uwsgi;
    scgi_temp_path $TMP/nginx/scgi;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    # A bbox answer is ~0.5 MB: read it from the server in big pieces, all in memory.
    proxy_buffer_size 64k;
    proxy_buffers 16 64k;
    proxy_busy_buffers_size 128k;
    proxy_max_temp_file_size 0;
    # Which server answered each request (no client addresses): the split between the two.
    log_format upstream '\$upstream_addr';
    access_log $TMP/nginx/upstream.log upstream;
    upstream one { server 127.0.0.1:$PGS_PORT; keepalive 32; }
    upstream two { server 127.0.0.1:$PGS_PORT; server 127.0.0.1:$PGS2_PORT; keepalive 32; }
    server { listen 127.0.0.1:$NGINX_PORT; location / { proxy_pass http://one; } }
    server { listen 127.0.0.1:$((NGINX_PORT + 1)); location / { proxy_pass http://two; } }
}
NGINX
nginx -p "$TMP/nginx/" -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" >"$RESULTS/nginx.out" 2>&1 &
NGINX_PID=$!
NG1=http://127.0.0.1:$NGINX_PORT
NG2=http://127.0.0.1:$((NGINX_PORT + 1))
for ((i = 0; i < 100; i++)); do
    curl -sf -o /dev/null "$NG2/healthz" && break
    kill -0 "$NGINX_PID" 2>/dev/null || { cat "$RESULTS/nginx.out" "$TMP/nginx/error.log" >&2; die "nginx exited"; }
    sleep 0.1
done
curl -sf -o /dev/null "$NG1/healthz" || die "nginx does not answer on $NG1"
NGINX_VERSION=$(nginx -v 2>&1 | sed 's|.*nginx/||')
log "nginx $NGINX_VERSION ($NGINX_WORKERS workers) on $NG1 (one server) and $NG2 (two servers)"
# split_since LINE: "A B", the requests server 1 and server 2 answered through nginx since
# line LINE of its log (report POSTs are not counted in /metrics, so nginx counts them).
log_lines() { wc -l <"$TMP/nginx/upstream.log"; }
split_since() {
    tail -n +"$(($1 + 1))" "$TMP/nginx/upstream.log" |
        awk -v a="127.0.0.1:$PGS_PORT" -v b="127.0.0.1:$PGS2_PORT" \
            '$1 == a { n1++ } $1 == b { n2++ } END { printf "%d %d\n", n1, n2 }'
}
log "bbox through nginx, one server: warm-up ${WARM_S} s, wrk -t2 -c16 -d${DURATION_S}s"
run_wrk nginx1_wrk_warmup 2 16 "$WARM_S" "$NG1" >/dev/null
NG1_HTTP=$(run_wrk nginx1_wrk_bbox 2 16 "$DURATION_S" "$NG1")
log "  $NG1_HTTP"
log "bbox through nginx, two servers: warm-up ${WARM_S} s, wrk -t2 -c16 -d${DURATION_S}s"
run_wrk nginx2_wrk_warmup 2 16 "$WARM_S" "$NG2" >/dev/null
before=$(log_lines)
NG2_HTTP=$(run_wrk nginx2_wrk_bbox 2 16 "$DURATION_S" "$NG2")
NG2_HTTP_SPLIT=$(split_since "$before")
log "  $NG2_HTTP; answered by server 1 / 2: $NG2_HTTP_SPLIT"
log "reports through nginx, one server: $REPORTS POSTs, 8 connections"
NG1_REPORTS=$(run_reports nginx1_wrk_reports "$NG1")
log "  $NG1_REPORTS"
log "reports through nginx, two servers: $REPORTS POSTs, 8 connections"
before=$(log_lines)
NG2_REPORTS=$(run_reports nginx2_wrk_reports "$NG2")
NG2_REPORTS_SPLIT=$(split_since "$before")
log "  $NG2_REPORTS; answered by server 1 / 2: $NG2_REPORTS_SPLIT"
# Every acknowledged report is a row, whichever server took it. There may be a few more rows:
# report.lua stops counting after $REPORTS answers, while up to 7 more POSTs of each run are on
# their way (stored, but wrk exits before their answers).
REPORTS_ACKED=$(($(field "$PGS_REPORTS" ok) + $(field "$NG1_REPORTS" ok) + $(field "$NG2_REPORTS" ok)))
REPORTS_ROWS=$("${PSQL_STORE[@]}" -Atc 'SELECT count(*) FROM reports')
if ((REPORTS_ROWS < REPORTS_ACKED || REPORTS_ROWS > REPORTS_ACKED + 3 * 7)); then
    log "warning: $REPORTS_ACKED reports acknowledged, $REPORTS_ROWS in the database"
fi
log "reports acknowledged $REPORTS_ACKED, rows in the database $REPORTS_ROWS"

# A change made elsewhere (one camera imported with the CLI, another process) reaches both
# servers: their ChangeFollower sees camera_version move (NOTIFY), their bbox answers show the
# camera at once (from the store while the snapshot is stale), then each rebuilds its snapshot.
FOLLOW_TAG=sightline-bench-follow
printf 'lat,lon,operator\n%s,%s,%s\n' "$CENTER_LAT" "$CENTER_LON" "$FOLLOW_TAG" >"$TMP/follow.csv"
follow_box=$(awk -v a="$CENTER_LAT" -v o="$CENTER_LON" \
    'BEGIN { printf "%.6f,%.6f,%.6f,%.6f", o - 0.0005, a - 0.0005, o + 0.0005, a + 0.0005 }')
"$SIGHTLINE" import-csv "$TMP/follow.csv" --store "$PG_URL" --data "$TMP/pgcli" --tag operator=operator \
    >"$RESULTS/follow_import.txt" 2>&1 || { cat "$RESULTS/follow_import.txt" >&2; die "import of one camera failed"; }
t0=$(now_ns)  # the import has committed
FOLLOW_SEEN=("" "") FOLLOW_CURRENT=("" "")
for ((i = 0; i < 12000; i++)); do
    pending=0
    for k in 0 1; do
        url=$PGS_BASE
        ((k == 0)) || url=$PGS2_BASE
        if [[ -z ${FOLLOW_SEEN[k]} ]]; then
            pending=1
            if curl -sf "$url/api/v1/cameras?bbox=$follow_box&limit=$LIMIT" | grep -q "$FOLLOW_TAG"; then
                FOLLOW_SEEN[k]=$(elapsed_s2 "$t0" "$(now_ns)")
            fi
        elif [[ -z ${FOLLOW_CURRENT[k]} ]]; then
            pending=1
            if curl -sf "$url/metrics" | grep -q '^sightline_camera_snapshot_current 1$'; then
                FOLLOW_CURRENT[k]=$(elapsed_s2 "$t0" "$(now_ns)")
            fi
        fi
    done
    ((pending)) || break
    sleep 0.02
done
((pending == 0)) || die "the imported camera did not reach both servers within 10 minutes"
log "one camera imported by the CLI: in the bbox answers of server 1 / 2 after ${FOLLOW_SEEN[0]} / ${FOLLOW_SEEN[1]} s," \
    "snapshots current again after ${FOLLOW_CURRENT[0]} / ${FOLLOW_CURRENT[1]} s"
stop_nginx
stop_servers
stop_postgres
LOADAVG_AT_END=$(cut -d' ' -f1-3 /proc/loadavg)  # after the timed HTTP runs

# --- 11. in-store latency (Google Benchmark) ----------------------------------------------------
STORE_JSON=$RESULTS/store_bench.json
STORE_NOTE=
if [[ -x $STORE_BENCH ]]; then
    # On the data directory Sightline just served (store_bench reuses a directory that holds
    # cameras), so the in-store numbers are for the same cameras; its InsertReport runs on
    # fresh databases of its own.
    log "store_bench${STORE_FILTER:+ --benchmark_filter=$STORE_FILTER} on $DATA"
    (cd "$TMP" && SIGHTLINE_BENCH_DATA_DIR="$DATA" SIGHTLINE_BENCH_CAMERAS="$N" \
        "$STORE_BENCH" ${STORE_FILTER:+--benchmark_filter="$STORE_FILTER"} \
        --benchmark_format=console --benchmark_out="$STORE_JSON" --benchmark_out_format=json) \
        >"$RESULTS/store_bench.txt" 2>&1 || { cat "$RESULTS/store_bench.txt" >&2; STORE_NOTE="store_bench failed"; }
    cat "$RESULTS/store_bench.txt" >&2
else
    STORE_NOTE="$STORE_BENCH not built"
    log "$STORE_NOTE: no in-store numbers"
fi
# Google Benchmark JSON is one key per line; flatten every entry to "name<TAB>key=value<TAB>...".
store_rows() {
    [[ -s $STORE_JSON ]] || return 0
    awk '
        /"benchmarks": \[/ { inside = 1; next }
        !inside { next }
        /^    {/ { row = ""; name = ""; next }
        /^    }/ { if (name != "") print name row; next }
        {
            line = $0; sub(/^ +/, "", line); sub(/,$/, "", line)
            k = line; sub(/":.*/, "", k); sub(/^"/, "", k)
            v = line; sub(/^"[^"]*": */, "", v); gsub(/"/, "", v)
            if (k == "name") name = v; else row = row "\t" k "=" v
        }' "$STORE_JSON"
}
STORE_ROWS=$(store_rows)
# store_value NAME_PREFIX KEY: KEY of the first store_bench entry whose name starts with NAME_PREFIX.
store_value() {
    awk -F'\t' -v p="$1" -v k="$2" 'index($1, p) == 1 {
        for (i = 2; i <= NF; i++) if (index($i, k "=") == 1) { print substr($i, length(k) + 2); exit }
    }' <<<"$STORE_ROWS"
}
# num FORMAT VALUE: printf, or "n/a" when there is no value.
num() { if [[ -n $2 ]]; then awk -v f="$1" -v v="$2" 'BEGIN { printf f, v }'; else echo "n/a"; fi; }

# --- 12. docs/benchmarks.md ------------------------------------------------------------------
ms() { us_to_ms "$(field "$1" "$2")"; }
SL_RPS=$(field "$SL_HTTP" rps)
RATIO=$(awk -v a="$SL_RPS" -v b="$PG_TPS" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
RAM_GB=$(awk '/^MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)
SQLITE_VERSION=$(sqlite3 --version 2>/dev/null | cut -d' ' -f1 || true)

# In-store rows: each benchmark's mean time per iteration, plus any counters it reports.
store_table() {
    if [[ -z $STORE_ROWS ]]; then
        echo "| (none: ${STORE_NOTE:-store_bench reported nothing}) | | |"
        return
    fi
    awk -F'\t' '
    function number(v) { return v !~ /^[-0-9.e+]+$/ ? v : v + 0 == int(v + 0) ? sprintf("%d", v) : sprintf("%.4g", v) }
    {
        name = $1; rt = ""; unit = ""; extra = ""
        for (i = 2; i <= NF; i++) {
            eq = index($i, "="); kv[1] = substr($i, 1, eq - 1); kv[2] = substr($i, eq + 1)
            if (kv[1] == "real_time") rt = kv[2]
            else if (kv[1] == "time_unit") unit = kv[2]
            else if (kv[1] == "label") extra = extra (extra == "" ? "" : ", ") kv[2]
            else if (kv[1] !~ /^(family_index|per_family_instance_index|run_name|run_type|repetitions|repetition_index|threads|iterations|cpu_time|error_occurred|error_message|aggregate_name|aggregate_unit)$/)
                extra = extra (extra == "" ? "" : ", ") kv[1] " " number(kv[2])
        }
        printf "| `%s` | %s %s | %s |\n", name, rt == "" ? "-" : number(rt), unit, extra
    }' <<<"$STORE_ROWS"
}

SECTION=$TMP/section.md
rps() { printf '%.0f' "$(field "$1" rps)"; }
# Goal checks of issue 13: "met" when the awk condition on a and b holds, else "**missed**".
verdict() { if awk -v a="$1" -v b="$2" "BEGIN { exit !($3) }"; then echo "met"; else echo "**missed**"; fi; }
# change A B: A relative to B, in percent with a sign.
change() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.0f %%", (b > 0 ? (a / b - 1) * 100 : 0) }'; }
PGS_RPS=$(field "$PGS_HTTP" rps)
PGS_RATIO=$(awk -v a="$PGS_RPS" -v b="$PG_TPS" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
read -r NG2_HTTP_1 NG2_HTTP_2 <<<"$NG2_HTTP_SPLIT"
read -r NG2_REPORTS_1 NG2_REPORTS_2 <<<"$NG2_REPORTS_SPLIT"
report_cell() {  # RESULT line of a report run -> "req/s (ok × 2xx in ms)"
    echo "$(rps "$1") ($(field "$1" ok) × 2xx in $(us_to_ms "$(field "$1" duration_us)") ms)"
}
{
    echo "<!-- registry-bench:start -->"
    echo "## Camera registry (issues: foundation; 13, PostgreSQL and several servers)"
    echo
    echo "Generated by \`make bench\` (\`bench/run.sh\`) on $(date -u '+%Y-%m-%d %H:%M UTC'); do not edit by hand."
    if ((N != 1000000 || DURATION_S < 20)); then
        echo
        echo "**A reduced run: $N cameras, ${DURATION_S} s per timed run** (the full run, \`bench/run.sh\` without" \
            "variables, is 1,000,000 cameras and 20 s)."
    fi
    echo
    echo "- Machine: $(nproc) cores, $CPU, $RAM_GB GB RAM, Linux $(uname -r); data on $(df -PT "$TMP" | awk 'NR == 2 { print $2 " (" $1 ")" }');" \
        "load average (1, 5, 15 min) $LOADAVG_AT_START at the start, $LOADAVG_AT_END at the end"
    echo "- Software: $("$SIGHTLINE" --version 2>/dev/null || echo sightline), SQLite ${SQLITE_VERSION:-?}," \
        "PostgreSQL $PG_VERSION, PostGIS $POSTGIS_VERSION, nginx $NGINX_VERSION, $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
    echo "- Data: $N synthetic cameras (seed $SEED), uniform over ${SIDE_KM}x${SIDE_KM} km centred on" \
        "$CENTER_LAT N, $CENTER_LON E; query boxes ${BOX_KM} km square" \
        "($(udeg $BOX_W)° x $(udeg $BOX_H)°) at uniformly random positions inside the data box, \`limit=$LIMIT\`"
    echo "- Result size (20 fixed boxes): Sightline $SL_FEATURES features, $SL_BYTES bytes (SQLite store);" \
        "$((pgs_features / boxes)) features, $((pgs_bytes / boxes)) bytes (PostgreSQL store);" \
        "PostGIS $PG_FEATURES features, $PG_BYTES bytes per response"
    echo "- PostgreSQL: one throwaway cluster for the PostGIS peer (database \`postgres\`) and Sightline's" \
        "PostgreSQL store (database \`sightline\`), Unix socket; defaults except shared_buffers=1GB and jit=off," \
        "so synchronous_commit=$PG_SYNC_COMMIT and fsync=$PG_FSYNC: a commit is on disk before it returns"
    echo
    echo "| measurement | Sightline, SQLite store | Sightline, PostgreSQL store | PostGIS |"
    echo "|---|---|---|---|"
    echo "| bbox throughput, 16 connections (req/s; tps) | $(printf '%.0f' "$SL_RPS") | $(printf '%.0f' "$PGS_RPS") | $(printf '%.0f' "$PG_TPS") |"
    echo "| throughput ratio to PostGIS | **${RATIO}x** | **${PGS_RATIO}x** | 1x |"
    echo "| bbox latency under that load, p50 / p99 (ms) | $(ms "$SL_HTTP" p50_us) / $(ms "$SL_HTTP" p99_us) | $(ms "$PGS_HTTP" p50_us) / $(ms "$PGS_HTTP" p99_us) | $(us_to_ms "$PG_P50") / $(us_to_ms "$PG_P99") |"
    echo "| bbox latency, one client, p50 / p99 (ms) | $(ms "$SL_SINGLE" p50_us) / $(ms "$SL_SINGLE" p99_us) | $(ms "$PGS_SINGLE" p50_us) / $(ms "$PGS_SINGLE" p99_us) | $(us_to_ms "$PG1_P50") / $(us_to_ms "$PG1_P99") |"
    echo "| one client, req/s; tps | $(rps "$SL_SINGLE") | $(rps "$PGS_SINGLE") | $(printf '%.0f' "$PG1_TPS") |"
    echo "| in-store bbox query (\`store_bench\` FindCameras, this data), p50 / p99 (ms) | $(num %.3f "$(store_value FindCameras/ p50_ms)") / $(num %.3f "$(store_value FindCameras/ p99_ms)") ($(num %.0f "$(store_value FindCameras/ cameras)") cameras per query) | - | - |"
    echo "| load $N cameras (s) | $SL_IMPORT_S (\`import-csv\`) | $PGS_IMPORT_S (\`import-csv --store postgresql://...\`) | $PG_LOAD_S (COPY, INSERT, GiST, VACUUM ANALYZE) |"
    echo "| size on disk (MB) | $SL_DB_MB (data dir) | $PGS_DB_MB (cameras + camera_history with their indexes) | $PG_DB_MB (table + indexes) |"
    echo "| server start until its camera snapshot is current (s) | - | $PGS_SNAPSHOT_S | - |"
    echo "| $REPORTS anonymous \`POST /api/v1/reports\`, 8 connections, durable when acknowledged: req/s | $(report_cell "$SL_REPORTS") | $(report_cell "$PGS_REPORTS") | - |"
    echo "| the same: latency p50 / p99 (ms) | $(ms "$SL_REPORTS" p50_us) / $(ms "$SL_REPORTS" p99_us) | $(ms "$PGS_REPORTS" p50_us) / $(ms "$PGS_REPORTS" p99_us) | - |"
    echo "| in-store \`insert_report\` (\`store_bench\` InsertReport), p50 / p99 (ms): synchronous=FULL | $(num %.3f "$(store_value InsertReport/full:1 p50_ms)") / $(num %.3f "$(store_value InsertReport/full:1 p99_ms)") (mean $(num %.3f "$(store_value InsertReport/full:1 real_time)") $(store_value InsertReport/full:1 time_unit)) | - | - |"
    echo "| the same, synchronous=NORMAL (not offered by the server) | $(num %.3f "$(store_value InsertReport/full:0 p50_ms)") / $(num %.3f "$(store_value InsertReport/full:0 p99_ms)") (mean $(num %.3f "$(store_value InsertReport/full:0 real_time)") $(store_value InsertReport/full:0 time_unit)) | - | - |"
    echo
    echo "Goals of issue 13 in this run:"
    echo
    echo "- bbox with the PostgreSQL store within 20 % of the SQLite store: throughput" \
        "$(change "$PGS_RPS" "$SL_RPS") ($(verdict "$PGS_RPS" "$SL_RPS" 'a >= 0.8 * b')), p50" \
        "$(change "$(field "$PGS_HTTP" p50_us)" "$(field "$SL_HTTP" p50_us)") ($(verdict "$(field "$PGS_HTTP" p50_us)" "$(field "$SL_HTTP" p50_us)" 'a <= 1.2 * b')), p99" \
        "$(change "$(field "$PGS_HTTP" p99_us)" "$(field "$SL_HTTP" p99_us)") ($(verdict "$(field "$PGS_HTTP" p99_us)" "$(field "$SL_HTTP" p99_us)" 'a <= 1.2 * b'))"
    echo "- PostgreSQL store against PostGIS at least 5x: ${PGS_RATIO}x ($(verdict "$PGS_RATIO" 5 'a >= b')); SQLite store ${RATIO}x ($(verdict "$RATIO" 5 'a >= b'))"
    echo "- at least 1,000 report POSTs/s with 8 connections, durable: PostgreSQL store (synchronous_commit=$PG_SYNC_COMMIT)" \
        "$(rps "$PGS_REPORTS")/s ($(verdict "$(field "$PGS_REPORTS" rps)" 1000 'a >= b')); SQLite store (synchronous=FULL)" \
        "$(rps "$SL_REPORTS")/s ($(verdict "$(field "$SL_REPORTS" rps)" 1000 'a >= b'))"
    echo "- import into the PostgreSQL store not slower than PostGIS's COPY + index build: $PGS_IMPORT_S s against" \
        "$PG_LOAD_S s ($(verdict "$PGS_IMPORT_S" "$PG_LOAD_S" 'a <= b'))"
    echo
    echo "### Two servers on one PostgreSQL database behind nginx"
    echo
    echo "The server above (\`sightline serve --store postgresql://...\`) and a second one on the same database" \
        "(its own \`--data\` folder for caches), behind a throwaway nginx $NGINX_VERSION ($NGINX_WORKERS workers," \
        "keep-alive to the servers, 1 MB of 64 kB proxy buffers per request, a log of which server answered) that sends requests round robin to both, or to the" \
        "first alone. Same wrk runs as above. The two servers, PostgreSQL, nginx and wrk all share the same" \
        "$(nproc) cores, so two servers cannot be faster than one here: this shows that they work together" \
        "and what the extra process and the proxy hop cost, not how far they scale."
    echo
    echo "| measurement | one server, direct | one server behind nginx | two servers behind nginx |"
    echo "|---|---|---|---|"
    echo "| bbox throughput, 16 connections (req/s) | $(rps "$PGS_HTTP") | $(rps "$NG1_HTTP") | $(rps "$NG2_HTTP") |"
    echo "| bbox latency p50 / p99 (ms) | $(ms "$PGS_HTTP" p50_us) / $(ms "$PGS_HTTP" p99_us) | $(ms "$NG1_HTTP" p50_us) / $(ms "$NG1_HTTP" p99_us) | $(ms "$NG2_HTTP" p50_us) / $(ms "$NG2_HTTP" p99_us) |"
    echo "| bbox requests answered by server 1 / server 2 | all / - | all / - | $NG2_HTTP_1 / $NG2_HTTP_2 |"
    echo "| $REPORTS report POSTs, 8 connections (req/s) | $(report_cell "$PGS_REPORTS") | $(report_cell "$NG1_REPORTS") | $(report_cell "$NG2_REPORTS") |"
    echo "| report latency p50 / p99 (ms) | $(ms "$PGS_REPORTS" p50_us) / $(ms "$PGS_REPORTS" p99_us) | $(ms "$NG1_REPORTS" p50_us) / $(ms "$NG1_REPORTS" p99_us) | $(ms "$NG2_REPORTS" p50_us) / $(ms "$NG2_REPORTS" p99_us) |"
    echo "| report POSTs answered by server 1 / server 2 | all / - | all / - | $NG2_REPORTS_1 / $NG2_REPORTS_2 |"
    echo
    echo "- Two servers against one, both behind nginx: bbox throughput $(change "$(field "$NG2_HTTP" rps)" "$(field "$NG1_HTTP" rps)")," \
        "report POSTs $(change "$(field "$NG2_REPORTS" rps)" "$(field "$NG1_REPORTS" rps)"); the nginx hop alone" \
        "(one server): bbox $(change "$(field "$NG1_HTTP" rps)" "$PGS_RPS"), reports $(change "$(field "$NG1_REPORTS" rps)" "$(field "$PGS_REPORTS" rps)")."
    echo "- Every acknowledged report is in the database: $REPORTS_ACKED acknowledged in the three PostgreSQL" \
        "runs, $REPORTS_ROWS rows (the rest, at most 7 a run, were still on their way when wrk stopped counting)."
    echo "- The second server's camera snapshot was current $PGS2_SNAPSHOT_S s after its start (each server" \
        "builds its own from the database, while the first one served)."
    echo "- One camera imported with \`sightline import-csv --store\` (a third process) was in the bbox answers" \
        "of server 1 / server 2 ${FOLLOW_SEEN[0]} / ${FOLLOW_SEEN[1]} s after that command ended (NOTIFY; the" \
        "listing reads the store while the snapshot is stale); their snapshots of $((N + 1)) cameras were" \
        "current again after ${FOLLOW_CURRENT[0]} / ${FOLLOW_CURRENT[1]} s (polled every ~50 ms)."
    echo
    echo "All of \`build/bench/store_bench\`${STORE_FILTER:+ (filter \`$STORE_FILTER\`)} (Google Benchmark, one thread; see \`bench/store_bench.cpp\`), run on the SQLite data directory above after the HTTP runs:"
    echo
    echo "| benchmark | time per iteration | counters |"
    echo "|---|---|---|"
    store_table
    echo
    echo "Method and fairness: everything runs on this one machine, so the load generator (wrk -t2," \
        "pgbench -j2) and the server share its $(nproc) cores. Sightline is queried over HTTP/1.1" \
        "keep-alive on 127.0.0.1, PostgreSQL over its Unix socket with prepared statements (\`pgbench -M prepared\`)," \
        "which spares it HTTP parsing and the TCP stack. Both answer the same kind of query with boxes drawn" \
        "from the same distribution (south-west corner uniform in integer micro-degrees; the 20-box sample" \
        "above is identical for both), filter through a spatial index (SQLite R*Tree; PostGIS GiST) and return" \
        "every camera in the box serialised as one GeoJSON FeatureCollection (Sightline additionally orders by id" \
        "and writes more properties per feature). Sightline answers bbox queries from its in-memory camera" \
        "snapshot with either store (each server is timed only once its snapshot is current); the store is" \
        "the source of truth and the fallback while a snapshot is rebuilt. PostgreSQL runs with defaults except" \
        "shared_buffers=1GB and jit=off. Each side gets a ${WARM_S} s warm-up before ${DURATION_S} s of timing;" \
        "the others are idle meanwhile (the SQLite server is stopped before the PostgreSQL store's runs)." \
        "Latencies under load are wrk's and pgbench's per-request times (pgbench from \`--log\`)." \
        "Loads: \`import-csv\` into the PostgreSQL store is one transaction into the live schema (COPY of the" \
        "cameras and of one history entry each, with the indexes a running server needs kept up to date and" \
        "the history's foreign key checked); the PostGIS peer fills one fresh table and builds its one index" \
        "afterwards. Reports: $REPORTS POSTs with 8 connections per run against the server as shipped: SQLite in WAL" \
        "with synchronous=FULL, PostgreSQL with synchronous_commit=$PG_SYNC_COMMIT; an acknowledged report survives" \
        "power loss either way. The SQLite server has no NORMAL switch, so the cost of FULL" \
        "against NORMAL comes from store_bench's insert_report pair above. A durable commit costs one fsync of the WAL" \
        "per acknowledged report (PostgreSQL may group concurrent commits), so those rows measure this disk's fsync" \
        "latency (on a virtual disk what an fsync guarantees depends on the host's cache settings). The raw outputs of the run are" \
        "kept in \`build/bench-results/registry/\`."
    echo "<!-- registry-bench:end -->"
} >"$SECTION"

mkdir -p "$(dirname "$OUT")"
if [[ ! -f $OUT ]]; then
    printf '# Benchmarks\n\nEach section is written by its benchmark script between its markers.\n' >"$OUT"
fi
if grep -q '^<!-- registry-bench:start -->$' "$OUT"; then
    awk -v section="$SECTION" '
        $0 == "<!-- registry-bench:start -->" { while ((getline l < section) > 0) print l; skip = 1; next }
        $0 == "<!-- registry-bench:end -->" { skip = 0; next }
        !skip' "$OUT" >"$TMP/benchmarks.md"
    cat "$TMP/benchmarks.md" >"$OUT"
else
    { echo; cat "$SECTION"; } >>"$OUT"
fi
cp "$SECTION" "$RESULTS/section.md"
log "wrote $OUT"
cat "$SECTION"
