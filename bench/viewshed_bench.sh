#!/bin/sh
# Viewsheds + coverage benchmark (docs/benchmarks.md, section coverage-bench). Imports the two
# extracts into scratch data folders with the real CLI, then runs bench/viewshed_bench.cpp:
# Munich centre with its own OSM cameras, Porto with 10,000 synthetic cameras (seed 42).
#
#   bench/viewshed_bench.sh BUILD_DIR [WORK_DIR]
#
# BUILD_DIR must be configured with -DSIGHTLINE_BENCH=ON and have `sightline` and
# `bench/viewshed_bench` built.
set -eu
build=${1:?usage: viewshed_bench.sh BUILD_DIR [WORK_DIR]}
work=${2:-$(mktemp -d)}
data=${SIGHTLINE_SHARED_DATA:-$(dirname "$0")/../../shared/data}
mkdir -p "$work"

import() {  # NAME FILE
    if [ ! -f "$work/$1/sightline.db" ]; then
        "$build/sightline" import "$2" --data "$work/$1" --quiet > "$work/$1.import.txt"
    fi
}
import munich "$data/osm/munich_center.osm.pbf"
import porto "$data/osm/porto.osm.pbf"

echo "# load: $(uptime)"
echo "## Munich centre, OSM cameras"
"$build/bench/viewshed_bench" --data "$work/munich" --bbox 11.5611,48.1269,11.5898,48.1455 --sample 209
echo "## Porto, 10000 synthetic cameras"
"$build/bench/viewshed_bench" --data "$work/porto" --bbox -8.6319,41.1200,-8.5788,41.1614 \
    --synthetic 10000 --seed 42 --sample 300
echo "# load: $(uptime)"
