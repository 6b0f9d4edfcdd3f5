#!/usr/bin/env bash
# serve.sh — keep one `depeche-search --serve` running as a bash coprocess
# and ask it questions, one JSON line each way, read with jq.
#
# Run:  bash serve.sh ./depeche.db
# ($DEPECHE_SEARCH names the program when it is not depeche-search on PATH.)
set -euo pipefail
index=${1:?usage: serve.sh INDEX}

coproc SERVE { "${DEPECHE_SEARCH:-depeche-search}" --index "$index" --serve; }
server_pid=$SERVE_PID
to_server=${SERVE[1]}
from_server=${SERVE[0]}

# ask REQUEST: sends one request line, reads its one answer line into $answer.
ask() {
  printf '%s\n' "$1" >&"$to_server"
  IFS= read -r answer <&"$from_server"
}

# A bare query: the line is the query.
ask 'APT31 Exchange'
jq -r '"\(.total) articles match \(.query)"' <<<"$answer"

# A JSON request (on one line): options, filters, facets, and an id that
# comes back in the answer.
ask '{"id": "q2", "query": "APT31", "sort": "date", "limit": 2, "filters": {"since": "2024-06"}, "facets": ["source"]}'
jq -r '"\(.id): \(.total) articles since June 2024, newest first"' <<<"$answer"
jq -r '.results[] | "  \(.date) \(.title)"' <<<"$answer"
jq -r '.facets.source[] | "  source \(.value): \(.count)"' <<<"$answer"

# A malformed request is answered with an error; the server goes on.
ask '{"query": "Exchange", "limit": -1}'
jq -r '"error on line \(.line): \(.error)"' <<<"$answer"
ask 'Exchange'
jq -r '"\(.total) articles match \(.query)"' <<<"$answer"

# Closing its input ends the server cleanly.
exec {to_server}>&-
status=0
wait "$server_pid" || status=$?
echo "server exited with status $status"
