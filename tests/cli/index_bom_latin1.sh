#!/bin/bash
# index_bom_latin1.sh — a UTF-8 byte order mark at the start of a .json or
# .jsonl file is skipped (it was rejected: "'[' or '{' expected near '﻿'");
# a line holding a number says so; a Latin-1 file is indexed with U+FFFD
# replacements and one line per article says where (it was silent).
source "$(dirname "$0")/lib/index-common.bash"
printf '\xef\xbb\xbf{"id":"b1","body":"Un texte avec une marque."}\n{"id":"b2","body":"Deux."}\n' >"$T/b.jsonl"
printf '\xef\xbb\xbf[{"id":"j1","body":"Un tableau."}]' >"$T/j.json"
printf '\xef\xbb\xbf{"id":"o1","body":"Un objet."}' >"$T/o.json"
run_idx --index "$DB" --json "$T/b.jsonl" "$T/j.json" "$T/o.json"
expect_eq "BOM: exit" 0 "$rc"
expect_eq "BOM: stderr" "" "$err"
expect_eq "BOM: added" 4 "$(json_field added)"
has_term "$DB" "Qb1" && has_term "$DB" "Qj1" && has_term "$DB" "Qo1" || fail "BOM articles indexed"

printf '{"id":"n1","body":"x"}\n42\n' >"$T/n.jsonl"
run_idx --index "$DB" "$T/n.jsonl"
expect_eq "number line: exit" 1 "$rc"
expect_eq "number line: message" "$T/n.jsonl:2: not a JSON object but a number" "$err"

printf 'Titre\n\nLe caf\xe9 de la rue et la cr\xe8me du quartier, un \xe9t\xe9 tr\xe8s chaud \xe0 Paris, comme chaque ann\xe9e en juillet.\n' >"$T/l.txt"
run_idx --index "$DB" --json "$T/l.txt"
expect_eq "Latin-1: exit" 0 "$rc"
expect_eq "Latin-1: warning" "$T/l.txt:1: 7 invalid UTF-8 sequences replaced by U+FFFD (not UTF-8 text?)" "$err"
expect_eq "Latin-1: repaired" 7 "$(json_field repaired)"
expect_eq "Latin-1: added" 1 "$(json_field added)"

# many: ten lines, then one that says the rest are only counted
for i in $(seq 1 14); do printf '{"id":"l%d","body":"caf\xe9"}\n' $i; done >"$T/many.jsonl"
run_idx --index "$DB" --json "$T/many.jsonl"
expect_eq "many: exit" 0 "$rc"
expect_eq "many: lines" 11 "$(wc -l <"$T/err")"
expect_match "many: last line" "^depeche-index: more articles with invalid UTF-8" "$(tail -1 "$T/err")"
expect_eq "many: repaired" 14 "$(json_field repaired)"
echo PASS
