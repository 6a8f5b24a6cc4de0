#!/usr/bin/env bash
# build-assets.sh - compiles assets/scss/bianmin.scss to static/css/bianmin.css (compressed),
# then writes precompressed variants of the static text files (gzip -9 and brotli -q 11).
#
# Run from anywhere; works in the repository root. Installs node_modules with `npm ci` when they
# are missing or older than package-lock.json, then compiles only when the CSS is older than its
# sources, so running it twice does nothing the second time. Fails when the output names the
# GDS Transport font or GOV.UK's crown or logotype (ARCHITECTURE.md: no GOV.UK branding).
#
# Variants: for static/<dir>/<name>.<ext> (css, js, svg, txt) the server links the name
# <name>.<h>.<ext>, h = the first 8 hex digits of the SHA-256 of the file's bytes, and sends
# static/<dir>/<name>.<h>.<ext>.gz or .br when Accept-Encoding asks for them (src/http/assets.c).
# A variant whose name carries another file's hash is never served, so variants of older
# versions are removed here, not trusted. Needs the Debian packages gzip and brotli.
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

# Precompressed variants, named after the hash of the bytes they were made from.
for tool in gzip brotli sha256sum; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "build-assets: $tool is not installed (scripts/setup.sh installs it)" >&2
    exit 1
  fi
done
made=0
while IFS= read -r -d '' file; do
  dir="${file%/*}" base="${file##*/}"
  stem="${base%.*}" ext="${base##*.}"
  hash="$(sha256sum "$file" | cut -c1-8)"
  hashed="$dir/$stem.$hash.$ext"
  stem_re="${stem//./\\.}"
  for enc in gz br; do
    # Variants of older versions of this file (any other 8-hex-digit hash) go.
    for old in "$dir/$stem".????????."$ext.$enc"; do
      if [[ -f $old && $old != "$hashed.$enc" && ${old##*/} =~ ^$stem_re\.[0-9a-f]{8}\.$ext\.$enc$ ]]; then
        rm -f "$old"
      fi
    done
    [[ -f "$hashed.$enc" ]] && continue
    tmp="$(mktemp "$dir/.variant.XXXXXX")"
    trap 'rm -f "$tmp"' EXIT
    if [[ $enc == gz ]]; then gzip -9 -n -c "$file" >"$tmp"; else brotli -q 11 -c "$file" >"$tmp"; fi
    chmod 644 "$tmp"
    mv -f "$tmp" "$hashed.$enc"
    trap - EXIT
    made=$((made + 1))
  done
done < <(find static -type f -regex '.*\.\(css\|js\|svg\|txt\)' ! -name '.*' -print0)
echo "build-assets: $made precompressed variant(s) written"
