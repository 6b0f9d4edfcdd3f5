#!/usr/bin/env bash
# depeche-index --analyze on bad input: a missing file is one clear error line
# and exit 2; empty and invalid UTF-8 input give valid JSON, never a crash,
# never an offset outside the input.
set -uo pipefail
bin=${DEPECHE_INDEX_BIN:?DEPECHE_INDEX_BIN not set}
py=${PYTHON3:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$bin" --analyze "$tmp/nope.txt" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] || fail "missing file: exit $rc, expected 2"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "missing file: expected one error line"
grep -q "nope.txt" "$tmp/err" || fail "missing file: error does not name the file"
[ ! -s "$tmp/out" ] || fail "missing file: something on stdout"

: >"$tmp/empty"
"$bin" --analyze "$tmp/empty" >"$tmp/empty.json" || fail "empty input failed"
"$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d=={"tokens":[],"entities":[]}, d' \
  "$tmp/empty.json" || fail "empty input: expected no tokens"

printf 'caf\xc3\xa9 \xff\xfe l\xe2\x80 d\x27\xc3 U.S.\xc0\xaf 1\xc2\xa0000\xe2\x80\xaf \xed\xa0\x80x' >"$tmp/bad.txt"
"$py" -c 'import random, sys; random.seed(7)
sys.stdout.buffer.write(bytes(random.randrange(256) for _ in range(3000)))' >>"$tmp/bad.txt"
"$bin" --analyze "$tmp/bad.txt" >"$tmp/bad.json" || fail "invalid UTF-8 input failed"
"$py" - "$tmp/bad.txt" "$tmp/bad.json" <<'PY' || fail "invalid UTF-8 input: bad offsets"
import json, sys
raw = open(sys.argv[1], "rb").read()
doc = json.load(open(sys.argv[2], encoding="utf-8"))
assert doc["tokens"][0]["term"] == "cafe", doc["tokens"][0]
for t in doc["tokens"]:
    assert 0 <= t["start"] < t["end"] <= len(raw), t
    assert raw[t["start"]:t["end"]].decode("utf-8") == t["text"], t
    assert t["term"] and t["stem"], t
for e in doc["entities"]:
    assert 0 <= e["start"] < e["end"] <= len(raw), e
PY
echo "ok"
