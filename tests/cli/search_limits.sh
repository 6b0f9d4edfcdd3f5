#!/bin/bash
# depeche-search: --limit 0 prints only how many articles match (exit by
# hits); an offset past the end says so; option ranges are stated as
# really accepted.
. "$(dirname "$0")/search_lib.inc"

s --limit 0 chat
[ "$RC" = 0 ] || fail "--limit 0 chat: exit $RC"
[ "$OUT" = "2 articles" ] || fail "--limit 0 chat: [$OUT]"
s --limit 0 élection
[ "$OUT" = "1 article" ] || fail "--limit 0 élection: [$OUT]"
s --limit 0 zzzqqq
[ "$RC" = 1 ] || fail "--limit 0 no hit: exit $RC"
[ "$OUT" = "Aucun résultat." ] || fail "--limit 0 no hit: [$OUT]"
s --json --limit 0 chat
printf '%s' "$OUT" | grep -q '"total":2,.*"results":\[\]' || fail "--json --limit 0: $OUT"
s --offset 10 chat
[ "$RC" = 0 ] || fail "--offset 10: exit $RC"
printf '%s' "$OUT" | grep -q "^Aucun résultat à partir du rang 11 (2 articles en tout).$" ||
  fail "--offset past the end: [$OUT]"
# the messages state the range that is really accepted
for a in "--snippet-chars 5:from 20 to 1000000" \
  "--snippet-chars 100000000:from 20 to 1000000" \
  "--passages 0:from 1 to 16" "--passages 17:from 1 to 16" \
  "--limit -1:from 0 to 1000000"; do
  opt=${a%%:*}
  want=${a#*:}
  s $opt chat
  [ "$RC" = 2 ] || fail "$opt: exit $RC"
  printf '%s' "$ERR" | grep -q "expected a number $want" || fail "$opt: $ERR"
done
s --snippet-chars 20 chat
[ "$RC" = 0 ] || fail "--snippet-chars 20: exit $RC ($ERR)"
finish
