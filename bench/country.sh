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
#   1. `sightline import --no-routing` (wall time, peak RSS) against `osmium tags-filter` of the
#      same objects with their nodes (libosmium's default, and a decoder per core), alternating,
#      IMPORT_ROUNDS times (default 5; the medians, each round's ratios and their median); with
#      -R (no nodes); and against GDAL's `ogr2ogr -f GPKG` of the whole file (a GeoPackage is
#      SQLite with R*Tree indexes too: the fairer peer for an import into a spatial database,
#      though it stores every tagged object and no search index).
#   2. The import's routing step on its own (`import-csv` of a file without rows, which changes
#      no camera and ends with the same step as `import`): seconds and peak RSS.
#   3. First `sightline serve` after the import: seconds until a route answers (it maps the
#      prepared file), peak RSS and RSS. Then a `serve` without the file (it builds it as after a
#      damaged or stale file): seconds until a route answers, peak RSS, and RSS once it serves
#      the file it wrote. Then another `serve` (the file is loaded): RSS after the route and tile
#      runs below (what a small server must hold).
#   4. Routes, once the server's district figures are ready: GET /api/v1/route over 1,000
#      random pairs in the first Munich copy (seed 42),
#      keep-alive, one connection (wrk -c1), p50 and p99.
#   5. Camera change: a moderator accepts a reported camera beside a route (HTTP, bench/tools/
#      accept_then_route.py); seconds until a route lists it among the cameras that see it.
#      Twice: the first change after a start, and the next.
#   6. Tiles: per zoom 0-14 the slowest of up to 27 tiles (around 49 N 13 E, the middle and
#      the densest copy) over one keep-alive connection (bench/tools/tile_times.py): the first
#      fetch (cold) and the median of five more, in five rounds over all the zooms' tiles (warm).
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

import_into() {  # PBF DATA -> "WALL_S PEAK_MB" (without the routing step: see routing_step)
    rm -rf "$2"
    timed "$sightline" import "$1" --data "$2" --quiet --no-routing
}

