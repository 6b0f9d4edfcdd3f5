#!/bin/bash
# index_prune.sh — --prune removes the articles whose source file is gone
# under the given roots, and only those.
source "$(dirname "$0")/lib/index-common.bash"
mkdir -p "$T/in" "$T/other"
for n in 1 2 3; do
  printf 'Titre %s\n\nTexte numéro %s sur les élections municipales.\n' $n $n >"$T/in/f$n.txt"
done
printf 'Autre\n\nUn texte ailleurs sur la pêche.\n' >"$T/other/g.txt"
run_idx --index "$DB" "$T/in" "$T/other"
expect_eq "first run" 0 "$rc"
rm "$T/in/f2.txt" "$T/other/g.txt"

run_idx --index "$DB" --json --prune "$T/in"
expect_eq "prune exit" 0 "$rc"
expect_eq "removed" 1 "$(json_field removed)"
expect_eq "unchanged" 2 "$(json_field unchanged)"
has_term "$DB" "Qf2.txt" && fail "f2.txt should be pruned"
has_term "$DB" "Qg.txt" || fail "g.txt is outside the pruned root"

# --prune alone: every article whose file is gone
run_idx --index "$DB" --json --prune
expect_eq "prune-all exit" 0 "$rc"
expect_eq "prune-all removed" 1 "$(json_field removed)"
expect_eq "articles left" 2 "$(articles "$DB")"
echo PASS
