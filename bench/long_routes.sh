#!/usr/bin/env bash
# Long walking routes (issue 17: <= 5 ms for 20 km): GET /api/v1/route between random points of
# an imported network whose straight-line distance is 18-22 km, keep-alive, one connection.
#
#   bench/long_routes.sh BUILD_DIR WORK_DIR [PBF]
#
# PBF defaults to ../shared/data/osm/heidelberg_routing.osm.pbf (25k highway ways over ~100 km).
# Imports it into WORK_DIR/long-data, starts `serve`, draws pairs of points on its streets (seed
# 43, needs python3-pyosmium) 18-22 km apart and keeps those that route (400 tried), then
# wrk -c1: 5 s warm-up, 15 s measured. Prints "pairs=N p50_ms=X p99_ms=Y".
set -euo pipefail
export LC_ALL=C
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:?usage: long_routes.sh BUILD_DIR WORK_DIR [PBF]}
work=${2:?usage: long_routes.sh BUILD_DIR WORK_DIR [PBF]}
pbf=${3:-$root/../shared/data/osm/heidelberg_routing.osm.pbf}
port=${LONG_PORT:-18932}
log() { printf '[long-routes %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
source "$root/bench/tools/ensure_packages.sh"
ensure_packages python3-pyosmium wrk curl
mkdir -p "$work"
rm -rf "$work/long-data"
"$build/sightline" import "$pbf" --data "$work/long-data" --quiet >/dev/null
"$build/sightline" serve --data "$work/long-data" --listen "127.0.0.1:$port" --no-access-log \
    >"$work/long-serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait 2>/dev/null || true' EXIT
until curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"; do sleep 0.1; done
# Points on the network's streets (random points of the box were mostly over 1 km from any
# street: 15 of 1,500 pairs routed), pairs 18-22 km apart.
/usr/bin/python3 - "$pbf" >"$work/long-candidates.txt" <<'PY'
import math, random, sys
import osmium
class Streets(osmium.SimpleHandler):
    def __init__(self):
        super().__init__()
        self.points = []
    def way(self, w):
        if "highway" in w.tags:
            for n in w.nodes:
                if n.location.valid():
                    self.points.append((n.location.lat, n.location.lon))
streets = Streets()
streets.apply_file(sys.argv[1], locations=True)
points = sorted(set(streets.points))
r = random.Random(43)
def dist(a, b):
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371000 * math.asin(math.sqrt(h))
k = tries = 0
while k < 400 and tries < 1_000_000:
    tries += 1
    a, b = r.choice(points), r.choice(points)
    if 18000 <= dist(a, b) <= 22000:
        print("/api/v1/route?from=%.6f,%.6f&to=%.6f,%.6f" % (a + b)); k += 1
PY
: >"$work/long-pairs.txt"
while read -r path; do  # the first request of a pair also builds the routing data
    code=$(curl -s -m 120 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$path")
    [[ $code = 200 ]] && echo "$path" >>"$work/long-pairs.txt"
done <"$work/long-candidates.txt"
pairs=$(wc -l <"$work/long-pairs.txt")
((pairs > 0)) || { echo "no pair routes" >&2; exit 1; }
ROUTE_PATHS=$work/long-pairs.txt wrk -t1 -c1 -d5s -s "$root/bench/route_pairs.lua" "http://127.0.0.1:$port" >/dev/null
out=$(ROUTE_PATHS=$work/long-pairs.txt wrk -t1 -c1 -d15s --latency -s "$root/bench/route_pairs.lua" "http://127.0.0.1:$port")
to_ms() { awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.2f", v }'; }
echo "pairs=$pairs p50_ms=$(awk '$1 == "50%" { print $2 }' <<<"$out" | to_ms) p99_ms=$(awk '$1 == "99%" { print $2 }' <<<"$out" | to_ms)"
