#!/usr/bin/env bash
# search_person_names: per:Name with a surname finds every person of that
# name ("per:Lefèvre" finds Claire Lefèvre and Jean-Marc Lefèvre, and the
# bare "Lefèvre" of an article that never gave a first name), entity: too;
# the full name stays exact; the mentions are highlighted; a --serve
# process started before an indexer run sees the person that run added
# (the surname table follows the index revision).
set -u
: "${DEPECHE_INDEX_BIN:?}" "${DEPECHE_SEARCH_BIN:?}"
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
FAILS=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/depeche-person.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
idx=$tmp/idx
cat >"$tmp/a.jsonl" <<'JSONL'
{"id": "p1", "title": "La ministre défend son budget", "date": "2024-01-16", "body": "La ministre des Armées, Mme Claire Lefèvre, a plaidé mardi devant les députés pour une rallonge budgétaire. Claire Lefèvre estime que la loi ne suffit plus."}
{"id": "p2", "title": "Un nouveau préfet à Lille", "date": "2024-02-01", "body": "Le préfet Jean-Marc Lefèvre a pris ses fonctions lundi à Lille. Jean-Marc Lefèvre était auparavant en poste à Rouen."}
{"id": "p3", "title": "Le maire de Brest répond", "date": "2024-03-04", "body": "Le maire de Brest, François Dupuis, a répondu aux critiques de l'opposition sur le budget du port."}
JSONL
cat >"$tmp/b.jsonl" <<'JSONL'
{"id": "p4", "title": "Une nouvelle directrice au musée", "date": "2024-04-02", "body": "Mme Sophie Lefèvre dirigera le musée des Beaux-Arts de Rouen à partir de juin, a annoncé la mairie."}
JSONL
"$DEPECHE_INDEX_BIN" --quiet --index "$idx" "$tmp/a.jsonl" || { echo "FAIL: depeche-index exited $?"; exit 1; }
ids() { "$DEPECHE_SEARCH_BIN" --index "$idx" --ids --limit 100 "$@" 2>&1 | sort | tr '\n' ' ' | sed 's/ $//'; }
expect() {
  local want=$1
  shift
  local got
  got=$(ids "$@")
  [ "$got" = "$want" ] || fail "[$*]: want [$want], got [$got]"
}
expect "p1 p2" per:Lefèvre
expect "p1 p2" per:lefevre
expect "p1 p2" entity:Lefèvre
expect "p1" 'per:"Claire Lefèvre"'
expect "p2" 'per:"Jean-Marc Lefèvre"'
expect "p2" per:Lefèvre Lille
expect "p3" budget -per:Lefèvre
expect "" per:Claire                       # a first name is not a surname
expect "" org:Lefèvre
expect "p3" per:Dupuis
# the whole mention is highlighted (JSON offsets into the snippet)
out=$("$DEPECHE_SEARCH_BIN" --index "$idx" --json per:Lefèvre Lille)
snip=$(jq -r '.results[0].snippet' <<<"$out")
hl=$(jq -r '.results[0].highlights[0] | "\(.[0]) \(.[1])"' <<<"$out")
read -r s e <<<"$hl"
word=$(SNIP=$snip S=$s E=$e python3 -c 'import os; b=os.environ["SNIP"].encode(); print(b[int(os.environ["S"]):int(os.environ["E"])].decode())')
# (a mention's span holds its title, as in the HIPE guidelines)
[ "$word" = "préfet Jean-Marc Lefèvre" ] || fail "highlight: [$word] in $out"

# a --serve process sees a person added after it started
coproc SERVE { exec "$DEPECHE_SEARCH_BIN" --index "$idx" --serve 2>"$tmp/serve.err"; }
serve_in=${SERVE[1]} serve_out=${SERVE[0]}
serve() { printf '%s\n' "$1" >&"$serve_in"; IFS= read -r answer <&"$serve_out" || fail "no answer to $1"; }
serve 'per:Lefèvre'
[ "$(jq -r .total <<<"$answer")" = 2 ] || fail "serve before: $answer"
"$DEPECHE_INDEX_BIN" --quiet --index "$idx" "$tmp/b.jsonl" || fail "second run exited $?"
serve 'per:Lefèvre'
[ "$(jq -r '[.results[].id] | sort | join(" ")' <<<"$answer")" = "p1 p2 p4" ] ||
  fail "serve after the run does not see Sophie Lefèvre: $answer"
exec {serve_in}>&-
wait
[ "$FAILS" = 0 ] || exit 1
echo "ok"
