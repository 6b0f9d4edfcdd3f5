#!/bin/bash
# index_incremental.sh — reruns skip unchanged articles, replace changed
# ones in place (by id), add new ones; ids fall back to the path relative
# to the root argument.
source "$(dirname "$0")/lib/index-common.bash"
mkdir -p "$T/in/sub"
printf 'Title: La marée\nDate: 2024-03-28\nSource: Ouest Matin\n\nLes grandes marées attirent les curieux à Saint-Malo.\n' >"$T/in/a.txt"
printf 'Les vendanges commencent\n\nLes vignerons de Bourgogne ont commencé la récolte.\n' >"$T/in/sub/b.txt"
printf '{"id":"j1","body":"Un article en JSON Lines sur le cyclisme."}\n' >"$T/in/c.jsonl"

run_idx --index "$DB" --json "$T/in"
expect_eq "first run" 0 "$rc"
expect_eq "first added" 3 "$(json_field added)"
has_term "$DB" "Qa.txt" || fail "id = relative path"
has_term "$DB" "Qsub/b.txt" || fail "id = relative path in a subdirectory"

run_idx --index "$DB" --json "$T/in"
expect_eq "idempotent added" 0 "$(json_field added)"
expect_eq "idempotent updated" 0 "$(json_field updated)"
expect_eq "idempotent unchanged" 3 "$(json_field unchanged)"

# change one file, add one
printf 'Title: La marée\nDate: 2024-03-29\nSource: Ouest Matin\n\nLes grandes marées inquiètent Cancale.\n' >"$T/in/a.txt"
printf '{"id":"j1","body":"Un article en JSON Lines sur le cyclisme."}\n{"id":"j2","body":"Un deuxième article sur le rugby."}\n' >"$T/in/c.jsonl"
run_idx --index "$DB" --json "$T/in"
expect_eq "changed exit" 0 "$rc"
expect_eq "changed added" 1 "$(json_field added)"
expect_eq "changed updated" 1 "$(json_field updated)"
expect_eq "changed unchanged" 2 "$(json_field unchanged)"
expect_eq "articles" 4 "$(articles "$DB")"
has_term "$DB" "Zcancal" || fail "new text indexed"
has_term "$DB" "Zmalo" && fail "old text of the replaced article still indexed"
has_term "$DB" "D20240329" || fail "new date"
has_term "$DB" "D20240328" && fail "old date still indexed"

# the same file named directly keeps the same id (its name)
run_idx --index "$DB" --json "$T/in/a.txt"
expect_eq "file argument unchanged" 1 "$(json_field unchanged)"
echo PASS
