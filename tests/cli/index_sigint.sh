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

# SIGINT while reading a regular file (the reader never waits for input):
# reading stops at once too. 3,000 malformed lines come first; the writer
# reports each of them on stderr, which is not read until after the signal,
# so it blocks once the pipe is full and the reader, its ring full, can
# never have reached the good lines behind them when the signal comes (and
# without the stop, it would index all of them).
for i in $(seq 1 3000); do echo '{"id": "bad", "body": '; done >"$T/big.jsonl"
for i in $(seq 1 500); do
  printf '{"id":"g%d","body":"Texte %d sur la réforme des retraites."}\n' $i $i
done >>"$T/big.jsonl"
rm -f "$T/err.fifo"
mkfifo "$T/err.fifo"
"$IDX" --index "$T/db-file" --verbose --jobs 1 --json "$T/big.jsonl" >"$T/out" 2>"$T/err.fifo" &
pid=$!
BG_PIDS+=("$pid")
exec 4<"$T/err.fifo"
# the first rejection: the threads run, the signals are blocked in them
wait_line 4 "big.jsonl:1: invalid JSON"
kill -INT "$pid"
rest=$(cat <&4)
wait "$pid"
rc=$?
exec 4<&-
expect_eq "file: exit status" 130 "$rc"
expect_match "file: message" "interrupted; 0 articles saved" "$rest"
out=$(cat "$T/out")
expect_eq "file: added" 0 "$(json_field added)"
rejected=$(json_field rejected)
[ "$rejected" -lt 3000 ] || fail "file: reading did not stop ($rejected rejected)"

# SIGINT during a first build in parallel: the workers leave the rest of
# their runs out (a run is up to 10,000 articles, all of them may have been
# read already). Wherever the signal falls, the articles said to be saved
# are in the index, it passes xapian-check, and a rerun adds the others.
for i in $(seq 1 1000); do
  printf '{"id":"r%d","body":"Dépêche %d sur la réforme des retraites et le budget."}\n' $i $i
done >"$T/runs.jsonl"
rm -f "$T/feed.jsonl" "$T/err.fifo"
mkfifo "$T/feed.jsonl" "$T/err.fifo"
DEPECHE_RUN_SIZE=500 "$IDX" --index "$T/db-par" --verbose --jobs 2 --json \
  "$T/feed.jsonl" >"$T/out" 2>"$T/err.fifo" &
pid=$!
BG_PIDS+=("$pid")
exec 4<"$T/err.fifo" 3>"$T/feed.jsonl"
wait_line 4 "opened .* for writing"
cat "$T/runs.jsonl" >&3
kill -INT "$pid"
rest=$(cat <&4)
wait "$pid"
rc=$?
exec 3>&- 4<&-
expect_eq "parallel: exit status" 130 "$rc"
[[ "$rest" =~ interrupted\;\ ([0-9]+)\ articles\ saved ]] || fail "parallel: message: $rest"
saved=${BASH_REMATCH[1]}
echo "  parallel: $saved of 1000 articles saved at the signal" >&2
expect_eq "parallel: articles" "$saved" "$(articles "$T/db-par")"
# the summary counts the text of the articles written, not what was read
# ahead and left out
out=$(cat "$T/out")
xapian-delve -a -1 "$T/db-par" | sed -n 's/^Q//p' | sort >"$T/saved-ids"
want=$(LC_ALL=C awk 'NR == FNR { keep["\"" $1 "\""] = 1; next }
  { split($0, f, ":|,"); if (keep[f[2]]) n += length($0) } END { print n + 0 }' \
  "$T/saved-ids" "$T/runs.jsonl")
expect_eq "parallel: bytes of the saved articles" "$want" "$(json_field bytes)"
xapian-check "$T/db-par" >/dev/null || fail "parallel: xapian-check"
rm "$T/feed.jsonl"
cp "$T/runs.jsonl" "$T/feed.jsonl"
run_idx --index "$T/db-par" --jobs 2 --json "$T/feed.jsonl"
expect_eq "parallel: rerun exit" 0 "$rc"
expect_eq "parallel: rerun unchanged" "$saved" "$(json_field unchanged)"
expect_eq "parallel: rerun added" $((1000 - saved)) "$(json_field added)"
expect_eq "parallel: all articles" 1000 "$(articles "$T/db-par")"
echo PASS
