#!/usr/bin/env bash
# fixture.sh - one PostgreSQL cluster per CTest run (the CTest fixture `pg_cluster`, see
# tests/CMakeLists.txt): the tests pg/cluster/start and pg/cluster/stop run
#   tests/pg/fixture.sh setup STATE_DIR
#   tests/pg/fixture.sh cleanup STATE_DIR
# before and after every test that needs the cluster; tests/pg/run.sh finds it and gives each
# test its own fresh database in it.
#
# STATE_DIR (in the build tree) holds one file per running ctest, named by the ctest process's
# id (the parent of every test CTest starts, $PPID here and in run.sh), holding the cluster's
# folder under /tmp. Keying by ctest's id lets two ctest runs of one build tree run at once.
# setup first removes what a killed run left: every file whose ctest is gone, with its cluster
# (stopped and removed). cleanup stops and removes this run's cluster; CTest runs it after the
# last test that needs the cluster, whether the tests passed or not.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cmd="${1:-}"
state_dir="${2:-}"
[ -n "$cmd" ] && [ -n "$state_dir" ] || { echo "usage: $0 setup|cleanup STATE_DIR" >&2; exit 2; }
ctest_pid="$PPID"

is_ctest() { # whether process $1 is alive and a ctest (process ids are reused)
  [ -r "/proc/$1/comm" ] && [ "$(cat "/proc/$1/comm" 2>/dev/null)" = ctest ]
}

remove_cluster() { # stops the cluster named in state file $1 and removes both
  local dir
  dir="$(cat "$1" 2>/dev/null || true)"
  case "$dir" in
  /tmp/bianmin-pg-*) "$here/cluster.sh" stop "$dir" || true ;;
  esac
  rm -f "$1"
}

setup() {
  mkdir -p "$state_dir"
  local file pid dir
  for file in "$state_dir"/*; do
    [ -f "$file" ] || continue
    pid="$(basename "$file")"
    if [ "$pid" = "$ctest_pid" ] || ! is_ctest "$pid"; then
      echo "fixture.sh: removing the cluster of an earlier run (ctest $pid)" >&2
      remove_cluster "$file"
    fi
  done
  # /tmp, not $TMPDIR: the server may run as the postgres user, who must reach the folder.
  dir="$(mktemp -d /tmp/bianmin-pg-XXXXXX)"
  echo "$dir" >"$state_dir/$ctest_pid"
  if ! "$here/cluster.sh" start "$dir" >/dev/null; then
    remove_cluster "$state_dir/$ctest_pid"
    exit 1
  fi
  echo "cluster for ctest $ctest_pid in $dir: $(cat "$dir/url")"
}

cleanup() {
  [ -f "$state_dir/$ctest_pid" ] || { echo "fixture.sh: no cluster for ctest $ctest_pid"; exit 0; }
  remove_cluster "$state_dir/$ctest_pid"
}

case "$cmd" in
setup) setup ;;
cleanup) cleanup ;;
*) echo "usage: $0 setup|cleanup STATE_DIR" >&2; exit 2 ;;
esac
