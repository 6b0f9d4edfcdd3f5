#!/usr/bin/env bash
# serve_reopen: a `depeche-search --serve` process and a libdepeche handle
# (dp_open through Python ctypes), both started BEFORE a depeche-index run,
# see the article that run added, and the ones a later run removed; a
# malformed JSON request in between does not end the serve loop.
# Deterministic: each step waits for its answer before the next.
set -u
: "${DEPECHE_INDEX_BIN:?}" "${DEPECHE_SEARCH_BIN:?}" "${DEPECHE_LIB:?}" "${PYTHON3:?}"
fail() { echo "FAIL: $*"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/depeche-serve-reopen.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
idx=$tmp/idx

cat >"$tmp/base.jsonl" <<'EOF'
{"id": "b1", "title": "Le tramway de Lyon prolongé", "date": "2024-05-02", "source": "Le Courrier du Rhône", "body": "La ligne T7 du tramway sera prolongée jusqu’à Vaulx-en-Velin."}
{"id": "b2", "title": "Grève à la SNCF", "date": "2024-02-08", "source": "Ouest-Matin", "body": "Les contrôleurs de la SNCF sont en grève ce week-end."}
EOF
cat >"$tmp/new.jsonl" <<'EOF'
{"id": "n1", "title": "Le voilier Zéphyrine arrive à Brest", "date": "2024-07-01", "source": "Ouest-Matin", "body": "Après trois mois de mer, la Zéphyrine est entrée dans le port de Brest."}
EOF
"$DEPECHE_INDEX_BIN" --quiet --index "$idx" "$tmp/base.jsonl" || fail "depeche-index exited $?"

# The library side: a Python process that opens the index once, then
# answers "QUERY" lines with "TOTAL FIRST-ID" lines.
cat >"$tmp/lib.py" <<'EOF'
import ctypes, json, os, sys
lib = ctypes.CDLL(os.environ["DEPECHE_LIB"])
lib.dp_open.restype = ctypes.c_void_p
lib.dp_open.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
lib.dp_search_json.restype = ctypes.c_void_p
lib.dp_search_json.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                               ctypes.c_int, ctypes.POINTER(ctypes.c_void_p)]
lib.dp_free.argtypes = [ctypes.c_void_p]
lib.dp_close.argtypes = [ctypes.c_void_p]
ix = lib.dp_open(sys.argv[1].encode(), None)
print("opened" if ix else "cannot open", flush=True)
for line in sys.stdin:
    p = lib.dp_search_json(ix, line.strip().encode(), 0, 10, None)
    a = json.loads(ctypes.string_at(p).decode())
    lib.dp_free(p)
    print(a["total"], a["results"][0]["id"] if a["results"] else "-", flush=True)
lib.dp_close(ix)
EOF

coproc SERVE { exec "$DEPECHE_SEARCH_BIN" --index "$idx" --serve 2>"$tmp/serve.err"; }
serve_pid=$SERVE_PID serve_in=${SERVE[1]} serve_out=${SERVE[0]}
# (bash has one coprocess at a time: the library side talks through fifos)
mkfifo "$tmp/lib.in" "$tmp/lib.out" || fail "mkfifo"
pyenv=()
if [ "${DEPECHE_SANITIZE:-}" = 1 ]; then
  # the instrumented library in Python: the ASan runtime first, and
  # libstdc++ so that ASan can intercept Xapian's C++ exceptions
  pyenv=(env "LD_PRELOAD=${DEPECHE_LIBASAN:?}:libstdc++.so.6" ASAN_OPTIONS=detect_leaks=0)
fi
"${pyenv[@]}" "$PYTHON3" "$tmp/lib.py" "$idx" <"$tmp/lib.in" >"$tmp/lib.out" &
lib_pid=$!
exec {lib_in}>"$tmp/lib.in" {lib_out}<"$tmp/lib.out"

serve() { printf '%s\n' "$1" >&"$serve_in"; IFS= read -r answer <&"$serve_out" || fail "no answer to $1"; }
libq() { printf '%s\n' "$1" >&"$lib_in"; IFS= read -r answer <&"$lib_out" || fail "no library answer to $1"; }
total() { jq -r .total <<<"$answer"; }

IFS= read -r answer <&"$lib_out"
[ "$answer" = opened ] || fail "dp_open: $answer"

# Before: nothing about Zéphyrine, from either side.
serve '{"id": 1, "query": "zéphyrine"}'
[ "$(total)" = 0 ] || fail "serve before: $answer"
libq 'zéphyrine'
[ "$answer" = "0 -" ] || fail "library before: $answer"

# An indexer run adds the article while both are open.
"$DEPECHE_INDEX_BIN" --quiet --index "$idx" "$tmp/new.jsonl" || fail "depeche-index exited $?"

serve '{"id": 2, "query": "zéphyrine"}'
[ "$(total)" -ge 1 ] || fail "serve after the run does not see the article: $answer"
[ "$(jq -r '.id, .results[0].id' <<<"$answer" | tr '\n' ' ')" = "2 n1 " ] ||
  fail "serve after: $answer"
libq 'Zephyrine'
[ "$answer" = "1 n1" ] || fail "library after the run does not see the article: $answer"

# A malformed JSON request gets an error on its line; the loop goes on.
serve '{"query": "zéphyrine", "limit": '
jq -e '.error | type == "string"' <<<"$answer" >/dev/null || fail "no error for bad JSON: $answer"
[ "$(jq -r .line <<<"$answer")" = 3 ] || fail "error names line 3: $answer"
serve 'zéphyrine Brest'
[ "$(total)" = 1 ] || fail "serve after a malformed request: $answer"

# A removal is seen too.
"$DEPECHE_INDEX_BIN" --quiet --index "$idx" --remove n1 || fail "depeche-index --remove exited $?"
serve 'zéphyrine'
[ "$(total)" = 0 ] || fail "serve after --remove: $answer"
libq 'zéphyrine'
[ "$answer" = "0 -" ] || fail "library after --remove: $answer"

# EOF ends both cleanly.
exec {serve_in}>&- {lib_in}>&-
st=0; wait "$serve_pid" || st=$?
[ $st = 0 ] || fail "--serve exited $st at EOF"
st=0; wait "$lib_pid" || st=$?
[ $st = 0 ] || fail "the library process exited $st"
[ ! -s "$tmp/serve.err" ] || fail "--serve wrote to stderr: $(cat "$tmp/serve.err")"
echo PASS
