#!/usr/bin/env bash
# Smoke test of the benchmark helpers (ctest bench_proclat_smoke): proclat
# runs a trivial program once per query and prints its summary line; the
# bench driver tests/bench/run parses. Never checks a timing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
proclat=$1
out=$("$proclat" --repeat 2 "$here/queries.txt" -- true {}) || { echo "FAIL: proclat exited $?"; exit 1; }
echo "$out"
echo "$out" | grep -Eq '^n=[0-9]+ p50_ms=[0-9.]+ p95_ms=[0-9.]+ mean_ms=[0-9.]+ failed=0( cpu_p50_ms=[0-9.]+ cpu_p95_ms=[0-9.]+)?$' \
  || { echo "FAIL: unexpected output"; exit 1; }
n=$(grep -cv -e '^#' -e '^$' "$here/queries.txt")
[ "$n" -ge 40 ] || { echo "FAIL: queries.txt has $n queries, needs at least 40"; exit 1; }
echo "$out" | grep -q "^n=$((n * 2)) " || { echo "FAIL: expected n=$((n * 2))"; exit 1; }
# --vs: the two programs interleaved; their lines and the ratio line
vs=$("$proclat" --repeat 1 "$here/queries.txt" -- true {} --vs true {}) || { echo "FAIL: proclat --vs exited $?"; exit 1; }
echo "$vs"
[ "$(echo "$vs" | wc -l)" -eq 3 ] || { echo "FAIL: --vs: expected 3 lines"; exit 1; }
echo "$vs" | sed -n 1p | grep -q "^n=$n p50_ms=[0-9.]* " || { echo "FAIL: --vs: first line"; exit 1; }
echo "$vs" | sed -n 2p | grep -q "^vs n=$n p50_ms=[0-9.]* " || { echo "FAIL: --vs: second line"; exit 1; }
echo "$vs" | sed -n 3p | grep -Eq '^ratio p50=[0-9.]+ p95=[0-9.]+ cpu_p50=[0-9.]+ pair_p50=[0-9.]+ minflt_p50=[0-9]+/[0-9]+$' \
  || { echo "FAIL: --vs: ratio line"; exit 1; }
"$proclat" "$here/queries.txt" -- true --vs 2>/dev/null && { echo "FAIL: --vs without a peer accepted"; exit 1; }
bash -n "$here/run" || { echo "FAIL: tests/bench/run does not parse"; exit 1; }
