#!/usr/bin/env bash
# depeche-index --analyze: the JSON of DESIGN.md, from a file and from stdin,
# with byte offsets that slice the input exactly.
set -euo pipefail
bin=${DEPECHE_INDEX_BIN:?DEPECHE_INDEX_BIN not set}
py=${PYTHON3:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

printf '%s\n' "L’ambassade d'Exchange a-t-il vu les États-Unis ? APT-31, 1 000 euros." >"$tmp/in.txt"
"$bin" --analyze "$tmp/in.txt" >"$tmp/file.json"
"$bin" --analyze - <"$tmp/in.txt" >"$tmp/stdin.json"
"$bin" --analyze <"$tmp/in.txt" >"$tmp/default.json"
cmp "$tmp/file.json" "$tmp/stdin.json"
cmp "$tmp/file.json" "$tmp/default.json"

"$py" - "$tmp/in.txt" "$tmp/file.json" <<'PY'
import json, sys
raw = open(sys.argv[1], "rb").read()
doc = json.load(open(sys.argv[2], encoding="utf-8"))
assert set(doc) >= {"tokens", "entities"}, doc.keys()
assert isinstance(doc["entities"], list)
toks = doc["tokens"]
for t in toks:
    for k in ("text", "term", "stem", "pos", "start", "end", "flags"):
        assert k in t, (k, t)
    assert 0 <= t["start"] < t["end"] <= len(raw), t
    assert raw[t["start"]:t["end"]].decode("utf-8") == t["text"], t
terms = [(t["term"], t["stem"], t["pos"], t["start"], t["end"]) for t in toks]
want = [
    ("ambassade", "ambassad", 0, 4, 13),
    ("exchange", "exchang", 1, 16, 24),
    ("a", "a", 2, 25, 26), ("t", "t", 3, 27, 28), ("il", "il", 4, 29, 31),
    ("vu", "vu", 5, 32, 34), ("les", "le", 6, 35, 38),
    ("etatsunis", "etatsun", 7, 39, 50), ("etats", "etat", 7, 39, 45),
    ("unis", "unis", 8, 46, 50),
    ("apt31", "apt31", 9, 53, 59), ("apt", "apt", 9, 53, 56),
    ("31", "31", 10, 57, 59),
    ("1000", "1000", 11, 61, 66), ("euros", "euros", 12, 67, 72),
]
assert terms == want, terms
flags = {t["term"]: t["flags"] for t in toks if "part" not in t["flags"]}
assert "elided" in flags["ambassade"] and "sent_start" in flags["ambassade"]
assert "stop" in flags["les"]
assert "joined" in flags["etatsunis"] and "capital" in flags["etatsunis"]
assert "code" in flags["apt31"] and "acronym" in flags["apt31"]
assert "number" in flags["1000"]
PY
echo "ok"
