#!/usr/bin/env bash
# pg-test-db.sh [N] - what a PostgreSQL test costs before it runs, the two ways tests/pg/run.sh
# can give it a database, each N times (default 10) in this run:
#   cluster   a private cluster per test (the fallback, and what every pg/ test did before the
#             CTest fixture pg_cluster): tests/pg/cluster.sh start + stop
#   database  a fresh database in the run's one cluster (what run.sh does under CTest):
#             tests/pg/cluster.sh createdb + dropdbs, in a cluster started once outside the loop
# Prints seconds per test for each and the ratio cluster / database. Needs the PostgreSQL 15
# server (scripts/setup.sh --test). Not a test: figures vary by machine and load.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10}
shared=$(mktemp -d /tmp/bianmin-pg-XXXXXX) # /tmp: the cluster may run as the postgres user
trap 'tests/pg/cluster.sh stop "$shared" || true' EXIT

now() { date +%s.%N; }

t0=$(now)
for _ in $(seq 1 "$N"); do
  dir=$(mktemp -d /tmp/bianmin-pg-XXXXXX)
  tests/pg/cluster.sh start "$dir" >/dev/null
  tests/pg/cluster.sh stop "$dir"
done
t1=$(now)

tests/pg/cluster.sh start "$shared" >/dev/null
t2=$(now)
for i in $(seq 1 "$N"); do
  tests/pg/cluster.sh createdb "$shared" "bench_db_$i" >/dev/null
  tests/pg/cluster.sh dropdbs "$shared" "bench_db_$i"
done
t3=$(now)

awk -v n="$N" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" 'BEGIN {
  cluster = (b - a) / n; database = (d - c) / n
  printf "bench/pg-test-db: %d each; load average %s\n", n, "'"$(cut -d' ' -f1-3 /proc/loadavg)"'"
  printf "cluster   %6.2f s per test (initdb, start, stop, remove)\n", cluster
  printf "database  %6.2f s per test (createdb, drop)\n", database
  printf "ratio     %6.1f x\n", cluster / database
}'
