#!/usr/bin/env bash
# check-translations.sh - every translation key is defined once, in both languages, with a
# non-empty text, and every {{t.key}} a template uses exists. Run from the repository root.
set -uo pipefail
fail=0
keys() { # lang -> "key<TAB>file" lines for every msgid with a non-empty msgstr
  awk 'FNR==1{id=""} /^msgid "/{id=substr($0,8,length($0)-8)} /^msgstr "/{s=substr($0,9,length($0)-9); if(id!="" && s!="") print id "\t" FILENAME; else if(id!="") print id "\tEMPTY:" FILENAME}' po/"$1"/*.po
}
for lang in zh_TW en; do
  keys "$lang" | grep -P '\tEMPTY:' | while IFS=$'\t' read -r k f; do
    echo "po/$lang: key $k has an empty translation in ${f#EMPTY:}"; done | grep . && fail=1
  dups=$(keys "$lang" | cut -f1 | sort | uniq -d)
  [ -n "$dups" ] && { echo "po/$lang: keys defined more than once: $dups"; fail=1; }
done
only_zh=$(comm -23 <(keys zh_TW | cut -f1 | sort -u) <(keys en | cut -f1 | sort -u))
only_en=$(comm -13 <(keys zh_TW | cut -f1 | sort -u) <(keys en | cut -f1 | sort -u))
[ -n "$only_zh" ] && { echo "keys missing in English: $only_zh"; fail=1; }
[ -n "$only_en" ] && { echo "keys missing in zh-TW: $only_en"; fail=1; }
used=$(grep -rhoP '\{\{\{?&?\s*t\.\K[a-z0-9_]+' templates | sort -u)
missing=$(comm -23 <(echo "$used") <(keys zh_TW | cut -f1 | sort -u))
[ -n "$missing" ] && { echo "templates use undefined keys: $missing"; fail=1; }
[ "$fail" = 0 ] && echo "check-translations: ok ($(keys zh_TW | wc -l) keys in each language)"
exit "$fail"
