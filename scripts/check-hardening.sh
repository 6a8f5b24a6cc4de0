#!/bin/sh
# check-hardening.sh BINARY - the built program has the hardening docs/security.md (ASVS
# V14.1.2) claims: position-independent, full RELRO with immediate binding, non-executable
# stack, stack protector; and, in an optimised build without sanitizers, _FORTIFY_SOURCE's
# checked functions. Exits 1 naming what is missing. Needs readelf (binutils).
set -eu
bin=$1
missing=""
dyn=$(readelf -d "$bin")
hdr=$(readelf -lh "$bin")
syms=$(readelf --dyn-syms -W "$bin")
echo "$hdr" | grep -q "DYN (Position-Independent Executable" || missing="$missing PIE"
echo "$hdr" | grep -q "GNU_RELRO" || missing="$missing RELRO"
echo "$dyn" | grep -q "BIND_NOW" || missing="$missing BIND_NOW"
echo "$hdr" | grep -A1 "GNU_STACK" | grep -q "RWE" && missing="$missing NX-stack"
echo "$syms" | grep -q "__stack_chk_fail" || missing="$missing stack-protector"
if [ "${2:-}" = "fortify" ]; then
  echo "$syms" | grep -q "_chk@" || missing="$missing FORTIFY"
fi
if [ -n "$missing" ]; then
  echo "check-hardening: $bin lacks:$missing" >&2
  exit 1
fi
echo "check-hardening: $bin: PIE, RELRO, BIND_NOW, NX stack, stack protector${2:+, fortify}"
