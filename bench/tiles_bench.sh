#!/usr/bin/env bash
# The vector tile benchmark: camera tiles/s at z14 and z16 over N synthetic cameras (40x40 km
# around 44.8125 N, 20.4612 E; bench/tools/gen_cameras.awk, the registry benchmark's generator),
# rendered by Sightline's TileService with the cache disabled (build/bench/tiles_bench), against
# PostGIS ST_AsMVT(ST_AsMVTGeom(...)) on the same points in a throwaway PostgreSQL cluster
# (pgbench), one and two clients each. Writes its section of docs/benchmarks.md (between the
# tiles-bench markers; everything else in the file is kept).
#
#   bench/tiles_bench.sh                                     # full run: 1,000,000 cameras
#   BENCH_CAMERAS=20000 BENCH_SECONDS=3 bench/tiles_bench.sh # smoke run
#   BUILD_DIR=build-tiles bench/tiles_bench.sh               # another build tree (needs -DSIGHTLINE_BENCH=ON)
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-build}
[[ $BUILD_DIR = /* ]] || BUILD_DIR=$ROOT/$BUILD_DIR
N=${BENCH_CAMERAS:-1000000}
DURATION_S=${BENCH_SECONDS:-20}
SEED=${BENCH_SEED:-42}
PG_PORT=${BENCH_PG_PORT:-54339}
PG_BIN=/usr/lib/postgresql/15/bin
CENTER_LAT=44.8125
CENTER_LON=20.4612
SIDE_KM=40
ZOOMS=(14 16)

log() { printf '[tiles-bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ $N =~ ^[0-9]+$ && $N -ge 1 ]] || die "BENCH_CAMERAS must be a positive integer"
[[ $DURATION_S =~ ^[0-9]+$ && $DURATION_S -ge 1 ]] || die "BENCH_SECONDS must be a positive integer"

LOAD_AT_START=$(cut -d' ' -f1 /proc/loadavg)
awk -v l="$LOAD_AT_START" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }' &&
    log "warning: load average $LOAD_AT_START on $(nproc) cores: other work will distort the numbers"

# --- tools -------------------------------------------------------------------------------------
source "$ROOT/bench/tools/ensure_packages.sh"
ensure_packages postgresql-15 postgresql-15-postgis-3 gdal-bin python3
SIGHTLINE=$BUILD_DIR/sightline
[[ -x $SIGHTLINE ]] || SIGHTLINE=$BUILD_DIR/src/cli/sightline
[[ -x $SIGHTLINE ]] || die "no sightline executable in $BUILD_DIR"
TILES_BENCH=$BUILD_DIR/bench/tiles_bench
[[ -x $TILES_BENCH ]] || die "no $TILES_BENCH: configure with -DSIGHTLINE_BENCH=ON and build tiles_bench"

# --- scratch space and cleanup -----------------------------------------------------------------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sightline-tiles-bench.XXXXXX")
chmod 755 "$TMP"
RESULTS=$BUILD_DIR/bench-results/tiles
if ((N == 1000000 && DURATION_S >= 20)); then
    OUT=${BENCH_OUT:-$ROOT/docs/benchmarks.md}
else
    OUT=${BENCH_OUT:-$RESULTS/benchmarks.md}
fi
rm -rf "$RESULTS" && mkdir -p "$RESULTS"
PG_STARTED=
PG_RUN=()
if ((EUID == 0)); then
    getent passwd postgres >/dev/null || die "user 'postgres' missing (it comes with postgresql-15)"
    PG_RUN=(runuser -u postgres --)
fi
stop_postgres() {
    if [[ -n $PG_STARTED ]]; then
        "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$TMP/pg" -m fast -w stop >/dev/null 2>&1 || true
        PG_STARTED=
    fi
}
cleanup() {
    local rc=$?
    stop_postgres
    if [[ ${BENCH_KEEP:-0} = 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
    ((rc == 0)) || log "failed (exit $rc); raw outputs in $RESULTS"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- data --------------------------------------------------------------------------------------
read -r WEST SOUTH EAST NORTH < <(awk -v lat0="$CENTER_LAT" -v lon0="$CENTER_LON" -v side="$SIDE_KM" 'BEGIN {
        pi = atan2(0, -1); km_per_deg = 6371.0088 * pi / 180
        half_lat = side / 2 / km_per_deg; half_lon = half_lat / cos(lat0 * pi / 180)
        printf "%.6f %.6f %.6f %.6f\n", lon0 - half_lon, lat0 - half_lat, lon0 + half_lon, lat0 + half_lat
    }')
BOX="$WEST,$SOUTH,$EAST,$NORTH"
log "data box $BOX, $N cameras"
# Tile ranges of the tiles entirely inside the box (tiles_bench.cpp draws from the same).
tile_range() {  # Z -> "xmin xmax ymin ymax"
    awk -v z="$1" -v w="$WEST" -v s="$SOUTH" -v e="$EAST" -v n="$NORTH" 'function tx(lon) { return int((lon + 180) / 360 * 2 ^ z) }
        function ty(lat,  r) { pi = atan2(0, -1); r = sin(lat * pi / 180); return int((0.5 - log((1 + r) / (1 - r)) / (4 * pi)) * 2 ^ z) }
        BEGIN { printf "%d %d %d %d\n", tx(w) + 1, tx(e) - 1, ty(n) + 1, ty(s) - 1 }'
}

CSV=$TMP/cameras.csv
awk -v n="$N" -v seed="$SEED" -v west="$WEST" -v south="$SOUTH" -v east="$EAST" -v north="$NORTH" \
    -f "$ROOT/bench/tools/gen_cameras.awk" >"$CSV"
DATA=$TMP/data
tags=()
for key in surveillance surveillance:type camera:type camera:mount camera:direction operator manufacturer; do
    tags+=(--tag "$key=$key")
done
log "sightline import-csv"
"$SIGHTLINE" import-csv "$CSV" --data "$DATA" "${tags[@]}" >"$RESULTS/import.txt" 2>&1 ||
    { cat "$RESULTS/import.txt" >&2; die "import-csv failed"; }

# --- Sightline: TileService, cache off ----------------------------------------------------------
log "tiles_bench (${DURATION_S} s per case)"
(cd "$TMP" && SIGHTLINE_BENCH_DATA_DIR="$DATA" SIGHTLINE_BENCH_BOX="$BOX" "$TILES_BENCH" \
    --benchmark_min_time="$DURATION_S" --benchmark_format=console \
    --benchmark_out="$RESULTS/tiles_bench.json" --benchmark_out_format=json) \
    >"$RESULTS/tiles_bench.txt" 2>&1 || { cat "$RESULTS/tiles_bench.txt" >&2; die "tiles_bench failed"; }
cat "$RESULTS/tiles_bench.txt" >&2
# sl_field Z THREADS KEY [BENCHMARK] -> a value of one tiles_bench entry (items_per_second: tiles/s)
sl_field() {
    python3 - "$RESULTS/tiles_bench.json" "$1" "$2" "$3" "${4:-RenderCameraTiles}" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
z, threads, key, name = sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
for b in doc["benchmarks"]:
    if b["name"].startswith(f"{name}/{z}/") and b.get("threads", 1) == threads:
        print(f'{b[key]:.1f}'); break
PY
}

# --- PostgreSQL + PostGIS: throwaway cluster, same CSV ---------------------------------------
mkdir -p "$TMP/pg" "$TMP/pgsock"
if ((EUID == 0)); then chown postgres: "$TMP/pg" "$TMP/pgsock"; fi
"${PG_RUN[@]}" "$PG_BIN/initdb" -D "$TMP/pg" -U postgres --auth=trust --no-locale -E UTF8 \
    >"$RESULTS/initdb.txt" 2>&1 || { cat "$RESULTS/initdb.txt" >&2; die "initdb failed"; }
"${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$TMP/pg" -l "$TMP/pg/server.log" -w \
    -o "-p $PG_PORT -k $TMP/pgsock -c listen_addresses='' -c shared_buffers=1GB -c jit=off" \
    start >/dev/null || { cat "$TMP/pg/server.log" >&2; die "PostgreSQL did not start"; }
PG_STARTED=1
PSQL=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$TMP/pgsock" -p "$PG_PORT" -U postgres -d postgres)
PG_VERSION=$("${PSQL[@]}" -Atc 'SHOW server_version')
log "PostgreSQL $PG_VERSION: loading"
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
# The peer gets its best shape: Web Mercator geometries (no transform per query), the tile
# attributes as plain columns (Sightline reads them from its JSON tags), a GiST index.
"${PSQL[@]}" <<'SQL' >>"$RESULTS/pg_load.txt" 2>&1 || { cat "$RESULTS/pg_load.txt" >&2; die "PostGIS load failed"; }
CREATE TABLE cameras (id bigint PRIMARY KEY, geom geometry(Point, 3857) NOT NULL, type text,
                      mount text, direction text, directions float8, status text,
                      confirmations int);
INSERT INTO cameras
SELECT id, ST_Transform(ST_SetSRID(ST_MakePoint(lon, lat), 4326), 3857),
       CASE WHEN surveillance_type = 'ALPR' THEN 'ALPR'
            ELSE coalesce(camera_type, surveillance_type, 'unknown') END,
       camera_mount, camera_direction,
       CASE WHEN camera_direction ~ '^[0-9.]+$' THEN camera_direction::float8 END,
       'verified', 0
  FROM staging ORDER BY id;
DROP TABLE staging;
CREATE INDEX cameras_geom ON cameras USING gist (geom);
VACUUM ANALYZE cameras;
SQL
POSTGIS_VERSION=$("${PSQL[@]}" -Atc "SELECT postgis_lib_version()")

# --- same tiles, same features? ----------------------------------------------------------------
# Five fixed tiles per zoom: Sightline's count from `sightline tiles` + ogrinfo, PostGIS's from
# the same envelope query the pgbench script runs.
check=""
for z in "${ZOOMS[@]}"; do
    read -r xmin xmax ymin ymax < <(tile_range "$z")
    for i in 1 2 3 4 5; do
        x=$((xmin + (i * 7919 + SEED) % (xmax - xmin + 1)))
        y=$((ymin + (i * 104729 + SEED) % (ymax - ymin + 1)))
        # A tiny box at the tile's centre selects exactly that tile.
        read -r clon clat < <(awk -v z="$z" -v x="$x" -v y="$y" 'BEGIN { pi = atan2(0, -1); n = 2 ^ z
            lon = (x + 0.5) / n * 360 - 180; t = pi * (1 - 2 * (y + 0.5) / n)
            printf "%.7f %.7f\n", lon, atan2(exp(t) - exp(-t), 2) * 180 / pi }')
        bb=$(awk -v a="$clon" -v b="$clat" 'BEGIN { printf "%.7f,%.7f,%.7f,%.7f", a - 1e-6, b - 1e-6, a + 1e-6, b + 1e-6 }')
        rm -rf "$TMP/one"
        "$SIGHTLINE" tiles --data "$DATA" --out "$TMP/one" --min-zoom "$z" --max-zoom "$z" \
            --bbox "$bb" --quiet >/dev/null
        sl=0
        [[ -f $TMP/one/$z/$x/$y.mvt ]] &&
            # The cameras layer only: `sightline tiles` draws viewsheds too from z15 on.
            sl=$(ogrinfo -ro -so "MVT:$TMP/one/$z/$x/$y.mvt" cameras | sed -n 's/^Feature Count: //p')
        # Features ST_AsMVTGeom keeps (&& alone also passes a few points just outside the
        # buffer: it compares single-precision boxes rounded outwards).
        pg=$("${PSQL[@]}" -Atc "SELECT count(*) FROM (SELECT ST_AsMVTGeom(geom, ST_TileEnvelope($z, $x, $y), 4096, 64, true) AS g
            FROM cameras WHERE geom && ST_TileEnvelope($z, $x, $y, margin => 64.0 / 4096)) t WHERE g IS NOT NULL")
        check+="$z/$x/$y: Sightline ${sl:-0}, PostGIS $pg features; "
        log "tile $z/$x/$y: Sightline ${sl:-0} features, PostGIS $pg"
    done
done

# --- PostGIS throughput (pgbench) -------------------------------------------------------------
run_pgbench() {  # Z CLIENTS -> tps
    local z=$1 c=$2 out=$RESULTS/pgbench_z$1_c$2.txt
    read -r xmin xmax ymin ymax < <(tile_range "$z")
    "$PG_BIN/pgbench" -n -M prepared -c"$c" -j"$c" -T"$DURATION_S" --random-seed="$SEED" \
        -h "$TMP/pgsock" -p "$PG_PORT" -U postgres -f "$ROOT/bench/tiles_bench.sql" \
        -D z="$z" -D xmin="$xmin" -D xmax="$xmax" -D ymin="$ymin" -D ymax="$ymax" \
        postgres >"$out" 2>&1 || { cat "$out" >&2; die "pgbench failed"; }
    sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' "$out"
}
declare -A PG_TPS SL_TPS SL_BYTES SL_STORE_TPS
for z in "${ZOOMS[@]}"; do
    for c in 1 2; do
        log "pgbench z$z, $c client(s), ${DURATION_S} s"
        PG_TPS[$z,$c]=$(run_pgbench "$z" "$c")
        SL_TPS[$z,$c]=$(sl_field "$z" "$c" items_per_second)
        log "  PostGIS ${PG_TPS[$z,$c]} tiles/s; Sightline ${SL_TPS[$z,$c]} tiles/s"
    done
    SL_BYTES[$z]=$(sl_field "$z" 1 bytes_per_tile)
    SL_STORE_TPS[$z]=$(sl_field "$z" 1 items_per_second RenderCameraTilesFromStore)
done
PG_BYTES_16=$("${PSQL[@]}" -Atc "SELECT round(avg(length(mvt))) FROM (SELECT ST_AsMVT(t, 'cameras', 4096, 'geom', 'fid') AS mvt FROM generate_series(1, 20) g, LATERAL (SELECT id AS fid, id, type, mount, direction, directions, status, confirmations, ST_AsMVTGeom(geom, ST_TileEnvelope(16, $(tile_range 16 | cut -d' ' -f1) + g, $(tile_range 16 | cut -d' ' -f3) + g), 4096, 64, true) AS geom FROM cameras WHERE geom && ST_TileEnvelope(16, $(tile_range 16 | cut -d' ' -f1) + g, $(tile_range 16 | cut -d' ' -f3) + g, margin => 64.0 / 4096)) t GROUP BY g) s")
stop_postgres

# --- docs/benchmarks.md -------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }'; }
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
SECTION=$TMP/section.md
{
    echo "<!-- tiles-bench:start -->"
    echo "## Vector tiles (issue: vector tiles)"
    echo
    echo "Generated by \`bench/tiles_bench.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'); do not edit by hand."
    echo
    echo "- Machine: $(nproc) cores, $CPU, Linux $(uname -r); load average $LOAD_AT_START at the start (shared machine: other builds were running)"
    echo "- Software: $("$SIGHTLINE" --version 2>/dev/null || echo sightline), PostgreSQL $PG_VERSION, PostGIS $POSTGIS_VERSION"
    echo "- Data: $N synthetic cameras (seed $SEED, \`bench/tools/gen_cameras.awk\`), uniform over ${SIDE_KM}x${SIDE_KM} km" \
        "centred on $CENTER_LAT N, $CENTER_LON E; tiles drawn uniformly among those entirely inside the data box"
    echo "- Sightline: \`TileService::render_uncached\` (tile cache off, no gzip) in \`bench/tiles_bench.cpp\`, cameras layer" \
        "only; cameras read from the in-memory camera snapshot (\`tiles::CameraIndex\`, the default; built once before timing," \
        "rebuilt in the background after camera changes) and encoded with protozero; the last rows read every tile's cameras" \
        "from SQLite instead (R*Tree bbox query, tags decoded from JSON), as the server does while the snapshot is being" \
        "rebuilt; Google Benchmark, ${DURATION_S} s per case"
    echo "- PostGIS: \`ST_AsMVT(ST_AsMVTGeom(...))\` with the same attributes, extent 4096 and buffer 64" \
        "(\`bench/tiles_bench.sql\`), points stored in EPSG:3857 with a GiST index and the attributes as plain" \
        "columns (its most favourable layout); \`pgbench -M prepared\`, ${DURATION_S} s per case"
    echo "- Same features: ${check%; }"
    echo "- Mean tile size: z14 Sightline ${SL_BYTES[14]} bytes; z16 Sightline ${SL_BYTES[16]} bytes, PostGIS ${PG_BYTES_16:-?} bytes"
    echo
    echo "| camera tiles/s | Sightline | PostGIS | ratio |"
    echo "|---|---|---|---|"
    for z in "${ZOOMS[@]}"; do
        for c in 1 2; do
            echo "| z$z, $c thread(s) / client(s) | $(printf '%.0f' "${SL_TPS[$z,$c]}") | $(printf '%.0f' "${PG_TPS[$z,$c]}") | **$(ratio "${SL_TPS[$z,$c]}" "${PG_TPS[$z,$c]}")x** |"
        done
    done
    for z in "${ZOOMS[@]}"; do
        echo "| z$z, 1 thread, Sightline reading SQLite per tile (no snapshot) | $(printf '%.0f' "${SL_STORE_TPS[$z]}") | $(printf '%.0f' "${PG_TPS[$z,1]}") | $(ratio "${SL_STORE_TPS[$z]}" "${PG_TPS[$z,1]}")x |"
    done
    echo "<!-- tiles-bench:end -->"
} >"$SECTION"
cp "$SECTION" "$RESULTS/section.md"
mkdir -p "$(dirname "$OUT")"
touch "$OUT"
python3 - "$OUT" "$SECTION" <<'PY'
import sys
path, section = sys.argv[1], open(sys.argv[2]).read().rstrip("\n")
text = open(path).read()
start, end = "<!-- tiles-bench:start -->", "<!-- tiles-bench:end -->"
if start in text and end in text:
    a = text.index(start); b = text.index(end) + len(end)
    text = text[:a] + section + text[b:]
else:
    text = (text.rstrip("\n") + "\n\n" if text.strip() else "# Benchmarks\n\n") + section + "\n"
open(path, "w").write(text)
PY
log "wrote $OUT"
cat "$SECTION"
