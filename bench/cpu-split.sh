#!/usr/bin/env bash
# cpu-split.sh [EXE] - where a request's CPU goes under the bench's load: wrk (2 threads, CONNS
# 32 connections, DURATION 4s) drives /healthz, then random HTML lookups among CASES (100,000)
# generated cases, ROUNDS (2) times each; for each run it prints req/s and the CPU per request
# of the server (/proc/<pid>/stat, user and system) and of the client (wrk under
# /usr/bin/time). Since both share the machine's cores, the ratio of two routes' rates is the
# ratio of (server + client) CPU per request: this shows how much of a route's cost is the
# server's. Needs wrk, curl, sqlite3 and /usr/bin/time (Debian package time).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
EXE=$(realpath "${1:-build/release/bianmin}")
export EXE
. bench/lib.sh
CASES=${CASES:-100000} SEED=${SEED:-42} DURATION=${DURATION:-4s} CONNS=${CONNS:-32}
bench_init
bench_db "$work/db" "$CASES" "$SEED"
bench_samples "$work/db" "$work/samples" 20000
awk '{printf "/o/%s/progress?number=%s&check=%s\n", $1, $2, $3}' "$work/samples" > "$work/lookup"
echo /healthz > "$work/healthz"
tck=$(getconf CLK_TCK)
# run NAME: one wrk run over the paths in $work/NAME; prints the line.
run()
{
  local u0 s0 u1 s1 out n rps
  read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$server_pid/stat")
  out=$({ /usr/bin/time -f "client %U %S" env PATHS="$work/$1" \
    wrk -t2 -c"$CONNS" -d"$DURATION" -s bench/paths.lua "$base"; } 2>&1)
  read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$server_pid/stat")
  n=$(awk '/requests in/ {print $1}' <<<"$out")
  rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
  awk -v name="$1" -v n="$n" -v rps="$rps" -v u=$((u1 - u0)) -v s=$((s1 - s0)) -v t="$tck" '
    /^client / { printf "bench/cpu-split: %-8s %7d req/s  server %5.1f us (user %4.1f, system %4.1f)  client %5.1f us (user %4.1f, system %4.1f)\n",
      name, rps, (u + s) * 1e6 / t / n, u * 1e6 / t / n, s * 1e6 / t / n,
      ($2 + $3) * 1e6 / n, $2 * 1e6 / n, $3 * 1e6 / n }' <<<"$out"
}
bench_serve "$work/db"
PATHS="$work/lookup" wrk -t2 -c"$CONNS" -d1s -s bench/paths.lua "$base" >/dev/null 2>&1
for _ in $(seq "${ROUNDS:-2}"); do
  run healthz
  run lookup
done
bench_stop
