#!/usr/bin/env bash
# run.sh [N] - every scenario on a database of the demo offices plus N generated cases (default
# 1,000,000; bench/gen-cases.sh): the public progress lookup (HTML and JSON), service pages, the
# FAQ search, the office search, counter intake (POST, signed in), a handler's work list and a
# supervisor's unit list. Each prints requests/s, p50/p99 latency, errors, the server's peak
# memory during the scenario (VmHWM), and, measured in the same run, the ratios to the same
# server's smallest route (/healthz) and to nginx serving a static file of the same size as the
# scenario's answer, fetched once by name (as before) and once by the scenario's own requests (the
# same wrk script drawing the same paths; nginx answers every path with that file: "/ng same").
# /healthz is likewise measured twice: once by name at the start (wrk's own request loop, no
# script), and again just before each GET scenario, through the same Lua script that draws that
# scenario's paths, from a list of "/healthz" lines ("/hz next"). The second pairs each
# scenario with a reference taken seconds from it, by a load generator spending the same per
# request: wrk shares the two cores with the server, its script costs it 10-20 % of /healthz's
# rate, and this machine's speed drifts by more than that over a run's minutes.
# Also the start-up time and memory at rest.
#
# Environment: SEED (42), DURATION (10s per scenario), CONNS (32), THREADS (2), BENCH_CACHE (a
# folder keeping generated databases between runs), RESULTS (a file to append the rows to, for
# bench/all.sh), NO_SETUP (skip scripts/setup.sh and the build). Needs wrk, nginx, sqlite3
# (scripts/setup.sh --bench). Not a test: figures vary by machine, read the ratios.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
N=${1:-1000000} SEED=${SEED:-42}
export SEED
bench_init
bench_db "$work/db" "$N" "$SEED"
bench_serve "$work/db"
rest_kib=$(rss_kib)
bench_nginx

# What the scenarios ask for.
bench_samples "$work/db" "$work/samples.txt"
bench_tokens "$work/db" "$work/tokens.txt"
sqlite3 -separator '' "$work/db" "SELECT '/o/', o.slug, '/services/', s.slug FROM services s
  JOIN offices o ON o.id = s.office_id WHERE s.published = 1" > "$work/services.txt"
for q in 登記 謄本 鑑界 抵押權 繼承 費用 land; do
  e=$(urlencode "$q")
  for o in xinxing hsinchu anle; do echo "/o/$o/faq?q=$e"; done
done > "$work/faq.txt"
for q in 申請 補貼 敬老 調解 役男; do
  e=$(urlencode "$q")
  for o in kh-udd niaosong; do echo "/o/$o/faq?q=$e"; done
