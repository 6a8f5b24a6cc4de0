#!/usr/bin/env bash
# setup.sh - installs what bianmin needs on Debian bookworm (idempotent) and builds it.
#
#   scripts/setup.sh            runtime and build dependencies, front-end assets, release build
#   scripts/setup.sh --test     also the test tools (chromium, pmccabe, clang-format, the
#                               PostgreSQL 15 server for tests/pg, python3-aiosmtpd, nginx for
#                               the multi-node test, clang with its libFuzzer runtime for
#                               fuzz/smoke, LibreOffice Calc for the survey export test)
#   scripts/setup.sh --bench    also the benchmark tools (wrk, nginx, sqlite3, valgrind, strace, time,
#                               perf)
#
# Runs apt-get as root, or through sudo. Installs only packages that are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0 want_bench=0
[ "${1:-}" = "--test" ] && want_test=1
[ "${1:-}" = "--bench" ] && want_bench=1

build_pkgs=(build-essential cmake pkg-config gettext curl ca-certificates
  libmicrohttpd-dev libjansson-dev libsqlite3-dev libsodium-dev libqrencode-dev libinih-dev
  libutf8proc-dev libmagic-dev nettle-dev libcurl4-openssl-dev libcmocka-dev libpq-dev
  libxml2-dev zlib1g-dev gzip brotli
  libpwquality-dev cracklib-runtime libzip-dev)  # zlib: gzip'd pages; gzip, brotli: static
  # variants; libpwquality + the cracklib dictionary: new staff passwords (domain/password.c);
  # libzip: survey exports as ODS (render/table.c)
test_pkgs=(chromium pmccabe clang-format python3-aiosmtpd postgresql nginx
  clang libclang-rt-14-dev  # clang + its libFuzzer runtime (not pulled in without Recommends)
  libreoffice-calc-nogui    # survey_test opens the ODS export with LibreOffice headless
  libreoffice-writer-nogui) # the plan's results report as PDF (domain/plan_pdf.c)

command -v node >/dev/null 2>&1 || build_pkgs+=(nodejs)
command -v npm >/dev/null 2>&1 || build_pkgs+=(npm)

pkgs=("${build_pkgs[@]}")
[ "$want_test" = 1 ] && pkgs+=("${test_pkgs[@]}")
[ "$want_bench" = 1 ] && pkgs+=(wrk nginx-light sqlite3 valgrind strace time linux-perf)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

scripts/build-assets.sh
