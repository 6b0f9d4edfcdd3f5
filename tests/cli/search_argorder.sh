#!/bin/bash
# depeche-search: options may follow the query words; a query word may
# start with '-' (NOT) without '--'; "--" still ends the options.
# (Regression: options after the query were read as query words.)
. "$(dirname "$0")/search_lib.inc"

expect_ids "a4 a5" chat
# --ids after the words: an option, not a query word
s chat --ids --limit 100
[ "$RC" = 0 ] || fail "chat --ids: exit $RC ($ERR)"
[ "$(printf '%s\n' "$OUT" | sort | tr '\n' ' ')" = "a4 a5 " ] || fail "chat --ids: got [$OUT]"
s chat -n 1 --ids
[ "$(printf '%s\n' "$OUT" | wc -l)" = 1 ] || fail "chat -n 1 --ids: got [$OUT]"
s chat --limit=1 --ids
[ "$(printf '%s\n' "$OUT" | wc -l)" = 1 ] || fail "chat --limit=1 --ids: got [$OUT]"
# -word after a word is NOT word, with or without --
s chat -noir --ids
[ "$OUT" = "a4" ] || fail "chat -noir: got [$OUT] ($ERR)"
s --ids -- chat -noir
[ "$OUT" = "a4" ] || fail "-- chat -noir: got [$OUT] ($ERR)"
# everything after -- is query text, even what looks like an option
s --ids -- chat --limit
[ "$RC" = 0 ] || [ "$RC" = 1 ] || fail "-- chat --limit: exit $RC ($ERR)"
# a misspelt long option is an error, wherever it stands
s chat --limt 3
[ "$RC" = 2 ] || fail "chat --limt 3: exit $RC"
printf '%s' "$ERR" | grep -q -- "--limt" || fail "chat --limt: message [$ERR]"
finish
