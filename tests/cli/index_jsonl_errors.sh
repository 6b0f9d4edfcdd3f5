#!/bin/bash
# index_jsonl_errors.sh — bad lines of a JSON Lines file are reported as
# path:line: reason, the good ones around them are indexed, exit 1.
source "$(dirname "$0")/lib/index-common.bash"
f=$T/mixed.jsonl
cat >"$f" <<'JSONL'
{"id":"ok-1","title":"Premier","body":"Le premier article est valide."}
{"id":"bad-2","title":"Cassé","body":"pas de fin
{"id":"ok-3","title":"Troisième","body":"Le troisième article est valide."}

{"id":"nobody-5","title":"Sans corps"}
[1,2,3]
{"id":"ok-7","title":"Septième","text":"Le champ text sert aussi de corps."}
JSONL
run_idx --index "$DB" --json "$f"
expect_eq "exit status" 1 "$rc"
mapfile -t lines <<<"$err"
expect_eq "number of error lines" 3 "${#lines[@]}"
expect_match "line 2" "^$f:2: invalid JSON: .+" "${lines[0]}"
expect_eq "line 5" "$f:5: missing body" "${lines[1]}"
expect_eq "line 6" "$f:6: not a JSON object but an array" "${lines[2]}"
expect_eq "added" 3 "$(json_field added)"
expect_eq "rejected" 3 "$(json_field rejected)"
has_term "$DB" "Qok-1" && has_term "$DB" "Qok-3" && has_term "$DB" "Qok-7" || fail "good lines indexed"
has_term "$DB" "Qbad-2" && fail "bad line indexed"
echo PASS
