#!/usr/bin/env bash
# Walking routes against pgRouting, in the same run (docs/benchmarks.md, section routing-bench).
#
#   bench/routing_bench.sh BUILD_DIR [WORK_DIR]
#
# BUILD_DIR must be configured with -DSIGHTLINE_BENCH=ON and have `sightline` and
# `bench/routing_bench` built. For munich_center and heidelberg_routing: `sightline import` into
# WORK_DIR (kept, with the raw outputs), then bench/routing_bench.cpp (preprocessing, ALT,
# Dijkstra, plan_routes and RoutingService::route on 1,000 random node pairs, seed 42), which
# also writes the graph with its lambda 0 and lambda 20 weights and the pairs with our costs.
# pgRouting (PostgreSQL 15, throwaway cluster in WORK_DIR, Unix socket only, stopped and deleted
# on exit): load the edges (COPY, indexes, ANALYZE), then single-pair pgr_dijkstra with the
# edges SQL as an application calls it (pgbench, one client, the first BENCH_PG_PAIRS pairs,
# per-call latency), and one pgr_dijkstra call for all 1,000 pairs (combinations SQL), whose
# costs are compared with ours. Writes the routing-bench section of docs/benchmarks.md (set
# BENCH_OUT to write elsewhere).
set -euo pipefail
export LC_ALL=C

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:?usage: routing_bench.sh BUILD_DIR [WORK_DIR]}
[[ $build = /* ]] || build=$PWD/$build
work=${2:-$(mktemp -d "${TMPDIR:-/tmp}/sightline-routing-bench.XXXXXX")}
mkdir -p "$work"
work=$(cd "$work" && pwd)
data=${SIGHTLINE_SHARED_DATA:-$root/../shared/data}
doc=${BENCH_OUT:-$root/docs/benchmarks.md}
pg_pairs=${BENCH_PG_PAIRS:-200}
pairs=${BENCH_PAIRS:-1000}
pg_bin=/usr/lib/postgresql/15/bin
extracts=(munich_center heidelberg_routing)

log() { printf '[routing-bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
now_ns() { date +%s%N; }
ms_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e6 }'; }
# Value of key=value in the RESULT line named NAME of FILE.
result() { awk -v n="name=$2" -v k="$3" '$1 == "RESULT" && $2 == n {
    for (i = 3; i <= NF; ++i) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' "$1"; }
# p50 and p99 (nearest rank) of the numbers in a file, in ms, from microseconds.
percentiles_us() { sort -n "$1" | awk '{ v[NR] = $1 } END {
    i50 = int(NR * 0.50 + 0.999999); i99 = int(NR * 0.99 + 0.999999)
    printf "%.2f %.2f\n", v[i50] / 1000, v[i99] / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f", a / b; else print "-" }'; }

sightline=$build/sightline
[[ -x $sightline ]] || sightline=$build/src/cli/sightline
[[ -x $sightline ]] || die "no sightline executable in $build"
bench=$build/bench/routing_bench
[[ -x $bench ]] || die "no $bench: configure with -DSIGHTLINE_BENCH=ON and build routing_bench"
[[ -x $pg_bin/initdb ]] || die "PostgreSQL 15 is missing (apt-get install postgresql-15)"
[[ -f /usr/share/postgresql/15/extension/pgrouting.control ]] ||
    die "pgRouting is missing (apt-get install postgresql-15-pgrouting)"

load_start=$(uptime | sed 's/.*load average: //')
log "load average at the start: $load_start"

# --- ours ------------------------------------------------------------------------------------
for x in "${extracts[@]}"; do
    pbf=$data/osm/$x.osm.pbf
    [[ -f $pbf ]] || die "$pbf is missing"
    if [[ ! -f $work/$x/sightline.db ]]; then
        log "importing $x"
        "$sightline" import "$pbf" --data "$work/$x" --quiet >"$work/$x.import.txt"
    fi
    log "routing_bench on $x"
    "$bench" --data "$work/$x" --pairs "$pairs" --route-pairs "$pairs" --seed 42 \
        --pg-edges "$work/$x.edges.csv" --pg-pairs "$work/$x.pairs.csv" | tee "$work/$x.ours.txt" >&2
done

# --- pgRouting -------------------------------------------------------------------------------
chmod 755 "$work"
rm -rf "$work/pg" "$work/pgsock"
mkdir -p "$work/pg" "$work/pgsock"
pg_run=()
if ((EUID == 0)); then
    pg_run=(runuser -u postgres --)
    chown postgres: "$work/pg" "$work/pgsock"
    chmod 644 "$work"/*.csv
fi
pg_started=
cleanup() {
    local rc=$?
    if [[ -n $pg_started ]]; then
        "${pg_run[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$work/pg" "$work/pgsock"
    ((rc == 0)) || log "failed (exit $rc); raw outputs in $work"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Unix socket only in our own folder: the port only names the socket file, no clash possible.
port=$((20000 + $$ % 20000))
"${pg_run[@]}" "$pg_bin/initdb" -D "$work/pg" -U postgres --auth=trust --no-locale -E UTF8 \
    >"$work/initdb.txt" 2>&1 || { cat "$work/initdb.txt" >&2; die "initdb failed"; }
# Defaults except: Unix socket only, no JIT (it only slows short queries down), shared_buffers
# that holds both tables.
"${pg_run[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w \
    -o "-p $port -k $work/pgsock -c listen_addresses='' -c jit=off -c shared_buffers=512MB" \
    start >/dev/null || { cat "$work/pg/server.log" >&2; die "PostgreSQL did not start"; }
pg_started=1
export PGOPTIONS='-c client_min_messages=warning'
psql=("$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$work/pgsock" -p "$port" -U postgres -d postgres)
"${psql[@]}" -c 'CREATE EXTENSION pgrouting CASCADE'
pg_version=$("${psql[@]}" -Atc 'SHOW server_version')
pgr_version=$("${psql[@]}" -Atc 'SELECT pgr_version()')
log "PostgreSQL $pg_version, pgRouting $pgr_version"

declare -A pg
for x in "${extracts[@]}"; do
    t0=$(now_ns)
    "${psql[@]}" <<SQL
CREATE TABLE edges_$x (id bigint, source bigint, target bigint, cost0 float8, cost20 float8);
\copy edges_$x FROM '$work/$x.edges.csv' WITH (FORMAT csv, HEADER)
ALTER TABLE edges_$x ADD PRIMARY KEY (id);
CREATE INDEX ON edges_$x (source);
CREATE INDEX ON edges_$x (target);
ANALYZE edges_$x;
SQL
    t1=$(now_ns)
    pg[$x.load_ms]=$(ms_between "$t0" "$t1")
    "${psql[@]}" <<SQL
CREATE TABLE pairs_$x (i int PRIMARY KEY, source bigint, target bigint, cost0 float8, cost20 float8);
\copy pairs_$x FROM '$work/$x.pairs.csv' WITH (FORMAT csv, HEADER)
SQL
    for lambda in 0 20; do
        edges_sql="SELECT id, source, target, cost$lambda AS cost, cost$lambda AS reverse_cost FROM edges_$x"
        # As an application calls it: one pair per statement, the edges SQL every time.
        "${psql[@]}" -c "DROP SEQUENCE IF EXISTS q; CREATE SEQUENCE q"
        cat >"$work/pgbench_$x.$lambda.sql" <<SQL
SELECT source AS s, target AS t FROM pairs_$x WHERE i = (SELECT nextval('q')) \gset
SELECT agg_cost FROM pgr_dijkstra('$edges_sql', :s, :t, true) WHERE edge = -1;
SQL
        rm -f "$work"/pgbench_log.*
        (cd "$work" && "$pg_bin/pgbench" -n -h "$work/pgsock" -p "$port" -U postgres -c 1 \
            -t "$pg_pairs" -l -f "$work/pgbench_$x.$lambda.sql" postgres \
            >"$work/pgbench_$x.$lambda.txt" 2>&1) ||
            { cat "$work/pgbench_$x.$lambda.txt" >&2; die "pgbench failed"; }
        awk '{ print $3 }' "$work"/pgbench_log.* >"$work/pg_single_$x.$lambda.us"
        read -r p50 p99 < <(percentiles_us "$work/pg_single_$x.$lambda.us")
        pg[$x.single$lambda.p50]=$p50
        pg[$x.single$lambda.p99]=$p99
        # Everything in one call (pgRouting's fastest way for many pairs), checked against ours.
        t0=$(now_ns)
        "${psql[@]}" <<SQL
DROP TABLE IF EXISTS theirs;
CREATE TABLE theirs AS
    SELECT start_vid AS source, end_vid AS target, agg_cost
    FROM pgr_dijkstra('$edges_sql', 'SELECT source, target FROM pairs_$x', true)
    WHERE edge = -1;
SQL
        t1=$(now_ns)
        pg[$x.many$lambda.per_pair_ms]=$(awk -v a="$t0" -v b="$t1" -v n="$pairs" \
            'BEGIN { printf "%.2f", (b - a) / 1e6 / n }')
        pg[$x.many$lambda.same]=$("${psql[@]}" -Atc "SELECT count(*) FROM pairs_$x p JOIN theirs t
            USING (source, target) WHERE abs(t.agg_cost - p.cost$lambda) <= 1e-6 * greatest(1, p.cost$lambda)")
        log "$x lambda $lambda: pgRouting single p50 $p50 ms p99 $p99 ms; one call ${pg[$x.many$lambda.per_pair_ms]} ms/pair; same cost ${pg[$x.many$lambda.same]}/$pairs"
    done
done
load_end=$(uptime | sed 's/.*load average: //')

# --- the section -----------------------------------------------------------------------------
row() {  # LABEL NAME: "p50 / p99" of a RESULT line per extract
    local line="| $1 |"
    for x in "${extracts[@]}"; do
        line+=" $(result "$work/$x.ours.txt" "$2" p50_ms) / $(result "$work/$x.ours.txt" "$2" p99_ms) |"
    done
    printf '%s\n' "$line"
}
graph_row=""
prep_rows=""
query_rows=""
ratio_rows=""
for x in "${extracts[@]}"; do
    f=$work/$x.ours.txt
    graph_row+="| $x | $(result "$f" graph nodes) | $(result "$f" graph edges) | $(result "$f" graph street_km) | $(result "$f" graph seen_observe_km) | $(result "$f" graph landmarks) |"$'\n'
    prep_rows+="| $x | $(result "$f" prepare total_ms) | $(result "$f" build graph_ms) | $(result "$f" build landmarks_ms) | $(result "$f" build refresh_seen_ms) | ${pg[$x.load_ms]} |"$'\n'
done
query_rows+="$(row "ALT (\`AltSearch::find\`), lambda 0" alt_lambda0)"$'\n'
query_rows+="$(row "ALT, lambda 20" alt_lambda20)"$'\n'
query_rows+="$(row "plain Dijkstra (\`routing::dijkstra\`), lambda 0" dijkstra_lambda0)"$'\n'
query_rows+="$(row "plain Dijkstra, lambda 20" dijkstra_lambda20)"$'\n'
query_rows+="$(row "\`plan_routes\` (up to 3 alternatives, max_detour 1.5, observe)" plan_routes)"$'\n'
query_rows+="$(row "\`RoutingService::route\` (plan + exposure of each alternative)" service_route)"$'\n'
for lambda in 0 20; do
    line="| pgRouting \`pgr_dijkstra\` single pair, lambda $lambda ($pg_pairs pairs, pgbench) |"
    for x in "${extracts[@]}"; do line+=" ${pg[$x.single$lambda.p50]} / ${pg[$x.single$lambda.p99]} |"; done
    query_rows+="$line"$'\n'
done
for lambda in 0 20; do
    line="| pgRouting one call for all $pairs pairs, lambda $lambda: ms per pair |"
    for x in "${extracts[@]}"; do line+=" ${pg[$x.many$lambda.per_pair_ms]} |"; done
    query_rows+="$line"$'\n'
done
for lambda in 0 20; do
    line="| lambda $lambda: pgRouting single pair p50 / ALT p50 |"
    for x in "${extracts[@]}"; do
        line+=" **$(ratio "${pg[$x.single$lambda.p50]}" "$(result "$work/$x.ours.txt" alt_lambda$lambda p50_ms)")x** |"
    done
    ratio_rows+="$line"$'\n'
    line="| lambda $lambda: pgRouting one call, per pair / ALT mean |"
    for x in "${extracts[@]}"; do
        line+=" $(ratio "${pg[$x.many$lambda.per_pair_ms]}" "$(result "$work/$x.ours.txt" alt_lambda$lambda mean_ms)")x |"
    done
    ratio_rows+="$line"$'\n'
    line="| lambda $lambda: same cost as ours (1e-6) in pgRouting's one call |"
    for x in "${extracts[@]}"; do line+=" ${pg[$x.many$lambda.same]} / $pairs |"; done
    ratio_rows+="$line"$'\n'
done
for lambda in 0 20; do
    line="| nodes settled per query, lambda $lambda: ALT / Dijkstra |"
    for x in "${extracts[@]}"; do
        line+=" $(result "$work/$x.ours.txt" settled_lambda$lambda alt) / $(result "$work/$x.ours.txt" settled_lambda$lambda dijkstra) |"
    done
    ratio_rows+="$line"$'\n'
done
line="| pgRouting single pair p50 (lambda 20) / \`plan_routes\` p50 |"
for x in "${extracts[@]}"; do
    line+=" $(ratio "${pg[$x.single20.p50]}" "$(result "$work/$x.ours.txt" plan_routes p50_ms)")x |"
done
ratio_rows+="$line"$'\n'

# Verdicts against the goals: the lowest speed-up and the highest p50 over both extracts.
lowest_ratio=""
lowest_case=""
highest_p50=0
highest_case=""
for x in "${extracts[@]}"; do
    for lambda in 0 20; do
        r=$(awk -v a="${pg[$x.single$lambda.p50]}" -v b="$(result "$work/$x.ours.txt" alt_lambda$lambda p50_ms)" \
            'BEGIN { printf "%.1f", a / b }')
        if [[ -z $lowest_ratio ]] || awk -v a="$r" -v b="$lowest_ratio" 'BEGIN { exit !(a < b) }'; then
            lowest_ratio=$r
            lowest_case="$x, lambda $lambda"
        fi
    done
    for name in alt_lambda0 alt_lambda20 plan_routes service_route; do
        v=$(result "$work/$x.ours.txt" "$name" p50_ms)
        if awk -v a="$v" -v b="$highest_p50" 'BEGIN { exit !(a > b) }'; then
            highest_p50=$v
            highest_case="$name on $x"
        fi
    done
done
verdict_ratio=$(awk -v r="$lowest_ratio" 'BEGIN { print (r >= 100 ? "**met**" : "**not met**") }')
verdict_p50=$(awk -v v="$highest_p50" 'BEGIN { print (v <= 5 ? "**met**" : "**not met**") }')

section="<!-- routing-bench:start -->
## Walking routes (bench/routing_bench.sh)

Generated by \`bench/routing_bench.sh BUILD_DIR WORK_DIR\` on $(date -u '+%Y-%m-%d %H:%M') UTC; do not
edit by hand. BUILD_DIR configured with \`-DSIGHTLINE_BENCH=ON\` (Release), targets \`sightline\`
and \`routing_bench\`.

- Machine: $(nproc) cores, $(uname -m), $(uname -sr); load average (1, 5, 15 min) $load_start at
  the start, $load_end at the end (shared machine)
- Software: sightline $(sed -n 's/^project(sightline VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt"), PostgreSQL $pg_version, pgRouting $pgr_version
- Data: \`munich_center.osm.pbf\` and \`heidelberg_routing.osm.pbf\` imported with \`sightline
  import\`; the graph is \`RoutingService\`'s (every imported street, edge weight = length + lambda
  x metres seen at the observe level by the extract's own OSM cameras, with building occlusion);
  $pairs random pairs of distinct nodes of one component (seed 42); every query timed alone
  (steady_clock) after 20 warm-up queries, one thread, each kind of query in its own loop over
  the pairs, so the graph and landmark tables stay in the CPU caches as they do for pgRouting's
  pgbench loop (a server doing other work between queries sees colder caches: timing each ALT
  query right after a reference Dijkstra made ALT's p50 up to 1.7x slower in trial runs)
- pgRouting gets the same edges (id, source, target, cost = reverse_cost = our weight), loaded
  with COPY plus indexes on id, source and target and ANALYZE; single-pair calls are
  \`SELECT agg_cost FROM pgr_dijkstra('SELECT id, source, target, cost, reverse_cost FROM edges',
  s, t, true) WHERE edge = -1\` through \`pgbench -c 1\` (per-call latency including the client
  round trip and a primary-key lookup of the pair), the first $pg_pairs pairs; the one-call row
  is \`pgr_dijkstra(edges_sql, 'SELECT source, target FROM pairs', true)\` for all $pairs pairs

| extract | nodes | edges | street km | seen km (observe) | landmarks |
|---|---|---|---|---|---|
${graph_row}
Preprocessing (ms). Sightline: \`RoutingService::prepare()\` from a cold start (viewsheds of every
camera, seen metres of every street segment, the graph, the landmarks), then the graph build and
the landmarks again on their own (median of 3), and refreshing the landmarks' seen distances after
cameras change. pgRouting: COPY + indexes + ANALYZE.

| extract | Sightline prepare (all) | WalkGraph::build | Landmarks::build | Landmarks::refresh_seen | pgRouting load + index |
|---|---|---|---|---|---|
${prep_rows}
Per query, p50 / p99 (ms):

| query | munich_center | heidelberg_routing |
|---|---|---|
${query_rows}
| ratio | munich_center | heidelberg_routing |
|---|---|---|
${ratio_rows}
Goals: >= 100x pgRouting per query: $verdict_ratio in this run (lowest: ${lowest_ratio}x, $lowest_case;
one ALT query against one single-pair \`pgr_dijkstra\` call). p50 <= 5 ms: $verdict_p50 (highest p50 of
ALT, \`plan_routes\` and \`RoutingService::route\`: $highest_p50 ms, $highest_case). A whole
\`plan_routes\` runs several searches (one per lambda it tries) and snaps both ends; against one
\`pgr_dijkstra\` call it is the last ratio row. Raw outputs: WORK_DIR/*.ours.txt,
WORK_DIR/pgbench_*.txt. Reproduce with \`cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
-DSIGHTLINE_BENCH=ON && ninja -C build sightline routing_bench && bench/routing_bench.sh build
/tmp/routing-bench\`. Cost equality with pgRouting on 1,000 pairs per extract is also a test:
\`ctest -L pgrouting\` (tests/routing/pgrouting_check.sh).
<!-- routing-bench:end -->"

[[ -f $doc ]] || printf '# Benchmarks\n' >"$doc"
printf '%s\n' "$section" | "$root/bench/tools/replace_section.py" "$doc" routing-bench
log "wrote $doc"
