#!/usr/bin/env bash
# compress-cpu.sh - what gzip'ing answers costs the server (docs/benchmarks.md, "Compressed
# answers"): valgrind callgrind instructions per progress lookup (HTML, and the same lookup as
# JSON) with and without Accept-Encoding: gzip, over the same sampled cases in one run.
#
#   bench/compress-cpu.sh [N] [REQUESTS]   (default 10,000 generated cases, 100 lookups a row;
#                                           NO_SETUP=1 skips setup and the release build,
#                                           BIANMIN_EXE=path runs another build)
#
# The server runs under callgrind with one output per thread; each row zeroes the counters,
# makes REQUESTS lookups (one curl each, random cases, the same list for every row) and dumps.
# A row's figure is the instructions of every thread but the background workers (deadline
# scanner, outbox), divided by REQUESTS; "gzip" is the part spent inside http_gzip. Instruction
# counts do not depend on machine load. Needs valgrind (apt-get install valgrind).
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init
exe=${BIANMIN_EXE:-$exe}
n=${1:-10000}
requests=${2:-100}
command -v valgrind >/dev/null || { echo "compress-cpu: valgrind is not installed"; exit 1; }

db=$work/compress.db
bench_db "$db" "$n" 14 >/dev/null
bench_samples "$db" "$work/samples.txt" "$requests"
[ -s "$work/samples.txt" ] || { echo "compress-cpu: no generated case to look up"; exit 1; }

rm -f "$work/port"
BIANMIN_RATE_LOOKUP=1000000 BIANMIN_RATE_PUBLIC=1000000 BIANMIN_LOG_LEVEL=error \
  BIANMIN_SECRET_KEY_FILE="$work/secret.key" \
  valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$work/cg.%p" \
  "$exe" serve --db "$db" --listen 127.0.0.1:0 --port-file "$work/port" 2>>"$work/server.log" &
server_pid=$!
port=""
for _ in $(seq 6000); do
  [ -s "$work/port" ] && port=$(cat "$work/port")
  [ -n "$port" ] && curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break
  sleep 0.02
done
base="http://127.0.0.1:$port"
curl -fs -o /dev/null "$base/healthz" || { echo "compress-cpu: the server did not start"; exit 1; }

# lookups ACCEPT ENCODING: one request per sampled case; prints the bytes received in total.
lookups()
{
  local accept=$1 encoding=$2 office number check total=0 size
  local -a enc=()
  [ -n "$encoding" ] && enc=(-H "Accept-Encoding: $encoding")
  while read -r office number check; do
    size=$(curl -fs -o /dev/null -w '%{size_download}' -H "Accept: $accept" "${enc[@]}" \
      "$base/o/$office/progress?number=$number&check=$check")
    total=$((total + size))
  done <"$work/samples.txt"
  echo "$total"
}

dump=0
# row NAME ACCEPT ENCODING: zero, run the lookups, dump; prints one line.
row()
{
  local name=$1 accept=$2 encoding=$3 bytes files f total=0 gzip=0 t g
  lookups "$accept" "$encoding" >/dev/null # warm-up of this kind of answer
  callgrind_control -z "$server_pid" >/dev/null 2>&1
  bytes=$(lookups "$accept" "$encoding")
  callgrind_control -d "$server_pid" >/dev/null 2>&1
  dump=$((dump + 1))
  mapfile -t files < <(ls "$work/cg.$server_pid".$dump-* 2>/dev/null || true)
  for f in "${files[@]}"; do
    grep -qE 'scanner_main|worker_main' "$f" && continue
    t=$(awk '/^(summary|totals):/ {print $2; exit}' "$f")
    g=$(callgrind_annotate --inclusive=yes --threshold=100 "$f" 2>/dev/null |
      awk '/:http_gzip / && !g {gsub(",", "", $1); g = $1} END {print g + 0}')
    total=$((total + ${t:-0})) gzip=$((gzip + ${g:-0}))
  done
  printf '  %-6s %-18s %12d %10d %8d\n' "$name" "${encoding:-(none)}" \
    $((total / requests)) $((gzip / requests)) $((bytes / requests))
}

echo "compress-cpu: $requests lookups a row among $n generated cases; $exe under callgrind"
printf '  %-6s %-18s %12s %10s %8s\n' answer Accept-Encoding instr/lookup "in gzip" bytes
row HTML text/html ""
row HTML text/html gzip
row JSON application/json ""
row JSON application/json gzip
