#!/usr/bin/env bash
# ctest embed_example_py: docs/examples/example.py (the Python ctypes
# example of docs/embedding.md) on an index of corpus/, output checked.
set -u
: "${DEPECHE_SOURCE_DIR:?}" "${DEPECHE_INDEX_BIN:?}" "${DEPECHE_LIB:?}" "${PYTHON3:?}"
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/depeche-example-py.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
"$DEPECHE_INDEX_BIN" --quiet --index "$tmp/idx" "$DEPECHE_SOURCE_DIR/corpus/txt" "$DEPECHE_SOURCE_DIR/corpus/jsonl" ||
  fail "depeche-index exited $?"
if [ "${DEPECHE_SANITIZE:-}" = 1 ]; then
  # the instrumented library in Python: libasan (set by ctest) and libstdc++
  # preloaded, or ASan cannot intercept Xapian's C++ exceptions
  export LD_PRELOAD="${LD_PRELOAD:+$LD_PRELOAD:}libstdc++.so.6"
fi
py=$DEPECHE_SOURCE_DIR/docs/examples/example.py
out=$("$PYTHON3" "$py" "$tmp/idx" 'APT31 Exchange' 2>&1) || { echo "$out"; fail "example.py exited $?"; }
echo "$out"
total=$(sed -n 's/^\([0-9]*\) articles match$/\1/p' <<<"$out")
[ "${total:-0}" -ge 3 ] || fail "expected 'N articles match' with N >= 3"
[ "$(grep -c '^[1-3]\. 20[0-9-]* | ' <<<"$out")" = 3 ] || fail "expected 3 results"
[ "$(grep -c '^   highlighted: .*\(APT\|Exchange\)' <<<"$out")" = 3 ] ||
  fail "expected 3 'highlighted:' lines naming the query words"
# A missing index: the message of dp_open, raised as OSError.
out=$("$PYTHON3" "$py" "$tmp/nope" x 2>&1) && fail "a missing index did not fail"
grep -q '^OSError: .*nope' <<<"$out" || { echo "$out"; fail "expected OSError naming the index"; }
echo PASS
