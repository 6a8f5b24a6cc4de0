#!/usr/bin/env bash
# run.sh - runs one test program against a private PostgreSQL cluster (tests/pg/cluster.sh):
# starts the cluster with a fresh database, exports BIANMIN_TEST_PG_URL (and
# BIANMIN_TEST_PG_DIR, for tests that create more databases with cluster.sh createdb), runs
#   tests/pg/run.sh PROGRAM [ARGS...]
# and stops and removes the cluster whatever the outcome. The exit status is the program's.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# /tmp, not $TMPDIR: the server may run as the postgres user, who must reach the folder.
dir="$(mktemp -d /tmp/bianmin-pg-XXXXXX)"
trap '"$here/cluster.sh" stop "$dir"' EXIT
url="$("$here/cluster.sh" start "$dir")"
export BIANMIN_TEST_PG_URL="$url"
export BIANMIN_TEST_PG_DIR="$dir"
set +e
"$@"
status=$?
set -e
if [ "$status" -ne 0 ] && [ -f "$dir/server.log" ]; then
  echo "--- server log (last 40 lines) ---" >&2
  tail -n 40 "$dir/server.log" >&2
fi
exit "$status"
