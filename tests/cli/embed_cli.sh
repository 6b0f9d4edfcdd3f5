#!/bin/bash
# embed_cli.sh — the build tool depeche-embed answers --help and refuses an
# option where its output file is expected (it used to write a file named
# "--help").
set -u
bin=$(dirname "${DEPECHE_INDEX_BIN:?run through ctest}")/../common/depeche-embed
[ -x "$bin" ] || bin=$(find "${DEPECHE_BUILD_DIR:?}" -name depeche-embed -type f -perm -u+x | head -1)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
out=$("$bin" --help); rc=$?
[ $rc = 0 ] || { echo "FAIL: --help exit $rc"; exit 1; }
[[ $out == usage:\ depeche-embed* ]] || { echo "FAIL: --help output [$out]"; exit 1; }
"$bin" -x a.txt 2>err; rc=$?
[ $rc = 2 ] || { echo "FAIL: -x exit $rc"; exit 1; }
[ -z "$(ls)" ] || [ "$(ls)" = err ] || { echo "FAIL: files written: $(ls)"; exit 1; }
printf 'abc' >d.txt
"$bin" out.c d.txt || { echo "FAIL: embedding"; exit 1; }
grep -q '"d.txt", (const char \*)d2, 3}' out.c || { echo "FAIL: table"; cat out.c; exit 1; }
"$bin" out2.c missing.txt 2>err; rc=$?
[ $rc = 2 ] && grep -q missing.txt err || { echo "FAIL: missing file rc=$rc"; exit 1; }
echo PASS
