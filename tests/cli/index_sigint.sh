#!/bin/bash
# index_sigint.sh — SIGINT (and SIGTERM) while reading a slow stream: what
# was read is written and committed, the count of saved articles is said,
# and the exit status is 130. Synchronised on the indexer's own --verbose
# lines through FIFOs (no sleeps).
source "$(dirname "$0")/lib/index-common.bash"


for sig in INT TERM; do
  db=$T/db-$sig
  rm -f "$T/in.fifo" "$T/err.fifo"
  mkfifo "$T/in.fifo" "$T/err.fifo"
  "$IDX" --index "$db" --verbose --batch-size 2 --json - <"$T/in.fifo" >"$T/out" 2>"$T/err.fifo" &
  pid=$!
  BG_PIDS+=("$pid")
  exec 3>"$T/in.fifo" 4<"$T/err.fifo"
  wait_line 4 "opened .* for writing"
  # three lines in one write: the reader gets them together
  printf '{"id":"s%d","title":"Dépêche %d","body":"Texte %d sur la réforme des retraites."}\n' 1 1 1 2 2 2 3 3 3 >&3
  wait_line 4 "committed 2 articles"
  kill -"$sig" "$pid"
  wait "$pid"
  rc=$?
  rest=$(cat <&4)
  exec 3>&- 4<&-
  expect_eq "SIG$sig exit status" 130 "$rc"
  expect_match "SIG$sig message" "interrupted; 3 articles saved" "$rest"
  out=$(cat "$T/out")
  expect_eq "SIG$sig summary added" 3 "$(json_field added)"
  expect_eq "SIG$sig interrupted" true "$(json_field interrupted)"
  expect_eq "SIG$sig articles" 3 "$(articles "$db")"
done
echo PASS
