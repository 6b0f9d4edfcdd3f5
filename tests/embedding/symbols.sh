#!/usr/bin/env bash
# embed_symbols: libdepeche.so exports exactly the functions declared
# DP_EXPORT in searcher/depeche.h (no internal dp_* or other names leak),
# under the version node of searcher/libdepeche.map, and its SONAME is
# libdepeche.so.0.
set -u
: "${DEPECHE_SOURCE_DIR:?}" "${DEPECHE_LIB:?}"
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/depeche-symbols.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
# declared: the name before '(' in every DP_EXPORT declaration
grep -v "^#" "$DEPECHE_SOURCE_DIR/searcher/depeche.h" | tr '\n' ' ' | grep -o 'DP_EXPORT [^(;]*(' |
  sed 's/($//; s/.*[ *]//' | sort -u >"$tmp/declared"
[ -s "$tmp/declared" ] || fail "no DP_EXPORT declaration found in depeche.h"
# exported: defined dynamic symbols, minus the version node itself
nm -D --defined-only "$DEPECHE_LIB" | awk '$2 != "A" {print $3}' | sed 's/@.*//' |
  sort -u >"$tmp/exported"
if ! diff -u "$tmp/declared" "$tmp/exported" >"$tmp/diff"; then
  echo "--- declared in depeche.h / +++ exported by $(basename "$DEPECHE_LIB"):"
  grep '^[-+][^-+]' "$tmp/diff"
  fail "exported symbols differ from depeche.h"
fi
soname=$(objdump -p "$DEPECHE_LIB" | awk '$1 == "SONAME" {print $2}')
[ "$soname" = libdepeche.so.0 ] || fail "SONAME '$soname'"
echo "PASS: $(wc -l <"$tmp/exported") symbols, all declared in depeche.h"
