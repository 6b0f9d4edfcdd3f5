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
echo PASS
