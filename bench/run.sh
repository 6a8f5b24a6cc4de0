#!/usr/bin/env bash
# run.sh [N] - the public progress lookup's throughput (HTML and JSON) on a database of N
# generated cases (default 1,000,000), next to the same server's smallest route (/healthz) and
# nginx serving a static file of the same size as a lookup page, all measured in this run.
# Prints requests/s, p50/p99 latency, the server's peak memory and the ratios. Needs wrk,
# nginx and sqlite3 (scripts/setup.sh --bench installs them). Not a test: figures vary by machine.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000} SEED=${SEED:-42} DURATION=${DURATION:-10s} CONNS=${CONNS:-32}
scripts/setup.sh --bench >/dev/null
cmake --preset release >/dev/null && cmake --build --preset release -j2 >/dev/null
work=$(mktemp -d /tmp/bianmin-bench-XXXXXX)
trap 'kill $server_pid $nginx_pid 2>/dev/null; sleep 0.5; rm -rf "$work"' EXIT
exe=build/release/bianmin
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "bench: demo data + $N cases (seed $SEED)"
$exe demo --db "$work/db" >/dev/null
start=$(date +%s)
bench/gen-cases.sh "$work/db" "$N" "$SEED"
echo "bench: generated in $(( $(date +%s) - start )) s"

BIANMIN_RATE_LOOKUP=1000000 BIANMIN_RATE_PUBLIC=1000000 BIANMIN_LOG_LEVEL=error \
  $exe serve --db "$work/db" --listen 127.0.0.1:0 --port-file "$work/port" 2>"$work/server.log" &
server_pid=$!; nginx_pid=""
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port")
base="http://127.0.0.1:$port"
curl -s "$base/o/xinxing/progress?number=114-BENCH-000001&check=$(printf '%06d' $(( (7919 + SEED) % 1000000 )))" > "$work/page.html"
[ "$(wc -c < "$work/page.html")" -gt 1000 ] || { echo "bench: the lookup did not answer a page"; exit 1; }

mkdir -p "$work/www"; cp "$work/page.html" "$work/www/page.html"
nport=$(free_port)
cat > "$work/nginx.conf" <<NGINX
worker_processes 2; daemon off; pid $work/nginx.pid; error_log $work/nginx.err;
events { worker_connections 1024; }
http { access_log off; server { listen 127.0.0.1:$nport; root $work/www; } }
NGINX
nginx -c "$work/nginx.conf" -p "$work" &
nginx_pid=$!
sleep 0.5

measure() { # name url [extra wrk args...]
  local name=$1 url=$2; shift 2
  local out; out=$(wrk -t2 -c"$CONNS" -d"$DURATION" --latency "$@" "$url")
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  printf '%-28s %12s %10s %10s\n' "$name" "$rps" "$p50" "$p99"

  echo "$name $rps" >> "$work/results"
}
printf '%-28s %12s %10s %10s\n' scenario 'req/s' p50 p99
N=$N SEED=$SEED measure "lookup (HTML)" "$base" -s bench/lookup.lua
N=$N SEED=$SEED ACCEPT=json measure "lookup (JSON)" "$base" -s bench/lookup.lua
measure "smallest route /healthz" "$base/healthz"
measure "nginx static, same size" "http://127.0.0.1:$nport/page.html"
peak=$(awk '/VmHWM/ {print $2, $3}' /proc/$server_pid/status)
echo "server peak memory (VmHWM): $peak; lookup page: $(wc -c < "$work/page.html") bytes; cases: $N"
awk '{r[$1" "$2]=$NF} END {
  h=r["lookup (HTML)"]; j=r["lookup (JSON)"]; s=r["smallest route"]; n=r["nginx static,"];
  printf "ratios: lookup HTML / healthz %.2f, lookup HTML / nginx %.2f, lookup JSON / nginx %.2f\n", h/s, h/n, j/n }' "$work/results"
