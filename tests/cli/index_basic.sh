#!/bin/bash
# index_basic.sh — indexing the project corpus (txt with header blocks, txt
# with a title line, jsonl, jsonl.gz) gives every article, searchable terms
# per schema.h, and a rerun is idempotent (0 added, all unchanged).
source "$(dirname "$0")/lib/index-common.bash"

run_idx --index "$DB" --json "$SRC/corpus"
expect_eq "exit status" 0 "$rc"
expect_eq "stderr" "" "$err"
added=$(json_field added)
[ "$added" -ge 40 ] || fail "expected at least 40 articles, got $added"
expect_eq "rejected" 0 "$(json_field rejected)"
expect_eq "articles in index" "$added" "$(articles "$DB")"

# schema terms (schema.h) for a known article of corpus/txt
has_term "$DB" "Qhttps://www.afdepeche.fr/cyber/2024/03/12/apt31-ministere-defense-exchange" || fail "Q id from the URL: header"
has_term "$DB" "Qtxt-plain/airbus-livraisons-record.txt" || fail "Q id from the path relative to the root"
has_term "$DB" "D20240312" || fail "D date term"
has_term "$DB" "M202403" || fail "M month term"
has_term "$DB" "Y2024" || fail "Y year term"
has_term "$DB" "XSRCagence france depeche" || fail "XSRC folded source"
has_term "$DB" "Zespionnag" || fail "Z stem"
has_term "$DB" "espionnage" || fail "bare folded word"
has_term "$DB" "Sdefens" || fail "S title stem"
has_term "$DB" "Zdefens" || fail "title stem also in Z"
has_term "$DB" "XP$SRC/corpus/txt/2024-03-12-afd-apt31-defense.txt" || fail "XP path"
has_term "$DB" "de" && fail "stopwords must not be bare terms"
has_term "$DB" "Zde" && fail "stopwords must not be Z terms"

# the second run changes nothing
run_idx --index "$DB" --json "$SRC/corpus"
expect_eq "rerun exit status" 0 "$rc"
expect_eq "rerun added" 0 "$(json_field added)"
expect_eq "rerun updated" 0 "$(json_field updated)"
expect_eq "rerun unchanged" "$added" "$(json_field unchanged)"

# the text summary line
run_idx --index "$DB" "$SRC/corpus"
expect_match "summary" "^0 added, 0 updated, $added unchanged, 0 removed, 0 rejected in [0-9.]+ s \([0-9.]+ MB/s\)$" "$out"
echo PASS
