#!/bin/bash
# depeche-search: --json (schema 1, highlights as byte offsets), --count,
# --ids, --limit, --offset, --sort, --recent, --no-snippets, --passages,
# --snippet-chars, and the text layout.
. "$(dirname "$0")/search_lib.inc"
PY=${PYTHON3:-python3}

s --json chat
[ "$RC" = 0 ] || fail "--json exit $RC"
printf '%s' "$OUT" >"$T/out.json"
"$PY" - "$T/out.json" <<'PYEOF' || fail "--json document"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert d["schema"] == 1, d
assert d["query"] == "chat"
assert d["total"] == 2 and d["relaxed"] is False and d["suggestion"] is None
assert set(d["facets"]) == set(), d["facets"]
rs = d["results"]
assert [r["rank"] for r in rs] == [1, 2]
assert {r["id"] for r in rs} == {"a4", "a5"}
keys = ["rank", "id", "path", "title", "date", "source", "url", "score",
        "snippet", "highlights", "entities"]
for r in rs:
    for k in keys:
        assert k in r, (k, r)
    b = r["snippet"].encode("utf-8")
    assert r["highlights"], r
    for s, e in r["highlights"]:
        word = b[s:e].decode("utf-8")          # offsets fall on characters
        assert word.lower() == "chat", (word, r["snippet"])
    assert r["score"] > 0
a5 = [r for r in rs if r["id"] == "a5"][0]
assert a5["title"] == "Le chat de la mairie" and a5["date"] == "2022-01-05"
assert a5["source"] == "Ouest-Matin"
PYEOF

# entities of an article
s --json org:APT31
printf '%s' "$OUT" >"$T/ent.json"
"$PY" - "$T/ent.json" <<'PYEOF' || fail "--json entities"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
ents = d["results"][0]["entities"]
assert any(e["key"] == "apt31" and e["type"] == "ORG" for e in ents), ents
PYEOF

s --count chat OR budget
[ "$OUT" = 3 ] && [ "$RC" = 0 ] || fail "--count: [$OUT] $RC"
s --count zzzqqq
[ "$OUT" = 0 ] && [ "$RC" = 1 ] || fail "--count none: [$OUT] $RC"

s --ids --sort date chat OR budget OR élection
[ "$(echo $OUT)" = "a4 a3 a6 a5" ] || fail "--sort date: $(echo $OUT)"
s --ids --sort date-asc chat OR budget OR élection
[ "$(echo $OUT)" = "a5 a6 a3 a4" ] || fail "--sort date-asc: $(echo $OUT)"
s --ids --sort date --limit 2 chat OR budget OR élection
[ "$(echo $OUT)" = "a4 a3" ] || fail "--limit 2: $(echo $OUT)"
s --ids --sort date --limit 2 --offset 2 chat OR budget OR élection
[ "$(echo $OUT)" = "a6 a5" ] || fail "--offset 2: $(echo $OUT)"
s --ids --sort date --offset 10 chat
[ -z "$OUT" ] && [ "$RC" = 0 ] || fail "--offset past the end: [$OUT] $RC"
s --json --sort date --limit 1 --offset 1 chat OR budget
printf '%s' "$OUT" | grep -q '"rank":2' || fail "rank with --offset: $OUT"

# --recent: among equally relevant articles, the newest first
s --ids --recent chat
[ "$(echo $OUT | cut -d' ' -f1)" = a4 ] || fail "--recent: $(echo $OUT)"

s --json --no-snippets chat
printf '%s' "$OUT" | grep -q '"snippet":""' || fail "--no-snippets: $OUT"

# snippet size: one short passage
s --json --passages 1 --snippet-chars 40 ministère
printf '%s' "$OUT" >"$T/sz.json"
"$PY" - "$T/sz.json" <<'PYEOF' || fail "--snippet-chars"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
for r in d["results"]:
    assert len(r["snippet"]) <= 40 + 12, r["snippet"]
    assert " … " not in r["snippet"], r["snippet"]
PYEOF

# text layout: rank and title, date · source · id, snippet, and a count line
s --highlight=none chat
printf '%s\n' "$OUT" | grep -q '^1\. ' || fail "text: no rank line: $OUT"
printf '%s\n' "$OUT" | grep -q '2022-01-05 · Ouest-Matin · a5' || fail "text: no meta line: $OUT"
printf '%s\n' "$OUT" | grep -q '^1–2 sur 2 articles$' || fail "text: no count line: $OUT"

# a full disk is an error (exit 2, one line), for results and for --help
# alike (--help to /dev/full once exited 0 without a word)
if [ -w /dev/full ]; then
  for args in "--ids chat" "--json chat" "--help"; do
    # shellcheck disable=SC2086
    "$DEPECHE_SEARCH_BIN" --index "$IX" $args >/dev/full 2>"$T/full.err"
    rc=$?
    [ "$rc" = 2 ] || fail "$args >/dev/full: exit $rc, not 2"
    grep -q 'write error' "$T/full.err" || fail "$args >/dev/full: no write error: $(cat "$T/full.err")"
    [ "$(wc -l <"$T/full.err")" = 1 ] || fail "$args >/dev/full: not one line: $(cat "$T/full.err")"
  done
fi
finish
