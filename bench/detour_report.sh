#!/bin/sh
# Detours of the least exposed walking routes per camera class, as the Jyväskylä study reported
# them (docs/routing.md). Imports Munich centre with the real CLI, then, for the cameras as mapped
# and with every camera made one generic class (fixed, dome, panning: the catalogue's low- to
# high-performance cameras, directions kept), runs bench/detour_report.cpp on the same trips.
#
#   bench/detour_report.sh BUILD_DIR [WORK_DIR] [PAIRS]
#
# BUILD_DIR must have `sightline` and `bench/detour_report` built; needs sqlite3.
set -eu
build=${1:?usage: detour_report.sh BUILD_DIR [WORK_DIR] [PAIRS]}
work=${2:-$(mktemp -d)}
pairs=${3:-1000}
data=${SIGHTLINE_SHARED_DATA:-$(dirname "$0")/../../shared/data}
mkdir -p "$work"

if [ ! -f "$work/munich/sightline.db" ]; then
    "$build/sightline" import "$data/osm/munich_center.osm.pbf" --data "$work/munich" --quiet \
        > "$work/munich.import.txt"
fi

# Every camera becomes the generic camera of one class: the model tags and overrides go.
as_class() {  # CLASS
    rm -rf "$work/$1"
    mkdir -p "$work/$1"
    sqlite3 "$work/munich/sightline.db" "VACUUM INTO '$work/$1/sightline.db'"
    sqlite3 "$work/$1/sightline.db" "UPDATE cameras SET tags = json_set(json_remove(tags,
        '\$.\"camera:manufacturer\"', '\$.manufacturer', '\$.\"camera:model\"', '\$.model',
        '\$.\"surveillance:type\"', '\$.\"sightline:range_m\"', '\$.\"sightline:hfov_deg\"'),
        '\$.\"camera:type\"', '$1'), updated_at = updated_at + 1"
}

echo "| cameras | trips | shortest route seen | camera-free route within 10x | detour median | detour mean | detour p90 | seen left (median) |"
echo "|---|---|---|---|---|---|---|---|"
for level in observe identify; do
    "$build/bench/detour_report" --data "$work/munich" --label "as mapped, $level" \
        --level "$level" --pairs "$pairs"
    for class in fixed dome panning; do
        [ -f "$work/$class/sightline.db" ] || as_class "$class"
        "$build/bench/detour_report" --data "$work/$class" --label "all $class, $level" \
            --level "$level" --pairs "$pairs"
    done
done
