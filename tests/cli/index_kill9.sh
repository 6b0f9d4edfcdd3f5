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

# A first build in parallel commits at checkpoints (finished runs merged
# into the index; DEPECHE_RUN_SIZE and DEPECHE_CHECKPOINT are testing knobs
# that make them tiny): after kill -9 the index holds the checkpoint, and a
# rerun completes it.
for i in $(seq 1 12); do
  printf '{"id":"p%d","body":"Article %d sur la défense européenne."}\n' $i $i
done >"$T/p.jsonl"
P=$T/pdb
mkfifo "$T/feed.jsonl" "$T/perr.fifo"
DEPECHE_RUN_SIZE=2 DEPECHE_CHECKPOINT=4 "$IDX" --index "$P" --verbose --jobs 2 \
  "$T/feed.jsonl" >/dev/null 2>"$T/perr.fifo" &
pid=$!
BG_PIDS+=("$pid")
exec 6<"$T/perr.fifo" 5>"$T/feed.jsonl"
wait_line 6 "opened .* for writing"
head -n 6 "$T/p.jsonl" >&5
wait_line 6 "committed 4 articles"
kill -9 "$pid"
wait "$pid" 2>/dev/null
exec 5>&- 6<&-

run_idx --index "$P" --stats --json
expect_eq "parallel: stats after kill -9" 0 "$rc"
expect_eq "parallel: checkpoint kept" 4 "$(json_field articles)"
xapian-check "$P" >/dev/null || fail "xapian-check after kill -9 (parallel)"
rm "$T/feed.jsonl"
cp "$T/p.jsonl" "$T/feed.jsonl"
run_idx --index "$P" --jobs 2 --json "$T/feed.jsonl"
expect_eq "parallel: rerun exit" 0 "$rc"
expect_eq "parallel: rerun unchanged" 4 "$(json_field unchanged)"
expect_eq "parallel: rerun added" 8 "$(json_field added)"
expect_eq "parallel: articles" 12 "$(articles "$P")"
[ -z "$(ls -d "$P".tmp-* 2>/dev/null)" ] || fail "stale temporary directory left"
echo PASS
