#!/bin/bash
# depeche-search --ids decodes each stored record no further than its id
# (dps_index_set_ids_only): the ids, their order and the exit status are
# those of --json, for records stored compressed or as is (short ones), with
# long and non-ASCII ids, with facets, and with --sort date.
. "$(dirname "$0")/search_lib.inc"

long=$(printf 'x%.0s' $(seq 1 300))
cat >"$T/more.jsonl" <<JSONL
{"id":"$long","title":"Un chat très long","body":"Chat."}
{"id":"né-à-Brest’1","title":"Chat breton","body":"Un chat."}
{"id":"c3","title":"x","body":"chat"}
JSONL
"$DEPECHE_INDEX_BIN" -q --index "$IX" "$T/more.jsonl" >/dev/null 2>"$T/index.err" ||
  fail "indexing more.jsonl: $(cat "$T/index.err")"

json_ids() { # QUERY ARGS...: the ids of --json, one a line, in $OUT
  s --json "$@"
  OUT=$(printf '%s' "$OUT" | "${PYTHON3:-python3}" -c '
import json, sys
for r in json.load(sys.stdin)["results"]:
    print(r["id"])')
}
for args in "chat" "chat --limit 2" "chat --offset 1" "chat --sort date" \
  "chat --facets source" "ministère" "girafe"; do
  # shellcheck disable=SC2086
  json_ids $args
  want=$OUT wantrc=$RC
  # shellcheck disable=SC2086
  s --ids $args
  [ "$OUT" = "$want" ] || fail "--ids $args: got [$OUT], --json says [$want]"
  [ "$RC" = "$wantrc" ] || fail "--ids $args: exit $RC, --json exits $wantrc"
done
s --ids chat --limit 100
printf '%s\n' "$OUT" | grep -qx "$long" || fail "--ids: the 300-byte id is missing"
printf '%s\n' "$OUT" | grep -qx 'né-à-Brest’1' || fail "--ids: the non-ASCII id is missing"
finish
