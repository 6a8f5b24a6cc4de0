#!/usr/bin/env bash
# cluster.sh - a private PostgreSQL 15 cluster for tests: no system service, no state outside
# its own temporary folder.
#
#   tests/pg/cluster.sh start DIR    initdb in DIR/data, start on a free 127.0.0.1 port (socket
#                                    in DIR), create database "bianmin"; prints the URL and
#                                    writes it to DIR/url
#   tests/pg/cluster.sh createdb DIR NAME   another database in the cluster; prints its URL
#   tests/pg/cluster.sh dropdbs DIR PREFIX  drops every database whose name starts with PREFIX
#                                    (connections to them are ended first)
#   tests/pg/cluster.sh stop DIR     pg_ctl stop -m fast, then rm -rf DIR
#
# The server log (DIR/server.log) names the database on every line (log_line_prefix %d), so
# that a test sharing the cluster with others can show its own lines (tests/pg/run.sh).
#
# DIR must not exist yet for start (a fresh mktemp -d folder is fine: it may be empty). As root,
# initdb refuses to run, so the server runs as the `postgres` system user (created by Debian's
# postgresql package); otherwise as the caller. PG_BIN overrides /usr/lib/postgresql/15/bin.
set -euo pipefail

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
cmd="${1:-}"
dir="${2:-}"
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop|createdb|dropdbs DIR [NAME]" >&2; exit 2; }

as_owner() { # runs a server binary as the cluster's owner
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() { # a port nobody listens on (the server start still checks: see the retry below)
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

start() {
  [ -x "$PG_BIN/initdb" ] || { echo "cluster.sh: no $PG_BIN/initdb (apt-get install postgresql)" >&2; exit 2; }
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir" && chmod 0700 "$dir"
  as_owner "$PG_BIN/initdb" -D "$dir/data" --auth=trust -U bianmin -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  local port=""
  for _ in 1 2 3 4 5; do
    port="$(free_port)"
    if as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir \
          -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400 \
          -c log_line_prefix='%m [%p] db=%d '" \
      >/dev/null 2>&1; then
      break
    fi
    port=""
  done
  [ -n "$port" ] || { cat "$dir/server.log" >&2; exit 1; }
  echo "$port" >"$dir/port"
  "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U bianmin bianmin
  echo "postgresql://bianmin@127.0.0.1:$port/bianmin" | tee "$dir/url"
}

create_db() {
  local name="$3" port
  port="$(cat "$dir/port")"
  "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U bianmin "$name"
  echo "postgresql://bianmin@127.0.0.1:$port/$name"
}

drop_dbs() { # NAME must be a plain identifier prefix: [a-z0-9_]
  local prefix="$3" port name
  [[ "$prefix" =~ ^[a-z0-9_]+$ ]] || { echo "cluster.sh: bad prefix $prefix" >&2; exit 2; }
  port="$(cat "$dir/port")"
  "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U bianmin -d postgres -Atq -v ON_ERROR_STOP=1 \
    -c "SELECT datname FROM pg_database WHERE datname LIKE '${prefix}%'" |
    while read -r name; do
      "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U bianmin -d postgres -q -v ON_ERROR_STOP=1 \
        -c "DROP DATABASE \"$name\" WITH (FORCE)"
    done
}

stop() {
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "$cmd" in
start) start ;;
stop) stop ;;
createdb) create_db "$@" ;;
dropdbs) drop_dbs "$@" ;;
*) echo "usage: $0 start|stop|createdb|dropdbs DIR [NAME]" >&2; exit 2 ;;
esac
