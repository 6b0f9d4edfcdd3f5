#!/bin/bash
# index_max_size.sh — --max-size: an article with more text than the limit
# is rejected as path:line: reason (a JSON line or a text file without being
# read whole, an article of a .json array after parsing), the rest is
# indexed, exit 1; 0 lifts the limit; the default (32M) takes big articles;
# a bad SIZE is a usage error (exit 2, one line).
source "$(dirname "$0")/lib/index-common.bash"
d=$T/in
mkdir -p "$d"
good() { printf '{"id":"%s","title":"Titre %s","body":"Le ministère de la Défense a publié un communiqué."}' "$1" "$1"; }
# 1.5 MB of text in one article
big_body=$(head -c 1500000 /dev/zero | tr '\0' 'a' | sed 's/a\{9\}/mot long /g')
big() { printf '{"id":"%s","title":"Gros","body":"%s"}' "$1" "$big_body"; }
{ good l1; echo; big l2; echo; good l3; echo; big l4; } >"$d/news.jsonl" # no final \n
{ printf 'Un titre\n\n'; printf '%s\n' "$big_body"; } >"$d/big.txt"
printf 'Petit titre\n\nUn petit texte sur la Défense.\n' >"$d/small.txt"
printf '[{"id":"j1","body":"court"},%s,{"id":"j3","body":"court aussi"}]' "$(big j2)" >"$d/arr.json"
{ good g1; echo; big g2; echo; good g3; echo; } | gzip >"$d/more.jsonl.gz"

run_idx --index "$DB" --json --max-size 1M "$d"
expect_eq "exit status" 1 "$rc"
mapfile -t lines < <(sort <<<"$err")
expect_eq "number of error lines" 5 "${#lines[@]}"
expect_match "array article" "^$d/arr.json: article 2: article too large: [0-9]+ bytes of text, more than 1M \(see --max-size\)$" "${lines[0]}"
expect_eq "text file" "$d/big.txt:1: file too large: more than 1M (see --max-size)" "${lines[1]}"
expect_match "gz line" "^$d/more.jsonl.gz:2: line too long: [0-9]+ bytes, more than 1M \(see --max-size\)$" "${lines[2]}"
expect_match "jsonl line 2" "^$d/news.jsonl:2: line too long: [0-9]+ bytes, more than 1M" "${lines[3]}"
expect_match "jsonl last line" "^$d/news.jsonl:4: line too long: [0-9]+ bytes, more than 1M" "${lines[4]}"
expect_eq "added" 7 "$(json_field added)"
expect_eq "rejected" 5 "$(json_field rejected)"
for q in Ql1 Ql3 Qg1 Qg3 Qj1 Qj3; do has_term "$DB" "$q" || fail "$q indexed"; done
for q in Ql2 Ql4 Qg2 Qj2; do has_term "$DB" "$q" && fail "$q must not be indexed"; done

# stdin, with a size in K
run_idx --index "$T/db-stdin" --json --max-size 512K - <"$d/news.jsonl"
expect_eq "stdin exit" 1 "$rc"
expect_match "stdin message" "^<stdin>:2: line too long: [0-9]+ bytes, more than 512K" "$err"
expect_eq "stdin added" 2 "$(json_field added)"

# 0 = no limit; and the default limit (32M) takes 1.5 MB articles
for opt in "--max-size=0" ""; do
  run_idx --index "$T/db-all$opt" --json $opt "$d"
  expect_eq "exit status ($opt)" 0 "$rc"
  expect_eq "stderr ($opt)" "" "$err"
  expect_eq "added ($opt)" 12 "$(json_field added)"
done

# bad sizes: one line, exit 2, nothing indexed
for bad in 12Q -1 1.5M "" 99999999999999999999G; do
  run_idx --index "$T/db-bad" --max-size "$bad" "$d"
  expect_eq "exit status for [$bad]" 2 "$rc"
  expect_eq "message for [$bad]" "depeche-index: --max-size wants a size in bytes, with an optional K, M or G (e.g. 32M), not $bad" "$err"
done
[ -e "$T/db-bad" ] && fail "a usage error must not create the index"
echo PASS
