#!/bin/bash
# index_empty.sh — empty files (and blank ones) index nothing, are not
# errors, and an empty directory is fine too.
source "$(dirname "$0")/lib/index-common.bash"
mkdir -p "$T/in/empty-dir"
: >"$T/in/empty.txt"
: >"$T/in/empty.jsonl"
printf '\n  \n\n' >"$T/in/blank.md"
: | gzip -c >"$T/in/empty.json.gz"
run_idx --index "$DB" --json "$T/in"
expect_eq "exit status" 0 "$rc"
expect_eq "stderr" "" "$err"
expect_eq "added" 0 "$(json_field added)"
expect_eq "rejected" 0 "$(json_field rejected)"
expect_eq "articles" 0 "$(articles "$DB")"
echo PASS
