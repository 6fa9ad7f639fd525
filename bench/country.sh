#!/usr/bin/env bash
# A whole country on a small server (issue 17): import, start, memory, routes, camera changes and
# tiles on a synthetic country, with osmium in the same run, and the scale curves.
#
#   bench/country.sh BUILD_DIR [WORK_DIR]
#
# The country is ../shared/tools/tile_extract.py applied to munich_center.osm.pbf: COPIES x
# COPIES side by side (default 16 x 16 = 256 copies: 9.9 M nodes, 1.8 M ways, 53,504 cameras,
# 143 MB), kept in WORK_DIR between runs. Set COUNTRY_PBF to use another file for the main
# table. Steps (each on a fresh data folder in WORK_DIR):
#   1. `sightline import` (wall time, peak RSS) against `osmium tags-filter` of the same objects
#      with their nodes, and with -R (no nodes), in the same run; and against GDAL's
#      `ogr2ogr -f GPKG` of the whole file (a GeoPackage is SQLite with R*Tree indexes too: the
#      fairer peer for an import into a spatial database, though it stores every tagged object
#      and no search index).
#   2. First `sightline serve`: seconds until a route answers (the graph is built), peak RSS,
#      and RSS once the prepared file is written and served mapped.
#   3. Second `serve`: seconds until a route answers (the file is loaded) and RSS after the
#      route and tile runs below (what a small server must hold).
#   4. Routes: GET /api/v1/route over 1,000 random pairs in the first Munich copy (seed 42),
#      keep-alive, one connection (wrk -c1), p50 and p99.
#   5. Camera change: a camera added with `sightline import-csv` beside a route; seconds until
#      the next route answers with it.
#   6. Tiles: one tile per zoom 0-14 over the country, first fetch (cold) and second (warm).
#   7. Curves: import time and RSS, ready times and serve RSS for CURVE copies (default
#      "2 4 8 16" per side: 4, 16, 64, 256 copies).
#   8. Long routes: bench/long_routes.sh on heidelberg_routing.osm.pbf (the largest walkable
#      network at hand, ~100 km across): pairs 18-22 km apart that route, wrk -c1, p50 and p99.
# Writes the country-bench section of docs/benchmarks.md (BENCH_OUT to write elsewhere).
set -euo pipefail
export LC_ALL=C

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:?usage: country.sh BUILD_DIR [WORK_DIR]}
[[ $build = /* ]] || build=$PWD/$build
work=${2:-$(mktemp -d "${TMPDIR:-/tmp}/sightline-country.XXXXXX")}
mkdir -p "$work"
work=$(cd "$work" && pwd)
shared=${SIGHTLINE_SHARED_DATA:-$root/../shared}
[[ -d $shared/data ]] || shared=$(dirname "$shared")
source_pbf=$shared/data/osm/munich_center.osm.pbf
tile_tool=$shared/tools/tile_extract.py
doc=${BENCH_OUT:-$root/docs/benchmarks.md}
side=${COPIES:-16}
curve=${CURVE:-2 4 8 16}
port=${BENCH_PORT:-18931}
sightline=$build/sightline

log() { printf '[country-bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
source "$root/bench/tools/ensure_packages.sh"
ensure_packages osmium-tool python3-pyosmium wrk curl bc gdal-bin
[[ -x $sightline ]] || die "no $sightline: build first"
[[ -f $source_pbf ]] || die "no $source_pbf"

osmium_filter=(n/man_made=surveillance w/man_made=surveillance w/highway w/building a/building
    a/natural=water,wood a/waterway=riverbank
    a/landuse=reservoir,basin,grass,recreation_ground,forest,meadow,village_green
    a/leisure=park,garden,playground)

server_pid=
cleanup() { [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT

now() { date +%s.%N; }
seconds_since() { echo "$(now) - $1" | bc -l | xargs printf '%.2f'; }
mb() { echo "$1 / 1024" | bc; }  # kB -> MB

country_file() {  # N (per side) -> path, generated once
    local n=$1 out=$work/country-$1x$1.osm.pbf
    if [[ ! -f $out ]]; then
        log "generating $((n * n)) copies of munich_center"
        /usr/bin/python3 "$tile_tool" "$source_pbf" "$out.partial.osm.pbf" "$n" "$n" >&2 ||
            die "cannot make $out (needs python3-pyosmium)"
        mv "$out.partial.osm.pbf" "$out"
    fi
    echo "$out"
}

timed() {  # prints "WALL_S PEAK_MB" of a command (its output discarded)
    /usr/bin/time -o "$work/time.txt" -f '%e %M' "$@" >/dev/null 2>&1 || die "failed: $*"
    read -r wall kb <"$work/time.txt"
    echo "$wall $(mb "$kb")"
}

import_into() {  # PBF DATA -> "WALL_S PEAK_MB"
    rm -rf "$2"
    timed "$sightline" import "$1" --data "$2" --quiet
}

rss_mb() { awk '/^VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$1/status"; }
# Anonymous memory: what the kernel cannot drop under pressure (RSS also counts pages of the
# mapped routing file and of SQLite's memory map, which it can).
anon_mb() { awk '/^RssAnon/ { printf "%d", $2 / 1024 }' "/proc/$1/status"; }
hwm_mb() { awk '/^VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$1/status"; }

start_server() {  # DATA LOG
    "$sightline" serve --data "$1" --listen "127.0.0.1:$port" --no-access-log >"$2" 2>&1 &
    server_pid=$!
}
stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=; }

probe="/api/v1/route?from=48.1370,11.5750&to=48.1400,11.5800"
wait_route() {  # seconds from START until a route answers 200
    local start=$1
    until curl -sf -o /dev/null "http://127.0.0.1:$port$probe"; do
        kill -0 "$server_pid" 2>/dev/null || die "the server stopped"
        sleep 0.05
    done
    seconds_since "$start"
}
wait_log() {  # LOG PATTERN: until the pattern is in the log (at most 10 minutes)
    for ((i = 0; i < 6000; ++i)); do grep -q "$2" "$1" && return 0; sleep 0.1; done
    die "no '$2' in $1"
}

first_start() {  # DATA -> "READY_S PEAK_MB MAPPED_MB"
    rm -f "$1/routing.bin"
    local start peak ready
    start=$(now)
    start_server "$1" "$work/serve-first.log"
    ready=$(wait_route "$start")
    wait_log "$work/serve-first.log" "prepared file written"
    sleep 2
    peak=$(hwm_mb "$server_pid")
    local mapped
    mapped="$(rss_mb "$server_pid") ($(anon_mb "$server_pid"))"
    stop_server
    echo "$ready $peak $mapped"
}

# --- the country --------------------------------------------------------------------------------
country=${COUNTRY_PBF:-$(country_file "$side")}
log "country: $country ($(du -Lm "$country" | cut -f1) MB)"
data=$work/data

log "import vs osmium tags-filter"
read -r import_s import_mb < <(import_into "$country" "$data")
read -r osmium_s osmium_mb < <(timed osmium tags-filter "$country" "${osmium_filter[@]}" -o /dev/null -f pbf --overwrite)
read -r osmium_r_s osmium_r_mb < <(timed osmium tags-filter "$country" "${osmium_filter[@]}" -R -o /dev/null -f pbf --overwrite)
rm -f "$work/peer.gpkg"
read -r gpkg_s gpkg_mb < <(timed ogr2ogr -f GPKG "$work/peer.gpkg" "$country")
rm -f "$work/peer.gpkg"
log "import ${import_s}s ${import_mb}MB; osmium ${osmium_s}s ${osmium_mb}MB; -R ${osmium_r_s}s"

log "first start (builds the routing data)"
read -r build_ready_s build_peak_mb build_mapped_mb < <(first_start "$data")

log "second start (loads it)"
start=$(now)
start_server "$data" "$work/serve-second.log"
load_ready_s=$(wait_route "$start")
load_ready_mb="$(rss_mb "$server_pid") ($(anon_mb "$server_pid"))"

log "routes: 1,000 random pairs in Munich, wrk -c1"
python3 - "$work/pairs.txt" <<'EOF'
import random, sys
r = random.Random(42)
w, s, e, n = 11.5656571, 48.1314385, 11.5861277, 48.143394  # munich_center's header box
with open(sys.argv[1], "w") as f:
    for _ in range(1000):
        f.write("/api/v1/route?from=%.6f,%.6f&to=%.6f,%.6f\n"
                % (r.uniform(s, n), r.uniform(w, e), r.uniform(s, n), r.uniform(w, e)))
EOF
ROUTE_PATHS=$work/pairs.txt wrk -t1 -c1 -d10s -s "$root/bench/route_pairs.lua" "http://127.0.0.1:$port" >/dev/null  # warm
wrk_out=$(ROUTE_PATHS=$work/pairs.txt wrk -t1 -c1 -d30s --latency -s "$root/bench/route_pairs.lua" "http://127.0.0.1:$port")
to_ms() { awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.2f", v }'; }
route_p50=$(awk '$1 == "50%" { print $2 }' <<<"$wrk_out" | to_ms)
route_p99=$(awk '$1 == "99%" { print $2 }' <<<"$wrk_out" | to_ms)
route_rps=$(awk '/Requests\/sec/ { printf "%.0f", $2 }' <<<"$wrk_out")

log "tiles z0-z14, cold then warm"
tile_rows=""
tile_cold_max=0
tile_warm_max=0
for z in $(seq 0 14); do
    read -r x y < <(python3 -c "
import math
lat, lon, z = 49.0, 13.0, $z
n = 2 ** z
print(int((lon + 180) / 360 * n), int((1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * n))")
    cold=$(curl -sf -o "$work/tile.mvt" -w '%{time_total}' "http://127.0.0.1:$port/tiles/$z/$x/$y.mvt")
    warm=$(curl -sf -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port/tiles/$z/$x/$y.mvt")
    cold_ms=$(echo "$cold * 1000" | bc -l | xargs printf '%.1f')
    warm_ms=$(echo "$warm * 1000" | bc -l | xargs printf '%.2f')
    tile_cold_max=$(echo "if ($cold_ms > $tile_cold_max) $cold_ms else $tile_cold_max" | bc -l)
    tile_warm_max=$(echo "if ($warm_ms > $tile_warm_max) $warm_ms else $tile_warm_max" | bc -l)
    tile_rows+="$z:${cold_ms}/${warm_ms} "
done
serve_mb="$(rss_mb "$server_pid") ($(anon_mb "$server_pid"))"

log "camera change"
printf 'lat,lon\n48.13850,11.57750\n' >"$work/camera.csv"
"$sightline" import-csv "$work/camera.csv" --data "$data" --set camera:type=dome \
    --set sightline:range_m=30 --set sightline:hfov_deg=360 >/dev/null
change_start=$(now)
curl -sf -o "$work/after-change.json" "http://127.0.0.1:$port$probe"
change_s=$(seconds_since "$change_start")
grep -q '"seen_m"' "$work/after-change.json" || die "no route after the change"
stop_server

# --- curves ------------------------------------------------------------------------------------
curve_rows=""
for n in $curve; do
    file=$(country_file "$n")
    log "curve: $((n * n)) copies"
    read -r c_import_s c_import_mb < <(import_into "$file" "$work/curve-data")
    read -r c_osmium_s _ < <(timed osmium tags-filter "$file" "${osmium_filter[@]}" -o /dev/null -f pbf --overwrite)
    rm -f "$work/peer.gpkg"
    read -r c_gpkg_s _ < <(timed ogr2ogr -f GPKG "$work/peer.gpkg" "$file")
    rm -f "$work/peer.gpkg"
    read -r c_build_s c_build_peak c_mapped < <(first_start "$work/curve-data")
    start=$(now)
    start_server "$work/curve-data" "$work/serve-curve.log"
    c_load_s=$(wait_route "$start")
    c_load_mb="$(rss_mb "$server_pid") ($(anon_mb "$server_pid"))"
    stop_server
    curve_rows+="| $((n * n)) | $(du -Lm "$file" | cut -f1) | $c_import_s | $c_import_mb | $c_osmium_s | $c_gpkg_s | $c_build_s | $c_build_peak | $c_mapped | $c_load_s | $c_load_mb |"$'\n'
done
rm -rf "$work/curve-data"

log "long routes (18-22 km)"
read -r long_pairs long_p50 long_p99 < <("$root/bench/long_routes.sh" "$build" "$work" |
    sed 's/[a-z0-9_]*=//g')

cpu=$(lscpu | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2; exit }')
{
    echo "<!-- country-bench:start -->"
    echo "### A country on a small server (bench/country.sh, $(date -u +%Y-%m-%d))"
    echo
    echo "$(nproc) cores ($cpu). Country: $(basename "$country"), $(du -Lm "$country" | cut -f1) MB."
    echo
    echo "| step | Sightline | peer in the same run |"
    echo "|---|---|---|"
    echo "| \`sightline import\` | ${import_s} s, peak RSS ${import_mb} MB | \`osmium tags-filter\` with nodes: ${osmium_s} s, ${osmium_mb} MB; with \`-R\`: ${osmium_r_s} s, ${osmium_r_mb} MB; \`ogr2ogr -f GPKG\`: ${gpkg_s} s, ${gpkg_mb} MB |"
    echo "| first \`serve\` (builds the routing data) until a route answers | ${build_ready_s} s, peak RSS ${build_peak_mb} MB; ${build_mapped_mb} MB once served from its file | - |"
    echo "| next \`serve\` (maps the routing data) until a route answers | ${load_ready_s} s, RSS ${load_ready_mb} MB | - |"
    echo "| \`serve\` RSS after the route and tile runs | ${serve_mb} MB | - |"
    echo "| \`GET /api/v1/route\`, 1,000 Munich pairs, keep-alive, 1 connection | p50 ${route_p50} ms, p99 ${route_p99} ms, ${route_rps}/s | - |"
    echo "| camera added (import-csv) until the next route answers with it | ${change_s} s | - |"
    echo "| \`GET /api/v1/route\`, ${long_pairs} Heidelberg pairs 18-22 km apart, keep-alive, 1 connection | p50 ${long_p50} ms, p99 ${long_p99} ms | - |"
    echo "| tiles z0-z14, cold / warm, slowest zoom | ${tile_cold_max} ms / ${tile_warm_max} ms | - |"
    echo
    echo "RSS in MB, anonymous memory in brackets: RSS also counts pages of the mapped routing file"
    echo "and of SQLite's memory map, which the kernel drops under pressure."
    echo
    echo "Tiles per zoom (ms, cold/warm): $tile_rows"
    echo
    echo "Scale curve (each a fresh data folder; ready = seconds until a route answers):"
    echo
    echo "| copies | PBF MB | import s | import peak MB | osmium s | ogr2ogr GPKG s | first serve ready s | its peak MB | once mapped MB | next serve ready s | its RSS MB |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
    printf '%s' "$curve_rows"
    echo "<!-- country-bench:end -->"
} >"$work/section.md"
python3 "$root/bench/tools/replace_section.py" "$doc" country-bench <"$work/section.md"
cat "$work/section.md"