routing_step() {  # DATA -> "WALL_S PEAK_MB" of the step that ends `import` (and `import-csv`)
    printf 'lat,lon\n' >"$work/no-cameras.csv"
    timed "$sightline" import-csv "$work/no-cameras.csv" --data "$1"
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

first_start() {  # DATA with the routing data prepared -> "READY_S PEAK_MB RSS_MB"
    local start ready
    start=$(now)
    start_server "$1" "$work/serve-first.log"
    ready=$(wait_route "$start")
    wait_log "$work/serve-first.log" "edges [a-z]* in"
    grep -q "edges loaded in" "$work/serve-first.log" || die "the first serve built the routing data"
    # Stopped before answering: the caller starts the next server as soon as it reads the line.
    local figures
    figures="$ready $(hwm_mb "$server_pid") $(rss_mb "$server_pid") ($(anon_mb "$server_pid"))"
    stop_server
    echo "$figures"
}

rebuild_start() {  # DATA -> "READY_S PEAK_MB MAPPED_MB" of a serve that builds the routing data
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

median() {  # numbers -> their median
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
        if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
max_of() { printf '%s\n' "$@" | sort -g | tail -1; }

# The import and its two osmium peers alternate, IMPORT_ROUNDS times (default 5): this machine's
# speed drifts by a third within minutes, so one run of each compares different machines. The
# table gives each one's median and the rounds' ratios.
log "import vs osmium tags-filter, ${IMPORT_ROUNDS:-5} alternating rounds"
import_runs=() import_mbs=() osmium_runs=() osmium_mbs=() osmium_all_runs=() osmium_all_mbs=()
ratios=() ratios_all=()
for ((round = 1; round <= ${IMPORT_ROUNDS:-5}; ++round)); do
    read -r s mb < <(import_into "$country" "$data")
    import_runs+=("$s") import_mbs+=("$mb")
    read -r o omb < <(timed osmium tags-filter "$country" "${osmium_filter[@]}" -o /dev/null -f pbf --overwrite)
    osmium_runs+=("$o") osmium_mbs+=("$omb")
    # libosmium decodes on one thread fewer than the cores unless told: osmium with a decoder per
    # core is its fastest setting here, the fairer peer (the import decodes on every core in its
    # first pass, and its other threads are busy in the second).
    read -r oa oamb < <(OSMIUM_POOL_THREADS=$(nproc) timed osmium tags-filter "$country" "${osmium_filter[@]}" -o /dev/null -f pbf --overwrite)
    osmium_all_runs+=("$oa") osmium_all_mbs+=("$oamb")
    ratios+=("$(echo "$s / $o" | bc -l | xargs printf '%.2f')")
    ratios_all+=("$(echo "$s / $oa" | bc -l | xargs printf '%.2f')")
    log "round $round: import ${s}s, osmium ${o}s, a decoder per core ${oa}s"
done
import_s=$(median "${import_runs[@]}") import_mb=$(max_of "${import_mbs[@]}")
osmium_s=$(median "${osmium_runs[@]}") osmium_mb=$(max_of "${osmium_mbs[@]}")
osmium_all_s=$(median "${osmium_all_runs[@]}") osmium_all_mb=$(max_of "${osmium_all_mbs[@]}")
read -r osmium_r_s osmium_r_mb < <(timed osmium tags-filter "$country" "${osmium_filter[@]}" -R -o /dev/null -f pbf --overwrite)
rm -f "$work/peer.gpkg"
read -r gpkg_s gpkg_mb < <(timed ogr2ogr -f GPKG "$work/peer.gpkg" "$country")
rm -f "$work/peer.gpkg"
log "import ${import_s}s ${import_mb}MB; osmium ${osmium_s}s ${osmium_mb}MB, a decoder per core ${osmium_all_s}s; -R ${osmium_r_s}s"

log "routing step of the import"
read -r step_s step_mb < <(routing_step "$data")

log "first start after the import (maps the routing data)"
read -r first_ready_s first_peak_mb first_rss_mb < <(first_start "$data")

log "start without the routing data (builds it)"
read -r build_ready_s build_peak_mb build_mapped_mb < <(rebuild_start "$data")

log "second start (loads it)"
echo bench-password-1234 | "$sightline" user add benchmod --role moderator --data "$data" \
    --password-stdin >/dev/null
start=$(now)
start_server "$data" "$work/serve-second.log"
load_ready_s=$(wait_route "$start")
load_ready_mb="$(rss_mb "$server_pid") ($(anon_mb "$server_pid"))"
# serve measures the district figures in the background once routes answer; the runs below
# measure the server after that.
wait_log "$work/serve-second.log" "district figures"
districts_s=$(seconds_since "$start")
districts_mb="$(rss_mb "$server_pid") ($(anon_mb "$server_pid"))"

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

log "tiles z0-z14, cold then warm, the slowest of up to 27 per zoom"
tile_rows=""
tile_cold_max=0
tile_warm_max=0
# Per zoom, the 3x3 tiles around three points: 49.0 N 13.0 E, the country's middle and the first
# Munich copy's centre (the densest: streets, buildings and cameras).
python3 - >"$work/tiles.txt" <<'EOF_TILES'
import math
def tile(lat, lon, z):
    n = 2 ** z
    y = (1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * n
    return int((lon + 180) / 360 * n), int(y)
for z in range(15):
    seen = []
    for lat, lon in ((49.0, 13.0), (48.88, 12.67), (48.1374, 11.5755)):
        x0, y0 = tile(lat, lon, z)
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                t = (x0 + dx, y0 + dy)
                if 0 <= t[0] < 2 ** z and 0 <= t[1] < 2 ** z and t not in seen:
                    seen.append(t)
    print(z, " ".join(f"{x}/{y}" for x, y in seen))
EOF_TILES
while read -r z cold_ms warm_ms; do
    tile_cold_max=$(echo "if ($cold_ms > $tile_cold_max) $cold_ms else $tile_cold_max" | bc -l)
    tile_warm_max=$(echo "if ($warm_ms > $tile_warm_max) $warm_ms else $tile_warm_max" | bc -l)
    tile_rows+="$z:${cold_ms}/${warm_ms} "
done < <(python3 "$root/bench/tools/tile_times.py" "http://127.0.0.1:$port" <"$work/tiles.txt")
# bc prints 0.97 as .97
tile_cold_max=$(printf '%.1f' "$tile_cold_max")
tile_warm_max=$(printf '%.2f' "$tile_warm_max")
serve_mb="$(rss_mb "$server_pid") ($(anon_mb "$server_pid"))"

log "camera change: a moderator accepts a report"
change_s=$(python3 "$root/bench/tools/accept_then_route.py" "http://127.0.0.1:$port" benchmod \
    bench-password-1234 48.13850 11.57750 "$probe") || die "the accepted camera never reached a route"
log "camera change: a second one"
change2_s=$(python3 "$root/bench/tools/accept_then_route.py" "http://127.0.0.1:$port" benchmod \
    bench-password-1234 48.13845 11.57745 "$probe") || die "the accepted camera never reached a route"
stop_server

# --- curves ------------------------------------------------------------------------------------
curve_rows=""
for n in $curve; do
    file=$(country_file "$n")
    if [[ $(realpath "$file") == $(realpath "$country") ]]; then  # measured above
        log "curve: $((n * n)) copies (the main run's figures)"
        curve_rows+="| $((n * n)) | $(du -Lm "$file" | cut -f1) | $import_s | $import_mb | $step_s | $step_mb | $osmium_s | $gpkg_s | $first_ready_s | $first_peak_mb | $first_rss_mb | $build_ready_s | $build_peak_mb |"$'\n'
        continue
    fi
    log "curve: $((n * n)) copies"
    read -r c_import_s c_import_mb < <(import_into "$file" "$work/curve-data")
    read -r c_osmium_s _ < <(timed osmium tags-filter "$file" "${osmium_filter[@]}" -o /dev/null -f pbf --overwrite)
    rm -f "$work/peer.gpkg"
    read -r c_gpkg_s _ < <(timed ogr2ogr -f GPKG "$work/peer.gpkg" "$file")
    rm -f "$work/peer.gpkg"
    read -r c_step_s c_step_mb < <(routing_step "$work/curve-data")
    read -r c_first_s c_first_peak c_first_mb < <(first_start "$work/curve-data")
    read -r c_build_s c_build_peak _ < <(rebuild_start "$work/curve-data")
    curve_rows+="| $((n * n)) | $(du -Lm "$file" | cut -f1) | $c_import_s | $c_import_mb | $c_step_s | $c_step_mb | $c_osmium_s | $c_gpkg_s | $c_first_s | $c_first_peak | $c_first_mb | $c_build_s | $c_build_peak |"$'\n'
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
    echo "| \`sightline import --no-routing\` (median of ${#import_runs[@]} rounds: ${import_runs[*]} s) | ${import_s} s, peak RSS ${import_mb} MB; against osmium's default ${ratios[*]}x (median $(median "${ratios[@]}")x), against a decoder per core ${ratios_all[*]}x (median $(median "${ratios_all[@]}")x), round by round | \`osmium tags-filter\` with nodes: ${osmium_s} s (${osmium_runs[*]}), ${osmium_mb} MB (libosmium's default, $(( $(nproc) > 2 ? $(nproc) - 2 : 1 )) decoder thread(s)); with a decoder per core (\`OSMIUM_POOL_THREADS=$(nproc)\`, its fastest here): ${osmium_all_s} s (${osmium_all_runs[*]}), ${osmium_all_mb} MB; with \`-R\`: ${osmium_r_s} s, ${osmium_r_mb} MB; \`ogr2ogr -f GPKG\`: ${gpkg_s} s, ${gpkg_mb} MB |"
    echo "| its routing step (what \`import\` adds without \`--no-routing\`) | ${step_s} s, peak RSS ${step_mb} MB | - |"
    echo "| first \`serve\` after the import (maps the routing data) until a route answers | ${first_ready_s} s, peak RSS ${first_peak_mb} MB, RSS ${first_rss_mb} MB | - |"
    echo "| \`serve\` without the routing data (builds it) until a route answers | ${build_ready_s} s, peak RSS ${build_peak_mb} MB; ${build_mapped_mb} MB once served from its file | - |"
    echo "| next \`serve\` (maps the routing data) until a route answers | ${load_ready_s} s, RSS ${load_ready_mb} MB | - |"
    echo "| the same \`serve\` once its district figures are ready (in the background) | after ${districts_s} s, RSS ${districts_mb} MB | - |"
    echo "| \`serve\` RSS after the route and tile runs | ${serve_mb} MB | - |"
    echo "| \`GET /api/v1/route\`, 1,000 Munich pairs, keep-alive, 1 connection | p50 ${route_p50} ms, p99 ${route_p99} ms, ${route_rps}/s | - |"
    echo "| report accepted by a moderator (HTTP) until a route shows the camera: first, second | ${change_s} s, ${change2_s} s | - |"
    echo "| \`GET /api/v1/route\`, ${long_pairs} Heidelberg pairs 18-22 km apart, keep-alive, 1 connection | p50 ${long_p50} ms, p99 ${long_p99} ms | - |"
    echo "| tiles z0-z14, cold / warm, slowest tile | ${tile_cold_max} ms / ${tile_warm_max} ms | - |"
    echo
    echo "RSS in MB, anonymous memory in brackets: RSS also counts pages of the mapped routing file"
    echo "and of SQLite's memory map, which the kernel drops under pressure."
    echo
    echo "Tiles per zoom (ms, cold/warm, the slowest of up to 27 tiles each): $tile_rows"
    echo
    echo "Scale curve (each a fresh data folder; ready = seconds until a route answers):"
    echo
    echo "| copies | PBF MB | import s | import peak MB | routing step s | its peak MB | osmium s | ogr2ogr GPKG s | first serve ready s | its peak MB | its RSS MB | serve building it s | its peak MB |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    printf '%s' "$curve_rows"
    echo "<!-- country-bench:end -->"
} >"$work/section.md"
python3 "$root/bench/tools/replace_section.py" "$doc" country-bench <"$work/section.md"
cat "$work/section.md"
