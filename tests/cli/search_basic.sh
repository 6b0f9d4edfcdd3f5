#!/bin/bash
# depeche-search: --help, --version, exit statuses, errors on one line.
. "$(dirname "$0")/search_lib.inc"

s --help
[ "$RC" = 0 ] || fail "--help exit $RC"
for opt in --index --limit --offset --sort --recent --json --count --ids \
  --facets --highlight --passages --snippet-chars --no-snippets --no-relax \
  --serve --version "title:" "source:" "entity:" "date:" "since:" "until:" \
  "NEAR" "OR" "NOT" "=mot" "prefix\*"; do
  printf '%s' "$OUT" | grep -q -- "$opt" || fail "--help does not document $opt"
done
s --version
[ "$RC" = 0 ] && printf '%s' "$OUT" | grep -Eq '^depeche-search [0-9]+\.[0-9]+' ||
  fail "--version: $OUT"

s chat
[ "$RC" = 0 ] || fail "a query with hits exits $RC"
s zzzqqq
[ "$RC" = 1 ] || fail "a query without hits exits $RC"
printf '%s' "$OUT" | grep -q "Aucun résultat" || fail "no 'Aucun résultat' line: $OUT"
s
[ "$RC" = 2 ] || fail "no query exits $RC"
[ "$(printf '%s\n' "$ERR" | wc -l)" = 1 ] || fail "no query: not one line: $ERR"

OUT=$("$DEPECHE_SEARCH_BIN" --index "$T/nowhere" chat 2>"$T/err")
RC=$?
[ "$RC" = 2 ] || fail "missing index exits $RC"
grep -q "nowhere" "$T/err" && [ "$(wc -l <"$T/err")" = 1 ] || fail "missing index message: $(cat "$T/err")"

# the index from the environment
OUT=$(DEPECHE_INDEX="$IX" "$DEPECHE_SEARCH_BIN" --ids chat 2>/dev/null)
[ -n "$OUT" ] || fail "DEPECHE_INDEX is not used"

for bad in "--limit abc" "--limit -1" "--offset x" "--sort size" "--highlight=red" \
  "--facets colour" "--passages 0" "--snippet-chars 5" "--frobnicate"; do
  # shellcheck disable=SC2086
  s $bad chat
  [ "$RC" = 2 ] || fail "bad option [$bad] exits $RC"
  [ -n "$ERR" ] || fail "bad option [$bad]: no message"
done

# a query that cannot be: one line, exit 2
s "date:2021-13-45"
[ "$RC" = 2 ] && printf '%s' "$ERR" | grep -q "invalid date" || fail "bad date: $RC $ERR"
s "date:2024..2023"
[ "$RC" = 2 ] && [ "$ERR" = "depeche-search: empty date range in date:2024..2023 (it ends before it starts: write FROM..TO with FROM first)" ] ||
  fail "reversed date range: $RC [$ERR]"

# malformed queries never crash
for q in '"' '(' ')' 'OR' 'NOT' 'NEAR/3' '-' '+' '=' '*' '((((chat' 'chat)))' \
  "$(printf 'chat\001\002')" "$(head -c 10000 /dev/zero | tr '\0' '(')"; do
  s "$q"
  [ "$RC" -le 2 ] || fail "query [$q] exit $RC"
done
finish
