#!/usr/bin/env bash
# kpi.sh [CASES] - the indicators at scale (issue 20): with CASES generated cases (default
# 1,000,000; bench/gen-cases.sh through bench_db, cached in BENCH_CACHE) it times
# `bianmin kpi-rebuild` (the whole event log counted once), then the dashboard's views for a
# supervisor of the busiest office: the whole ROC year, the previous year, one month, one
# unit, one service, one channel, the CSV export and the indicators that are not cases
# (by=indicators); then, on their own, the work lists of the cases behind some figures. Each
# view is asked REPEAT (11) times after the counters are up to date; the median is printed per
# view and the dashboard's slowest median is compared with the issue's 100 ms. Needs curl,
# sqlite3. KPI_DB=file: start from a database already counted (its secret.key beside it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
EXE=$(realpath "${EXE:-build/release/bianmin}")
export EXE
. bench/lib.sh
CASES=${1:-1000000} SEED=${SEED:-42} REPEAT=${REPEAT:-11}
bench_init
if [ -n "${KPI_DB:-}" ]; then
  # a database this script counted before (KEEP=1 leaves it in its work folder): a copy of it,
  # no rebuild
  cp "$KPI_DB" "$work/db"
  cp "$(dirname "$KPI_DB")/secret.key" "$work/secret.key"
  echo "bench/kpi: counted database $KPI_DB, no rebuild"
else
  bench_db "$work/db" "$CASES" "$SEED"
  t=$(now_ms)
  BIANMIN_SECRET_KEY_FILE="$work/secret.key" $exe kpi-rebuild --db "$work/db"
  echo "bench/kpi: kpi-rebuild over $CASES cases took $(( $(now_ms) - t )) ms"
fi
bench_serve "$work/db"
read -r cookie _ < <(bench_login xinxing-registration-sup)
year=$(( $(TZ=Asia/Taipei date +%Y) - 1911 ))
unit=$(sqlite3 "$work/db" "SELECT u.id FROM units u JOIN offices o ON o.id = u.office_id WHERE o.slug = 'xinxing' ORDER BY u.id LIMIT 1")
service=$(sqlite3 "$work/db" "SELECT s.id FROM services s JOIN offices o ON o.id = s.office_id WHERE o.slug = 'xinxing' ORDER BY s.id LIMIT 1")
views=("/staff/kpi?year=$year" "/staff/kpi?year=$((year - 1))" "/staff/kpi?year=$((year - 1))&month=6"
  "/staff/kpi?year=$((year - 1))&unit=$unit" "/staff/kpi?year=$((year - 1))&service=$service"
  "/staff/kpi?year=$((year - 1))&channel=online" "/staff/kpi.csv?by=service&year=$((year - 1))")
# the indicators that are not cases (queues, surveys, petitions, quality records) as exported
views+=("/staff/kpi.csv?by=indicators&year=$((year - 1))")
# median of REPEAT asks of view $1 into $ms (after one that must answer 200)
time_view()
{
  curl -fs -o /dev/null -b "$cookie" "$base$1" || { echo "bench/kpi: $1 failed"; exit 1; }
  ms=$(for _ in $(seq "$REPEAT"); do
    curl -s -o /dev/null -b "$cookie" -w '%{time_total}\n' "$base$1"
  done | sort -n | awk '{a[NR] = $1} END {printf "%.1f", a[int((NR + 1) / 2)] * 1000}')
  printf 'bench/kpi: %-60s median %6.1f ms\n' "$1" "$ms"
}
slowest=0
for v in "${views[@]}"; do
  time_view "$v"
  slowest=$(awk -v a="$slowest" -v b="$ms" 'BEGIN {print (b > a ? b : a)}')
done
# from a figure to its cases: the work list of the cases behind a figure (not a dashboard
# view; printed on its own, no goal)
# view asked LIST_REPEAT (3) times: a month's list reads that month's status events
REPEAT=${LIST_REPEAT:-3}
for v in "/staff/cases?kpi=received&year=$((year - 1))&month=6" \
  "/staff/cases?kpi=on_time&year=$((year - 1))&month=6" \
  "/staff/cases?kpi=corrections&year=$((year - 1))&month=6" "/staff/cases?kpi=overdue&year=$year"; do
  time_view "$v"
done
rows=$(sqlite3 "$work/db" "SELECT count(*) FROM kpi_case_month")
echo "bench/kpi: $CASES cases, $rows counter rows; slowest view median $slowest ms (goal <= 100 ms): $(awk -v s="$slowest" 'BEGIN {print (s <= 100 ? "reached" : "NOT reached")}')"
bench_stop
