#!/bin/bash
# depeche-search: an article without a title prints "(sans titre)" in text
# output, not a bare "1. " (JSON keeps "title":"").
. "$(dirname "$0")/search_lib.inc"
printf '{"id":"u1","body":"Un texte sans titre sur la tempête."}\n' >"$T/u.jsonl"
"$DEPECHE_INDEX_BIN" -q --index "$T/u.db" "$T/u.jsonl" >/dev/null 2>&1 || fail "index"
OUT=$("$DEPECHE_SEARCH_BIN" --index "$T/u.db" --highlight=none tempête)
[ "$(printf '%s\n' "$OUT" | head -1)" = "1. (sans titre)" ] || fail "untitled: [$OUT]"
OUT=$("$DEPECHE_SEARCH_BIN" --index "$T/u.db" --json tempête)
printf '%s' "$OUT" | grep -q '"title":""' || fail "JSON title: $OUT"
finish
