#!/usr/bin/env bash
# run.sh - runs one test program against PostgreSQL:
#   tests/pg/run.sh PROGRAM [ARGS...]
# Under CTest, with BIANMIN_PG_STATE set (tests/CMakeLists.txt), it uses the run's shared
# cluster (tests/pg/fixture.sh, found by the id of ctest, our parent) and gives the program a
# database of its own in it, named after the program plus a random part: exports
# BIANMIN_TEST_PG_URL (that database) and BIANMIN_TEST_PG_DIR (the cluster's folder, for tests
# that create more databases with cluster.sh createdb; they should start their names with the
# test database's name, as tests/http/harness.c does). When the program passes, every database
# whose name starts with the test's is dropped. Otherwise (by hand, or no fixture) it starts a
# private cluster (tests/pg/cluster.sh) and removes it at the end, whatever the outcome.
# On failure it prints the tail of the server log: in a shared cluster, only the lines of the
# test's own databases (the log names the database on every line). The exit status is the
# program's.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
[ "$#" -ge 1 ] || { echo "usage: $0 PROGRAM [ARGS...]" >&2; exit 2; }

state="${BIANMIN_PG_STATE:+$BIANMIN_PG_STATE/$PPID}"
if [ -n "$state" ] && [ -f "$state" ]; then
  dir="$(cat "$state")"
  # A plain identifier: the program's name in [a-z0-9_] (30 at most) and 8 random hex digits.
  base="$(basename "$1" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9_\n' '_' | cut -c1-30)"
  name="t_${base}_$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')"
  url="$("$here/cluster.sh" createdb "$dir" "$name")"
  echo "run.sh: database $name in the run's cluster $dir"
  shared=1
else
  # /tmp, not $TMPDIR: the server may run as the postgres user, who must reach the folder.
  dir="$(mktemp -d /tmp/bianmin-pg-XXXXXX)"
  trap '"$here/cluster.sh" stop "$dir"' EXIT
  url="$("$here/cluster.sh" start "$dir")"
  echo "run.sh: a private cluster in $dir"
  name=""
  shared=0
fi
export BIANMIN_TEST_PG_URL="$url"
export BIANMIN_TEST_PG_DIR="$dir"
set +e
"$@"
status=$?
set -e
if [ "$status" -ne 0 ] && [ -f "$dir/server.log" ]; then
  if [ "$shared" = 1 ]; then
    echo "--- server log: last 40 lines of databases $name* ($dir/server.log) ---" >&2
    grep -F "db=$name" "$dir/server.log" | tail -n 40 >&2 || true
  else
    echo "--- server log (last 40 lines) ---" >&2
    tail -n 40 "$dir/server.log" >&2
  fi
fi
if [ "$shared" = 1 ] && [ "$status" -eq 0 ]; then
  "$here/cluster.sh" dropdbs "$dir" "$name" >/dev/null 2>&1 ||
    echo "run.sh: could not drop the databases $name* (left for the cluster's removal)" >&2
fi
exit "$status"
