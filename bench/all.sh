#!/usr/bin/env bash
# all.sh [--quick] [--no-soak] - every benchmark in one command, then one summary table:
#   bench/run.sh N         every scenario at N cases (1,000,000; quick: 20,000), with ratios
#   bench/growth.sh SIZES  start-up, memory at rest, lookup and work list at 0, 10k, 100k, 1M
#                          cases (quick: 0, 1k, 5k, 20k)
#   bench/soak.sh MINUTES  mixed load, zero errors, stable memory (10 minutes; quick: 0.5)
#   bench/pg.sh            PostgreSQL next to SQLite, when that script exists
# --quick takes about three minutes. Generated databases are kept in BENCH_CACHE (default
# /tmp/bianmin-bench-cache, one file per size, seed and day) so a size is generated once.
# Exit status 1 when any part failed (errors in a scenario, a soak that lost requests or grew).
set -uo pipefail
cd "$(dirname "$0")/.."
quick=0 soak=1
for a in "$@"; do
  case $a in
    --quick) quick=1 ;;
    --no-soak) soak=0 ;;
    *) echo "usage: bench/all.sh [--quick] [--no-soak]" >&2; exit 2 ;;
  esac
done
export BENCH_CACHE=${BENCH_CACHE:-/tmp/bianmin-bench-cache}
export RESULTS
RESULTS=$(mktemp /tmp/bianmin-bench-results-XXXXXX)
trap 'rm -f "$RESULTS"' EXIT
if [ "$quick" = 1 ]; then
  N=20000 SIZES="0 1000 5000 20000" SOAK_MIN=0.5 SOAK_N=5000
  export DURATION=${DURATION:-3s}
else
  N=1000000 SIZES="0 10000 100000 1000000" SOAK_MIN=10 SOAK_N=100000
fi
failed=()
scripts/setup.sh --bench >/dev/null
cmake --preset release >/dev/null && nice cmake --build --preset release -j2 >/dev/null
export NO_SETUP=1
echo "== scenarios ($N cases)"
bench/run.sh "$N" || failed+=(run.sh)
echo "== growth"
# shellcheck disable=SC2086
bench/growth.sh $SIZES || failed+=(growth.sh)
if [ "$soak" = 1 ]; then
  echo "== soak"
  N=$SOAK_N bench/soak.sh "$SOAK_MIN" || failed+=(soak.sh)
fi
if [ -f bench/pg.sh ]; then
  echo "== PostgreSQL"
  bash bench/pg.sh || failed+=(pg.sh)
fi

echo
echo "== summary ($(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
awk -F'|' '
  $1 == "run" && $3 != "healthz" {
    if (!r++) printf "%-24s %9s %8s %8s %6s %9s %9s %8s %8s\n", "scenario (" $2 " cases)", "req/s",
      "p50 ms", "p99 ms", "errors", "peak MiB", "/healthz", "/hz next", "/nginx"
    printf "%-24s %9s %8s %8s %6s %9s %9s %8s %8s\n", $3, $4, $5, $6, $7, $9, $10,
      ($14 > 0 ? $14 : "-"), $11 }
  $1 == "run" && $3 == "healthz" { h = sprintf("%-24s %9s %8s %8s %6s", "healthz", $4, $5, $6, $7) }
  $1 == "start" { st = sprintf("start-up %s ms, memory at rest %s MiB, after the scenarios %s MiB", $3, $4, $5) }
  $1 == "growth" && $12 == 0 {
    g[++ng] = sprintf("%-10s %9s %9s %9s %9s %8s %9s %8s", $2, $3, $4, $5, "-", "-", "-", "-") }
  $1 == "growth" && $12 != 0 {
    g[++ng] = sprintf("%-10s %9s %9s %9s %9s %8s %9s %8s", $2, $3, $4, $5, $6, $8, $9, $11) }
  $1 == "soak" {
    split($8, m, "/")
    sk = sprintf("soak %s min on %s cases: %s requests, %s errors, %s cases created, %s closed; RSS first %s, last %s, max %s MiB: %s",
      $2, $3, $4, $5, $6, $7, m[1], m[2], m[3], $9 ? "stable" : "GROWING") }
  END {
    if (h) print h
    if (st) print st
    if (ng) {
      printf "\n%-10s %9s %9s %9s %9s %8s %9s %8s\n", "cases", "start-ms", "rest-MiB", "warm-MiB",
        "lookup/s", "p99 ms", "list/s", "p99 ms"
      for (i = 1; i <= ng; i++) print g[i]
    }
    if (sk) print "\n" sk
  }' "$RESULTS"
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
