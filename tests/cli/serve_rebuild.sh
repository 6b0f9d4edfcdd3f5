#!/usr/bin/env bash
# serve_rebuild: a `depeche-search --serve` process keeps answering
# correctly when its index is deleted and rebuilt in place with other
# articles (regression: Xapian's reopen() mixed the old and new files and
# gave stale or wrong totals, without an error).
set -u
: "${DEPECHE_INDEX_BIN:?}" "${DEPECHE_SEARCH_BIN:?}"
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/depeche-serve-rebuild.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
idx=$tmp/idx
for i in 1 2 3 4 5 6; do
  printf '{"id":"a%s","title":"Tramway de Lyon %s","body":"Le tramway de Lyon roule, épisode %s."}\n' $i $i $i
done >"$tmp/six.jsonl"
for i in 1 2; do
  printf '{"id":"b%s","title":"Tramway de Brest %s","body":"Le tramway de Brest roule, épisode %s."}\n' $i $i $i
done >"$tmp/two.jsonl"
"$DEPECHE_INDEX_BIN" -q --index "$idx" "$tmp/six.jsonl" || fail "first index"

coproc SERVE { exec "$DEPECHE_SEARCH_BIN" --index "$idx" --serve 2>"$tmp/serve.err"; }
# (bash forgets SERVE and SERVE_PID once the coprocess ends: keep them)
serve_pid=$SERVE_PID serve_in=${SERVE[1]} serve_out=${SERVE[0]}
ask() {
  printf '%s\n' "$1" >&"$serve_in"
  IFS= read -r answer <&"$serve_out" || fail "no answer to $1"
  total=$(printf '%s' "$answer" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
}
ask tramway
[ "$total" = 6 ] || fail "before the rebuild: total $total ($answer)"
# delete and rebuild in place, first to the same revision as before
# (reopen() saw "no change" and kept the old files), then with more commits
rm -rf "$idx"
"$DEPECHE_INDEX_BIN" -q --index "$idx" "$tmp/two.jsonl" || fail "rebuild"
ask tramway
[ "$total" = 2 ] || fail "after the rebuild: total $total, want 2 ($answer)"
ask lyon
[ "$total" = 0 ] || fail "after the rebuild, lyon: total $total, want 0 ($answer)"
rm -rf "$idx"
"$DEPECHE_INDEX_BIN" -q --index "$idx" "$tmp/six.jsonl" || fail "rebuild 2"
"$DEPECHE_INDEX_BIN" -q --index "$idx" --remove a6 || fail "remove"
"$DEPECHE_INDEX_BIN" -q --index "$idx" --remove a5 || fail "remove"
ask tramway
[ "$total" = 4 ] || fail "after the second rebuild: total $total, want 4 ($answer)"
exec {serve_in}>&-
wait "$serve_pid" || fail "--serve exited $? ($(cat "$tmp/serve.err"))"
[ -s "$tmp/serve.err" ] && fail "stderr: $(cat "$tmp/serve.err")"
exit 0
