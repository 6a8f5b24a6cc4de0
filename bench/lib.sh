# lib.sh - shared helpers of the bench scripts (sourced, not run). Needs wrk, nginx, sqlite3
# and curl (scripts/setup.sh --bench). Every server, nginx and file lives under $work, which
# bench_init creates and the EXIT trap removes.
# shellcheck shell=bash

BENCH_PASSWORD=${BIANMIN_DEMO_PASSWORD:-bianmin-demo-2026}
exe=${EXE:-build/release/bianmin}
server_pid="" nginx_pid="" nport=""

bench_cleanup()
{
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null
  sleep 0.3
  [ -n "${work:-}" ] && [ -z "${KEEP:-}" ] && rm -rf "$work"
  return 0
}

# bench_init: tools, the optimised build, the work folder and its cleanup.
bench_init()
{
  cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
  if [ -z "${NO_SETUP:-}" ]; then
    scripts/setup.sh --bench >/dev/null
    cmake --preset release >/dev/null && nice cmake --build --preset release -j2 >/dev/null
  fi
  work=$(mktemp -d /tmp/bianmin-bench-XXXXXX)
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }

# bench_db FILE N SEED: the demo offices plus N generated cases (bench/gen-cases.sh); a copy of
# the finished file is kept in $BENCH_CACHE (when set) for the next run with the same N and seed.
# bench_kpi_rebuild DB: counts the generated history into the indicators (as an office's
# database is, where each event is counted as it comes), so the deadline scanner does not
# spend the measured runs counting a million events in the background.
bench_kpi_rebuild()
{
  local t
  t=$(now_ms)
  BIANMIN_SECRET_KEY_FILE="$(dirname "$1")/secret.key" $exe kpi-rebuild --db "$1" >/dev/null
  echo "bench: events counted into the indicators in $(( ($(now_ms) - t) / 1000 )) s"
}

bench_db()
{
  local db=$1 n=$2 seed=$3 t
  local cached=${BENCH_CACHE:+$BENCH_CACHE/bench-$n-$seed-$(TZ=Asia/Taipei date +%F).db}
  if [ -n "$cached" ] && [ -s "$cached" ]; then
    cp "$cached" "$db"
    cp "${cached%.db}.key" "$(dirname "$db")/secret.key" 2>/dev/null || true
    echo "bench: $n cases from the cache $cached"
    # A cache made before the indicators (migration 29) holds uncounted events: count them
    # now, once, and keep the counted copy.
    if [ "$(sqlite3 "$db" "SELECT count(*) FROM case_events WHERE kpi_counted = 0 AND kind = 'status'")" != 0 ]; then
      bench_kpi_rebuild "$db"
      sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
      cp "$db" "$cached"
    fi
    return
  fi
  $exe demo --db "$db" >/dev/null 2>&1
  t=$(now_ms)
  if [ "$n" -gt 0 ]; then
    nice bench/gen-cases.sh "$db" "$n" "$seed"
  fi
  echo "bench: demo data + $n cases (seed $seed) generated in $(( ($(now_ms) - t) / 1000 )) s"
  bench_kpi_rebuild "$db"
  if [ -n "$cached" ]; then
    mkdir -p "$BENCH_CACHE"
    sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    cp "$db" "$cached"
    cp "$(dirname "$db")/secret.key" "${cached%.db}.key" 2>/dev/null || true
  fi
}

# bench_serve DB: starts the server with the rate limits lifted; sets server_pid, base and
# startup_ms (process start until /healthz answers).
bench_serve()
{
  local db=$1 t0 port=""
  rm -f "$work/port"
  t0=$(now_ms)
  BIANMIN_RATE_LOOKUP=1000000 BIANMIN_RATE_PUBLIC=1000000 BIANMIN_RATE_LOGIN=1000000 \
    BIANMIN_LOG_LEVEL=error BIANMIN_SECRET_KEY_FILE="$(dirname "$db")/secret.key" \
    $exe serve --db "$db" --listen 127.0.0.1:0 --port-file "$work/port" 2>>"$work/server.log" &
  server_pid=$!
  for _ in $(seq 3000); do
    [ -s "$work/port" ] && port=$(cat "$work/port")
    [ -n "$port" ] && curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break
    sleep 0.01
  done
  startup_ms=$(( $(now_ms) - t0 ))
  base="http://127.0.0.1:$port"
  curl -fs -o /dev/null "$base/healthz" || { echo "bench: the server did not start"; cat "$work/server.log"; exit 1; }
}

