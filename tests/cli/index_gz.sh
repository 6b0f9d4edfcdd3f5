#!/bin/bash
# index_gz.sh — gzip'ed inputs are streamed through zlib (.jsonl.gz,
# .txt.gz, and a gzip file named without .gz), and a truncated .gz is
# reported as path:line with what came before it indexed.
source "$(dirname "$0")/lib/index-common.bash"
mkdir -p "$T/in"
for i in 1 2 3 4 5; do
  printf '{"id":"gz-%d","title":"Article %d","date":"2024-05-0%d","body":"Le texte numéro %d parle de la Bretagne et du Finistère."}\n' $i $i $i $i
done | gzip -c >"$T/in/a.jsonl.gz"
printf 'Un titre comprimé\n\nLe corps du texte comprimé avec gzip.\n' | gzip -c >"$T/in/b.txt.gz"

run_idx --index "$DB" --json "$T/in"
expect_eq "exit status" 0 "$rc"
expect_eq "stderr" "" "$err"
expect_eq "added" 6 "$(json_field added)"
has_term "$DB" "Qgz-3" || fail "id of a gzip'ed jsonl line"
has_term "$DB" "Qb.txt.gz" || fail "id of a gzip'ed txt file"
has_term "$DB" "Scomprim" || fail "title of a gzip'ed txt file"

# truncated: the first lines are indexed, the cut is reported
for i in $(seq 1 400); do
  printf '{"id":"cut-%d","body":"Texte %d sur la météo de la semaine prochaine en Provence."}\n' $i $i
done | gzip -c >"$T/full.gz"
size=$(stat -c %s "$T/full.gz")
head -c $((size * 2 / 3)) "$T/full.gz" >"$T/cut.jsonl.gz"
run_idx --index "$T/db2" --json "$T/cut.jsonl.gz"
expect_eq "truncated exit status" 1 "$rc"
expect_match "truncated message" "^$T/cut.jsonl.gz:[0-9]+: truncated gzip data$" "$err"
n=$(json_field added)
[ "$n" -gt 0 ] && [ "$n" -lt 400 ] || fail "expected part of the lines, got $n"
expect_eq "rejected" 1 "$(json_field rejected)"
echo PASS
