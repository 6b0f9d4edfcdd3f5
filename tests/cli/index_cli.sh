#!/bin/bash
# index_cli.sh — --help documents every option, --version, usage errors
# give exit 2, the default index is $DEPECHE_INDEX.
source "$(dirname "$0")/lib/index-common.bash"
run_idx --help
expect_eq "--help exit" 0 "$rc"
for o in --index --jobs --batch-size --prune --remove --compact --stats \
         --spelling --no-sync --json --quiet --verbose --analyze --help --version; do
  grep -q -- "$o" <<<"$out" || fail "--help does not mention $o"
done
run_idx --version
expect_eq "--version exit" 0 "$rc"
expect_match "--version" "^depeche-index [0-9]+\.[0-9]+" "$out"
run_idx --no-such-option
expect_eq "bad option" 2 "$rc"
run_idx --jobs 0 x
expect_eq "--jobs 0" 2 "$rc"
run_idx
expect_eq "no arguments" 2 "$rc"
run_idx --index "$DB" "$T/does-not-exist"
expect_eq "missing path exit" 1 "$rc"
expect_eq "missing path message" "$T/does-not-exist: No such file or directory" "$err"
printf '{"id":"e","body":"Variable d’environnement."}\n' >"$T/e.jsonl"
(cd "$T" && DEPECHE_INDEX="$T/envdb" "$IDX" --quiet e.jsonl) || fail "DEPECHE_INDEX"
expect_eq "DEPECHE_INDEX used" 1 "$(articles "$T/envdb")"
echo PASS
