#!/usr/bin/env bash
# scanner.sh [SIZES...] - what one pass of the deadline scanner costs (the work `bianmin serve`
# does each minute: due states of open cases, pickup reminders, expired payments) as the table
# grows: for each size (default 10000 100000 1000000 cases on top of the demo offices) the
# instructions of one pass (valgrind callgrind, `scanner_run_once` only, so process start-up,
# keys and calendar are left out) and its wall time (best of 3 runs of `bianmin scan`, start-up
# included), after one settling pass (the first pass on a generated database records the due
# states and reminders that came due since generation). Each row also gives the ratio to the
# pass at the smallest size: a scanner that reads only what can change stays near 1.
#
# BEFORE_EXE=path/to/older/bianmin measures that binary too, the way an upgrade goes: the
# database is made with the older binary's schema (bench/gen-cases.sh adapts), the older binary
# measured, then the current one migrates it (`bianmin init`) and is measured on the same data.
# BEFORE_CACHE is BENCH_CACHE for those older databases (kept apart: their schema is older).
# EXE overrides the current binary (default build/release/bianmin). Environment as
# bench/run.sh (SEED, BENCH_CACHE, NO_SETUP). Needs valgrind and sqlite3.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
SEED=${SEED:-42}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000)
bench_init
exe=${EXE:-$exe}
current=$exe
command -v valgrind >/dev/null || { echo "bench: valgrind is needed (apt-get install valgrind)"; exit 1; }

# pass_ir EXE DB: instructions of one scanner pass.
pass_ir()
{
  local out="$work/callgrind.out"
  rm -f "$out"
  valgrind --tool=callgrind --callgrind-out-file="$out" --toggle-collect=scanner_run_once \
    "$1" scan --db "$2" >/dev/null 2>"$work/valgrind.log" || { cat "$work/valgrind.log"; exit 1; }
  awk '/^(summary|totals):/ {print $2; exit}' "$out"
}

# pass_ms EXE DB: the best wall time of three `bianmin scan` runs, in ms.
pass_ms()
{
  local best="" t
  for _ in 1 2 3; do
    t=$(now_ms)
    "$1" scan --db "$2" >/dev/null
    t=$(( $(now_ms) - t ))
    if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
  done
  echo "$best"
}

# measure NAME EXE DB N: settles, measures, appends "name|n|ir|ms|open|due" to $work/scan.
measure()
{
  local name=$1 bin=$2 db=$3 n=$4 ir ms open
  "$bin" scan --db "$db" >/dev/null
  ir=$(pass_ir "$bin" "$db")
  ms=$(pass_ms "$bin" "$db")
  open=$(sqlite3 "$db" "SELECT count(*) FROM cases WHERE closed_at IS NULL")
  echo "$name|$n|$ir|$ms|$open" >> "$work/scan"
}

: > "$work/scan"
for n in "${sizes[@]}"; do
  rm -f "$work"/db* "$work/secret.key"
  if [ -n "${BEFORE_EXE:-}" ]; then
    exe=$BEFORE_EXE
    BENCH_CACHE=${BEFORE_CACHE:-} bench_db "$work/db" "$n" "$SEED" >/dev/null
    exe=$current
    measure before "$BEFORE_EXE" "$work/db" "$n"
  else
    bench_db "$work/db" "$n" "$SEED" >/dev/null
  fi
  "$current" init --db "$work/db" >/dev/null # migrates a database made by an older binary
  measure after "$current" "$work/db" "$n"
done

awk -F'|' '
  { name[NR] = $1; n[NR] = $2; ir[NR] = $3; ms[NR] = $4; open[NR] = $5
    if (!($1 in first)) first[$1] = $3
    if ($1 == "before") before[$2] = $3 }
  END {
    printf "%-8s %10s %8s %16s %10s %12s %12s\n", "binary", "cases", "open", "instructions",
      "wall ms", "÷ smallest", "÷ before"
    for (i = 1; i <= NR; i++)
      printf "%-8s %10d %8d %16.0f %10d %12.2f %12s\n", name[i], n[i], open[i], ir[i], ms[i],
        ir[i] / first[name[i]], before[n[i]] ? sprintf("%.4f", ir[i] / before[n[i]]) : ""
  }' "$work/scan"
