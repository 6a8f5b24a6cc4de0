#!/usr/bin/env bash
# queue.sh - counter queues (issue 18): how long a call takes to reach 500 connected boards and
# phones (event streams), and how many tickets per second the server issues, with /healthz of
# the same server in the same run as the reference.
#
#   bench/queue.sh                      release build (bench_init), 500 streams, 10 s of wrk
#   NO_SETUP=1 EXE=build/ci/bianmin STREAMS=200 SECONDS_RUN=5 bench/queue.sh
#
# The call is made through HTTP as a clerk would (POST /staff/queue/call); the board feed polls
# the database every 500 ms, so the time includes up to half a second of waiting for the poll.
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
STREAMS=${STREAMS:-500}
SECONDS_RUN=${SECONDS_RUN:-10}

bench_init
db="$work/db.sqlite"
$exe demo --db "$db" >/dev/null 2>&1
cat > "$work/bench.ini" <<INI
[server]
max_connections = $((STREAMS + 200))
per_ip_connections = $((STREAMS + 100))
INI
rm -f "$work/port"
BIANMIN_RATE_LOOKUP=1000000 BIANMIN_RATE_PUBLIC=1000000 BIANMIN_RATE_LOGIN=1000000 \
  BIANMIN_LOG_LEVEL=error BIANMIN_SECRET_KEY_FILE="$work/secret.key" \
  $exe serve --config "$work/bench.ini" --db "$db" --listen 127.0.0.1:0 --port-file "$work/port" \
  2>>"$work/server.log" &
server_pid=$!
for _ in $(seq 3000); do [ -s "$work/port" ] && curl -fs -o /dev/null "http://127.0.0.1:$(cat "$work/port")/healthz" && break; sleep 0.01; done
port=$(cat "$work/port")
base="http://127.0.0.1:$port"

# A ticket to call, a clerk at counter 1 of xinxing.
jar="$work/citizen"
curl -s -c "$jar" -o "$work/ready.html" "$base/o/xinxing/queue?service=1"
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$work/ready.html" | head -1)
anon=$(awk '$6 == "bm_csrf" {print $7}' "$jar")
curl -s -b "$jar" -o /dev/null --data "csrf=$csrf&service=1&channel=kiosk&priority=" "$base/o/xinxing/queue/take"
read -r session token <<<"$(bench_login xinxing-clerk)"
counter=$(curl -s -H 'Accept: application/json' -b "$session" "$base/staff/queue" |
  python3 -c 'import json,sys; v=json.load(sys.stdin); print([c["id"] for c in v["counters"] if c["number"]=="1"][0])')
curl -s -b "$session" -o /dev/null --data "csrf=$token&counter=$counter&status=open" "$base/staff/queue/counter"
after=$(curl -s -H 'Accept: application/json' "$base/o/xinxing/queue/board" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["last_event"])')

echo "== a call reaching $STREAMS event streams"
python3 bench/queue_boards.py 127.0.0.1 "$port" xinxing "$after" "$STREAMS" \
  curl -s -b "$session" -o /dev/null --data "csrf=$token&counter=$counter" "$base/staff/queue/call"
echo "server threads=$(awk '/^Threads/ {print $2}' "/proc/$server_pid/status") rss_kib=$(rss_kib) (after the streams closed)"

echo "== tickets issued per second ($SECONDS_RUN s, 2 threads, 16 connections)"
services=$(curl -s -H 'Accept: application/json' "$base/o/xinxing/queue" | python3 -c '
import json, sys
v = json.load(sys.stdin)
print(",".join(s["href"].split("service=")[1] for q in v["queues"] for s in q["services"]))')
take=$(COOKIE="bm_csrf=$anon" CSRF="$csrf" SERVICES="$services" OFFICE=xinxing \
  wrk -t2 -c16 -d"${SECONDS_RUN}s" -s bench/take.lua "$base" | awk '/Requests\/sec/ {print $2}')
health=$(wrk -t2 -c16 -d"${SECONDS_RUN}s" "$base/healthz" | awk '/Requests\/sec/ {print $2}')
issued=$(sqlite3 "$db" "SELECT count(*) FROM tickets")
echo "take_rps=$take healthz_rps=$health ratio=$(python3 -c "print(f'{$take / $health:.3f}')") tickets_in_db=$issued"
