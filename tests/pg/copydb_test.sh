#!/usr/bin/env bash
# copydb_test.sh - `bianmin copy-db` (run through tests/pg/run.sh, BIANMIN_EXE set by CTest):
# the demo on SQLite is copied to the empty PostgreSQL database with every count checked; a
# second copy is refused; the audit chain verifies on PostgreSQL; searches served from either
# database find the same pages; and the data copies back to a new SQLite file intact.
set -euo pipefail
: "${BIANMIN_EXE:?}" "${BIANMIN_TEST_PG_URL:?}" "${BIANMIN_SOURCE_DIR:?}" "${BIANMIN_BINARY_DIR:?}"
work="$(mktemp -d /tmp/bianmin-copydb-XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
export BIANMIN_SECRET_KEY=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
export BIANMIN_TEMPLATES="$BIANMIN_SOURCE_DIR/templates" BIANMIN_STATIC="$BIANMIN_SOURCE_DIR/static"
export BIANMIN_LOCALE="$BIANMIN_BINARY_DIR/locale"
cd "$BIANMIN_SOURCE_DIR"
fail() { echo "copydb_test: $*" >&2; exit 1; }

"$BIANMIN_EXE" demo --db "sqlite:$work/office.db" >/dev/null 2>&1 || fail "demo failed"
out="$("$BIANMIN_EXE" copy-db --from "sqlite:$work/office.db" --to "$BIANMIN_TEST_PG_URL")" ||
  fail "copy-db to PostgreSQL failed"
grep -q "every count checked" <<<"$out" || fail "no count check in: $out"
grep -Eq "^  offices +5$" <<<"$out" || fail "expected 5 offices in: $out"

if "$BIANMIN_EXE" copy-db --from "sqlite:$work/office.db" --to "$BIANMIN_TEST_PG_URL" \
  >/dev/null 2>"$work/refused"; then
  fail "a second copy into a non-empty database was not refused"
fi
grep -q "target is not empty" "$work/refused" || fail "unexpected refusal: $(cat "$work/refused")"

"$BIANMIN_EXE" audit-verify --db "$BIANMIN_TEST_PG_URL" >/dev/null || fail "audit chain broken"

serve() { # db name -> port
  "$BIANMIN_EXE" serve --db "$1" --listen 127.0.0.1:0 --port-file "$work/$2.port" \
    >"$work/$2.log" 2>&1 &
  pids+=($!)
  local deadline=$((SECONDS + 60)) # a generous bound for a loaded machine
  until [ -s "$work/$2.port" ] || [ "$SECONDS" -ge "$deadline" ]; do sleep 0.05; done
  [ -s "$work/$2.port" ] || fail "$2 did not start: $(cat "$work/$2.log")"
}
serve "sqlite:$work/office.db" sqlite
serve "$BIANMIN_TEST_PG_URL" pg
hits() { # port query -> sorted result links
  curl -fsS -H 'Accept: application/json' \
    "http://127.0.0.1:$1/o/xinxing/search?q=$2" | grep -o '"href":"/o/xinxing/[^"]*"' | sort
}
for q in '%E8%B2%B7%E8%B3%A3+%E9%81%8E%E6%88%B6' '%E6%8A%BC' 'mort' '%E6%AC%8A%E7%8B%80' \
  'transcript' '%E8%AC%84%E6%9C%AC'; do
  a="$(hits "$(cat "$work/sqlite.port")" "$q")"
  b="$(hits "$(cat "$work/pg.port")" "$q")"
  [ -n "$a" ] || fail "no results for $q on SQLite"
  [ "$a" = "$b" ] || fail "search $q differs: SQLite [$a] PostgreSQL [$b]"
done

"$BIANMIN_EXE" copy-db --from "$BIANMIN_TEST_PG_URL" --to "sqlite:$work/back.db" >/dev/null ||
  fail "copy-db back to SQLite failed"
"$BIANMIN_EXE" audit-verify --db "sqlite:$work/back.db" >/dev/null || fail "audit chain broken"
echo "copydb_test: ok"
