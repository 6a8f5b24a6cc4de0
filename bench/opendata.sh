#!/usr/bin/env bash
# opendata.sh [CASES] - the open datasets at scale (issue 20): with CASES generated cases
# (default 100,000; bench/gen-cases.sh through bench_db, cached in BENCH_CACHE) and the
# indicators counted once (`bianmin kpi-rebuild`), it times the busiest office's public files:
# the DCAT catalogue, the case statistics as CSV, JSON and ODS, the services and FAQ as CSV,
# against the office's FAQ page measured in the same run (a page of one read, for the ratio).
# Each is asked REPEAT (11) times; the median is printed. Needs curl, sqlite3.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
EXE=$(realpath "${EXE:-build/release/bianmin}")
export EXE
. bench/lib.sh
CASES=${1:-100000} SEED=${SEED:-42} REPEAT=${REPEAT:-11}
bench_init
bench_db "$work/db" "$CASES" "$SEED"
BIANMIN_SECRET_KEY_FILE="$work/secret.key" $exe kpi-rebuild --db "$work/db" >/dev/null
bench_serve "$work/db"
median_ms() {
  for _ in $(seq "$REPEAT"); do
    curl -s -o /dev/null -w '%{time_total}\n' "$base$1"
  done | sort -n | awk '{a[NR] = $1} END {printf "%.2f", a[int((NR + 1) / 2)] * 1000}'
}
ref=$(median_ms /o/xinxing/faq)
printf 'bench/opendata: %-45s median %7.2f ms (reference)\n' /o/xinxing/faq "$ref"
for f in catalog.jsonld case-statistics.csv case-statistics.json case-statistics.ods services.csv \
  petition-statistics.csv queue-waits.csv survey-results.csv \
  faq.csv; do
  v=/o/xinxing/opendata/$f
  curl -fs -o /dev/null "$base$v" || { echo "bench/opendata: $v failed"; exit 1; }
  ms=$(median_ms "$v")
  printf 'bench/opendata: %-45s median %7.2f ms  %5.1f x the FAQ page  %8s bytes\n' "$v" "$ms" \
    "$(awk -v a="$ms" -v b="$ref" 'BEGIN {print (b > 0 ? a / b : 0)}')" "$(size_of "$base$v")"
done
rows=$(sqlite3 "$work/db" "SELECT count(*) FROM kpi_case_month WHERE office_id = (SELECT id FROM offices WHERE slug = 'xinxing')")
echo "bench/opendata: $CASES cases; the office has $rows counter rows"
bench_stop
