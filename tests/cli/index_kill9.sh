#!/bin/bash
# index_kill9.sh — after kill -9 the index opens, holds every committed
# batch, and a rerun completes it: with one writer (commits every
# --batch-size articles) and in a parallel first build (commits at
# checkpoints).
source "$(dirname "$0")/lib/index-common.bash"

# kill9_after DB LINES COMMITTED ARGS... : starts the indexer with ARGS on
# the FIFO $T/feed.jsonl, feeds it the first LINES lines of $T/all.jsonl,
# waits for "committed COMMITTED articles" and kills it with SIGKILL; then
# makes $T/feed.jsonl a plain copy of $T/all.jsonl for the rerun. No
# sleeping: it synchronises on the --verbose lines.
kill9_after() {
  local db=$1 lines=$2 want=$3 pid
  shift 3
  rm -f "$T/feed.jsonl" "$T/err.fifo"
  mkfifo "$T/feed.jsonl" "$T/err.fifo"
  "$IDX" --index "$db" --verbose "$@" "$T/feed.jsonl" >/dev/null 2>"$T/err.fifo" &
  pid=$!
  BG_PIDS+=("$pid")
  exec 4<"$T/err.fifo" 3>"$T/feed.jsonl"
  wait_line 4 "opened .* for writing"
  head -n "$lines" "$T/all.jsonl" >&3
  wait_line 4 "committed $want articles"
  kill -9 "$pid"
  wait "$pid" 2>/dev/null
  exec 3>&- 4<&-
  rm "$T/feed.jsonl"
  cp "$T/all.jsonl" "$T/feed.jsonl"
}

# check_after_kill WHAT DB KEPT TOTAL ARGS... : the index holds KEPT
# articles and passes xapian-check; a rerun with ARGS finds them unchanged
# and adds the rest.
check_after_kill() {
  local what=$1 db=$2 kept=$3 total=$4
  shift 4
  run_idx --index "$db" --stats --json
  expect_eq "$what: stats after kill -9" 0 "$rc"
  expect_eq "$what: committed articles kept" "$kept" "$(json_field articles)"
  xapian-check "$db" >/dev/null || fail "$what: xapian-check after kill -9"
  run_idx --index "$db" --json "$@" "$T/feed.jsonl"
  expect_eq "$what: rerun exit" 0 "$rc"
  expect_eq "$what: rerun unchanged" "$kept" "$(json_field unchanged)"
  expect_eq "$what: rerun added" $((total - kept)) "$(json_field added)"
  expect_eq "$what: articles" "$total" "$(articles "$db")"
  [ -z "$(ls -d "$db".tmp-* 2>/dev/null)" ] || fail "$what: temporary directory left"
}

# one writer, commits every 2 articles: killed after the first commit
for i in 1 2 3 4 5; do
  printf '{"id":"k%d","body":"Texte %d sur la sécurité informatique."}\n' $i $i
done >"$T/all.jsonl"
kill9_after "$DB" 3 2 --jobs 1 --batch-size 2
check_after_kill "one writer" "$DB" 2 5 --jobs 1

# a first build in parallel: finished runs are merged into the index at
# checkpoints (DEPECHE_RUN_SIZE and DEPECHE_CHECKPOINT are testing knobs
# that make them tiny): killed after the first checkpoint
for i in $(seq 1 12); do
  printf '{"id":"p%d","body":"Article %d sur la défense européenne."}\n' $i $i
done >"$T/all.jsonl"
DEPECHE_RUN_SIZE=2 DEPECHE_CHECKPOINT=4 kill9_after "$T/pdb" 6 4 --jobs 2
check_after_kill "parallel" "$T/pdb" 4 12 --jobs 2
echo PASS
