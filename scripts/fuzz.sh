#!/usr/bin/env bash
# fuzz.sh [SECONDS] [TARGET...] - builds the libFuzzer targets (preset fuzz, clang, in
# build/fuzz) and runs each (or the TARGETs named, e.g. fuzz_form) for SECONDS (default 60) on
# a working corpus seeded from tests/fuzz/corpus/<target>/. `scripts/fuzz.sh 600` is the long
# run; CI's fuzz/smoke test (preset ci) runs `scripts/fuzz.sh 6`.
# A crash leaves its input in build/fuzz/crashes/; turn it into a regression test (a unit test
# that feeds that input to the parser) and fix it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  for src in tests/fuzz/fuzz_*.c; do targets+=("$(basename "$src" .c)"); done
fi
# The fuzz build has its own environment: a CI run's ASAN_OPTIONS (abort_on_error, ...) are
# for the test programs, libFuzzer reports by itself.
unset ASAN_OPTIONS UBSAN_OPTIONS
cmake --preset fuzz >/dev/null
log=$(mktemp)
nice cmake --build --preset fuzz -j2 --target "${targets[@]}" >"$log" 2>&1 ||
  { cat "$log"; rm -f "$log"; exit 1; }
rm -f "$log"
mkdir -p build/fuzz/crashes
status=0
for name in "${targets[@]}"; do
  corpus=build/fuzz/corpus/$name
  mkdir -p "$corpus"
  [ -d "tests/fuzz/corpus/$name" ] && cp -n tests/fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null || true
  echo "fuzz: $name for ${seconds}s"
  if ! build/fuzz/tests/"$name" -max_total_time="$seconds" -print_final_stats=1 \
      -artifact_prefix=build/fuzz/crashes/"$name"- "$corpus" >"build/fuzz/$name.log" 2>&1; then
    echo "fuzz: $name FOUND A PROBLEM (see build/fuzz/$name.log):"
    grep -E 'ERROR|SUMMARY|Test unit written|deadly signal|runtime error' "build/fuzz/$name.log" | head -20
    status=1
  else
    grep -E '^stat::number_of_executed_units' "build/fuzz/$name.log" | sed "s/^/fuzz: $name /" || true
  fi
done
exit $status
