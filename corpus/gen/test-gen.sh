#!/bin/sh
# test-gen.sh BINARY CORPUS_DIR -- checks for depeche-gen.
# SPDX-License-Identifier: GPL-2.0-or-later
set -eu
gen=${1:?usage: test-gen.sh path/to/depeche-gen path/to/corpus}
corpus=${2:?usage: test-gen.sh path/to/depeche-gen path/to/corpus}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

n=200
"$gen" --seed 42 --count $n --from "$corpus" --out "$tmp/a.jsonl" || fail "run 1"
"$gen" --seed 42 --count $n --from "$corpus" > "$tmp/b.jsonl" || fail "run 2"
"$gen" --seed 43 --count $n --from "$corpus" --out "$tmp/c.jsonl" || fail "run 3"

cmp -s "$tmp/a.jsonl" "$tmp/b.jsonl" || fail "same seed gave different output"
cmp -s "$tmp/a.jsonl" "$tmp/c.jsonl" && fail "different seeds gave identical output"
lines=$(wc -l < "$tmp/a.jsonl")
[ "$lines" -eq $n ] || fail "expected $n lines, got $lines"

# a prefix of a run is the same as a shorter run (article k depends only on seed and k)
"$gen" --seed 42 --count 10 --from "$corpus" > "$tmp/d.jsonl" || fail "run 4"
head -n 10 "$tmp/a.jsonl" | cmp -s - "$tmp/d.jsonl" || fail "--count 10 is not a prefix of --count $n"

python3 - "$tmp/a.jsonl" "$n" <<'PY' || fail "JSON validation"
import json, sys, re
path, n = sys.argv[1], int(sys.argv[2])
fields = ["id", "url", "title", "date", "source", "section", "heading", "body"]
ids = set()
with open(path, encoding="utf-8") as f:
    for i, line in enumerate(f, 1):
        d = json.loads(line)
        assert list(d) == fields, (i, list(d))
        for k in fields:
            assert isinstance(d[k], str) and d[k], (i, k)
        assert re.fullmatch(r"20(1[5-9]|2[0-5])-\d\d-\d\d", d["date"]), (i, d["date"])
        assert d["url"].startswith("https://"), (i, d["url"])
        assert d["id"] not in ids, (i, d["id"])
        ids.add(d["id"])
        w = len(d["body"].split())
        assert 60 <= w <= 1700, (i, w)
assert len(ids) == n
PY

# bad input: reported as path:line: reason, and the good lines are still used
printf '%s\n' '{"title":"Un titre","body":"Le ministère de la Défense a confirmé mardi l’attaque."}' \
    'not json' '{"body": 3}' '{"title":"Autre titre","body":"Les pirates ont visé Exchange."}' > "$tmp/bad.jsonl"
"$gen" --count 5 --from "$tmp/bad.jsonl" --from "$tmp/missing.jsonl" > "$tmp/f.jsonl" 2> "$tmp/err" || fail "bad input run"
grep -q "bad.jsonl:2: " "$tmp/err" || fail "no path:line error for a bad JSON line"
grep -q "missing.jsonl" "$tmp/err" || fail "no error for a missing file"
[ "$(wc -l < "$tmp/f.jsonl")" -eq 5 ] || fail "bad input run wrote the wrong number of lines"

# nothing to learn from: exit status 2
: > "$tmp/empty.jsonl"
set +e
"$gen" --count 1 --from "$tmp/empty.jsonl" > /dev/null 2>&1
st=$?
set -e
[ $st -eq 2 ] || fail "empty input should exit 2, got $st"

"$gen" --help | grep -q -- "--seed" || fail "--help"
echo "test-gen: ok"