bench_stop()
{
  kill "$server_pid" 2>/dev/null
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status"; }
hwm_kib() { awk '/^VmHWM/ {print $2}' "/proc/$server_pid/status"; }
# Resets the peak (VmHWM) to the current RSS (Linux: clear_refs 5).
hwm_reset() { echo 5 > "/proc/$server_pid/clear_refs" 2>/dev/null || true; }

# bench_nginx: Debian's nginx on a free port serving $work/www.
bench_nginx()
{
  mkdir -p "$work/www"
  chmod o+x "$work" && chmod 755 "$work/www" # nginx's workers run as another user
  nport=$(free_port)
  cat > "$work/nginx.conf" <<NGINX
worker_processes 2; daemon off; pid $work/nginx.pid; error_log $work/nginx.err;
events { worker_connections 1024; }
http { access_log off; server { listen 127.0.0.1:$nport; root $work/www;
  location / { try_files \$uri /same.html; } } }
NGINX
  nginx -c "$work/nginx.conf" -p "$work" &
  nginx_pid=$!
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$nport/" && break; sleep 0.05; done
}

# bench_login USER: signs in (the anonymous CSRF cookie, then the form); prints the session
# cookie and the session's CSRF token, space-separated.
bench_login()
{
  local user=$1 jar="$work/jar-$1" csrf session token
  curl -s -c "$jar" -o "$work/login.html" "$base/staff/login"
  csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$work/login.html" | head -1)
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$csrf" \
    --data-urlencode "username=$user" --data-urlencode "password=$BENCH_PASSWORD" \
    --data-urlencode "next=/staff/" "$base/staff/login"
  session=$(awk '$6 == "bm_session" {print $7}' "$jar")
  [ -n "$session" ] || { echo "bench: cannot sign in as $user" >&2; return 1; }
  token=$(curl -s -b "bm_session=$session" "$base/staff/intake" |
    sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
  echo "bm_session=$session $token"
}

# bench_samples DB FILE [COUNT]: COUNT (default 20000) lookups of generated cases, one
# "office number check" a line, spread over the whole table.
bench_samples()
{
  local db=$1 file=$2 count=${3:-20000}
  sqlite3 -separator ' ' "$db" "SELECT o.slug, c.case_key, c.check_code FROM cases c JOIN offices o
    ON o.id = c.office_id WHERE c.qr_token_hash LIKE 'bench-%' AND c.id % max(1, (SELECT count(*)
    FROM cases) / $count) = 0 LIMIT $count" > "$file"
}

# bench_tokens DB FILE [COUNT]: gives COUNT (default 2000) generated cases a known QR token
# (the generator stores only a placeholder where the token's hash belongs) and writes their
# progress links, "/p/TOKEN" a line, for the /p/<token> scenario.
bench_tokens()
{
  local db=$1 file=$2 count=${3:-2000}
  /usr/bin/python3 - "$db" "$file" "$count" <<'PY'
import hashlib, sqlite3, sys
db, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
con = sqlite3.connect(db)
total = con.execute("SELECT count(*) FROM cases").fetchone()[0]
step = max(1, total // count)
ids = [r[0] for r in con.execute(
    "SELECT id FROM cases WHERE qr_token_hash LIKE 'bench-%' AND id % ? = 0 LIMIT ?", (step, count))]
with open(out, "w") as f:
    for i in ids:
        token = ("benchtoken%d" % i).ljust(43, "x")  # 43 characters, as a real token
        con.execute("UPDATE cases SET qr_token_hash = ? WHERE id = ?",
                    (hashlib.sha256(token.encode()).hexdigest(), i))
        f.write("/p/%s\n" % token)
con.commit()
PY
}

# bench_wrk NAME URL [wrk args...]: one wrk run; appends "name rps p50 p99 errors" (latencies
# in ms, errors = socket errors (connect, read, write, no answer within WRK_TIMEOUT, default
# 10 s) + answers other than 2xx/3xx) to $work/results.
bench_wrk()
{
  local name=$1 url=$2 out rps p50 p99 errs
  shift 2
  out=$(nice wrk -t"${THREADS:-2}" -c"${CONNS:-32}" -d"${DURATION:-10s}" \
    --timeout "${WRK_TIMEOUT:-10s}" --latency "$@" "$url")
  echo "$out" > "$work/wrk-${name// /_}.txt"
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errs=$(awk '/Socket errors/ {gsub(",", ""); s += $4 + $6 + $8 + $10} /Non-2xx/ {s += $NF}
    END {print s + 0}' <<<"$out")
  echo "$name|$rps|$(to_ms "$p50")|$(to_ms "$p99")|$errs" >> "$work/results"
}

# wrk prints 812.00us, 1.23ms, 2.01s: milliseconds.
to_ms()
{
  awk -v v="$1" 'BEGIN { u = v; sub(/[0-9.]+/, "", u); x = v + 0;
    if (u == "us") x /= 1000; else if (u == "s") x *= 1000; else if (u == "m") x *= 60000;
    printf "%.2f", x }'
}

# size_of URL [curl args...]: the body size of one answer.
size_of() { curl -s -o /dev/null -w '%{size_download}' "$@"; }

# static_like NAME BYTES: a static file of BYTES bytes for nginx; prints its URL. The file is
# also what nginx answers to any other path (same.html), so a scenario's own requests (the same
# wrk script drawing the same paths) can be sent to nginx and get a file of the same size.
static_like()
{
  head -c "$2" /dev/zero | tr '\0' 'x' > "$work/www/$1.html"
  chmod 644 "$work/www/$1.html"
  cp "$work/www/$1.html" "$work/www/same.tmp" && chmod 644 "$work/www/same.tmp"
  mv "$work/www/same.tmp" "$work/www/same.html"
  echo "http://127.0.0.1:$nport/$1.html"
}

# urlencode TEXT
urlencode() { /usr/bin/python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
