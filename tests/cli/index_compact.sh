#!/bin/bash
# index_compact.sh — --compact rewrites the index compactly and swaps it in:
# same articles, smaller or equal size, a reader opened before the swap
# keeps working, nothing left behind next to the index.
source "$(dirname "$0")/lib/index-common.bash"
run_idx --index "$DB" "$SRC/corpus"
expect_eq "index" 0 "$rc"
n=$(articles "$DB")
# a reader that opened the index before the swap (python3-xapian, when
# available) keeps reading every document afterwards
PY=
for p in "${PYTHON3:-python3}" /usr/bin/python3; do
  if "$p" -c 'import xapian' 2>/dev/null; then PY=$p; break; fi
done
reader=0
if [ -n "$PY" ]; then
  reader=1
  coproc READER { "$PY" -c '
import sys, xapian
db = xapian.Database(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()
n = sum(1 for i in range(1, db.get_lastdocid() + 1) if db.get_document(i).get_data())
print(n, flush=True)
' "$DB"; }
  read -r ready <&"${READER[0]}"
  expect_eq "reader ready" ready "$ready"
fi
run_idx --index "$DB" --json --compact
expect_eq "compact exit" 0 "$rc"
before=$(json_field before)
after=$(json_field after)
if [ "$reader" = 1 ]; then
  echo go >&"${READER[1]}"
  read -r seen <&"${READER[0]}"
  expect_eq "documents read by the old reader after the swap" "$n" "$seen"
fi
[ "$after" -le "$before" ] || fail "compacted index is bigger ($after > $before)"
expect_eq "articles after compact" "$n" "$(articles "$DB")"
has_term "$DB" "Zespionnag" || fail "terms after compact"
xapian-check "$DB" >/dev/null || fail "xapian-check after compact"
left=$(ls "$T" | grep -c -v -E '^(db|out|err)$')
expect_eq "temporary directories left" 0 "$left"
# indexing after compaction still works and is incremental
run_idx --index "$DB" --json "$SRC/corpus"
expect_eq "after compact: unchanged" "$n" "$(json_field unchanged)"
# index then compact in one call
run_idx --index "$T/db2" --quiet --compact "$SRC/corpus"
expect_eq "index+compact exit" 0 "$rc"
expect_eq "index+compact articles" "$n" "$(articles "$T/db2")"
echo PASS
