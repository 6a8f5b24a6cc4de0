#!/usr/bin/env bash
# pg.sh [N] - PostgreSQL next to SQLite: the public progress lookup (bench/lookup.lua, HTML) on
# the demo offices plus N generated cases (default 100,000), served by
#   sqlite            one node on a SQLite file
#   pg                one node on PostgreSQL 15 (a private cluster, tests/pg/cluster.sh)
#   pg+nginx          the same node behind nginx (what the proxy alone costs)
#   pg-2nodes+nginx   two nodes on that database behind nginx (round robin)
# all measured in this run with the same wrk settings. The cases are generated into the SQLite
# file (bench/gen-cases.sh) and moved to PostgreSQL with `bianmin copy-db`, so both hold exactly
# the same data; the lookups are drawn from the same samples. Prints a table, then one
# summary line per scenario: `name  req/s  p50  p99  ratio` (ratio: req/s / sqlite's).
# Needs wrk, nginx, sqlite3 (scripts/setup.sh --bench) and the PostgreSQL 15 server
# (scripts/setup.sh --test). Not a test: figures vary by machine. Runs standalone, no arguments
# needed; DURATION (10s), CONNS (32), SEED (42) in the environment.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000} SEED=${SEED:-42} DURATION=${DURATION:-10s} CONNS=${CONNS:-32}
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
scripts/setup.sh --bench >/dev/null
[ -x "$PG_BIN/initdb" ] || { echo "bench/pg.sh: no PostgreSQL 15 server (scripts/setup.sh --test)" >&2; exit 2; }
cmake --preset release >/dev/null && cmake --build --preset release -j2 >/dev/null
exe=build/release/bianmin
work=$(mktemp -d /tmp/bianmin-benchpg-XXXXXX)
pgdir=$(mktemp -d /tmp/bianmin-pg-XXXXXX) # /tmp: the cluster may run as the postgres user
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  tests/pg/cluster.sh stop "$pgdir" || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

. bench/lib.sh
echo "bench/pg: demo data + $N cases (seed $SEED) on SQLite"
$exe demo --db "$work/db" >/dev/null
bench/gen-cases.sh "$work/db" "$N" "$SEED"
bench_samples "$work/db" "$work/samples.txt"
echo "bench/pg: the same moved to a PostgreSQL 15 cluster (copy-db)"
url=$(tests/pg/cluster.sh start "$pgdir")
start=$(date +%s)
BIANMIN_SECRET_KEY_FILE="$work/secret.key" $exe copy-db --from "sqlite:$work/db" --to "$url" >/dev/null
echo "bench/pg: copied in $(( $(date +%s) - start )) s"

export BIANMIN_SECRET_KEY_FILE="$work/secret.key" # the one demo made beside the SQLite file
export BIANMIN_RATE_LOOKUP=1000000 BIANMIN_RATE_PUBLIC=1000000 BIANMIN_LOG_LEVEL=error
export BIANMIN_NOTIFY_WORKER=false BIANMIN_TRUSTED_PROXIES=127.0.0.1
serve() { # name db: starts a node; its port in $work/name.port
  $exe serve --db "$2" --listen 127.0.0.1:0 --port-file "$work/$1.port" 2>"$work/$1.log" &
  pids+=($!)
  for _ in $(seq 100); do [ -s "$work/$1.port" ] && break; sleep 0.1; done
  [ -s "$work/$1.port" ] || { echo "bench/pg: $1 did not start: $(cat "$work/$1.log")" >&2; exit 1; }
}
serve sqlite "$work/db"
serve pg1 "$url"
serve pg2 "$url"
sqlite_port=$(cat "$work/sqlite.port") pg1_port=$(cat "$work/pg1.port") pg2_port=$(cat "$work/pg2.port")
one_port=$(free_port) two_port=$(free_port)
user_line=""
[ "$(id -u)" -eq 0 ] && user_line="user root;"
mkdir -p "$work/nginx"
cat >"$work/nginx.conf" <<NGINX
$user_line
worker_processes 2; daemon off; pid $work/nginx.pid; error_log $work/nginx.err;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body; proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi; uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  upstream one { server 127.0.0.1:$pg1_port; keepalive 32; }
  upstream two { server 127.0.0.1:$pg1_port; server 127.0.0.1:$pg2_port; keepalive 32; }
  server { listen 127.0.0.1:$one_port;
    location / { proxy_pass http://one; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_set_header Host \$host; proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for; } }
  server { listen 127.0.0.1:$two_port;
    location / { proxy_pass http://two; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_set_header Host \$host; proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for; } }
}
NGINX
nginx -p "$work" -c "$work/nginx.conf" -e "$work/nginx.err" &
pids+=($!)
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$two_port") 2>/dev/null && break; sleep 0.1; done

read -r office number check < "$work/samples.txt"
for port in "$sqlite_port" "$pg1_port" "$one_port" "$two_port"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' \
    "http://127.0.0.1:$port/o/$office/progress?number=$number&check=$check")
  [ "$code" = 200 ] || { echo "bench/pg: the lookup on port $port answered $code" >&2; exit 1; }
done

measure() { # name url
  local out rps p50 p99
  out=$(SAMPLES="$work/samples.txt" SEED=$SEED wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s bench/lookup.lua "$2")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  printf '%-18s %12s %10s %10s\n' "$1" "$rps" "$p50" "$p99"
  echo "$1 $rps $p50 $p99" >>"$work/results"
}
echo "bench/pg: wrk -t2 -c$CONNS -d$DURATION, lookups of random cases among $N (HTML)"
printf '%-18s %12s %10s %10s\n' scenario 'req/s' p50 p99
measure sqlite "http://127.0.0.1:$sqlite_port"
measure pg "http://127.0.0.1:$pg1_port"
measure pg+nginx "http://127.0.0.1:$one_port"
measure pg-2nodes+nginx "http://127.0.0.1:$two_port"
echo "cases: $N; cores: $(nproc); load average before the summary: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "summary (name  req/s  p50  p99  ratio to sqlite):"
awk 'NR == 1 {base = $2} { printf "%s  %s  %s  %s  %.2f\n", $1, $2, $3, $4, (base > 0 ? $2 / base : 0) }' \
  "$work/results"
