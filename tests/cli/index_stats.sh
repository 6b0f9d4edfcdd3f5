#!/bin/bash
# index_stats.sh — --stats prints articles, terms, size by table, last
# update and top entities, as text or JSON.
source "$(dirname "$0")/lib/index-common.bash"
run_idx --index "$DB" --quiet "$SRC/corpus"
expect_eq "index" 0 "$rc"
run_idx --index "$DB" --stats --json
expect_eq "stats exit" 0 "$rc"
for k in articles terms bytes updated tables top_entities; do
  [ "$(jq "has(\"$k\")" <<<"$out")" == true ] || fail "no key $k in $out"
done
[ "$(json_field articles)" -gt 0 ] || fail "articles"
[ "$(jq '.tables | has("postlist.glass")' <<<"$out")" == true ] || fail "table sizes"
expect_match "updated" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' "$(json_field updated)"
run_idx --index "$DB" --stats
expect_eq "text stats exit" 0 "$rc"
expect_match "text stats" "articles: +[0-9]+" "$out"
expect_match "text stats tables" "postlist.glass" "$out"
run_idx --index "$T/none" --stats
expect_eq "missing index" 2 "$rc"
expect_eq "missing index message" "depeche-index: no index at $T/none" "$err"
echo PASS
