#!/usr/bin/env bash
# fuzz.sh [SECONDS] - builds the libFuzzer targets (preset fuzz, clang) and runs each for
# SECONDS (default 60) on a copy of its seed corpus (tests/fuzz/corpus/<target>/ when present).
# A crash leaves its input in build/fuzz/crashes/; turn it into a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j2
mkdir -p build/fuzz/crashes
status=0
for src in tests/fuzz/fuzz_*.c; do
  name=$(basename "$src" .c)
  corpus=build/fuzz/corpus/$name
  mkdir -p "$corpus"
  [ -d "tests/fuzz/corpus/$name" ] && cp -n tests/fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null || true
  echo "fuzz: $name for ${seconds}s"
  if ! build/fuzz/tests/"$name" -max_total_time="$seconds" -artifact_prefix=build/fuzz/crashes/"$name"- \
      "$corpus" >"build/fuzz/$name.log" 2>&1; then
    echo "fuzz: $name FOUND A PROBLEM (see build/fuzz/$name.log)"
    status=1
  fi
done
exit $status
