#!/usr/bin/env bash
# first-visit.sh - the bytes a phone downloads on its first visit to an office's home page and
# to the progress page of a case (the answer to a lookup): the HTML and every sub-resource the
# page loads (stylesheet, icon, scripts, images, and what the stylesheet names with url()), as
# transferred (response headers + body) when asked with a phone browser's headers.
#
#   bench/first-visit.sh     (NO_SETUP=1 skips setup and the release build; BIANMIN_EXE=path
#                             runs another build: byte counts do not depend on optimisation)
#
# Prints one line per response and per page: cold (nothing cached), and the progress page right
# after the home page (the stylesheet and icon then come from the cache: their hashed names are
# immutable). The goal (issue 14) is under 30 KB (30,000 bytes) for both pages together. The
# reference, measured in the same run, is the same visits with Accept-Encoding: identity (what
# every visit cost before the static files were precompressed). A last line compares the HTML
# as sent (the server gzips pages at level 1, http/compress.c) with gzip -6 of the same HTML.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init
exe=${BIANMIN_EXE:-$exe}

ua='Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36'
accept_html='text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8'
phone_encoding='gzip, deflate, br'

db=$work/first-visit.db
bench_db "$db" 200 14 >/dev/null
bench_serve "$db"
bench_samples "$db" "$work/samples.txt" 10
read -r office number check <"$work/samples.txt"
[ -n "$office" ] || { echo "first-visit: no generated case to look up"; exit 1; }

# fetch PATH ENCODING ACCEPT: GETs PATH; prints "header_bytes body_bytes status content_encoding"
# and leaves the (decoded) body in $work/body.
fetch()
{
  local path=$1 encoding=$2 accept=$3 sizes enc
  sizes=$(curl -s -o "$work/raw" -D "$work/headers" -w '%{size_header} %{size_download} %{http_code}' \
    -A "$ua" -H "Accept: $accept" -H "Accept-Language: zh-TW,zh;q=0.9,en;q=0.8" \
    -H "Accept-Encoding: $encoding" "$base$path")
  enc=$(awk -F': ' 'tolower($1) == "content-encoding" {gsub("\r", "", $2); print $2}' "$work/headers")
  case $enc in
    br) brotli -dc "$work/raw" >"$work/body" ;;
    gzip) gzip -dc "$work/raw" >"$work/body" ;;
    *) cp "$work/raw" "$work/body" ;;
  esac
  echo "$sizes ${enc:-identity}"
}

# Same-origin sub-resources of the HTML in $work/body: stylesheet, icon, script, img.
html_resources()
{
  grep -oE '<(link|script|img)[^>]*>' "$work/body" |
    grep -oE '(href|src)="/[^/"][^"]*"' | sed -E 's/^(href|src)="//; s/"$//; s/&amp;/\&/g' |
    grep -v '^/o/.*/?lang=' || true
}

css_resources()
{
  grep -oE 'url\(["'\'']?/[^)"'\'']+' "$work/body" | sed -E 's/^url\(["'\'']?//' || true
}

declare -A cached=()
# visit NAME PATH ENCODING: loads the page and everything it names that is not in the cache
# yet; adds the bytes to $visit_bytes and prints one line per response.
visit()
{
  local name=$1 path=$2 encoding=$3 h b status enc r
  local -a queue=()
  visit_bytes=0
  read -r h b status enc < <(fetch "$path" "$encoding" "$accept_html")
  [ "$status" = 200 ] || { echo "first-visit: $path answered $status"; exit 1; }
  visit_html=$b visit_html_gzip=$(gzip -6 -c "$work/body" | wc -c)
  printf '  %-9s %-60.60s %-8s %6s %7s\n' "$name" "$path" "$enc" "$h" "$b"
  visit_bytes=$((h + b))
  mapfile -t queue < <(html_resources)
  while [ "${#queue[@]}" -gt 0 ]; do
    r=${queue[0]}
    queue=("${queue[@]:1}")
    [ -n "${cached[$r]:-}" ] && continue
    cached[$r]=1
    read -r h b status enc < <(fetch "$r" "$encoding" '*/*')
    [ "$status" = 200 ] || { echo "first-visit: $r answered $status"; exit 1; }
    printf '  %-9s %-60.60s %-8s %6s %7s\n' "" "$r" "$enc" "$h" "$b"
    visit_bytes=$((visit_bytes + h + b))
    case $r in *.css) mapfile -t -O "${#queue[@]}" queue < <(css_resources) ;; esac
  done
  printf '  %-9s %-60s %23s\n' "" "= $name" "$visit_bytes"
}

