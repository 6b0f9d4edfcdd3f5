#!/usr/bin/env bash
# Smoke test of tests/eval/piaf_eval.py (ctest eval_piaf_smoke): 50 PIAF
# questions, no distractors; the tool must run and print a line for each of
# the three systems. No quality threshold. Exits 77 when the data is absent.
set -u
here=$(cd "$(dirname "$0")" && pwd)
work=${DEPECHE_BUILD_DIR:-/tmp}/tests/eval-piaf-smoke
out=$("${PYTHON3:-python3}" "$here/piaf_eval.py" --queries 50 --work "$work")
rc=$?
printf '%s\n' "$out"
[ "$rc" = 77 ] && exit 77
[ "$rc" = 0 ] || { echo "FAIL: piaf_eval.py exited $rc"; exit 1; }
for s in 'Dépêche' 'SQLite FTS5' 'Xapian QueryParser'; do
  printf '%s\n' "$out" | grep -q "^$s" || { echo "FAIL: no line for $s"; exit 1; }
done
