#!/usr/bin/env bash
# syscalls-lookup.sh [EXE] - system calls per public progress lookup (issue 14): wrk (1 thread,
# 4 keep-alive connections, DURATION 3s) asks random HTML lookups among CASES (100,000)
# generated cases while `strace -f -c` counts the server's calls; each call's count is divided
# by the requests answered. strace slows the server, so only the counts mean anything, not the
# times. Needs strace, wrk, curl, sqlite3.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
EXE=$(realpath "${1:-build/release/bianmin}")
export EXE
. bench/lib.sh
CASES=${CASES:-100000} SEED=${SEED:-42} DURATION=${DURATION:-3s}
bench_init
bench_db "$work/db" "$CASES" "$SEED"
bench_samples "$work/db" "$work/samples" 20000
awk '{printf "/o/%s/progress?number=%s&check=%s\n", $1, $2, $3}' "$work/samples" > "$work/lookup.txt"
bench_serve "$work/db"
PATHS="$work/lookup.txt" wrk -t1 -c4 -d1s -s bench/paths.lua "$base" >/dev/null 2>&1
strace -f -c -o "$work/strace.txt" -p "$server_pid" 2>/dev/null &
strace_pid=$!
sleep 1 # strace attaches to every thread
out=$(PATHS="$work/lookup.txt" wrk -t1 -c4 -d"$DURATION" -s bench/paths.lua "$base" 2>&1)
kill -INT "$strace_pid"
wait "$strace_pid" 2>/dev/null || true
n=$(echo "$out" | awk '/requests in/ {print $1}')
echo "bench/syscalls-lookup: $n lookups"
# strace -c lines: % time, seconds, usecs/call, calls, [errors,] syscall.
awk -v n="$n" '$4 ~ /^[0-9]+$/ && $NF ~ /^[a-z_0-9]+$/ && $NF != "total" {
    printf "  %-16s %6.2f a lookup\n", $NF, $4 / n }' "$work/strace.txt" | sort -k2 -nr
bench_stop
