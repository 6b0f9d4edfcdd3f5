#!/bin/bash
# index_empty.sh — empty files (and blank ones) index nothing and are not
# errors, but each is named in one line; an empty directory is fine too.
source "$(dirname "$0")/lib/index-common.bash"
mkdir -p "$T/in/empty-dir"
: >"$T/in/empty.txt"
: >"$T/in/empty.jsonl"
printf '\n  \n\n' >"$T/in/blank.md"
: | gzip -c >"$T/in/empty.json.gz"
run_idx --index "$DB" --json "$T/in"
expect_eq "exit status" 0 "$rc"
expect_eq "stderr" "$(printf '%s\n' "$T/in/blank.md" "$T/in/empty.json.gz" \
  "$T/in/empty.jsonl" "$T/in/empty.txt" | sed 's/$/:1: no text (empty or blank file), nothing indexed/')" \
  "$(printf '%s\n' "$err" | sort)"
: | "$DEPECHE_INDEX_BIN" --index "$DB" --quiet - 2>"$T/stdin.err"
expect_eq "stdin: exit status" 0 "$?"
expect_eq "stdin: stderr" "<stdin>:1: no text (empty or blank file), nothing indexed" "$(cat "$T/stdin.err")"
printf '[ ]\n' >"$T/arr.json"
"$DEPECHE_INDEX_BIN" --index "$DB" --quiet "$T/arr.json" 2>"$T/arr.err"
expect_eq "[]: exit status" 0 "$?"
expect_eq "[]: stderr" "$T/arr.json:1: no articles (an empty array), nothing indexed" "$(cat "$T/arr.err")"
expect_eq "added" 0 "$(json_field added)"
expect_eq "rejected" 0 "$(json_field rejected)"
expect_eq "articles" 0 "$(articles "$DB")"
echo PASS
