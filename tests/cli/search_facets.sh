#!/bin/bash
# depeche-search: --facets entity,source,month over the whole match set;
# the month histogram in text mode.
. "$(dirname "$0")/search_lib.inc"
PY=${PYTHON3:-python3}

s --json --limit 1 --facets entity,source,month chat OR ministère OR budget
printf '%s' "$OUT" >"$T/f.json"
"$PY" - "$T/f.json" <<'PYEOF' || fail "JSON facets"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
f = d["facets"]
assert len(d["results"]) == 1 and d["total"] == 5, d
src = {x["value"]: x["count"] for x in f["source"]}
assert src == {"le courrier": 2, "ouest-matin": 2, "agence france depeche": 1}, src
months = [x["value"] for x in f["month"]]
assert months == sorted(months) == ["2022-01", "2023-11", "2024-03", "2024-07"], months
assert sum(x["count"] for x in f["month"]) == 5
ents = {(x["value"], x.get("type")) for x in f["entity"]}
assert ("apt31", "ORG") in ents, ents
# display names beside the keys (regression: only folded keys were shown)
labels = {x["value"]: x["label"] for x in f["source"]}
assert labels["agence france depeche"] == "Agence France Dépêche", labels
assert labels["le courrier"] == "Le Courrier", labels
elabels = {x["value"]: x["label"] for x in f["entity"]}
assert elabels["apt31"] == "APT31", elabels
assert all(x["label"] == x["value"] for x in f["month"]), f["month"]
PYEOF

s --highlight=none --facets month,source chat OR ministère OR budget
printf '%s\n' "$OUT" | grep -q '^Mois :' || fail "no month histogram: $OUT"
printf '%s\n' "$OUT" | grep -q '^  2024-07 │██* 2$' || fail "no bar for 2024-07: $OUT"
printf '%s\n' "$OUT" | grep -q '^  2024-05 │$' || fail "empty months not drawn: $OUT"
printf '%s\n' "$OUT" | grep -q '^Sources :.*Le Courrier (2)' || fail "sources: $OUT"
s --facets entity --highlight=none --limit 0 chat
printf '%s\n' "$OUT" | grep -q '^Entités :' || fail "entities line: $OUT"
finish
