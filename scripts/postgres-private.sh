#!/usr/bin/env bash
# A private PostgreSQL 15 server in a directory, for the tests and the demo: `start DIR PORT` makes the cluster
# (initdb, trust authentication on loopback, user `storegate`, database `storegate_hq`) and starts it on 127.0.0.1:PORT;
# `stop DIR` stops it; `kill DIR` stops it at once (the server's own crash: immediate shutdown, no checkpoint).
# initdb refuses to run as root, so as root the server runs as the `postgres` user (made by Debian's package).
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
command=${1:?usage: postgres-private.sh start DIR PORT | stop DIR | kill DIR}
dir=${2:?directory}

as_server_user() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$command" in
start)
    port=${3:?port}
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
    chmod 700 "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_server_user "$bin/initdb" -D "$dir/data" -U storegate --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
    fi
    as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c shared_buffers=256MB" start >/dev/null
    as_server_user "$bin/psql" -h 127.0.0.1 -p "$port" -U storegate -d postgres -tAq \
        -c "SELECT 1 FROM pg_database WHERE datname = 'storegate_hq'" | grep -q 1 \
        || as_server_user "$bin/createdb" -h 127.0.0.1 -p "$port" -U storegate storegate_hq
    ;;
stop)
    as_server_user "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
kill)
    as_server_user "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
    ;;
*)
    echo "usage: postgres-private.sh start DIR PORT | stop DIR | kill DIR" >&2
    exit 2
    ;;
esac
