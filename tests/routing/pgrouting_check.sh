#!/usr/bin/env bash
# Our route costs against pgRouting's pgr_dijkstra on the same graph and weights (CTest labels
# realdata;pgrouting, registered by tests/routing/CMakeLists.txt).
#
#   tests/routing/pgrouting_check.sh SIGHTLINE ROUTING_TOOL EXTRACT.osm.pbf LAMBDA...
#
# Imports the extract with the real `sightline import` into a temporary data folder; for each
# lambda (observe level) `routing_tool` writes the graph's edges (cost = length + lambda x seen
# metres, the same both ways) and 1,000 random connected node pairs with the cost our ALT search
# finds. A throwaway PostgreSQL 15 cluster (initdb in the temporary folder, Unix socket only,
# stopped and deleted on exit) loads the edges with COPY and answers every pair in ONE
# pgr_dijkstra call (combinations SQL, directed with cost and reverse_cost); each pair's agg_cost
# must equal ours to 1e-6 (relative). Prints a summary per lambda; exits 1 on any mismatch, 77
# (CTest: skipped) when the extract or PostgreSQL/pgRouting is missing, unless CI=true.
set -euo pipefail
export LC_ALL=C

sightline=${1:?usage: pgrouting_check.sh SIGHTLINE ROUTING_TOOL EXTRACT LAMBDA...}
tool=${2:?usage: pgrouting_check.sh SIGHTLINE ROUTING_TOOL EXTRACT LAMBDA...}
extract=${3:?usage: pgrouting_check.sh SIGHTLINE ROUTING_TOOL EXTRACT LAMBDA...}
shift 3
(($# > 0)) || { echo "pgrouting_check: give at least one LAMBDA" >&2; exit 2; }
lambdas=("$@")
name=$(basename "$extract" .osm.pbf)
pg_bin=/usr/lib/postgresql/15/bin

say() { printf 'pgrouting_check [%s %s]: %s\n' "$name" "$(date +%H:%M:%S)" "$*" >&2; }
skip_or_fail() {
    if [[ ${CI:-} = true ]]; then say "FAIL: $* (CI=true)"; exit 1; fi
    say "SKIP: $*"
    exit 77
}

[[ -f $extract ]] || skip_or_fail "$extract is not here (set up ../shared/data to run this test)"
[[ -x $pg_bin/initdb ]] || skip_or_fail "PostgreSQL 15 is not installed (apt-get install postgresql-15)"
ls /usr/share/postgresql/15/extension/pgrouting.control >/dev/null 2>&1 ||
    skip_or_fail "pgRouting is not installed (apt-get install postgresql-15-pgrouting)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sightline-pgrouting.XXXXXX")
chmod 755 "$tmp"  # the server may run as user postgres and must reach $tmp/pg
pg_run=()
if ((EUID == 0)); then pg_run=(runuser -u postgres --); fi
pg_started=
cleanup() {
    local rc=$?
    if [[ -n $pg_started ]]; then
        "${pg_run[@]}" "$pg_bin/pg_ctl" -D "$tmp/pg" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$tmp"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "importing $(basename "$extract")"
"$sightline" import "$extract" --data "$tmp/data" --quiet >"$tmp/import.txt"
for lambda in "${lambdas[@]}"; do
    "$tool" --data "$tmp/data" --lambda "$lambda" --level observe --count 1000 --seed 42 \
        --edges "$tmp/edges_$lambda.csv" --pairs "$tmp/pairs_$lambda.csv"
done

# Unix socket only (listen_addresses=''), in our own folder: the port only names the socket
# file, so no other server can hold it.
port=$((20000 + $$ % 20000))
mkdir -p "$tmp/pg" "$tmp/sock"
if ((EUID == 0)); then chown postgres: "$tmp/pg" "$tmp/sock"; fi
"${pg_run[@]}" "$pg_bin/initdb" -D "$tmp/pg" -U postgres --auth=trust --no-locale -E UTF8 \
    >"$tmp/initdb.txt" 2>&1 || { cat "$tmp/initdb.txt" >&2; exit 1; }
"${pg_run[@]}" "$pg_bin/pg_ctl" -D "$tmp/pg" -l "$tmp/pg/server.log" -w \
    -o "-p $port -k $tmp/sock -c listen_addresses='' -c jit=off -c fsync=off" \
    start >/dev/null || { cat "$tmp/pg/server.log" >&2; exit 1; }
pg_started=1
export PGOPTIONS='-c client_min_messages=warning'
psql=("$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$tmp/sock" -p "$port" -U postgres -d postgres)
"${psql[@]}" -c 'CREATE EXTENSION pgrouting CASCADE'
say "PostgreSQL $("${psql[@]}" -Atc 'SHOW server_version'), pgRouting $("${psql[@]}" -Atc 'SELECT pgr_version()')"

failed=0
for lambda in "${lambdas[@]}"; do
    summary=$("${psql[@]}" -At -F ' ' <<SQL
DROP TABLE IF EXISTS edges, pairs, theirs;
CREATE TABLE edges (id bigint PRIMARY KEY, source bigint, target bigint, cost float8,
                    reverse_cost float8);
\copy edges FROM '$tmp/edges_$lambda.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE pairs (source bigint, target bigint, cost float8);
\copy pairs FROM '$tmp/pairs_$lambda.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE theirs AS
    SELECT start_vid AS source, end_vid AS target, agg_cost
    FROM pgr_dijkstra('SELECT id, source, target, cost, reverse_cost FROM edges',
                      'SELECT source, target FROM pairs', directed => true)
    WHERE edge = -1;
SELECT count(*),
       count(t.agg_cost),
       count(*) FILTER (WHERE t.agg_cost IS NULL
                        OR abs(t.agg_cost - p.cost) > 1e-6 * greatest(1, abs(p.cost))),
       coalesce(max(abs(t.agg_cost - p.cost) / greatest(1, abs(p.cost))), 0),
       (SELECT count(*) FROM edges)
FROM pairs p LEFT JOIN theirs t USING (source, target);
SQL
)
    read -r pairs answered mismatched max_rel edges <<<"$summary"
    say "lambda $lambda: $edges edges, $pairs pairs, pgRouting answered $answered, mismatched $mismatched, max relative difference $max_rel"
    if [[ $pairs != 1000 || $answered != "$pairs" || $mismatched != 0 ]]; then
        failed=1
        "${psql[@]}" -c "SELECT p.source, p.target, p.cost AS ours, t.agg_cost AS pgrouting
                         FROM pairs p LEFT JOIN theirs t USING (source, target)
                         WHERE t.agg_cost IS NULL
                            OR abs(t.agg_cost - p.cost) > 1e-6 * greatest(1, abs(p.cost))
                         LIMIT 10" >&2
    fi
done
if ((failed)); then say "FAILED: costs differ from pgRouting"; exit 1; fi
say "OK: every pair costs the same in pgRouting (lambdas ${lambdas[*]})"
