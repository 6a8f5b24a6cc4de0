#!/usr/bin/env bash
# test.sh - command two: set up, build and run every test: an optimised build with warnings as
# errors (preset ci), then again under ASan + UBSan (preset dev). The sanitised pass leaves out
# the browser tests and the PostgreSQL copies of the HTTP tests (e2e/*, pg/http_*): they drive
# the same C code the ci pass and the sanitised SQLite HTTP tests already run, and the store's
# PostgreSQL code keeps its sanitised run through pg/store_suite and the other pg/ tests. It
# also leaves out gate/* and api/validate: they check the sources, the translations, the
# OpenAPI contract and the optimised program's hardening, which the ci pass already did on the
# same tree (a second run checks nothing new).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

for preset in ci dev; do
  echo "=== build and test: preset $preset ==="
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j2
  if [ "$preset" = dev ]; then
    ctest --preset "$preset" -E '^(e2e/|pg/http_|gate/|api/)'
  else
    ctest --preset "$preset"
  fi
done
