#!/usr/bin/env bash
# perf-split.sh [SCENARIO...] - where a request's time goes in real time, kernel included
# (issue 14): wrk (2 threads, 32 connections) asks one scenario for 12 s while `perf record -e
# cpu-clock` samples the server for 6 s with DWARF call stacks; prints the server's CPU per
# request in microseconds, split by system call (pread64, fcntl, futex, epoll_wait, sendmsg,
# ...), by library for user time (bianmin, SQLite, libc, libmicrohttpd, jansson), and
# inclusively by phase of the request (the case read, its end, the view, rendering, sending).
# Scenarios: html (default), json, token, service, healthz. callgrind counts instructions but
# not system calls or cache misses; this is the other half. perf's sampling adds a few per cent.
# PERF_SPLIT_TOP=N also lists the N costliest user functions (self time); PERF_SPLIT_CALLERS=f,g
# the call chains of the user functions whose names contain f or g.
# Needs perf (linux-perf), wrk, sqlite3. Environment: CASES (100,000), SEED (42), BENCH_CACHE.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
CASES=${CASES:-100000} SEED=${SEED:-42}
command -v perf >/dev/null || { echo "perf-split: needs perf (apt-get install linux-perf)"; exit 1; }
bench_init
bench_db "$work/db" "$CASES" "$SEED"
bench_samples "$work/db" "$work/samples.txt"
bench_tokens "$work/db" "$work/tokens.txt"
sqlite3 -separator '' "$work/db" "SELECT '/o/', o.slug, '/services/', s.slug FROM services s
  JOIN offices o ON o.id = s.office_id WHERE s.published = 1" > "$work/services.txt"
bench_serve "$work/db"

split_one()
{
  local scenario=$1 args=() url=$base out
  unset ACCEPT # the Lua scripts ask for JSON when it is set (the json scenario only)
  case $scenario in
    html) args=(-s bench/lookup.lua) ;;
    # lookup.lua sends its own headers (wrk's -H is then dropped): ACCEPT=json asks it for JSON
    json) export ACCEPT=json; args=(-s bench/lookup.lua) ;;
    token) export PATHS=$work/tokens.txt; args=(-s bench/paths.lua) ;;
    service) export PATHS=$work/services.txt; args=(-s bench/paths.lua) ;;
    healthz) url=$base/healthz ;;
    *) echo "perf-split: unknown scenario $scenario"; return 1 ;;
  esac
  SAMPLES=$work/samples.txt nice wrk -t2 -c32 -d12s "${args[@]}" "$url" > "$work/wrk.txt" &
  local wrk_pid=$!
  sleep 2
  perf record -q -e cpu-clock -F 1999 --call-graph dwarf,8192 -p "$server_pid" \
    -o "$work/perf.data" -- sleep 6 2>/dev/null
  wait "$wrk_pid"
  out=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
  echo "== $scenario: $out req/s under perf"
  perf script -i "$work/perf.data" 2>/dev/null | /usr/bin/python3 "$(dirname "$0")/perf_split.py" 1999 6 "$out"
}

for s in "${@:-html}"; do
  split_one "$s"
done
