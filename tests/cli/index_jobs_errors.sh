#!/bin/bash
# index_jobs_errors.sh — a parallel first build whose input starts with a
# rejected file: the writer reports the error unit while the workers claim
# runs; a worker used to claim that unit too and work on it after the writer
# had cleared it (segfault, about 1 run in 100 with these three files).
# Each run must reject the corrupt file, index the two others, exit 1.
# (A race: this catches it by repetition; measured 2 crashes in 200 runs
# before the fix, 0 in 200 after.)
source "$(dirname "$0")/lib/index-common.bash"
mkdir "$T/in"
printf '\x1f\x8b\x08\x00garbage' >"$T/in/a-corrupt.jsonl.gz"
printf 'Titre\n\nUn texte.\n' >"$T/in/b.txt"
printf '{"id":"c","body":"Un autre texte."}\n' >"$T/in/c.jsonl"
for k in $(seq 40); do
  rm -rf "$DB"
  run_idx --jobs 2 --index "$DB" "$T/in"
  expect_eq "run $k: exit" 1 "$rc"
  expect_match "run $k: message" "a-corrupt\.jsonl\.gz" "$err"
  expect_match "run $k: summary" "^2 added, 0 updated, 0 unchanged, 0 removed, 1 rejected" "$out"
done
echo PASS
