#!/usr/bin/env bash
# cpu-per-request.sh [EXE] - the server's CPU time per request, user and system apart, for
# /healthz, a static file and random HTML lookups among CASES (100,000) generated cases: wrk
# (1 thread, 4 connections, DURATION 4s) drives each, and the server process's utime and stime
# (/proc/<pid>/stat) before and after are divided by the requests answered. CPU time, unlike
# throughput, is little moved by other work on the machine. Needs wrk, curl, sqlite3.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
EXE=$(realpath "${1:-build/release/bianmin}")
export EXE
. bench/lib.sh
CASES=${CASES:-100000} SEED=${SEED:-42} DURATION=${DURATION:-4s}
bench_init
bench_db "$work/db" "$CASES" "$SEED"
bench_samples "$work/db" "$work/samples" 20000
awk '{printf "/o/%s/progress?number=%s&check=%s\n", $1, $2, $3}' "$work/samples" > "$work/lookup.txt"
echo /healthz > "$work/healthz.txt"
bench_serve "$work/db"
# A static file near the lookup page's size (about 6 KB), so that the two differ in work, not bytes.
curl -s "$base/o/$(awk 'NR == 1 {print $1}' "$work/samples")/queue" | grep -o '/static/js/queue[^"]*' | head -1 > "$work/static.txt"
vcsw() { cat /proc/"$server_pid"/task/*/status | awk '/^voluntary_ctxt/ {s += $2} END {print s}'; }
tck=$(getconf CLK_TCK)
for name in healthz static lookup; do
  PATHS="$work/$name.txt" wrk -t1 -c4 -d1s -s bench/paths.lua "$base" >/dev/null 2>&1
  read -r u0 s0 f0 < <(awk '{print $14, $15, $10}' "/proc/$server_pid/stat"); c0=$(vcsw)
  out=$(PATHS="$work/$name.txt" wrk -t1 -c4 -d"$DURATION" -s bench/paths.lua "$base" 2>&1)
  read -r u1 s1 f1 < <(awk '{print $14, $15, $10}' "/proc/$server_pid/stat"); c1=$(vcsw)
  n=$(echo "$out" | awk '/requests in/ {print $1}')
  awk -v name="$name" -v n="$n" -v u=$((u1 - u0)) -v s=$((s1 - s0)) -v t="$tck" -v f=$((f1 - f0)) -v c=$((c1 - c0)) 'BEGIN {
    printf "bench/cpu-per-request: %-8s %8d requests  user %6.1f us  system %6.1f us  total %6.1f us  page faults %.2f  switches %.2f\n",
      name, n, u * 1e6 / t / n, s * 1e6 / t / n, (u + s) * 1e6 / t / n, f / n, c / n }'
done
bench_stop
