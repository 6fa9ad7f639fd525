#!/usr/bin/env bash
# The camera registry benchmark (`make bench`): N synthetic cameras over 40x40 km, bbox queries
# of about 1,000 cameras against Sightline (in-store with build/bench/store_bench, HTTP with
# wrk) and, in the same run, against a throwaway PostgreSQL 15 + PostGIS 3 cluster (pgbench);
# plus the cost of durable (synchronous=FULL) report inserts. Writes its section of
# docs/benchmarks.md. See bench/README.md for what each number means.
#
#   bench/run.sh                                        # full run: 1,000,000 cameras, 20 s each
#   BENCH_CAMERAS=20000 BENCH_SECONDS=3 bench/run.sh    # smoke run, about a minute
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
# Value of key=value in a "RESULT ..." line.
field() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k { print $2 }'; }
us_to_ms() { awk -v v="$1" 'BEGIN { printf "%.2f", v / 1000 }'; }

[[ $N =~ ^[0-9]+$ && $N -ge 1 ]] || die "BENCH_CAMERAS must be a positive integer"
[[ $DURATION_S =~ ^[0-9]+$ && $DURATION_S -ge 1 ]] || die "BENCH_SECONDS must be a positive integer"
[[ $REPORTS =~ ^[0-9]+$ && $REPORTS -ge 1 ]] || die "BENCH_REPORTS must be a positive integer"

LOAD_AT_START=$(cut -d' ' -f1 /proc/loadavg)
awk -v l="$LOAD_AT_START" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }' &&
    log "warning: load average $LOAD_AT_START on $(nproc) cores: other work will distort the numbers"

# --- 1. tools --------------------------------------------------------------------------------
source "$ROOT/bench/tools/ensure_packages.sh"
ensure_packages wrk curl postgresql-15 postgresql-15-postgis-3

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
rm -rf "$RESULTS" && mkdir -p "$RESULTS"
SERVER_PID=
PG_STARTED=
PG_RUN=()
if ((EUID == 0)); then
    getent passwd postgres >/dev/null || die "user 'postgres' missing (it comes with postgresql-15)"
    PG_RUN=(runuser -u postgres --)
fi

