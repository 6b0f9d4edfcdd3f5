#!/bin/bash
# docs/query-syntax.md: every example with a stated result is run on the
# sample corpus, indexed as the doc (and `make demo`) says, and must print
# exactly what the doc states: the counts of its tables (the last column,
# one number for all the queries of the row or one per query), the
# "`QUERY` → N articles" of its prose, and the output of its
# "$ depeche-search ..." transcripts. So the doc cannot go stale.
set -u
: "${DEPECHE_INDEX_BIN:?run through ctest}" "${DEPECHE_SEARCH_BIN:?run through ctest}"
: "${DEPECHE_SOURCE_DIR:?run through ctest}"
command -v python3 >/dev/null || exit 77
DOC="$DEPECHE_SOURCE_DIR/docs/query-syntax.md"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
FAILS=0
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }

# the doc's setup is make demo's
SETUP="corpus/txt corpus/txt-plain corpus/jsonl"
grep -q "^depeche-index --index demo.db $SETUP\$" "$DOC" || fail "doc setup is not: $SETUP"
grep -q "depeche-index --index \$(INDEX) $SETUP\$" "$DEPECHE_SOURCE_DIR/Makefile" ||
  fail "make demo does not index: $SETUP"
cd "$DEPECHE_SOURCE_DIR" || exit 1
# shellcheck disable=SC2086
"$DEPECHE_INDEX_BIN" -q --index "$T/demo.db" $SETUP >/dev/null 2>"$T/index.err" || {
  fail "depeche-index: $(cat "$T/index.err")"
  exit 1
}
export NO_COLOR=1

# one line a check: count<TAB>query, or cmd<TAB>argv as JSON<TAB>output
python3 - "$DOC" >"$T/checks" <<'PY' || fail "cannot read the doc's examples"
import json, re, shlex, sys
text = open(sys.argv[1], encoding="utf-8").read()
n = 0
for line in text.splitlines():
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if line.startswith("| `") and len(cells) >= 3:
        m = re.fullmatch(r"(\d+(?:, \d+)*)(?: articles?)?", cells[-1])
        if not m:
            continue
        qs = re.findall(r"`([^`]+)`", cells[0])
        counts = m.group(1).split(", ")
        if len(counts) == 1:
            counts = counts * len(qs)
        if len(counts) != len(qs):
            print("bad\t" + line)
            continue
        for q, c in zip(qs, counts):
            print(f"count\t{c}\t{q}")
            n += 1
for q, c in re.findall(r"`([^`]+)` → (\d+) articles?", text):
    print(f"count\t{c}\t{q}")
    n += 1
# transcripts: "$ depeche-search ..." then its output, in ``` blocks
blocks, cur = [], None
for line in text.splitlines():
    if line.startswith("```"):
        if cur is None:
            cur = []
        else:
            blocks.append(cur)
            cur = None
    elif cur is not None:
        cur.append(line)
for lines in blocks:
    i = 0
    while i < len(lines):
        if lines[i].startswith("$ depeche-search "):
            argv = shlex.split(lines[i][2:])
            out = []
            i += 1
            while i < len(lines) and not lines[i].startswith("$ "):
                out.append(lines[i])
                i += 1
            print("cmd\t" + json.dumps(argv[1:]) + "\t" + json.dumps("\n".join(out)))
            n += 1
        else:
            i += 1
if n < 30:
    print(f"bad\tonly {n} examples found")
PY
checked=0
while IFS=$'\t' read -r kind a b; do
  case $kind in
  bad) fail "doc: cannot read [$a]" ;;
  count)
    got=$("$DEPECHE_SEARCH_BIN" --index "$T/demo.db" --count "$b" 2>&1)
    [ "$got" = "$a" ] || fail "doc says [$b] → $a, the program prints $got"
    checked=$((checked + 1))
    ;;
  cmd)
    got=$(python3 - "$DEPECHE_SEARCH_BIN" "$T/demo.db" "$a" <<'PY'
import json, subprocess, sys
argv = json.loads(sys.argv[3])
argv = [sys.argv[2] if a == "demo.db" else a for a in argv]
p = subprocess.run([sys.argv[1]] + argv, capture_output=True, text=True)
sys.stdout.write(p.stderr + p.stdout)
PY
)
    want=$(printf '%s' "$b" | python3 -c 'import json,sys; print(json.load(sys.stdin), end="")')
    [ "$got" = "$want" ] || fail "doc transcript $a: want [$want], got [$got]"
    checked=$((checked + 1))
    ;;
  esac
done <"$T/checks"
[ "$checked" -ge 30 ] || fail "only $checked examples checked"
echo "$checked examples of the doc checked"
if [ "$FAILS" -ne 0 ]; then
  echo "$FAILS check(s) failed" >&2
  exit 1
fi
exit 0
