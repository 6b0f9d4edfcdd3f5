#!/usr/bin/env bash
# depeche-index --analyze on a gzip'ed file analyses the text inside, as
# indexing would (it analysed the compressed bytes); a truncated .gz is one
# error line and exit 2.
set -uo pipefail
bin=${DEPECHE_INDEX_BIN:?DEPECHE_INDEX_BIN not set}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
printf "L'Otan a accusé le groupe APT31 d'avoir visé le ministère de la Défense.\n" >"$tmp/a.txt"
gzip -c "$tmp/a.txt" >"$tmp/a.txt.gz"
"$bin" --analyze "$tmp/a.txt" >"$tmp/plain.json" || fail "plain input failed"
"$bin" --analyze "$tmp/a.txt.gz" >"$tmp/gz.json" || fail "gz input failed"
cmp -s "$tmp/plain.json" "$tmp/gz.json" || fail "gz input analysed differently: $(head -c 300 "$tmp/gz.json")"
grep -q '"APT31"' "$tmp/gz.json" || fail "no APT31 entity in the gz analysis"
gzip -c "$tmp/a.txt" < "$tmp/a.txt" | head -c 20 >"$tmp/cut.gz"
"$bin" --analyze "$tmp/cut.gz" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] || fail "truncated gz: exit $rc, expected 2"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "truncated gz: expected one error line: $(cat "$tmp/err")"
echo PASS
