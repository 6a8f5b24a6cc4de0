#!/usr/bin/env bash
# crash-test.sh [--kills N] [--clients N] [--exe PATH] [--db postgresql://...] [--seed N] [--keep]
# Crash safety: serves the demo, runs concurrent counter intakes and case status changes, kills
# the server with SIGKILL at random moments (25 times by default) and restarts it, then checks
# that every acknowledged write is there, case numbers have no duplicates or gaps, the audit
# chain verifies and (SQLite) PRAGMA integrity_check is ok. See tests/crash/crash_test.py.
# Without --exe it uses build/release/bianmin (scripts/setup.sh builds it). CI runs a short
# variant (5 kills) as the CTest tests crash/sqlite and crash/pg (preset ci).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
exe="$here/build/release/bianmin"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --exe) exe="$2"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
[ -x "$exe" ] || { echo "crash-test: no bianmin at $exe (build it, or pass --exe)" >&2; exit 1; }
: "${BIANMIN_BINARY_DIR:=$(dirname "$exe")}"
export BIANMIN_BINARY_DIR
cd "$here"
exec /usr/bin/python3 "$here/tests/crash/crash_test.py" --exe "$exe" "${args[@]}"
