#!/bin/bash
# index_remove.sh — --remove ID... deletes articles by id; an unknown id is
# reported and gives exit 1; the others are still removed.
source "$(dirname "$0")/lib/index-common.bash"
printf '{"id":"r1","body":"Premier texte."}\n{"id":"r2","body":"Deuxième texte."}\n{"id":"r3","body":"Troisième texte."}\n' >"$T/r.jsonl"
run_idx --index "$DB" "$T/r.jsonl"
expect_eq "index" 0 "$rc"
run_idx --index "$DB" --remove r1 r3
expect_eq "remove exit" 0 "$rc"
expect_eq "remove output" "2 removed" "$out"
expect_eq "articles" 1 "$(articles "$DB")"
has_term "$DB" "Qr2" || fail "r2 kept"
run_idx --index "$DB" --json --remove r2 nope
expect_eq "unknown id exit" 1 "$rc"
expect_eq "unknown id message" "depeche-index: no article with id nope" "$err"
expect_eq "removed" 1 "$(json_field removed)"
expect_eq "articles" 0 "$(articles "$DB")"
run_idx --index "$T/missing" --remove x
expect_eq "missing index exit" 2 "$rc"
echo PASS
