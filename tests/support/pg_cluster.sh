#!/usr/bin/env bash
# A throwaway PostgreSQL 15 + PostGIS cluster for the tests (CTest fixture "postgres", see
# tests/CMakeLists.txt), named by a folder of the build tree:
#
#   tests/support/pg_cluster.sh start DIR   # initdb, start, create the template database
#   tests/support/pg_cluster.sh stop DIR    # stop (immediate) and delete DIR
#   tests/support/pg_cluster.sh restart DIR # stop, wait $PG_DOWN_SECONDS, start (fault tests)
#
# The cluster itself lives in a fresh folder under /tmp (DIR/cluster names it): the server may
# run as another user, who must reach it, and a Unix socket path must stay short. Unix socket
# only (listen_addresses=''); the port only names the socket file. DIR/url holds the URL of
# database "postgres"; tests create their own databases from the template "sightline_template"
# (PostGIS already created, so each copy takes milliseconds).
# As root (CI) the server runs as user postgres. fsync is off: a test cluster never survives a
# power cut, and the durability the store relies on (commit before 201) does not depend on it.
# Exits 77 (CTest: skipped) when PostgreSQL or PostGIS is missing, unless CI=true.
set -euo pipefail
export LC_ALL=C
action=${1:?usage: pg_cluster.sh start|stop|restart DIR}
dir=${2:?usage: pg_cluster.sh start|stop|restart DIR}
pg_bin=/usr/lib/postgresql/15/bin
run=()
if ((EUID == 0)); then run=(runuser -u postgres --); fi

say() { printf 'pg_cluster: %s\n' "$*" >&2; }
skip_or_fail() {
    if [[ ${CI:-} = true ]]; then say "FAIL: $* (CI=true)"; exit 1; fi
    say "SKIP: $*"
    exit 77
}

cluster=
[[ -f $dir/cluster ]] && cluster=$(cat "$dir/cluster")

stop_server() {
    if [[ -n $cluster && -f $cluster/data/postmaster.pid ]]; then
        "${run[@]}" "$pg_bin/pg_ctl" -D "$cluster/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
}

start_server() {
    "${run[@]}" "$pg_bin/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 \
        -o "-p $(cat "$cluster/port") -k $cluster/sock -c listen_addresses='' -c fsync=off \
            -c synchronous_commit=on -c full_page_writes=off -c max_connections=300 \
            -c shared_buffers=64MB -c jit=off" \
        start >/dev/null || { cat "$cluster/server.log" >&2; exit 1; }
}

case $action in
start)
    [[ -x $pg_bin/initdb ]] || skip_or_fail "PostgreSQL 15 is not installed (scripts/install-deps)"
    [[ -f /usr/share/postgresql/15/extension/postgis.control ]] ||
        skip_or_fail "PostGIS is not installed (apt-get install postgresql-15-postgis-3)"
    stop_server
    [[ -n $cluster ]] && rm -rf "$cluster"
    rm -rf "$dir"
    mkdir -p "$dir"
    cluster=$(mktemp -d /tmp/sightline-pg.XXXXXX)
    echo "$cluster" >"$dir/cluster"
    mkdir -p "$cluster/data" "$cluster/sock"
    chmod 755 "$cluster"
    if ((EUID == 0)); then chown postgres: "$cluster" "$cluster/data" "$cluster/sock"; fi
    echo $((20000 + $$ % 20000)) >"$cluster/port"
    "${run[@]}" "$pg_bin/initdb" -D "$cluster/data" -U postgres --auth=trust --no-locale -E UTF8 \
        >"$cluster/initdb.log" 2>&1 || { cat "$cluster/initdb.log" >&2; exit 1; }
    start_server
    url="postgresql:///postgres?host=$cluster/sock&port=$(cat "$cluster/port")&user=postgres"
    psql=("$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 "$url")
    "${psql[@]}" -c "CREATE DATABASE sightline_template"
    "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 "${url/\/postgres?//sightline_template?}" \
        -c "SET client_min_messages = warning; CREATE EXTENSION postgis"
    echo "$url" >"$dir/url"
    say "PostgreSQL $("${psql[@]}" -Atc 'SHOW server_version') at $cluster/sock"
    ;;
stop)
    stop_server
    [[ -n $cluster ]] && rm -rf "$cluster"
    rm -rf "$dir"
    ;;
restart)
    [[ -n $cluster ]] || { say "no cluster named by $dir"; exit 1; }
    stop_server
    sleep "${PG_DOWN_SECONDS:-0}"
    start_server
    ;;
*)
    say "unknown action $action"
    exit 2
    ;;
esac
