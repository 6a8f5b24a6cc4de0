#!/usr/bin/env bash
# soak.sh [MINUTES] - mixed load for MINUTES (default 10) on the demo offices plus N generated
# cases (N from the environment, default 100,000): public lookups (HTML and JSON), service
# pages, FAQ and office searches, handlers' and supervisors' work lists and counter intake
# (bench/mixed.lua, 16 connections), and beside it one client walking cases through the whole
# workflow: intake, the case page, every status move, a correction on every fifth case, pickup
# (bench/workflow.lua). The deadline scanner runs as in production. The server's RSS is sampled
# every 10 s. At the end: requests, errors (socket errors and answers other than 2xx/3xx, which
# must be none), cases created and closed, RSS first/last/max and whether memory is stable (the
# last third's trend below 0.5% of the RSS a minute, or 0.25 MiB a minute). Exit status 1 when
# there were errors or memory grew. Environment as bench/run.sh (SEED, BENCH_CACHE, NO_SETUP).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
MINUTES=${1:-10} N=${N:-100000} SEED=${SEED:-42}
export SEED
bench_init
bench_db "$work/db" "$N" "$SEED"
bench_serve "$work/db"
bench_samples "$work/db" "$work/samples.txt"
sqlite3 -separator '' "$work/db" "SELECT '/o/', o.slug, '/services/', s.slug FROM services s
  JOIN offices o ON o.id = s.office_id WHERE s.published = 1" > "$work/pages.txt"
for q in 登記 謄本 鑑界 抵押權 申請 補貼 敬老; do
  e=$(urlencode "$q")
  for o in xinxing hsinchu anle kh-udd niaosong; do
    echo "/o/$o/faq?q=$e"; echo "/o/$o/search?q=$e"
  done
done >> "$work/pages.txt"
read -r cookie_h _ < <(bench_login xinxing-registration-h1)
read -r cookie_s csrf_s < <(bench_login xinxing-registration-sup)
read -r cookie_w csrf_w < <(bench_login hsinchu-registration-sup)
unit_services() {
  sqlite3 "$work/db" "SELECT group_concat(s.id) FROM services s JOIN offices o ON o.id =
    s.office_id WHERE o.slug = '$1' AND s.published = 1 AND s.unit_id = (SELECT id FROM units
    WHERE office_id = o.id AND code = 'registration') AND s.time_limit_minutes > 0"
}
cases_before=$(sqlite3 "$work/db" "SELECT count(*) FROM cases")
closed_before=$(sqlite3 "$work/db" "SELECT count(*) FROM cases WHERE status = 'closed'")

echo "soak: $MINUTES minutes of mixed load on $N cases; RSS every 10 s"
secs=$(awk -v m="$MINUTES" 'BEGIN {print int(m * 60)}')
SAMPLES=$work/samples.txt PATHS=$work/pages.txt COOKIE_H=$cookie_h COOKIE_S=$cookie_s \
  CSRF_S=$csrf_s SERVICES=$(unit_services xinxing) \
  nice wrk -t2 -c16 -d"${secs}s" --timeout 10s --latency -s bench/mixed.lua "$base" \
  > "$work/mixed.txt" 2>&1 &
mixed_pid=$!
COOKIE=$cookie_w CSRF=$csrf_w SERVICES=$(unit_services hsinchu) \
  nice wrk -t1 -c1 -d"${secs}s" --timeout 10s -s bench/workflow.lua "$base" \
  > "$work/workflow.txt" 2>&1 &
flow_pid=$!
t0=$(date +%s)
: > "$work/rss"
while kill -0 "$mixed_pid" 2>/dev/null || kill -0 "$flow_pid" 2>/dev/null; do
  echo "$(( $(date +%s) - t0 )) $(rss_kib)" >> "$work/rss"
  sleep 10
done
wait "$mixed_pid" || true
wait "$flow_pid" || true
alive=yes
kill -0 "$server_pid" 2>/dev/null || alive=no

count() { # FILE: requests, errors
  awk '/requests in/ {r = $1} /Socket errors/ {gsub(",", ""); e += $4 + $6 + $8 + $10}
    /Non-2xx/ {e += $NF} END {print r + 0, e + 0}' "$1"
}
read -r mixed_req mixed_err < <(count "$work/mixed.txt")
read -r flow_req flow_err < <(count "$work/workflow.txt")
created=$(( $(sqlite3 "$work/db" "SELECT count(*) FROM cases") - cases_before ))
closed=$(( $(sqlite3 "$work/db" "SELECT count(*) FROM cases WHERE status = 'closed'") - closed_before ))
p99=$(awk '$1 == "99%" {print $2}' "$work/mixed.txt")
rps=$(awk '/Requests\/sec/ {print $2}' "$work/mixed.txt")
server_errors=$(grep -c -i "error" "$work/server.log" || true)

echo "mixed load: $mixed_req requests ($rps req/s, p99 $p99), $mixed_err errors"
echo "workflow:   $flow_req requests, $flow_err errors; cases created $created, closed $closed"
echo "server log: $server_errors error lines; server alive at the end: $alive"
awk -v minutes="$MINUTES" '
  { t[NR] = $1; r[NR] = $2 / 1024; if (NR == 1 || r[NR] > max) max = r[NR] }
  END {
    n = NR; s = int(2 * n / 3) + 1; k = n - s + 1
    for (i = s; i <= n; i++) { mt += t[i]; mr += r[i] }
    mt /= k; mr /= k
    for (i = s; i <= n; i++) { sxy += (t[i] - mt) * (r[i] - mr); sxx += (t[i] - mt) ^ 2 }
    slope = sxx ? sxy / sxx * 60 : 0
    limit = mr * 0.005; if (limit < 0.25) limit = 0.25
    printf "RSS: first %.1f MiB, last %.1f MiB, max %.1f MiB over %d samples; last third %+.3f MiB/min (limit %.2f): %s\n",
      r[1], r[n], max, n, slope, limit, slope <= limit ? "stable" : "GROWING"
    exit slope <= limit ? 0 : 3
  }' "$work/rss" && stable=1 || stable=0
printf 'soak|%s|%s|%s|%s|%s|%s|%s|%s\n' "$MINUTES" "$N" "$((mixed_req + flow_req))" \
  "$((mixed_err + flow_err))" "$created" "$closed" "$(awk 'NR == 1 {f = $2} {l = $2; if ($2 > m) m = $2}
  END {printf "%.1f/%.1f/%.1f", f / 1024, l / 1024, m / 1024}' "$work/rss")" "$stable" \
  >> "${RESULTS:-/dev/null}"
if [ "$((mixed_err + flow_err))" -ne 0 ] || [ "$stable" -ne 1 ] || [ "$alive" != yes ]; then
  echo "soak: FAILED"
  exit 1
fi
echo "soak: passed (zero errors, memory stable)"
