#!/bin/bash
# index_binary.sh — binary files are rejected as path:line: binary data;
# invalid UTF-8 inside good text is repaired (U+FFFD), counted, indexed;
# standard input is <stdin> in these lines.
source "$(dirname "$0")/lib/index-common.bash"
mkdir -p "$T/in"
head -c 4096 /bin/sh >"$T/in/program.txt"
printf 'Titre correct\n\nUn texte presque correct \xff\xfe avec deux octets invalides, puis la suite en fran\xc3\xa7ais.\n' >"$T/in/latin.txt"
printf '{"id":"nul","body":"a\x00b"}\n' >"$T/in/nul.jsonl"
run_idx --index "$DB" --json "$T/in"
expect_eq "exit status" 1 "$rc"
mapfile -t lines <<<"$err"
expect_eq "error lines" 3 "${#lines[@]}"
expect_eq "repair warning" "$T/in/latin.txt:1: 2 invalid UTF-8 sequences replaced by U+FFFD (not UTF-8 text?)" "${lines[0]}"
expect_eq "nul line" "$T/in/nul.jsonl:1: binary data" "${lines[1]}"
expect_eq "binary file" "$T/in/program.txt:1: binary data" "${lines[2]}"
expect_eq "added" 1 "$(json_field added)"
expect_eq "repaired" 2 "$(json_field repaired)"
has_term "$DB" "Zfranc" || fail "text after the repaired bytes"
# a rerun over the unchanged files does not repeat the repair line
run_idx --index "$DB" --json "$T/in/latin.txt"
expect_eq "rerun: stderr" "" "$err"
expect_eq "rerun: repaired" 0 "$(json_field repaired)"
# standard input is named <stdin> in every line, as in the notes
"$DEPECHE_INDEX_BIN" --index "$T/db-stdin" --quiet - <"$T/in/program.txt" 2>"$T/stdin.err"
expect_eq "stdin binary: exit status" 1 "$?"
expect_eq "stdin binary" "<stdin>:1: binary data" "$(cat "$T/stdin.err")"
printf '{"id":"a","title":"Un","body":"Premier article."}\n{"id":"b","body":\n' |
  "$DEPECHE_INDEX_BIN" --index "$T/db-stdin" --quiet - 2>"$T/stdin.err"
expect_eq "stdin bad JSON: exit status" 1 "$?"
expect_match "stdin bad JSON" "^<stdin>:2: invalid JSON: " "$(cat "$T/stdin.err")"
echo PASS
