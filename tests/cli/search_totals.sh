#!/usr/bin/env bash
# search_totals: the text output's "1–10 sur N articles" is the number of
# matching articles, not Xapian's estimate, which for two words that go
# together can be far off ("grève SNCF" on OrangeSum: 80 for 332; here
# 500 for 400); --count, --limit 0 and --json say the same number.
set -u
: "${DEPECHE_INDEX_BIN:?}" "${DEPECHE_SEARCH_BIN:?}"
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
FAILS=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/depeche-totals.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
# 3,000 articles of varied lengths: 400 speak of a strike at the SNCF
# (both words, some several times), 800 of a strike only, 800 of the SNCF
# only, the rest of other things: Xapian stops early and estimates 500
command -v python3 >/dev/null || exit 77
python3 - "$tmp/a.jsonl" <<'PY'
import json, random, sys
random.seed(3)
filler = ("Le conseil municipal a voté le budget des transports en commun "
          "après un long débat sur les tarifs. ")
with open(sys.argv[1], "w", encoding="utf-8") as out:
    for i in range(1, 3001):
        pad = filler * random.randint(0, 8)
        if i <= 400:
            k = random.choice([1, 1, 1, 2, 3, 6])
            body = "La grève à la SNCF perturbe le trafic. " * k + pad
        elif i <= 1200:
            body = "La grève des enseignants continue. " + pad
        elif i <= 2000:
            body = "La SNCF annonce de nouveaux horaires. " + pad
        else:
            body = filler * random.randint(1, 8)
        out.write(json.dumps({"id": "t%d" % i, "title": "Article %d" % i,
                              "date": "2024-01-01", "body": body},
                             ensure_ascii=False) + "\n")
PY
"$DEPECHE_INDEX_BIN" --quiet --index "$tmp/ix" "$tmp/a.jsonl" || { echo "FAIL: depeche-index exited $?"; exit 1; }
export NO_COLOR=1
last=$("$DEPECHE_SEARCH_BIN" --index "$tmp/ix" grève SNCF | tail -1)
[ "$last" = "1–10 sur 400 articles" ] || fail "text total: [$last]"
last=$("$DEPECHE_SEARCH_BIN" --index "$tmp/ix" --offset 500 grève SNCF | tail -1)
[ "$last" = "Aucun résultat à partir du rang 501 (400 articles en tout)." ] ||
  fail "text total past the end: [$last]"
n=$("$DEPECHE_SEARCH_BIN" --index "$tmp/ix" --count grève SNCF)
[ "$n" = 400 ] || fail "--count: [$n]"
n=$("$DEPECHE_SEARCH_BIN" --index "$tmp/ix" --limit 0 grève SNCF)
[ "$n" = "400 articles" ] || fail "--limit 0: [$n]"
# a script pages by the JSON total: counted too, and said so; a --serve
# request keeps the estimate unless it asks ("exact_total"), and says so
j=$("$DEPECHE_SEARCH_BIN" --index "$tmp/ix" --json grève SNCF)
python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["total"] == 400 and d["total_exact"] is True, (d["total"], d["total_exact"])
assert list(d)[-1] == "total_exact", list(d)
' "$j" || fail "--json total"
printf '%s\n' '{"query":"grève SNCF"}' '{"query":"grève SNCF","exact_total":true}' |
  "$DEPECHE_SEARCH_BIN" --index "$tmp/ix" --serve >"$tmp/serve.out" || fail "--serve exited $?"
python3 -c '
import json, sys
a, b = [json.loads(l) for l in open(sys.argv[1])]
assert a["total_exact"] is (a["total"] == 400), (a["total"], a["total_exact"])
assert b["total"] == 400 and b["total_exact"] is True, (b["total"], b["total_exact"])
' "$tmp/serve.out" || fail "--serve totals"
[ "$FAILS" = 0 ] || exit 1
echo ok
