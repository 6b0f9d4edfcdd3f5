#!/usr/bin/env bash
# serve_protocol: the `depeche-search --serve` protocol, line by line
# (docs/embedding.md): one answer line per request line, in order; bare
# queries and JSON objects; options from the command line as defaults and
# from the request; "id" echoed; errors on their own line without ending
# the loop; CRLF; a long line; a last line without newline; EOF exits 0;
# a missing index exits 2 with one line on stderr.
set -u
: "${DEPECHE_INDEX_BIN:?}" "${DEPECHE_SEARCH_BIN:?}"
fail() { echo "FAIL: $*"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/depeche-serve-proto.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
idx=$tmp/idx
cat >"$tmp/a.jsonl" <<'EOF'
{"id": "t1", "title": "Le tramway de Lyon prolongé", "date": "2024-05-02", "source": "Le Courrier du Rhône", "body": "La ligne T7 du tramway sera prolongée jusqu’à Vaulx-en-Velin, a annoncé Mme Claire Lefèvre."}
{"id": "s1", "title": "Grève à la SNCF", "date": "2024-02-08", "source": "Ouest-Matin", "body": "Les contrôleurs de la SNCF sont en grève ce week-end à Rennes."}
{"id": "s2", "title": "La SNCF commande des rames", "date": "2024-09-10", "source": "Agence France Dépêche", "body": "La SNCF a commandé de nouvelles rames à Alstom pour ses lignes régionales."}
EOF
"$DEPECHE_INDEX_BIN" --quiet --index "$idx" "$tmp/a.jsonl" || fail "depeche-index exited $?"

long=$(head -c 300000 /dev/zero | tr '\0' x)
{
  echo '{"id": "a", "query": "tramway"}'
  echo '{"id": "b", "query": "SNCF", "limit": 5}'
  echo '{"id": "c", "query": "SNCF", "limit": 5, "sort": "date-asc", "snippets": true}'
  echo 'grève SNCF'
  printf 'grève SNCF\r\n'
  echo '  {"id": "d", "query": "SNCF OR tramway", "facets": true, "limit": 0}'
  echo '{"id": "e", "query": "tramway", "filters": {"source": "Ouest-Matin"}}'
  echo '{"id": "f", "query": "SNCF OR tramway", "filters": {"source": ["Ouest-Matin", "Le Courrier du Rhône"]}}'
  echo '{"id": "g", "query": "tramway", "bogus": 1}'
  echo 'SNCF {not json'
  echo ''
  echo '{"id": [1, 2], "query": "date:2024-99"}'
  echo "{\"id\": \"$long\", \"query\": \"tramway\"}"
  echo '{"id": "h", "filters": "source:ouest-matin"}'
  printf '{"id": "last", "query": "Alstom"}'
} >"$tmp/requests"

"$DEPECHE_SEARCH_BIN" --index "$idx" --serve --limit 1 --sort date --no-snippets \
  <"$tmp/requests" >"$tmp/answers" 2>"$tmp/err"
st=$?
[ $st = 0 ] || fail "--serve exited $st at EOF: $(cat "$tmp/err")"
[ ! -s "$tmp/err" ] || fail "stderr: $(cat "$tmp/err")"
n=$(wc -l <"$tmp/answers")
[ "$n" = 15 ] || fail "expected 15 answer lines, got $n"
jq -e . "$tmp/answers" >/dev/null || fail "an answer is not JSON"

ans() { sed -n "${1}p" "$tmp/answers"; }
q() { ans "$1" | jq -c "$2"; }
expect() { # LINE JQ-FILTER EXPECTED
  got=$(q "$1" "$2")
  [ "$got" = "$3" ] || fail "line $1: $2 is $got, expected $3"
}
expect 1 '[.id, .schema, .total, (.results | length), .results[0].snippet]' '["a",1,1,1,""]'
expect 2 '[.id, [.results[].id]]' '["b",["s2","s1"]]'            # --sort date
expect 3 '[.id, [.results[].id], (.results[0].snippet != "")]' '["c",["s1","s2"],true]'
expect 4 '[.total, [.results[].id]]' '[1,["s1"]]'
[ "$(ans 4)" = "$(ans 5)" ] || fail "a CRLF line is not answered like an LF line"
expect 6 '[.id, .total, (.results | length), (.facets | keys)]' '["d",3,0,["entity","month","source"]]'
expect 7 '[.id, .total]' '["e",0]'
expect 8 '[.id, .total, .results[0].id]' '["f",2,"t1"]'
expect 9 '[.id, .line, (.error | test("bogus"))]' '["g",9,true]'
expect 10 '[.query, .total]' '["SNCF {not json",2]'
expect 11 '[.line, (.error | type)]' '[11,"string"]'
expect 12 '[.id, .line, (.error | test("2024-99"))]' '[[1,2],12,true]'
expect 13 '[(.id | length), .total]' '[300000,1]'
expect 14 '[.id, .total, .results[0].id]' '["h",1,"s1"]'
expect 15 '[.id, .total, .results[0].id]' '["last",1,"s2"]'

# Mangled requests (a deterministic mutation of valid ones: bytes deleted
# and inserted, bad UTF-8, NUL, huge numbers): one JSON answer per line,
# nothing on stderr, exit 0.
"${PYTHON3:-python3}" - >"$tmp/fuzz" <<'PY'
import random, sys
random.seed(7)
base = [b'{"query":"SNCF","limit":3}',
        b'{"query":"gr\xc3\xa8ve","filters":{"source":["a","b"],"since":"2024"},"facets":true}',
        b'SNCF tramway "contr\xc3\xb4leurs de la SNCF"',
        b'{"id":[1,{"a":null}],"query":"(a OR b) NOT c","sort":"date-asc"}']
out = []
for i in range(500):
    b = bytearray(random.choice(base))
    for _ in range(random.randint(0, 6)):
        op, pos = random.random(), random.randrange(len(b) + 1)
        if op < 0.4 and b:
            del b[min(pos, len(b) - 1)]
        elif op < 0.8:
            b.insert(pos, random.choice(b'{}[]":,\\ 0123456789-eE.tfnul\xc3\xa9\xff\x00\r'))
        else:
            b[pos:pos] = random.choice([b'"limit":99999999999', b'"offset":-1',
                                        b'"facets":["x"]', b'"filters":{"date":"2024..2023"}',
                                        b'\\u0000', b'\\ud800'])
    out.append(bytes(b).replace(b'\n', b' '))
sys.stdout.buffer.write(b'\n'.join(out) + b'\n')
PY
[ "$(wc -l <"$tmp/fuzz")" = 500 ] || fail "fuzz input"
"$DEPECHE_SEARCH_BIN" --index "$idx" --serve --limit 2 <"$tmp/fuzz" >"$tmp/out" 2>"$tmp/err"
st=$?
[ $st = 0 ] || fail "--serve on mangled requests exited $st: $(head -c 500 "$tmp/err")"
[ ! -s "$tmp/err" ] || fail "stderr on mangled requests: $(head -c 500 "$tmp/err")"
[ "$(wc -l <"$tmp/out")" = 500 ] || fail "expected 500 answers to 500 mangled requests"
jq -e 'has("error") or has("schema")' "$tmp/out" >/dev/null || fail "a mangled request got no JSON answer"

# Empty input: no answer, exit 0.
"$DEPECHE_SEARCH_BIN" --index "$idx" --serve </dev/null >"$tmp/out" 2>&1 ||
  fail "--serve on empty input exited $?"
[ ! -s "$tmp/out" ] || fail "output on empty input: $(cat "$tmp/out")"

# No index: exit 2, one line on stderr, nothing on stdout.
echo tramway | "$DEPECHE_SEARCH_BIN" --index "$tmp/nope" --serve >"$tmp/out" 2>"$tmp/err"
st=$?
[ $st = 2 ] || fail "--serve on a missing index exited $st, expected 2"
[ ! -s "$tmp/out" ] || fail "stdout on a missing index: $(cat "$tmp/out")"
[ "$(wc -l <"$tmp/err")" = 1 ] || fail "expected one line on stderr: $(cat "$tmp/err")"
grep -q nope "$tmp/err" || fail "the error does not name the index: $(cat "$tmp/err")"

# Queries on the command line are refused with --serve.
echo x | "$DEPECHE_SEARCH_BIN" --index "$idx" --serve tramway >/dev/null 2>&1
st=$?
[ $st = 2 ] || fail "--serve with a query argument exited $st, expected 2"
echo PASS