home="/o/$office/"
progress="/o/$office/progress?number=$number&check=$check"
echo "first-visit: office $office, case $number; phone Accept-Encoding: $phone_encoding"
printf '  %-9s %-60s %-8s %6s %7s\n' page response encoding header body

run()
{
  local encoding=$1
  cached=()
  visit home "$home" "$encoding"
  home_cold=$visit_bytes
  html_saving=$((visit_html - visit_html_gzip)) html_home_gzip=$visit_html_gzip
  html_home=$visit_html
  visit progress "$progress" "$encoding"
  progress_warm=$visit_bytes
  html_saving=$((html_saving + visit_html - visit_html_gzip)) html_progress_gzip=$visit_html_gzip
  html_progress=$visit_html
  cached=()
  visit progress "$progress" "$encoding" >/dev/null
  progress_cold=$visit_bytes
}

echo "== as a phone asks (Accept-Encoding: $phone_encoding)"
run "$phone_encoding"
phone_home=$home_cold phone_progress_cold=$progress_cold phone_progress_warm=$progress_warm
phone_html_saving=$html_saving phone_html_home=$html_home phone_html_progress=$html_progress
echo "== reference, same run: Accept-Encoding: identity"
run identity
ref_home=$home_cold ref_progress_cold=$progress_cold ref_progress_warm=$progress_warm

goal=30000
both_cold=$((phone_home + phone_progress_cold))
journey=$((phone_home + phone_progress_warm))
ref_both_cold=$((ref_home + ref_progress_cold))
ref_journey=$((ref_home + ref_progress_warm))
verdict() { [ "$1" -lt "$goal" ] && echo "under the goal" || echo "OVER the goal"; }
echo "== summary (bytes as transferred: headers + body; goal < $goal for both pages)"
printf '  %-58s %7s %7s %6s\n' "" phone identity ratio
printf '  %-58s %7d %7d %6s\n' "home page, cold" "$phone_home" "$ref_home" \
  "$(awk -v a="$phone_home" -v b="$ref_home" 'BEGIN {printf "%.2f", a / b}')"
printf '  %-58s %7d %7d %6s\n' "progress page, cold" "$phone_progress_cold" "$ref_progress_cold" \
  "$(awk -v a="$phone_progress_cold" -v b="$ref_progress_cold" 'BEGIN {printf "%.2f", a / b}')"
printf '  %-58s %7d %7d %6s  %s\n' "home then progress (stylesheet and icon cached)" "$journey" \
  "$ref_journey" "$(awk -v a="$journey" -v b="$ref_journey" 'BEGIN {printf "%.2f", a / b}')" \
  "$(verdict "$journey")"
printf '  %-58s %7d %7d %6s  %s\n' "both pages, each with an empty cache" "$both_cold" \
  "$ref_both_cold" "$(awk -v a="$both_cold" -v b="$ref_both_cold" 'BEGIN {printf "%.2f", a / b}')" \
  "$(verdict "$both_cold")"
echo "  The HTML as sent: home $phone_html_home bytes, progress $phone_html_progress." \
  "gzip -6 would make the home page's HTML" \
  "$html_home_gzip bytes and the progress page's $html_progress_gzip: home then progress" \
  "$((journey - phone_html_saving)), both cold $((both_cold - phone_html_saving))"
