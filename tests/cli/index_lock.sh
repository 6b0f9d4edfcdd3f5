#!/bin/bash
# index_lock.sh — a second writer gets exit 2 and one line saying that the
# index is locked by another depeche-index; readers (--stats) still work.
source "$(dirname "$0")/lib/index-common.bash"
mkfifo "$T/in.fifo" "$T/err.fifo"
"$IDX" --index "$DB" --verbose - <"$T/in.fifo" >/dev/null 2>"$T/err.fifo" &
pid=$!
BG_PIDS+=("$pid")
exec 3>"$T/in.fifo" 4<"$T/err.fifo"
wait_line 4 "opened .* for writing"

printf '{"id":"x","body":"Un texte."}\n' >"$T/x.jsonl"
want="depeche-index: index $DB is locked by another depeche-index"
run_idx --index "$DB" "$T/x.jsonl"
expect_eq "second writer exit" 2 "$rc"
expect_eq "second writer message" "$want" "$err"
run_idx --index "$DB" --remove x
expect_eq "--remove exit" 2 "$rc"
expect_eq "--remove message" "$want" "$err"
run_idx --index "$DB" --compact
expect_eq "--compact exit" 2 "$rc"
expect_eq "--compact message" "$want" "$err"
run_idx --index "$DB" --stats
expect_eq "--stats while locked" 0 "$rc"

# the first writer finishes normally once its input ends
printf '{"id":"y","body":"Un autre texte."}\n' >&3
exec 3>&-
cat <&4 >/dev/null
wait "$pid"
expect_eq "first writer exit" 0 "$?"
expect_eq "articles" 1 "$(articles "$DB")"
echo PASS
