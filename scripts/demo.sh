#!/usr/bin/env bash
# demo.sh - command one: set up, build, load the demo offices into the embedded SQLite default
# and serve at http://127.0.0.1:8080 (Ctrl-C stops). BIANMIN_LISTEN and BIANMIN_DB override.
# Fees are paid online through the sandbox gateway (no real money) unless
# BIANMIN_PAYMENT_PROVIDER says otherwise ("" turns online payment off).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j2
db="${BIANMIN_DB:-var/bianmin.db}"
mkdir -p "$(dirname "$db")"
build/release/bianmin init --db "$db"
build/release/bianmin demo --db "$db"
echo "bianmin: open http://${BIANMIN_LISTEN:-127.0.0.1:8080}/ (Ctrl-C to stop)"
export BIANMIN_PAYMENT_PROVIDER="${BIANMIN_PAYMENT_PROVIDER-sandbox}"
exec build/release/bianmin serve --db "$db"
