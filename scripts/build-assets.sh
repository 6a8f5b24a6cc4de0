#!/usr/bin/env bash
# build-assets.sh - compiles assets/scss/bianmin.scss to static/css/bianmin.css (compressed).
#
# Run from anywhere; works in the repository root. Installs node_modules with `npm ci` when they
# are missing or older than package-lock.json, then compiles only when the CSS is older than its
# sources, so running it twice does nothing the second time. Fails when the output names the
# GDS Transport font or GOV.UK's crown or logotype (ARCHITECTURE.md: no GOV.UK branding).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

lock=package-lock.json
stamp=node_modules/.package-lock.json   # written by npm on every install

if [[ ! -d node_modules || ! -f "$stamp" || "$lock" -nt "$stamp" || package.json -nt "$stamp" ]]; then
  echo "build-assets: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

out=static/css/bianmin.css
sass="node_modules/.bin/sass"
mkdir -p static/css

needs_build=0
if [[ ! -f "$out" ]]; then
  needs_build=1
elif [[ -n "$(find assets/scss "$lock" -newer "$out" -print -quit)" ]]; then
  needs_build=1
fi

if ((needs_build)); then
  echo "build-assets: sass assets/scss/bianmin.scss -> $out"
  tmp="$(mktemp "static/css/.bianmin.css.XXXXXX")"
  trap 'rm -f "$tmp"' EXIT
  # --quiet-deps: govuk-frontend's own deprecation notices are not ours to fix.
  "$sass" --no-source-map --style=compressed --quiet-deps --load-path=node_modules \
    assets/scss/bianmin.scss "$tmp"
  if grep -Eiq 'GDS Transport|crown|logotype|royal arms|crest' "$tmp"; then
    echo "build-assets: $out would contain GOV.UK branding:" >&2
    grep -Eio '.{0,40}(GDS Transport|crown|logotype|royal arms|crest).{0,40}' "$tmp" >&2
    exit 1
  fi
  chmod 644 "$tmp"
  mv -f "$tmp" "$out"
  trap - EXIT
else
  echo "build-assets: $out is up to date"
fi