done >> "$work/faq.txt"
sed 's|/faq?|/search?|' "$work/faq.txt" > "$work/search.txt"
read -r handler_cookie _ < <(bench_login xinxing-registration-h1)
read -r sup_cookie sup_csrf < <(bench_login xinxing-registration-sup)
echo "/staff/cases" > "$work/mine.txt"
echo "/staff/cases?scope=unit" > "$work/unit.txt"
services=$(sqlite3 "$work/db" "SELECT group_concat(s.id) FROM services s JOIN offices o ON
  o.id = s.office_id WHERE o.slug = 'xinxing' AND s.published = 1 AND s.unit_id = (SELECT id
  FROM units WHERE office_id = o.id AND code = 'registration')")

first() { head -1 "$1"; }
# scenario NAME SIZE_URL [curl args for the size] -- [wrk args]
scenario()
{
  local name=$1 size_url=$2 bytes
  shift 2
  local curl_args=()
  while [ "$1" != "--" ]; do curl_args+=("$1"); shift; done
  shift
  bytes=$(size_of "${curl_args[@]}" "$size_url")
  [ "$bytes" -gt 0 ] || bytes=1
  if [[ " $* " == *" -s "* ]] && [[ " $* " != *" -d "* ]] && [ -z "${CSRF:-}" ]; then
    (unset COOKIE ACCEPT; PATHS=$work/healthz.txt bench_wrk "healthz next to $name" "$base" -s bench/paths.lua)
  fi
  hwm_reset
  bench_wrk "$name" "$base" "$@"
  echo "$name|$bytes|$(hwm_kib)" >> "$work/sizes"
  bench_wrk "nginx for $name" "$(static_like "s$bytes" "$bytes")"
  # The same requests (the wrk script and headers) to nginx, which answers every path with the
  # file of the same size: the load generator's own cost per request (a Lua script drawing
  # paths) is then the same on both sides. GET scenarios only (nginx refuses POST to a file).
  if [[ " $* " == *" -s "* ]] && [[ " $* " != *" -d "* ]] && [ -z "${CSRF:-}" ]; then
    bench_wrk "nginx same requests for $name" "http://127.0.0.1:$nport" "$@"
  fi
}

for _ in $(seq 100); do echo /healthz; done > "$work/healthz.txt"

echo "bench: $N cases, wrk ${THREADS:-2} threads, ${CONNS:-32} connections, ${DURATION:-10s} a scenario"
hwm_reset
bench_wrk "healthz" "$base/healthz"
read -r o k c < "$work/samples.txt"
look="$base/o/$o/progress?number=$k&check=$c"
SAMPLES=$work/samples.txt scenario "lookup HTML" "$look" -- -s bench/lookup.lua
SAMPLES=$work/samples.txt ACCEPT=json scenario "lookup JSON" "$look" -H 'Accept: application/json' -- -s bench/lookup.lua
PATHS=$work/tokens.txt scenario "progress link (token)" "$base$(first "$work/tokens.txt")" -- -s bench/paths.lua
PATHS=$work/services.txt scenario "service page" "$base$(first "$work/services.txt")" -- -s bench/paths.lua
PATHS=$work/faq.txt scenario "FAQ search" "$base$(first "$work/faq.txt")" -- -s bench/paths.lua
PATHS=$work/search.txt scenario "office search" "$base$(first "$work/search.txt")" -- -s bench/paths.lua
COOKIE=$handler_cookie PATHS=$work/mine.txt scenario "work list (handler)" "$base/staff/cases" -b "$handler_cookie" -- -s bench/paths.lua
COOKIE=$sup_cookie PATHS=$work/unit.txt scenario "unit list (supervisor)" "$base/staff/cases?scope=unit" -b "$sup_cookie" -- -s bench/paths.lua
before=$(sqlite3 "$work/db" "SELECT count(*) FROM cases")
COOKIE=$sup_cookie CSRF=$sup_csrf SERVICES=$services scenario "intake (POST)" "$base/staff/intake" -b "$sup_cookie" -d "csrf=$sup_csrf&service_id=${services%%,*}&applicant_name=%E7%8E%8B%E5%B0%8F%E6%98%8E" -- -s bench/intake.lua
created=$(( $(sqlite3 "$work/db" "SELECT count(*) FROM cases") - before ))
warm_kib=$(rss_kib)

# The table: ratios to /healthz and to nginx with a file of the scenario's answer size.
awk -F'|' -v n="$N" -v created="$created" -v rest="$rest_kib" -v warm="$warm_kib" \
  -v start="$startup_ms" -v res="${RESULTS:-/dev/null}" '
  FNR == NR { size[$1] = $2; hwm[$1] = $3; next }
  { rps[$1] = $2; p50[$1] = $3; p99[$1] = $4; err[$1] = $5; order[++k] = $1 }
  END {
    printf "%-24s %9s %8s %8s %6s %8s %9s %8s %8s %8s %8s\n", "scenario (" n " cases)", "req/s",
      "p50 ms", "p99 ms", "errors", "bytes", "peak MiB", "/healthz", "/hz next", "/nginx", "/ng same"
    for (i = 1; i <= k; i++) {
      s = order[i]; if (s ~ /^nginx / || s ~ /^healthz/) continue
      ng = rps["nginx for " s]; ns = rps["nginx same requests for " s]; hs = rps["healthz next to " s]
      printf "%-24s %9.0f %8.2f %8.2f %6d %8d %9.1f %8.3f %8s %8.3f %8s\n", s, rps[s], p50[s],
        p99[s], err[s], size[s], hwm[s] / 1024, rps[s] / rps["healthz"],
        hs ? sprintf("%.3f", rps[s] / hs) : "-", ng ? rps[s] / ng : 0,
        ns ? sprintf("%.3f", rps[s] / ns) : "-"
      printf "run|%s|%s|%.0f|%.2f|%.2f|%d|%d|%.1f|%.3f|%.3f|%.0f|%.0f|%.3f\n", n, s, rps[s], p50[s],
        p99[s], err[s], size[s], hwm[s] / 1024, rps[s] / rps["healthz"], ng ? rps[s] / ng : 0, ng,
        ns, hs ? rps[s] / hs : 0 >> res
    }
    printf "%-24s %9.0f %8.2f %8.2f %6d\n", "healthz (same server)", rps["healthz"],
      p50["healthz"], p99["healthz"], err["healthz"]
    printf "/healthz next to each GET scenario, through its script: "
    for (i = 1; i <= k; i++) if (order[i] ~ /^healthz next /) printf "%.0f ", rps[order[i]]
    printf "req/s\n"
    printf "run|%s|healthz|%.0f|%.2f|%.2f|%d\n", n, rps["healthz"], p50["healthz"], p99["healthz"],
      err["healthz"] >> res
    printf "start-up %d ms; memory at rest %.1f MiB after start, %.1f MiB after the scenarios; intake created %d cases\n",
      start, rest / 1024, warm / 1024, created
    printf "start|%s|%d|%.1f|%.1f\n", n, start, rest / 1024, warm / 1024 >> res
    printf "nginx static for the same sizes: "
    for (i = 1; i <= k; i++) if (order[i] ~ /^nginx for /) printf "%.0f ", rps[order[i]]
    printf "req/s; the same requests as the GET scenarios: "
    for (i = 1; i <= k; i++) if (order[i] ~ /^nginx same /) printf "%.0f ", rps[order[i]]
    printf "req/s\n"
  }' "$work/sizes" "$work/results"
errors=$(awk -F'|' '{s += $5} END {print s + 0}' "$work/results")
[ "$errors" -eq 0 ] || { echo "bench: $errors errors (see the wrk output)"; exit 1; }
