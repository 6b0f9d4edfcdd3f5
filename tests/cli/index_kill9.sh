#!/bin/bash
# index_kill9.sh — after kill -9 the index opens, holds every committed
# batch, and a rerun completes it.
source "$(dirname "$0")/lib/index-common.bash"
for i in 1 2 3 4 5; do
  printf '{"id":"k%d","body":"Texte %d sur la sécurité informatique."}\n' $i $i
done >"$T/all.jsonl"
mkfifo "$T/in.fifo" "$T/err.fifo"
"$IDX" --index "$DB" --verbose --batch-size 2 - <"$T/in.fifo" >/dev/null 2>"$T/err.fifo" &
pid=$!
BG_PIDS+=("$pid")
exec 3>"$T/in.fifo" 4<"$T/err.fifo"
wait_line 4 "opened .* for writing"
head -n 3 "$T/all.jsonl" >&3
wait_line 4 "committed 2 articles"
kill -9 "$pid"
wait "$pid" 2>/dev/null
exec 3>&- 4<&-

run_idx --index "$DB" --stats --json
expect_eq "stats after kill -9" 0 "$rc"
expect_eq "committed batch kept" 2 "$(json_field articles)"
xapian-check "$DB" >/dev/null || fail "xapian-check after kill -9"

run_idx --index "$DB" --json - <"$T/all.jsonl"
expect_eq "rerun exit" 0 "$rc"
expect_eq "rerun unchanged" 2 "$(json_field unchanged)"
expect_eq "rerun added" 3 "$(json_field added)"
expect_eq "articles" 5 "$(articles "$DB")"
echo PASS
