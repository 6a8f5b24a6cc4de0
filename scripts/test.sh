#!/usr/bin/env bash
# test.sh - command two: set up, build and run every test, twice: an optimised build with
# warnings as errors (preset ci), then the whole suite again under ASan + UBSan (preset dev).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

for preset in ci dev; do
  echo "=== build and test: preset $preset ==="
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j2
  ctest --preset "$preset"
done
