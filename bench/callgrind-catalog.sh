#!/usr/bin/env bash
# callgrind-catalog.sh [EXE] - instructions per request of the catalogue pages (issue 14,
# "Every statement is prepared once per connection"): the public FAQ search
# `GET /o/xinxing/faq?q=...` and the catalogue admin list `GET /staff/admin/catalog/faq`, on the
# demo data. The server (EXE, default build/release/bianmin) runs under valgrind's callgrind;
# after WARM (50) warm-up requests per page, so that every worker thread has opened its
# connection, the counters are zeroed, N (100) requests of one page are made and dumped, and the
# total instructions of all threads, the handler's inclusive cost and the inclusive cost of
# sqlite3_prepare_v2/v3 are printed per request. Needs valgrind, curl, python3.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exe=$(realpath "${1:-build/release/bianmin}")
N=${N:-100}
WARM=${WARM:-50} # warm-up requests: every worker thread opens its connection first
work=$(mktemp -d /tmp/bianmin-cg-XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; sleep 0.5; rm -rf "$work"; }
trap cleanup EXIT

BIANMIN_SECRET_KEY_FILE="$work/secret.key" "$exe" demo --db "$work/db" >"$work/demo.txt" 2>&1
secret=$(awk '$1 == "xinxing-admin" {print $NF}' "$work/demo.txt")
BIANMIN_RATE_LOOKUP=1000000 BIANMIN_RATE_PUBLIC=1000000 BIANMIN_RATE_LOGIN=1000000 \
  BIANMIN_LOG_LEVEL=error BIANMIN_SECRET_KEY_FILE="$work/secret.key" \
  valgrind --tool=callgrind --callgrind-out-file="$work/cg.%p" \
  "$exe" serve --db "$work/db" --listen 127.0.0.1:0 --port-file "$work/port" 2>"$work/server.log" &
pid=$!
for _ in $(seq 600); do
  [ -s "$work/port" ] && curl -fs -o /dev/null "http://127.0.0.1:$(cat "$work/port")/healthz" && break
  sleep 0.1
done
base="http://127.0.0.1:$(cat "$work/port")"

# Signs in as the demo admin (password, then the TOTP code); prints the session cookie.
login()
{
  local jar="$work/jar" csrf code
  curl -s -c "$jar" -o "$work/p.html" "$base/staff/login"
  csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$work/p.html" | head -1)
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$csrf" \
    --data-urlencode "username=xinxing-admin" --data-urlencode "password=bianmin-demo-2026" \
    --data-urlencode "next=/staff/" "$base/staff/login"
  curl -s -b "$jar" -c "$jar" -o "$work/p.html" "$base/staff/login/totp"
  csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$work/p.html" | head -1)
  code=$(python3 -c 'import base64,hmac,struct,sys,time
k=base64.b32decode(sys.argv[1]); c=struct.pack(">Q", int(time.time())//30)
h=hmac.digest(k, c, "sha1"); o=h[-1]&15
print("%06d" % ((struct.unpack(">I", h[o:o+4])[0]&0x7fffffff)%1000000))' "$secret")
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$csrf" \
    --data-urlencode "code=$code" --data-urlencode "next=/staff/" "$base/staff/login/totp"
  awk '$6 == "bm_session" {print $7}' "$jar"
}
session=$(login)
[ -n "$session" ] || { echo "callgrind-catalog: cannot sign in"; exit 1; }

# measure NAME HANDLER URL [CURL ARGS]: N requests between a zero and a dump.
measure()
{
  local name=$1 handler=$2 url=$3 status
  shift 3
  status=$(curl -s -o /dev/null -w '%{http_code}' "$@" "$url")
  [ "$status" = 200 ] || { echo "callgrind-catalog: $url answered $status"; exit 1; }
  for _ in $(seq "$WARM"); do curl -s -o /dev/null "$@" "$url"; done
  callgrind_control -z "$pid" >/dev/null 2>&1
  for _ in $(seq "$N"); do curl -s -o /dev/null "$@" "$url"; done
  callgrind_control -d "$name" "$pid" >/dev/null 2>&1
  local total=0 incl=0 prep=0 f
  for f in "$work"/cg."$pid".*; do
    callgrind_annotate --inclusive=yes "$f" >"$work/annotate.txt" 2>/dev/null || true
    total=$((total + $(awk '/PROGRAM TOTALS/ {gsub(",", "", $1); n = $1} END {print n + 0}' "$work/annotate.txt")))
    incl=$((incl + $(awk -v h=":$handler" '!n && (index($0, h " ") || substr($0, length($0) - length(h) + 1) == h) {gsub(",", "", $1); n = $1} END {print n + 0}' "$work/annotate.txt")))
    prep=$((prep + $(awk '/:sqlite3_prepare_v[23]( |$)/ {gsub(",", "", $1); n += $1} END {print n + 0}' "$work/annotate.txt")))
    rm -f "$f"
  done
  printf "%-28s %12d %12d %12d\n" "$name" $((total / N)) $((incl / N)) $((prep / N))
}

printf "%-28s %12s %12s %12s\n" "per request ($N requests)" "all threads" "handler" "prepare"
measure faq-search faq_index "$base/o/xinxing/faq?q=%E9%81%8E%E6%88%B6"
measure admin-catalog-list catadmin_list "$base/staff/admin/catalog/faq" -b "bm_session=$session"
