#!/usr/bin/env bash
# Place search (issue 15): query latency of SearchService (build/bench/search_bench) for 1,000
# full names and 1,000 unfinished ones ("Praxis Alt", "Spie"), each biased to a point 700 m from
# the place as the app's map centre would be, against PostgreSQL 15 pg_trgm over the same names
# in a throwaway cluster (GIN trigram index: `name % q ORDER BY similarity` for full names,
# `name ILIKE 'q%'` for unfinished ones, both LIMIT 10, one client, pgbench). Also the size of the
# search tables against the whole data folder, and the time to build the FTS index against the
# whole import. On a city extract and on the synthetic country of ../shared/tools/tile_extract.py
# (16 x 16 copies of it). Writes its section of docs/benchmarks.md (search-bench markers).
#
#   bench/search_bench.sh                              # Munich and its 256-copy country
#   BENCH_COUNTRY=0 bench/search_bench.sh              # the city only (smoke run)
#   BENCH_EXTRACT=path/to/city.osm.pbf bench/search_bench.sh
#   BENCH_COUNTRY_FILE=country.osm.pbf bench/search_bench.sh   # a tiled country made before
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-build}
[[ $BUILD_DIR = /* ]] || BUILD_DIR=$ROOT/$BUILD_DIR
EXTRACT=${BENCH_EXTRACT:-$ROOT/../shared/data/osm/munich_center.osm.pbf}
COUNTRY=${BENCH_COUNTRY:-1}
PG_PORT=${BENCH_PG_PORT:-54341}
# pg_trgm takes up to seconds per query on the country: a random 200 of the 1,000 queries each.
PG_QUERIES=${BENCH_PG_QUERIES:-200}
PG_BIN=/usr/lib/postgresql/15/bin

log() { printf '[search-bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ -f $EXTRACT ]] || die "no extract $EXTRACT"
source "$ROOT/bench/tools/ensure_packages.sh"
ensure_packages postgresql-15 postgresql-contrib-15 sqlite3 python3-pyosmium
SIGHTLINE=$BUILD_DIR/sightline
BENCH=$BUILD_DIR/bench/search_bench
[[ -x $SIGHTLINE ]] || die "no $SIGHTLINE"
[[ -x $BENCH ]] || die "no $BENCH: configure with -DSIGHTLINE_BENCH=ON and build search_bench"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/sightline-search-bench.XXXXXX")
chmod 755 "$TMP"
PG_RUN=()
((EUID == 0)) && PG_RUN=(runuser -u postgres --)
PG_STARTED=
cleanup() {
    [[ -n $PG_STARTED ]] && "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$TMP/pg" -m fast -w stop >/dev/null 2>&1
    rm -rf "$TMP"
}
trap cleanup EXIT

mkdir -p "$TMP/pg" "$TMP/pgsock" "$TMP/pglogs"
((EUID == 0)) && chown postgres: "$TMP/pg" "$TMP/pgsock" "$TMP/pglogs"
"${PG_RUN[@]}" "$PG_BIN/initdb" -D "$TMP/pg" -U postgres --auth=trust --no-locale -E UTF8 >/dev/null
"${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$TMP/pg" -l "$TMP/pg/server.log" -w \
    -o "-p $PG_PORT -k $TMP/pgsock -c listen_addresses='' -c shared_buffers=512MB -c jit=off" start >/dev/null
PG_STARTED=1
psql_run() { "${PG_RUN[@]}" psql -X -q -v ON_ERROR_STOP=1 -h "$TMP/pgsock" -p "$PG_PORT" -U postgres "$@"; }

# pgbench over a query table; prints "P50_MS P99_MS FOUND" (found: share of queries with a hit).
pg_latency() {  # TABLE SQL MATCH (a condition on p.name and o.q)
    local table=$1 sql=$2 match=$3
    printf '\\set id random(1, %s)\n%s\n' "$PG_QUERIES" "$sql" >"$TMP/pgbench.sql"
    (cd "$TMP" && "${PG_RUN[@]}" "$PG_BIN/pgbench" -h "$TMP/pgsock" -p "$PG_PORT" -U postgres -n \
        -c 1 -t "$PG_QUERIES" -f "$TMP/pgbench.sql" -l --log-prefix="$TMP/pglogs/pglog" postgres >/dev/null)
    local found
    found=$(psql_run -At -c "SELECT avg(CASE WHEN EXISTS (SELECT 1 FROM places p WHERE $match) THEN 1 ELSE 0 END) FROM $table o WHERE o.id <= $PG_QUERIES")
    cat "$TMP"/pglogs/pglog* | awk '{ print $3 / 1000 }' | sort -n |
        awk -v f="$found" '{ v[NR] = $1 } END { printf "%.3f %.3f %.3f\n", v[int(NR * 0.5)], v[int(NR * 0.99)], f }'
    rm -f "$TMP"/pglogs/pglog*
}

declare -A ROWS
measure() {  # NAME FILE
    local name=$1 file=$2 data=$TMP/data-$1
    log "$name: sightline import"
    local start end
    start=$(date +%s.%N)
    "$SIGHTLINE" import "$file" --data "$data" --quiet >"$TMP/import-$name.txt"
    end=$(date +%s.%N)
    local import_s places
    import_s=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
    places=$(sqlite3 "$data/sightline.db" "SELECT count(*) FROM places")
    # Size of the search tables, and the time to build the FTS index alone (a rebuild).
    local search_bytes fts_bytes folder_bytes fts_s
    search_bytes=$(sqlite3 "$data/sightline.db" "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'place%' OR name LIKE 'sqlite_autoindex_place%'")
    fts_bytes=$(sqlite3 "$data/sightline.db" "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'places_fts%' OR name LIKE 'place_words%'")
    folder_bytes=$(du -sb "$data" | cut -f1)
    start=$(date +%s.%N)
    sqlite3 "$data/sightline.db" "INSERT INTO places_fts (places_fts) VALUES ('rebuild')"
    end=$(date +%s.%N)
    fts_s=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')

    # 1,000 names spread over the table; the bias point 700 m north-east of each place.
    local step
    step=$(((places + 999) / 1000))
    sqlite3 -separator $'\t' "$data/sightline.db" \
        "SELECT printf('%.5f,%.5f', lat + 0.005, lon + 0.005), name FROM places WHERE id % $step = 1 LIMIT 1000" >"$TMP/full-$name.tsv"
    python3 - "$TMP/full-$name.tsv" "$TMP/prefix-$name.tsv" <<'PY'
import sys
with open(sys.argv[1]) as full, open(sys.argv[2], "w") as out:
    for line in full:
        point, name = line.rstrip("\n").split("\t", 1)
        words = name.split()
        q = words[0] + " " + words[1][:3] if len(words) >= 2 else name[:4]
        out.write(point + "\t" + q + "\n")
PY
    log "$name: search_bench"
    local sl_full sl_prefix
    sl_full=$("$BENCH" "$data" "$TMP/full-$name.tsv" 2>/dev/null)
    sl_prefix=$("$BENCH" "$data" "$TMP/prefix-$name.tsv" 2>/dev/null)

    log "$name: PostgreSQL pg_trgm"
    psql_run -c "DROP TABLE IF EXISTS places, qfull, qprefix; CREATE EXTENSION IF NOT EXISTS pg_trgm;
        CREATE TABLE places (id bigint PRIMARY KEY, name text, lat float8, lon float8);
        CREATE TABLE qfull (id serial PRIMARY KEY, point text, q text);
        CREATE TABLE qprefix (id serial PRIMARY KEY, point text, q text);"
    sqlite3 -csv "$data/sightline.db" "SELECT id, name, lat, lon FROM places" >"$TMP/places.csv"
    chmod 644 "$TMP"/*.csv "$TMP"/*.tsv
    psql_run -c "\\copy places FROM '$TMP/places.csv' CSV"
    psql_run -c "\\copy qfull (point, q) FROM '$TMP/full-$name.tsv'"
    psql_run -c "\\copy qprefix (point, q) FROM '$TMP/prefix-$name.tsv'"
    start=$(date +%s.%N)
    psql_run -c "CREATE INDEX places_trgm ON places USING gin (name gin_trgm_ops); ANALYZE places;"
    end=$(date +%s.%N)
    local pg_index_s
    pg_index_s=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
    local pg_full pg_prefix
    pg_full=$(pg_latency qfull "SELECT p.id FROM places p, qfull q WHERE q.id = :id AND p.name % q.q ORDER BY similarity(p.name, q.q) DESC LIMIT 10;" "p.name % o.q")
    pg_prefix=$(pg_latency qprefix "SELECT p.id FROM places p, qprefix q WHERE q.id = :id AND p.name ILIKE q.q || '%' ORDER BY length(p.name) LIMIT 10;" "p.name ILIKE o.q || '%'")

    local sl_f50 sl_f99 sl_ffound sl_p50 sl_p99 sl_pfound
    sl_f50=$(sed -n 's/.*p50_ms=\([0-9.]*\).*/\1/p' <<<"$sl_full")
    sl_f99=$(sed -n 's/.*p99_ms=\([0-9.]*\).*/\1/p' <<<"$sl_full")
    sl_ffound=$(sed -n 's/.*found=\([0-9.]*\).*/\1/p' <<<"$sl_full")
    sl_p50=$(sed -n 's/.*p50_ms=\([0-9.]*\).*/\1/p' <<<"$sl_prefix")
    sl_p99=$(sed -n 's/.*p99_ms=\([0-9.]*\).*/\1/p' <<<"$sl_prefix")
    sl_pfound=$(sed -n 's/.*found=\([0-9.]*\).*/\1/p' <<<"$sl_prefix")
    local pg_p50 pg_p99 pg_found pgp_p50 pgp_p99 pgp_found
    read -r pg_p50 pg_p99 pg_found <<<"$pg_full"
    read -r pgp_p50 pgp_p99 pgp_found <<<"$pg_prefix"
    ROWS[$name]=$(
        printf '| %s | %s | full names | %s / %s (%s) | %s / %s (%s) | %sx |\n' "$name" "$places" \
            "$sl_f50" "$sl_f99" "$sl_ffound" "$pg_p50" "$pg_p99" "$pg_found" \
            "$(awk -v a="$pg_p50" -v b="$sl_f50" 'BEGIN { printf "%.0f", a / b }')"
        printf '| %s | %s | unfinished | %s / %s (%s) | %s / %s (%s) | %sx |\n' "$name" "$places" \
            "$sl_p50" "$sl_p99" "$sl_pfound" "$pgp_p50" "$pgp_p99" "$pgp_found" \
            "$(awk -v a="$pgp_p50" -v b="$sl_p50" 'BEGIN { printf "%.0f", a / b }')"
    )
    SIZES+=$(printf '| %s | %s | %.1f MB (%.1f %%) | %.1f MB of %.1f MB (%.1f %%) | %s s of %s s import | %s s |\n' "$name" \
        "$places" "$(awk -v b="$fts_bytes" 'BEGIN { print b / 1e6 }')" \
        "$(awk -v a="$fts_bytes" -v b="$folder_bytes" 'BEGIN { print 100 * a / b }')" \
        "$(awk -v b="$search_bytes" 'BEGIN { print b / 1e6 }')" \
        "$(awk -v b="$folder_bytes" 'BEGIN { print b / 1e6 }')" \
        "$(awk -v a="$search_bytes" -v b="$folder_bytes" 'BEGIN { print 100 * a / b }')" "$fts_s" \
        "$import_s" "$pg_index_s")$'\n'
    rm -rf "$data"
}

SIZES=""
CITY=$(basename "$EXTRACT" | sed 's/\..*//')
measure "$CITY" "$EXTRACT"
NAMES=("$CITY")
if [[ $COUNTRY = 1 ]]; then
    COUNTRY_FILE=${BENCH_COUNTRY_FILE:-}
    if [[ -z $COUNTRY_FILE ]]; then
        log "country: tile_extract.py 16 x 16"
        # Debian's python3 has python3-pyosmium (another python3 earlier in PATH may not).
        /usr/bin/python3 "$ROOT/../shared/tools/tile_extract.py" "$EXTRACT" "$TMP/country.osm.pbf" 16 16 >/dev/null
        COUNTRY_FILE=$TMP/country.osm.pbf
    fi
    measure "$CITY-x256" "$COUNTRY_FILE"
    NAMES+=("$CITY-x256")
fi

CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
SECTION=$(
    cat <<EOF
<!-- search-bench:start -->
## Place search (bench/search_bench.sh)

1,000 full names and 1,000 unfinished ones ("Praxis Alt", "Spie") sampled from the imported
places, each biased to a point 700 m from the place (the app sends the map centre), limit 10;
$CPU, $(date -u +%Y-%m-%d), one thread. Peer: PostgreSQL 15 pg_trgm over the same names in the
same run (the first $PG_QUERIES of the queries, drawn at random $PG_QUERIES times), GIN trigram index, \`name % q ORDER BY similarity\` for full names and
\`name ILIKE 'q%' ORDER BY length\` for unfinished ones (what a do-it-yourself geocoder uses;
pg_trgm gets no bias, which only makes its work smaller), one pgbench client. Latency p50 / p99
in ms; in brackets the share of queries with at least one hit. The x256 data set is 16 x 16
tiled copies of the extract (\`../shared/tools/tile_extract.py\`): every name occurs 256 times.

| data | places | queries | Sightline p50 / p99 ms | pg_trgm p50 / p99 ms | p50 ratio |
|---|---:|---|---:|---:|---:|
$(for n in "${NAMES[@]}"; do printf '%s\n' "${ROWS[$n]}"; done)

| data | places | text index (FTS5 + word list) | all search tables / data folder | FTS build / whole import | pg_trgm GIN build |
|---|---:|---:|---:|---:|---:|
${SIZES%$'\n'}

"All search tables" adds the places themselves (names, labels, folded words, position) and the
R*Tree for reverse lookups to the text index: that is the data a search shows, not an index of
it. Queries near a point intersect the words with the point's grid-cell
words (ADR 009), so their cost follows the matches near the point, not the country's.
<!-- search-bench:end -->
EOF
)
python3 "$ROOT/bench/tools/replace_section.py" "$ROOT/docs/benchmarks.md" search-bench <<<"$SECTION"
log "done: docs/benchmarks.md (search-bench)"
