#!/usr/bin/env bash
# callgrind-lookup.sh [EXE] - instructions per public progress lookup (issue 14): N (300) lookups
# of random generated cases among CASES (100,000; bench/gen-cases.sh through bench_db, cached in
# BENCH_CACHE), HTML, one at a time, with the server (EXE, default build/release/bianmin) under
# valgrind's callgrind. After WARM (100) warm-up lookups the counters are zeroed; the dump's
# totals are printed per lookup: every thread but the deadline scanner's, the handler
# (progress_form), reading the case (case_public_by_number), building the view
# (case_public_tview) and rendering (render_html). The server runs one request thread, so every
# lookup after the warm-up finds its database connection open (a pool of four opened some of
# theirs inside the measurement). PATHS=FILE measures other GET paths instead (one a line),
# TOKENS=1 the progress links /p/<token> (bench_tokens), PAGES=services every published service
# page, PAGES=search or PAGES=faq the office and FAQ searches of bench/run.sh, each list cycled
# to N + WARM requests; ACCEPT=json asks for JSON answers
# (Accept: application/json). CG_KEEP=FILE keeps the callgrind dump for callgrind_annotate.
# Needs valgrind, curl, sqlite3.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
EXE=$(realpath "${1:-build/release/bianmin}")
export EXE
. bench/lib.sh
N=${N:-300} WARM=${WARM:-100} CASES=${CASES:-100000} SEED=${SEED:-42}
bench_init
bench_db "$work/db" "$CASES" "$SEED"
# cycle FILE: its lines again and again, N + WARM of them, into $work/paths.
cycle()
{
  awk -v n="$((N + WARM))" '{ line[NR] = $0 } END { for (i = 0; i < n; i++) print line[i % NR + 1] }' \
    "$1" > "$work/paths"
}
if [ -n "${TOKENS:-}" ]; then
  bench_tokens "$work/db" "$work/paths" "$((N + WARM))"
elif [ "${PAGES:-}" = services ]; then
  sqlite3 -separator '' "$work/db" "SELECT '/o/', o.slug, '/services/', s.slug FROM services s
    JOIN offices o ON o.id = s.office_id WHERE s.published = 1" > "$work/pages"
  cycle "$work/pages"
elif [ "${PAGES:-}" = search ] || [ "${PAGES:-}" = faq ]; then
  for q in 申請 補貼 敬老 調解 役男; do
    for o in kh-udd niaosong; do echo "/o/$o/$PAGES?q=$(urlencode "$q")"; done
  done > "$work/pages"
  for q in 登記 謄本 鑑界 抵押權 繼承 費用 land; do
    for o in xinxing hsinchu anle; do echo "/o/$o/$PAGES?q=$(urlencode "$q")"; done
  done >> "$work/pages"
  cycle "$work/pages"
elif [ -n "${PATHS:-}" ]; then
  cycle "$PATHS"
else
  bench_samples "$work/db" "$work/samples" "$((N + WARM))"
  awk '{printf "/o/%s/progress?number=%s&check=%s\n", $1, $2, $3}' "$work/samples" > "$work/paths"
fi
BIANMIN_THREADS=1 BIANMIN_RATE_LOOKUP=1000000 BIANMIN_RATE_PUBLIC=1000000 BIANMIN_LOG_LEVEL=error \
  BIANMIN_SECRET_KEY_FILE="$work/secret.key" valgrind --tool=callgrind \
  --callgrind-out-file="$work/cg.out" "$EXE" serve --db "$work/db" --listen 127.0.0.1:0 \
  --port-file "$work/port" 2>"$work/valgrind.log" &
server_pid=$!
for _ in $(seq 6000); do
  [ -s "$work/port" ] && curl -fs -o /dev/null "http://127.0.0.1:$(cat "$work/port")/healthz" && break
  sleep 0.1
done
base="http://127.0.0.1:$(cat "$work/port")"
accept="Accept: text/html"
[ "${ACCEPT:-}" = json ] && accept="Accept: application/json"
head -n "$WARM" "$work/paths" | while read -r p; do curl -s -o /dev/null -H "$accept" "$base$p"; done
callgrind_control -z "$server_pid" >/dev/null
tail -n +"$((WARM + 1))" "$work/paths" | head -n "$N" | while read -r p; do
  curl -s -o /dev/null -H "$accept" -w '%{http_code}\n' "$base$p"
done | sort | uniq -c | awk '{print "bench/callgrind-lookup: " $1 " answers " $2}'
callgrind_control -d "$server_pid" >/dev/null
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
server_pid=""
[ -n "${CG_KEEP:-}" ] && cp "$work/cg.out".1 "$CG_KEEP"
callgrind_annotate --inclusive=yes "$work/cg.out".1 2>/dev/null | awk -v n="$N" '
  function per(v) { gsub(",", "", v); return v / n }
  /PROGRAM TOTALS/ { total = per($1) }
  /:scanner_main / { scanner = per($1) }
  /:(progress_form|case_public_by_number|case_public_tview|render_html|on_request) / {
    match($0, /:[a-z_]+ \[/); name = substr($0, RSTART + 1, RLENGTH - 3); part[name] = per($1) }
  END {
    printf "instructions per request: %.0f (all threads but the scanner)\n", total - scanner
    for (k in part) printf "  %-24s %.0f\n", k, part[k]
  }'
