#!/bin/bash
# depeche-search: a query that matches nothing with all its words is
# relaxed to any of them and says so; --no-relax; spelling suggestions.
. "$(dirname "$0")/search_lib.inc"

s --highlight=none chat budget
[ "$RC" = 0 ] || fail "relaxed query exit $RC"
printf '%s' "$OUT" | grep -q "au moins un" || fail "no relaxed line: $OUT"
s --json chat budget
printf '%s' "$OUT" | grep -q '"relaxed":true' || fail "JSON relaxed: $OUT"
s --json chat mairie
printf '%s' "$OUT" | grep -q '"relaxed":false' || fail "JSON not relaxed: $OUT"
s --no-relax chat budget
[ "$RC" = 1 ] || fail "--no-relax exit $RC"

# a misspelt word: a suggestion from the index's own words
s --highlight=none tempote
[ "$RC" = 1 ] || fail "misspelt query exit $RC"
printf '%s' "$OUT" | grep -q "^Essayez : tempete$" || fail "no suggestion: $OUT"
s --json budjet transports
printf '%s' "$OUT" | grep -q '"suggestion":"budget transports"' || fail "JSON suggestion: $OUT"
# natural-language questions rank by the words they share
s --ids "Qui a sauvé le chat à Brest ?"
[ "$(echo $OUT | cut -d' ' -f1)" = a4 ] || fail "question: $(echo $OUT)"
# relaxing that finds nothing either claims no results (no relaxed line)
s --highlight=none zzzqqq yyyxxx
[ "$RC" = 1 ] || fail "nothing at all: exit $RC"
[ "$OUT" = "Aucun résultat." ] || fail "nothing at all: [$OUT]"
s --json zzzqqq yyyxxx
printf '%s' "$OUT" | grep -q '"relaxed":false' || fail "nothing at all, JSON: $OUT"
# a query with nothing to search (stopwords are not indexed) says why
EMPTYMSG="Aucun résultat : la requête ne contient aucun mot à chercher (les mots les plus courants, comme « le », « de » ou « et », ne sont pas indexés)."
for q in "le la" "L'et de" '""' "()"; do
  s --highlight=none "$q"
  [ "$RC" = 1 ] || fail "nothing to search in [$q]: exit $RC"
  [ "$OUT" = "$EMPTYMSG" ] || fail "nothing to search in [$q]: [$OUT]"
done
s --json "le la"
printf '%s' "$OUT" | grep -q '"total":0' || fail "nothing to search, JSON: $OUT"
finish
