#!/bin/bash
# index_dates.sh — a date that is given but not understood leaves the
# article indexed without a date, and is said in one line (path:line: date
# "…" not understood…) for the first ten, then once more; the JSON summary
# counts them ("undated"). Dates in the usual forms are kept; a blank date
# is no date, not a wrong one. A rerun over unchanged files is silent.
source "$(dirname "$0")/lib/index-common.bash"
mkdir -p "$T/in"
{
  printf '{"id":"ok1","body":"Un article daté.","date":"2024-03-12T07:30:00Z"}\n'
  printf '{"id":"ok2","body":"Un article daté.","date":"12/03/2024"}\n'
  printf '{"id":"ok3","body":"Un article daté.","date":"jeudi 2 juillet 2020"}\n'
  printf '{"id":"blank","body":"Un article sans date.","date":"  "}\n'
  printf '{"id":"bad1","body":"Un article mal daté.","date":"2024-13-45"}\n'
  printf '{"id":"bad2","body":"Un article mal daté.","date":"hier soir"}\n'
  printf '{"id":"bad3","body":"Un article mal daté.","date":"31/02/2024\\nX: y"}\n'
} >"$T/in/feed.jsonl"
printf 'Titre: Une dépêche\nDate: le 3 du mois\n\nLe corps de la dépêche.\n' >"$T/in/note.txt"
run_idx --index "$DB" --json "$T/in"
expect_eq "exit status" 0 "$rc"
expect_eq "added" 8 "$(json_field added)"
expect_eq "rejected" 0 "$(json_field rejected)"
expect_eq "undated" 4 "$(json_field undated)"
hint='not understood, indexed without a date (write 2024-03-12, 12/03/2024 or 12 mars 2024)'
expect_eq "stderr" "$T/in/feed.jsonl:5: date \"2024-13-45\" $hint
$T/in/feed.jsonl:6: date \"hier soir\" $hint
$T/in/feed.jsonl:7: date \"31/02/2024?X: y\" $hint
$T/in/note.txt:1: date \"le 3 du mois\" $hint" "$err"
for d in D20240312 D20200702; do has_term "$DB" "$d" || fail "$d not indexed"; done
has_term "$DB" "D20240345" && fail "an impossible date indexed"
expect_eq "articles" 8 "$(articles "$DB")"
# a rerun over the unchanged files does not say it again
run_idx --index "$DB" --json "$T/in"
expect_eq "rerun: stderr" "" "$err"
expect_eq "rerun: unchanged" 8 "$(json_field unchanged)"
expect_eq "rerun: undated" 0 "$(json_field undated)"

# more than ten: ten lines, then one saying the summary counts the rest
for i in $(seq 1 14); do
  printf '{"id":"m%d","body":"Encore un article.","date":"le %d"}\n' "$i" "$i"
done >"$T/many.jsonl"
run_idx --index "$T/db-many" --json "$T/many.jsonl"
expect_eq "many: exit status" 0 "$rc"
expect_eq "many: undated" 14 "$(json_field undated)"
mapfile -t lines <<<"$err"
expect_eq "many: lines" 11 "${#lines[@]}"
expect_eq "many: line 10" "$T/many.jsonl:10: date \"le 10\" $hint" "${lines[9]}"
expect_eq "many: last line" 'depeche-index: more dates not understood; the summary counts them (--json: "undated")' "${lines[10]}"

# JSON values other than a string or an integer: MongoDB's {"$date": "…"}
# is read; another object, a float or a boolean is said (it was ignored in
# silence); a blank date falls through to the next name (published)
printf '%s\n' '{"id":"j1","body":"x","date":{"$date":"2020-07-02T10:00:00Z"}}' \
  '{"id":"j2","body":"x","date":{"when":"hier"}}' '{"id":"j3","body":"x","date":1.5e9}' \
  '{"id":"j4","body":"x","date":true}' '{"id":"j5","body":"x","date":["2021-01-05"]}' \
  '{"id":"j6","body":"x","date":"","published":"2022-02-02"}' >"$T/json.jsonl"
run_idx --index "$T/db-json" --json "$T/json.jsonl"
expect_eq "json: exit status" 0 "$rc"
expect_eq "json: undated" 3 "$(json_field undated)"
expect_eq "json: stderr" "$T/json.jsonl:2: date \"{\"when\":\"hier\"}\" $hint
$T/json.jsonl:3: date \"1500000000.0\" $hint
$T/json.jsonl:4: date \"true\" $hint" "$err"
for d in D20200702 D20210105 D20220202; do has_term "$T/db-json" "$d" || fail "json: $d not indexed"; done

# a long date is shown cut, on whole characters
long=$(printf 'é%.0s' $(seq 1 40))
printf '{"id":"long","body":"Un article.","date":"%s"}\n' "$long" >"$T/long.jsonl"
run_idx --index "$T/db-long" "$T/long.jsonl"
expect_eq "long: stderr" "$T/long.jsonl:1: date \"$(printf 'é%.0s' $(seq 1 24))\" $hint" "$err"
echo PASS
