#!/bin/bash
# depeche-search: every construct of the query language, by the set of
# articles it matches (docs/query-syntax.md).
. "$(dirname "$0")/search_lib.inc"

# words: all required; stems, accents, case and elision never matter
expect_ids "a4 a5" chat
expect_ids "a4 a5" CHATS
expect_ids "a4" chat tempête
expect_ids "a4" chat TEMPETE
expect_ids "a6" "l'élection"
expect_ids "a6" election
expect_ids "a1 a2" accusations        # accusé, accusent: one stem
# phrases keep the stopwords' places
expect_ids "a1" '"ministère de la Défense"'
expect_ids "a1" '«ministère de la Défense»'
expect_ids "" '"Défense ministère"'
expect_ids "a1 a2" ministère
# compounds: États-Unis, Etats-Unis, etats unis
expect_ids "a1 a2" États-Unis
expect_ids "a1 a2" etats-unis
expect_ids "a1 a2" '"etats unis"'
# OR, NOT, -, +, parentheses
expect_ids "a3 a4 a5" chat OR budget
expect_ids "a5" chat NOT tempête
expect_ids "a5" chat -tempête
expect_ids "a4" chat +brest
expect_ids "a3 a5" "(chat OR budget) -tempête"
expect_ids "a1 a2 a4 a5" "chat OR (ministère NOT budget)"
# NEAR
expect_ids "a5" chat NEAR/2 noir
expect_ids "a4 a5" chat NEAR pompiers OR chat NEAR noir
expect_ids "" chat NEAR/1 mairie
# exact words and prefixes
expect_ids "a4 a5" =chat
expect_ids "" =chats
expect_ids "a1 a2" "accus*"
expect_ids "a1 a2" "minist*"
# fields
expect_ids "a5" title:chat
expect_ids "a6" 'title:"élection présidentielle"'
expect_ids "a4 a5" source:ouest-matin
expect_ids "a4 a5" 'source:"Ouest Matin"'
expect_ids "a1 a6" "source:\"agence france dépêche\""
expect_ids "a4" chat source:ouest-matin date:2024
expect_ids "a2 a4" date:2024-07
expect_ids "a2" date:2024-07-01..2024-07-19
expect_ids "a1 a2 a4" since:2024-01
expect_ids "a3 a5 a6" until:2023-12-31
expect_ids "a3 a6" since:2022-02 until:2023
expect_ids "a4 a5" chat date:..2025
expect_ids "a5" chat -date:2024
# entities: APT31, APT 31 and APT-31 are one group
expect_ids "a1 a2" "APT 31"
expect_ids "a1 a2" APT31
expect_ids "a1 a2" APT-31
expect_ids "a1 a2" "apt 31"          # case never matters (was: a2 only)
expect_ids "a1 a2" '"APT 31"'        # nor quotes (was: a2 only)
expect_ids "a1 a2" '"apt 31"'
expect_ids "a1" 'title:"APT 31"'     # the title wrote APT31 (was: none)
expect_ids "a2" '"APT 31" Washington'
expect_ids "a1" org:APT31
expect_ids "a1" "entity:APT31"
expect_ids "a1" 'entity:"APT 31"'
expect_ids "" per:APT31
# a stopword alone matches nothing (and says so)
s le
[ "$RC" = 1 ] || fail "stopword alone: exit $RC"
finish
