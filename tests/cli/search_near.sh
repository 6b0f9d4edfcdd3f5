#!/bin/bash
# depeche-search: NEAR over groups, codes and compounds distributes
# ((a NEAR b) OR (a NEAR c)); a negated or position-less side, NEAR/n out
# of range and an empty field are one clear error (exit 2), never a
# silently dropped word; a run of modifiers keeps its minus.
. "$(dirname "$0")/search_lib.inc"

# every alternative of an OR inside NEAR counts (the first one too)
expect_ids "a5" 'chat NEAR/2 (noir OR blanc)'
expect_ids "a5" 'chat NEAR/2 (blanc OR noir)'
expect_ids "a1" 'serveurs NEAR/5 (APT31 OR Exchange)'
expect_ids "a1" 'APT31 NEAR/5 serveurs'
# NEAR/0 is adjacency (as NEAR/1); NEAR/1000 is the largest distance
expect_ids "a5" chat NEAR/0 noir
expect_ids "a5" chat NEAR/1000 noir
# a minus is never lost
expect_ids "a5" -+tempête chat
expect_ids "a5" +-tempête chat

# rejected with one line on stderr, exit 2
err_one() { # err_one PART QUERY... : exit 2, one line holding PART
  local part=$1
  shift
  s "$@"
  [ "$RC" = 2 ] || fail "[$*]: want exit 2, got $RC ($OUT)"
  [ -z "$OUT" ] || fail "[$*]: output on error: $OUT"
  [ "$(printf '%s\n' "$ERR" | wc -l)" = 1 ] || fail "[$*]: not one line: $ERR"
  printf '%s' "$ERR" | grep -qF -- "$part" || fail "[$*]: want [$part] in: $ERR"
  printf '%s' "$ERR" | grep -q "Essayez" && fail "[$*]: a suggestion: $ERR"
}
err_one "negated" chat NEAR/2 -noir
err_one "negated" chat NEAR/2 NOT noir
err_one "title:" title:chat NEAR noir
err_one "prefix*" 'ch* NEAR noir'
err_one "=word" =chat NEAR noir
err_one "from 0 to 1000" chat NEAR/1001 noir
err_one "NEAR/-3" chat NEAR/-3 noir
# an empty field is an error, never a word with a spelling suggestion
err_one "since: needs a date" since:
err_one "org: needs an entity name" org:
err_one "per: needs" chat per:
# the work one query may ask for is bounded
err_one "wildcards" 'ab* ac* ad* ae* af* ag* ah* ai* aj*'
# a one-letter prefix* is said, not read as the letter (or as nothing)
err_one "e*: a prefix* wildcard needs at least 2 letters" 'e*'
err_one "needs at least 2 letters" chat 'a*'
s --count 'ab* ac* ad* ae* af* ag* ah* ai*'
[ "$RC" != 2 ] || fail "8 wildcards refused: $ERR"
err_one "at most 16" "$(printf 'mot%s NEAR ' a b c d e f g h i j k l m n o p)motq"
err_one "too long" "$(for i in $(seq 1 300); do printf 'mot%d ' "$i"; done)"
finish
