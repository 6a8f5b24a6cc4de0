#!/usr/bin/env bash
# ab.sh - two server configurations alternated on one database, to tell a change from this
# machine's drift (issue 14): each of ROUNDS (3) rounds starts arm A, then arm B, and measures
# in each, for DURATION (4s) apiece: /healthz through the lookup's kind of Lua script, the HTML
# lookup, /healthz again and the JSON lookup; then prints every run and each arm's means.
# An arm is an environment assignment for the server (ENV_A, ENV_B, e.g. BIANMIN_THREADS=2)
# and a binary (EXE_A, EXE_B; default build/release/bianmin). Environment: CASES (100,000),
# SEED (42), BENCH_CACHE, NO_SETUP. Needs wrk, sqlite3.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
CASES=${CASES:-100000} SEED=${SEED:-42}
export DURATION=${DURATION:-4s}
bench_init
bench_db "$work/db" "$CASES" "$SEED"
bench_samples "$work/db" "$work/samples.txt"
for _ in $(seq 100); do echo /healthz; done > "$work/healthz.txt"
default_exe=$exe
for _ in $(seq "${ROUNDS:-3}"); do
  for arm in A B; do
    env_var=ENV_$arm exe_var=EXE_$arm
    assignment=${!env_var:-}
    exe=${!exe_var:-$default_exe}
    [ -n "$assignment" ] && export "${assignment?}"
    bench_serve "$work/db"
    PATHS=$work/healthz.txt bench_wrk "$arm healthz" "$base" -s bench/paths.lua
    SAMPLES=$work/samples.txt bench_wrk "$arm html" "$base" -s bench/lookup.lua
    PATHS=$work/healthz.txt bench_wrk "$arm healthz" "$base" -s bench/paths.lua
    SAMPLES=$work/samples.txt ACCEPT=json bench_wrk "$arm json" "$base" -s bench/lookup.lua \
      -H 'Accept: application/json'
    bench_stop
    [ -n "$assignment" ] && unset "${assignment%%=*}"
  done
done
awk -F'|' '{ printf "%-12s %9.0f req/s\n", $1, $2; sum[$1] += $2; n[$1]++ }
  END { for (k in sum) printf "mean %-7s %9.0f req/s over %d runs\n", k, sum[k] / n[k], n[k] }' \
  "$work/results" | sort