stop_server() {
    if [[ -n $SERVER_PID ]]; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
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
    stop_server
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

# --- 3. Sightline: import, serve ------------------------------------------------------------
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

start_server() {
    "$SIGHTLINE" serve --data "$DATA" --listen 127.0.0.1:0 --no-access-log --report-rate 0 \
        >"$TMP/serve.out" 2>"$RESULTS/serve.err" &
    SERVER_PID=$!
    local i
    for ((i = 0; i < 300; i++)); do
        PORT=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$TMP/serve.out")
        [[ -n $PORT ]] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$RESULTS/serve.err" >&2; die "server exited"; }
        sleep 0.1
    done
    die "server did not print 'listening on' within 30 s"
}
start_server
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
sl_features=0 sl_bytes=0 pg_features=0 pg_bytes=0
while read -r w s e n; do
    body=$(curl -sf "$BASE/api/v1/cameras?bbox=$w,$s,$e,$n&limit=$LIMIT") || die "bbox request failed: $w,$s,$e,$n"
    sl_features=$((sl_features + $(grep -o '"type":"Feature"' <<<"$body" | wc -l)))
    sl_bytes=$((sl_bytes + ${#body}))
    grep -q '"truncated":false' <<<"$body" || die "a sample box was truncated at limit=$LIMIT"
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
run_wrk() {  # NAME THREADS CONNECTIONS SECONDS
    wrk -t"$2" -c"$3" -d"$4s" --latency -s "$ROOT/bench/bbox.lua" "$BASE" "${box_args[@]}" >"$RESULTS/$1.txt" 2>&1 ||
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
stop_postgres

# --- 8. durable reports (synchronous=FULL, the server's only mode) -----------------------------
# report.lua ends the run after $REPORTS responses; -d only bounds it.
log "wrk POST /api/v1/reports x $REPORTS (-t1 -c8)"
wrk -t1 -c8 -d600s --latency -s "$ROOT/bench/report.lua" "$BASE" -- \
    "$WEST" "$SOUTH" "$EAST" "$NORTH" "$REPORTS" "$SEED" >"$RESULTS/wrk_reports.txt" 2>&1 ||
    { cat "$RESULTS/wrk_reports.txt" >&2; die "wrk (reports) failed"; }
SL_REPORTS=$(grep '^RESULT ' "$RESULTS/wrk_reports.txt") || die "no RESULT line in $RESULTS/wrk_reports.txt"
log "  $SL_REPORTS"
[[ $(field "$SL_REPORTS" failed) = 0 ]] || log "warning: some report POSTs were not 2xx: $SL_REPORTS"
stop_server

# --- 9. in-store latency (Google Benchmark) ----------------------------------------------------
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

# --- 10. docs/benchmarks.md ------------------------------------------------------------------
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
{
    echo "<!-- registry-bench:start -->"
    echo "## Camera registry (issue: foundation)"
    echo
    echo "Generated by \`make bench\` (\`bench/run.sh\`) on $(date -u '+%Y-%m-%d %H:%M UTC'); do not edit by hand."
    echo
    echo "- Machine: $(nproc) cores, $CPU, $RAM_GB GB RAM, Linux $(uname -r); data on $(df -PT "$TMP" | awk 'NR == 2 { print $2 " (" $1 ")" }');" \
        "load average $LOAD_AT_START at the start"
    echo "- Software: $("$SIGHTLINE" --version 2>/dev/null || echo sightline), SQLite ${SQLITE_VERSION:-?}," \
        "PostgreSQL $PG_VERSION, PostGIS $POSTGIS_VERSION, $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
    echo "- Data: $N synthetic cameras (seed $SEED), uniform over ${SIDE_KM}x${SIDE_KM} km centred on" \
        "$CENTER_LAT N, $CENTER_LON E; query boxes ${BOX_KM} km square" \
        "($(udeg $BOX_W)° x $(udeg $BOX_H)°) at uniformly random positions inside the data box, \`limit=$LIMIT\`"
    echo "- Result size (20 fixed boxes): Sightline $SL_FEATURES features, $SL_BYTES bytes;" \
        "PostGIS $PG_FEATURES features, $PG_BYTES bytes per response"
    echo
    echo "| measurement | Sightline | PostGIS |"
    echo "|---|---|---|"
    echo "| bbox throughput, 16 connections (req/s; tps) | $(printf '%.0f' "$SL_RPS") | $(printf '%.0f' "$PG_TPS") |"
    echo "| throughput ratio Sightline / PostGIS | **${RATIO}x** | 1x |"
    echo "| bbox latency under that load, p50 / p99 (ms) | $(ms "$SL_HTTP" p50_us) / $(ms "$SL_HTTP" p99_us) | $(us_to_ms "$PG_P50") / $(us_to_ms "$PG_P99") |"
    echo "| bbox latency, one client, p50 / p99 (ms) | $(ms "$SL_SINGLE" p50_us) / $(ms "$SL_SINGLE" p99_us) | $(us_to_ms "$PG1_P50") / $(us_to_ms "$PG1_P99") |"
    echo "| one client, req/s; tps | $(printf '%.0f' "$(field "$SL_SINGLE" rps)") | $(printf '%.0f' "$PG1_TPS") |"
    echo "| in-store bbox query (\`store_bench\` FindCameras, this data), p50 / p99 (ms) | $(num %.3f "$(store_value FindCameras/ p50_ms)") / $(num %.3f "$(store_value FindCameras/ p99_ms)") ($(num %.0f "$(store_value FindCameras/ cameras)") cameras per query) | - |"
    echo "| load $N cameras (s) | $SL_IMPORT_S (\`import-csv\`) | $PG_LOAD_S (COPY, INSERT, GiST, VACUUM ANALYZE) |"
    echo "| size on disk (MB) | $SL_DB_MB (data dir) | $PG_DB_MB (table + indexes) |"
    echo "| $REPORTS anonymous \`POST /api/v1/reports\`, 8 connections, synchronous=FULL: req/s | $(printf '%.0f' "$(field "$SL_REPORTS" rps)") ($(field "$SL_REPORTS" ok) × 2xx in $(us_to_ms "$(field "$SL_REPORTS" duration_us)") ms) | - |"
    echo "| the same: latency p50 / p99 (ms) | $(ms "$SL_REPORTS" p50_us) / $(ms "$SL_REPORTS" p99_us) | - |"
    echo "| in-store \`insert_report\` (\`store_bench\` InsertReport), p50 / p99 (ms): synchronous=FULL | $(num %.3f "$(store_value InsertReport/full:1 p50_ms)") / $(num %.3f "$(store_value InsertReport/full:1 p99_ms)") (mean $(num %.3f "$(store_value InsertReport/full:1 real_time)") $(store_value InsertReport/full:1 time_unit)) | - |"
    echo "| the same, synchronous=NORMAL (not offered by the server) | $(num %.3f "$(store_value InsertReport/full:0 p50_ms)") / $(num %.3f "$(store_value InsertReport/full:0 p99_ms)") (mean $(num %.3f "$(store_value InsertReport/full:0 real_time)") $(store_value InsertReport/full:0 time_unit)) | - |"
    echo
    echo "All of \`build/bench/store_bench\`${STORE_FILTER:+ (filter \`$STORE_FILTER\`)} (Google Benchmark, one thread; see \`bench/store_bench.cpp\`), run on the data directory above after the HTTP runs:"
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
        "and writes more properties per feature). PostgreSQL runs with defaults except shared_buffers=1GB and" \
        "jit=off. Each side gets a ${WARM_S} s warm-up before ${DURATION_S} s of timing; the other server is idle" \
        "meanwhile. Latencies under load are wrk's and pgbench's per-request times (pgbench from \`--log\`)." \
        "Reports: $REPORTS POSTs with 8 connections against the server as shipped (WAL, synchronous=FULL:" \
        "an acknowledged report survives power loss); the server has no NORMAL switch, so the cost of FULL" \
        "against NORMAL comes from store_bench's insert_report pair above. FULL costs one fsync of the WAL" \
        "per acknowledged report, so those rows measure this disk's fsync latency (on a virtual disk what an" \
        "fsync guarantees depends on the host's cache settings). The raw outputs of the run are" \
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
