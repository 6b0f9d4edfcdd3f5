#!/bin/bash
# depeche-search: --highlight=ansi|html|plain|none, NO_COLOR, HTML escaping,
# highlights in titles and of every matched form.
. "$(dirname "$0")/search_lib.inc"
ESC=$(printf '\033')

s --highlight=ansi chat
printf '%s' "$OUT" | grep -q "${ESC}\[1mchat${ESC}\[0m" || fail "ansi: $OUT"
printf '%s' "$OUT" | grep -q "Le ${ESC}\[1mchat${ESC}\[0m de la mairie" || fail "ansi title: $OUT"
s --highlight=plain accusations
s --highlight=plain chats
printf '%s' "$OUT" | grep -q 'Le \*\*chat\*\* de la mairie' || fail "plain, stem match in title: $OUT"
s --highlight=plain accusations
printf '%s' "$OUT" | grep -q '\*\*accusé\*\*' || fail "plain, stem match in snippet: $OUT"
s --highlight=plain '"ministère de la Défense"'
printf '%s' "$OUT" | grep -q '\*\*ministère de la Défense\*\*' || fail "plain phrase: $OUT"
s --highlight=none chat
printf '%s' "$OUT" | grep -q "$ESC\|\*\*" && fail "none has markers: $OUT"
# default: no colour when not a terminal or NO_COLOR is set
s chat
printf '%s' "$OUT" | grep -q "$ESC" && fail "colour without a terminal: $OUT"
# HTML: the article's <script> is escaped, our <b> is not
s --highlight=html débattu
printf '%s' "$OUT" | grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' || fail "html escape: $OUT"
printf '%s' "$OUT" | grep -q '<b>débattu</b>' || fail "html marker: $OUT"
printf '%s' "$OUT" | grep -q '<script>' && fail "html: raw <script>: $OUT"
# HTML: everything that comes from an article is escaped (metadata line,
# source facet, month labels, suggestion), not only title and snippet
printf '%s\n' '{"id":"<id>&","source":"<b>Evil</b>","title":"T","date":"2024-01-02","body":"Un vote."}' >"$T/h.jsonl"
"$DEPECHE_INDEX_BIN" -q --index "$T/h.db" "$T/h.jsonl" >/dev/null 2>&1 || fail "index h.jsonl"
OUT=$("$DEPECHE_SEARCH_BIN" --index "$T/h.db" --highlight=html --facets source,month vote 2>&1)
printf '%s' "$OUT" | grep -q '<b>Evil</b>\|<id>' && fail "html: raw metadata: $OUT"
printf '%s' "$OUT" | grep -q '^   2024-01-02 · &lt;b&gt;Evil&lt;/b&gt; · &lt;id&gt;&amp;$' ||
  fail "html: metadata line not escaped: $OUT"
printf '%s' "$OUT" | grep -q '^Sources : &lt;b&gt;Evil&lt;/b&gt; (1)$' ||
  fail "html: source facet not escaped: $OUT"
printf '%s' "$OUT" | grep -q '<b>vote</b>' || fail "html: marker: $OUT"
# page furniture ("Lire aussi : ...") is never shown as a passage
s --highlight=plain --json tempête
printf '%s' "$OUT" | grep -q 'Lire aussi' && fail "furniture in a snippet: $OUT"
# JSON snippets are plain text whatever --highlight says
s --json --highlight=ansi chat
printf '%s' "$OUT" | grep -q '\\u001b' && fail "ansi in JSON: $OUT"
finish
