#!/bin/bash
# index_jobs.sh — the index does not depend on --jobs: same documents with
# the same docids, terms, values and data for 1 and 3 workers.
source "$(dirname "$0")/lib/index-common.bash"
dump() {
  local n i
  n=$("$IDX" --index "$1" --stats --json | jq -r .articles)
  for ((i = 1; i <= n; i++)); do
    xapian-delve -r "$i" -V -d "$1" 2>&1
  done
}
run_idx --index "$T/j1" --jobs 1 --batch-size 7 "$SRC/corpus"
expect_eq "jobs 1" 0 "$rc"
run_idx --index "$T/j3" --jobs 3 --batch-size 5 "$SRC/corpus"
expect_eq "jobs 3" 0 "$rc"
dump "$T/j1" >"$T/d1"
dump "$T/j3" >"$T/d3"
[ -s "$T/d1" ] || fail "empty dump"
cmp -s "$T/d1" "$T/d3" || { diff "$T/d1" "$T/d3" | head -20; fail "indexes differ"; }

# many small parallel runs (DEPECHE_RUN_SIZE is a testing knob): the merge
# keeps the input order and the same documents
DEPECHE_RUN_SIZE=4 run_idx --index "$T/j2" --jobs 2 "$SRC/corpus"
expect_eq "jobs 2, runs of 4" 0 "$rc"
dump "$T/j2" >"$T/d2"
cmp -s "$T/d1" "$T/d2" || { diff "$T/d1" "$T/d2" | head -20; fail "indexes differ (runs of 4)"; }

# checkpoints (DEPECHE_CHECKPOINT, another testing knob): finished runs are
# merged into the index while the build goes on; the result is the same
DEPECHE_RUN_SIZE=2 DEPECHE_CHECKPOINT=3 run_idx --index "$T/jc" --jobs 2 --verbose "$SRC/corpus"
expect_eq "jobs 2, checkpoints" 0 "$rc"
[ "$(grep -c "committed" <<<"$err")" -ge 3 ] || fail "no checkpoint commits: $err"
dump "$T/jc" >"$T/dc"
cmp -s "$T/d1" "$T/dc" || { diff "$T/d1" "$T/dc" | head -20; fail "indexes differ (checkpoints)"; }
[ -z "$(ls -d "$T"/jc.tmp-* 2>/dev/null)" ] || fail "temporary directory left"

# runs sized by the estimate of what is left (files of known size, runs
# above 2,500 articles): the same documents, in the same order
for i in $(seq 1 7000); do
  printf '{"id":"g%d","body":"Brève %d : la mairie annonce des travaux rue %d."}\n' $i $i $((i % 97))
done >"$T/g.jsonl"
run_idx --index "$T/g1" --jobs 1 "$T/g.jsonl"
expect_eq "guided, jobs 1" 0 "$rc"
DEPECHE_RUN_SIZE=3000 run_idx --index "$T/g2" --jobs 2 "$T/g.jsonl"
expect_eq "guided, jobs 2" 0 "$rc"
for k in terms articles; do
  expect_eq "guided: $k" "$("$IDX" --index "$T/g1" --stats --json | jq .$k)" \
    "$("$IDX" --index "$T/g2" --stats --json | jq .$k)"
done
for id in g1 g2999 g3000 g3001 g5500 g6999 g7000; do
  expect_eq "guided: docid of $id" "$(xapian-delve -1 -t "Q$id" "$T/g1" | tail -n +2)" \
    "$(xapian-delve -1 -t "Q$id" "$T/g2" | tail -n +2)"
done

# the same id in two runs: one document, with the later content
mkdir -p "$T/dup"
for i in 1 2 3 4 5 6 7 8 9; do
  printf '{"id":"d%d","body":"Texte numéro %d."}\n' $i $i
done >"$T/dup/a.jsonl"
printf '{"id":"d2","body":"Version corrigée du texte deux."}\n' >>"$T/dup/a.jsonl"
DEPECHE_RUN_SIZE=3 run_idx --index "$T/jd" --jobs 2 --json "$T/dup"
expect_eq "dup exit" 0 "$rc"
expect_eq "dup added" 9 "$(json_field added)"
expect_eq "dup updated" 1 "$(json_field updated)"
expect_eq "dup articles" 9 "$(articles "$T/jd")"
has_term "$T/jd" "Zcorrig" || fail "later version of d2"
has_term "$T/jd" "Zdeux" || fail "later version of d2 (deux)"
# ... and twice in the same run (a run adds an id it has not seen without
# looking it up, and replaces one it has): the same index as one worker's
mkdir -p "$T/dup1"
for i in 1 2 3 4 5 6; do
  printf '{"id":"s%d","body":"Texte numéro %d."}\n' $i $i
done >"$T/dup1/a.jsonl"
printf '{"id":"s2","body":"Version corrigée du texte deux."}\n' >>"$T/dup1/a.jsonl"
printf '{"id":"s7","body":"Texte sept."}\n' >>"$T/dup1/a.jsonl"
printf '{"id":"s2","body":"Troisième version du texte deux."}\n' >>"$T/dup1/a.jsonl"
run_idx --index "$T/s1" --jobs 1 --json "$T/dup1"
expect_eq "dup in a run, jobs 1" 0 "$rc"
DEPECHE_RUN_SIZE=100 run_idx --index "$T/s2" --jobs 2 --json "$T/dup1"
expect_eq "dup in a run, jobs 2" 0 "$rc"
expect_eq "dup in a run: added" 7 "$(json_field added)"
expect_eq "dup in a run: updated" 2 "$(json_field updated)"
expect_eq "dup in a run: articles" 7 "$(articles "$T/s2")"
dump "$T/s1" >"$T/ds1"
dump "$T/s2" >"$T/ds2"
has_term "$T/s2" "Ztroisiem" || fail "last version of s2"
has_term "$T/s2" "Zcorrig" && fail "an earlier version of s2 is left"
cmp -s "$T/ds1" "$T/ds2" || { diff "$T/ds1" "$T/ds2" | head -20; fail "indexes differ (dup in a run)"; }
# ... also when the earlier run is already in the index (a checkpoint
# merged it) when the later one comes
DEPECHE_RUN_SIZE=3 DEPECHE_CHECKPOINT=3 run_idx --index "$T/jk" --jobs 2 --json --verbose "$T/dup"
expect_eq "dup/checkpoint exit" 0 "$rc"
[ "$(grep -c "committed" "$T/err")" -ge 2 ] || fail "no checkpoint: $(cat "$T/err")"
expect_eq "dup/checkpoint added" 9 "$(json_field added)"
expect_eq "dup/checkpoint updated" 1 "$(json_field updated)"
expect_eq "dup/checkpoint articles" 9 "$(articles "$T/jk")"
has_term "$T/jk" "Zcorrig" || fail "later version of d2 (checkpoint)"
d2=$(xapian-delve -1 -t Qd2 "$T/jk" | tail -n +2)
expect_eq "d2: one document" 1 "$(wc -w <<<"$d2")"
xapian-delve -1 -r "$d2" "$T/jk" | grep -qx Zcorrig || fail "d2 holds the earlier version"
echo PASS
