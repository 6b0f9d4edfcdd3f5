# index-common.bash — helpers for the depeche-index CLI tests
# (tests/cli/index_*.sh source this file; it is not a test itself).
#
# Provides: $IDX (the binary), $T (a fresh temporary directory removed at
# exit), $DB (an index path inside it), and small assertion helpers that
# print what was expected and exit 1.
set -u
IDX=${DEPECHE_INDEX_BIN:?DEPECHE_INDEX_BIN is not set (run through ctest)}
SRC=${DEPECHE_SOURCE_DIR:?DEPECHE_SOURCE_DIR is not set}
T=$(mktemp -d "${TMPDIR:-/tmp}/depeche-index-test.XXXXXX")
DB=$T/db
BG_PIDS=()
cleanup() {
  for p in "${BG_PIDS[@]}"; do kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rm -rf "$T"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
  [ "$2" == "$3" ] || fail "$1: expected [$2], got [$3]"
}

# expect_match WHAT REGEX ACTUAL
expect_match() {
  [[ "$3" =~ $2 ]] || fail "$1: [$3] does not match /$2/"
}

# run_idx ARGS... : runs the indexer; sets $rc, $out, $err.
run_idx() {
  "$IDX" "$@" >"$T/out" 2>"$T/err"
  rc=$?
  out=$(cat "$T/out")
  err=$(cat "$T/err")
}

# json_field KEY : value of KEY in the JSON object in $out.
json_field() {
  jq -r ".$1" <<<"$out"
}

# articles DB : number of articles in the index.
articles() {
  "$IDX" --index "$1" --stats --json | jq -r .articles
}

# has_term DB TERM : succeeds when some document is indexed by TERM.
has_term() {
  xapian-delve -t "$2" "$1" 2>/dev/null | grep -q "^Posting List for term"
}

# wait_line FD REGEX : reads lines from file descriptor FD (a FIFO fed by a
# background indexer's stderr) until one matches; no sleeping, no polling.
wait_line() {
  local line
  while IFS= read -r -u "$1" line; do
    echo "  [bg] $line" >&2
    [[ "$line" =~ $2 ]] && return 0
  done
  fail "stream ended before a line matching /$2/"
}
