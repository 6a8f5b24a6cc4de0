#!/usr/bin/env bash
# growth.sh [SIZES...] - how cost grows with the number of cases: for each size (default
# 0 10000 100000 1000000 cases on top of the demo offices) the start-up time (process start
# until /healthz answers), memory at rest (after start, and idle after the load), and for sizes
# above 0 the public progress lookup (HTML) and a handler's work list, next to /healthz of the
# same server. Environment as bench/run.sh (SEED, DURATION, CONNS, BENCH_CACHE, RESULTS).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
SEED=${SEED:-42}
export SEED
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(0 10000 100000 1000000)
bench_init

printf '%-10s %9s %9s %9s | %9s %8s %8s | %9s %8s %8s | %9s\n' cases start-ms rest-MiB warm-MiB \
  lookup/s p50-ms p99-ms list/s p50-ms p99-ms healthz/s
for n in "${sizes[@]}"; do
  rm -f "$work/db" "$work/db-wal" "$work/db-shm" "$work/secret.key"
  : > "$work/results"
  bench_db "$work/db" "$n" "$SEED" >/dev/null
  sqlite3 "$work/db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
  sync
  bench_serve "$work/db"
  rest=$(rss_kib)
  if [ "$n" -gt 0 ]; then
    bench_samples "$work/db" "$work/samples.txt"
    read -r cookie _ < <(bench_login xinxing-registration-h1)
    echo "/staff/cases" > "$work/mine.txt"
    bench_wrk healthz "$base/healthz"
    SAMPLES=$work/samples.txt bench_wrk lookup "$base" -s bench/lookup.lua
    COOKIE=$cookie PATHS=$work/mine.txt bench_wrk list "$base" -s bench/paths.lua
    sleep 1
  fi
  warm=$(rss_kib)
  bench_stop
  awk -F'|' -v n="$n" -v start="$startup_ms" -v rest="$rest" -v warm="$warm" \
    -v res="${RESULTS:-/dev/null}" '
    { rps[$1] = $2; p50[$1] = $3; p99[$1] = $4; err += $5 }
    END {
      if (!rps["healthz"]) {
        printf "%-10s %9d %9.1f %9.1f | %9s %8s %8s | %9s %8s %8s | %9s\n", n, start, rest / 1024,
          warm / 1024, "-", "-", "-", "-", "-", "-", "-"
      } else
      printf "%-10s %9d %9.1f %9.1f | %9.0f %8.2f %8.2f | %9.0f %8.2f %8.2f | %9.0f%s\n", n, start,
        rest / 1024, warm / 1024, rps["lookup"], p50["lookup"], p99["lookup"], rps["list"],
        p50["list"], p99["list"], rps["healthz"], err ? "  (" err " errors)" : ""
      printf "growth|%s|%d|%.1f|%.1f|%.0f|%.2f|%.2f|%.0f|%.2f|%.2f|%.0f|%d\n", n, start,
        rest / 1024, warm / 1024, rps["lookup"], p50["lookup"], p99["lookup"], rps["list"],
        p50["list"], p99["list"], rps["healthz"], err >> res
    }' "$work/results" 2>/dev/null || true
done
