#!/usr/bin/env bash
# callgrind-intake.sh [EXE] - instructions per counter intake (issue 14: "intake at least as fast
# as today"): N (200) intakes, POST /staff/intake as bench/run.sh sends them (bench/intake.lua's
# form: a published service of xinxing's registration unit in turn, a name, no notice, one
# document ticked on paper), signed in as the unit's supervisor, one at a time, with the server
# (EXE, default build/release/bianmin) under valgrind's callgrind, on the demo offices plus CASES
# (100,000) generated cases (bench_db, cached in BENCH_CACHE). After WARM (50) warm-up intakes
# the counters are zeroed; the dump's totals are printed per intake: every thread but the
# deadline scanner's, then the main parts of the request (inclusive): the handler
# (intake_submit), the domain's transaction (fee_counter_intake, case_intake_in_tx), SQLite
# (sqlite3_step, sqlite3_prepare_v3, the commit) and rendering. A part that a build inlines is
# not listed. STMTS=1 also counts the SQL statements one intake runs (an LD_PRELOAD shim
# around sqlite3_step, compiled on the fly with cc, over the same form without valgrind) and
# prints them with their count (N=0: only that). The server runs one request thread, so every intake after the
# warm-up finds its database connection open. Needs valgrind, curl, sqlite3 (and cc for STMTS).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
EXE=$(realpath "${1:-build/release/bianmin}")
export EXE
. bench/lib.sh
N=${N:-200} WARM=${WARM:-50} CASES=${CASES:-100000} SEED=${SEED:-42}
bench_init
bench_db "$work/db" "$CASES" "$SEED"
services=$(sqlite3 "$work/db" "SELECT group_concat(s.id) FROM services s JOIN offices o ON
  o.id = s.office_id WHERE o.slug = 'xinxing' AND s.published = 1 AND s.unit_id = (SELECT id
  FROM units WHERE office_id = o.id AND code = 'registration')")
IFS=, read -r -a service_ids <<<"$services"

# intakes COUNT FIRST: COUNT intakes (service FIRST, FIRST+1, ... of the list in turn); prints
# the answers' status codes, one a line.
intakes()
{
  local i s
  for ((i = $2; i < $2 + $1; i++)); do
    s=${service_ids[$((i % ${#service_ids[@]}))]}
    curl -s -o /dev/null -w '%{http_code}\n' -b "$cookie" \
      --data "csrf=$csrf&service_id=$s&applicant_name=%E7%8E%8B%E5%B0%8F%E6%98%8E&notify=none&channel=counter&lang=zh-TW&doc_0=%E7%94%B3%E8%AB%8B%E6%9B%B8" \
      "$base/staff/intake"
  done
}

# serve PREFIX...: the server with one request thread, run through PREFIX (valgrind or env).
serve()
{
  rm -f "$work/port"
  BIANMIN_THREADS=1 BIANMIN_RATE_LOGIN=1000000 BIANMIN_RATE_PUBLIC=1000000 \
    BIANMIN_LOG_LEVEL=error BIANMIN_SECRET_KEY_FILE="$work/secret.key" \
    "$@" "$EXE" serve --db "$work/db" --listen 127.0.0.1:0 --port-file "$work/port" \
    2>"$work/server.log" &
  server_pid=$!
  for _ in $(seq 6000); do
    kill -0 "$server_pid" 2>/dev/null || { echo "bench: the server stopped"; tail -3 "$work/server.log"; exit 1; }
    [ -s "$work/port" ] && curl -fs -o /dev/null "http://127.0.0.1:$(cat "$work/port")/healthz" && break
    sleep 0.1
  done
  base="http://127.0.0.1:$(cat "$work/port")"
  read -r cookie csrf < <(bench_login xinxing-registration-sup)
}

if [ -n "${STMTS:-}" ]; then
  cat > "$work/trace.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
/* Every statement's first step after a reset: one line of its SQL on stderr (fd 2 of the
 * server, the bench's server.log), prefixed "sql: ". */
int sqlite3_step(sqlite3_stmt *s)
{
  static int (*next)(sqlite3_stmt *);
  if (!next)
    next = (int (*)(sqlite3_stmt *))dlsym(RTLD_NEXT, "sqlite3_step");
  if (!sqlite3_stmt_busy(s)) {
    const char *sql = sqlite3_sql(s);
    fputs("sql: ", stderr);
    for (; sql && *sql; sql++)
      fputc(*sql == '\n' ? ' ' : *sql, stderr);
    fputc('\n', stderr);
  }
  return next(s);
}
C
  cc -shared -fPIC -O1 -o "$work/trace.so" "$work/trace.c" -ldl
  serve env LD_PRELOAD="$work/trace.so"
  intakes 5 0 >/dev/null
  : > "$work/server.log"
  intakes 1 5 >/dev/null
  # (the log was emptied while the server held it open: it now starts with a run of NULs)
  tr -d '\000' < "$work/server.log" | grep -a '^sql: ' | sed 's/  */ /g' > "$work/sql.txt" || true
  echo "bench/callgrind-intake: $(wc -l < "$work/sql.txt") statements in one intake (services[5])"
  sed 's/^sql: /  /' "$work/sql.txt" | cut -c1-160
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
  server_pid=""
  [ "$N" -gt 0 ] || exit 0
fi

serve valgrind --tool=callgrind --callgrind-out-file="$work/cg.out"
intakes "$WARM" 0 >/dev/null
callgrind_control -z "$server_pid" >/dev/null
intakes "$N" "$WARM" | sort | uniq -c | awk '{print "bench/callgrind-intake: " $1 " answers " $2}'
callgrind_control -d "$server_pid" >/dev/null
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
server_pid=""
callgrind_annotate --inclusive=yes "$work/cg.out".1 2>/dev/null | awk -v n="$N" '
  function per(v) { gsub(",", "", v); return v / n }
  /PROGRAM TOTALS/ { total = per($1) }
  /:scanner_main / { scanner = per($1) }
  /:(on_request|intake_submit|fee_counter_intake|case_intake_in_tx|insert_case|pick_handler|build_row|personal_fields|case_documents_record|queue_ticket_case_link|audit_record|notify_case_event|owe|store_service_get|store_case_get|store_case_insert|store_case_event_add|store_office_list|store_commit|store_begin|sqlite3_step|sqlite3_prepare_v3|sqlite3_exec|http_redirect|render_html|argon2_hash|crypto_pwhash) / {
    match($0, /:[a-z0-9_]+ \[/); name = substr($0, RSTART + 1, RLENGTH - 3); part[name] = per($1) }
  END {
    printf "instructions per intake: %.0f (all threads but the scanner)\n", total - scanner
    for (k in part) printf "  %-24s %.0f\n", k, part[k] | "sort -k2 -n -r"
  }'
