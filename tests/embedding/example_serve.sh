#!/usr/bin/env bash
# ctest embed_example_serve: docs/examples/serve.sh (the shell example of
# docs/embedding.md: --serve as a bash coprocess, answers read with jq) on
# an index of corpus/, output checked.
set -u
: "${DEPECHE_SOURCE_DIR:?}" "${DEPECHE_INDEX_BIN:?}" "${DEPECHE_SEARCH_BIN:?}"
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/depeche-example-serve.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
"$DEPECHE_INDEX_BIN" --quiet --index "$tmp/idx" "$DEPECHE_SOURCE_DIR/corpus/txt" "$DEPECHE_SOURCE_DIR/corpus/jsonl" ||
  fail "depeche-index exited $?"
out=$(DEPECHE_SEARCH=$DEPECHE_SEARCH_BIN bash "$DEPECHE_SOURCE_DIR/docs/examples/serve.sh" \
  "$tmp/idx" 2>&1) || { echo "$out"; fail "serve.sh exited $?"; }
echo "$out"
line() { sed -n "${1}p" <<<"$out"; }
grep -Eq '^[1-9][0-9]* articles match APT31 Exchange$' <<<"$out" || fail "bare query answer"
grep -Eq '^q2: [1-9][0-9]* articles since June 2024, newest first$' <<<"$out" || fail "JSON request answer"
dates=$(grep -E '^  20[0-9]{2}-[0-9]{2}-[0-9]{2} ' <<<"$out" | cut -c3-12)
[ "$(wc -l <<<"$dates")" = 2 ] || fail "expected 2 results"
[ "$dates" = "$(sort -r <<<"$dates")" ] || fail "not newest first"
while read -r d; do [[ "$d" > "2024-05-31" ]] || fail "date $d before the since: filter"; done <<<"$dates"
grep -Eq '^  source .+: [1-9][0-9]*$' <<<"$out" || fail "source facet lines"
grep -q '^error on line 3: "limit" must be' <<<"$out" || fail "error answer"
grep -Eq '^[1-9][0-9]* articles match Exchange$' <<<"$out" || fail "answer after the error"
[ "$(tail -n1 <<<"$out")" = "server exited with status 0" ] || fail "clean exit"
echo PASS
