#!/usr/bin/env bash
# check-templates.sh - the page templates' text holds no stray "}}": a comment {{! ... }} ends at
# its first "}}" (the mustache spec), so a comment that mentions "{a, b}}" ends early and prints
# the rest of itself on the page. Splits every template into tags and text as mustache does and
# fails on text that holds "}}". Run by ctest as gate/templates.
set -euo pipefail
cd "$(dirname "$0")/.."
/usr/bin/python3 - <<'PY'
import glob, sys

bad = 0
for path in sorted(glob.glob("templates/**/*.mustache", recursive=True)):
    text = open(path, encoding="utf-8").read()
    i, line = 0, 1
    while i < len(text):
        start = text.find("{{", i)
        chunk = text[i:] if start < 0 else text[i:start]
        if "}}" in chunk:
            at = line + chunk[: chunk.index("}}")].count("\n")
            print(f"{path}:{at}: stray '}}}}' in the page text (a comment that ends early?)")
            bad += 1
        line += chunk.count("\n")
        if start < 0:
            break
        closer = "}}}" if text.startswith("{{{", start) else "}}"
        end = text.find(closer, start + 2)
        if end < 0:
            print(f"{path}:{line}: a tag that never closes")
            bad += 1
            break
        line += text[start:end].count("\n")
        i = end + len(closer)
sys.exit(1 if bad else 0)
PY
