#!/usr/bin/env bash
# ceiling.sh [N] - the most a progress lookup could reach against /healthz on this machine, if
# reading the case and building its page cost nothing (issue 14's "≥ 0.5× /healthz"). The same
# server answers, alternated over ROUNDS (3) rounds of DURATION (5s) each:
#   /healthz                    (a few bytes);
#   /static/ceiling.css         a file of exactly the HTML lookup's answer size, served from the
#                               server's in-memory static folder: no database, no view, no
#                               template; only the HTTP exchange of an answer that size;
#   the HTML progress lookup    random generated cases among N (100,000), as bench/run.sh.
# All three go through the same wrk script (paths.lua), so the load generator spends the same
# per request on each. Prints each round's req/s and the ratios "file ÷ /healthz" (the
# ceiling), "lookup ÷ /healthz" and "lookup ÷ file". Not a test: figures vary by machine.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
N=${1:-100000} SEED=${SEED:-42} ROUNDS=${ROUNDS:-3}
export SEED DURATION=${DURATION:-5s}
bench_init
bench_db "$work/db" "$N" "$SEED"
bench_samples "$work/db" "$work/samples.txt"
awk '{printf "/o/%s/progress?number=%s&check=%s\n", $1, $2, $3}' "$work/samples.txt" \
  > "$work/lookups.txt"
mkdir -p "$work/static"
cp -r static/. "$work/static/"
export BIANMIN_STATIC=$work/static
bench_serve "$work/db"
bytes=$(size_of "$base$(head -1 "$work/lookups.txt")")
bench_stop
# the file of the lookup's size, then the server again so that it reads the folder with it
head -c "$bytes" /dev/zero | tr '\0' 'x' > "$work/static/ceiling.css"
bench_serve "$work/db"
[ "$(size_of "$base/static/ceiling.css")" = "$bytes" ] || { echo "ceiling: the file is not served"; exit 1; }
for _ in $(seq 100); do echo /healthz; done > "$work/healthz.txt"
for _ in $(seq 100); do echo /static/ceiling.css; done > "$work/file.txt"

echo "ceiling: $N cases, an answer of $bytes bytes, $ROUNDS rounds of $DURATION, wrk ${THREADS:-2} threads, ${CONNS:-32} connections"
for r in $(seq "$ROUNDS"); do
  PATHS=$work/healthz.txt bench_wrk "healthz $r" "$base" -s bench/paths.lua
  PATHS=$work/file.txt bench_wrk "file $r" "$base" -s bench/paths.lua
  PATHS=$work/lookups.txt bench_wrk "lookup $r" "$base" -s bench/paths.lua
done
awk -F'|' -v rounds="$ROUNDS" '
  { rps[$1] = $2; err += $5 }
  END {
    printf "%-6s %10s %10s %10s %14s %16s %14s\n", "round", "/healthz", "file", "lookup",
      "file÷/healthz", "lookup÷/healthz", "lookup÷file"
    for (r = 1; r <= rounds; r++) {
      h = rps["healthz " r]; f = rps["file " r]; l = rps["lookup " r]
      printf "%-6d %10.0f %10.0f %10.0f %14.3f %16.3f %14.3f\n", r, h, f, l, f / h, l / h, l / f
      sh += h; sf += f; sl += l
    }
    printf "%-6s %10.0f %10.0f %10.0f %14.3f %16.3f %14.3f\n", "all", sh / rounds, sf / rounds,
      sl / rounds, sf / sh, sl / sh, sl / sf
    if (err) printf "ceiling: %d errors (see the wrk output)\n", err
  }' "$work/results"
