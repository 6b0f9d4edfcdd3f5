#!/bin/bash
# tty_output.sh — what only shows on a terminal, checked on a real one (a
# pseudo-terminal from util-linux's script): depeche-search highlights in
# ANSI bold there, and not when NO_COLOR is set or when piped;
# depeche-index draws its progress bar there, and not with --quiet or when
# piped. (The other CLI tests run without a terminal.)
set -u
IDX=${DEPECHE_INDEX_BIN:?run through ctest}
SRCH=${DEPECHE_SEARCH_BIN:?run through ctest}
SRC=${DEPECHE_SOURCE_DIR:?run through ctest}
command -v script >/dev/null && script -qec true /dev/null </dev/null >/dev/null 2>&1 ||
  { echo "SKIP: no script(1) or no pseudo-terminal"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
esc=$'\033'
# on_tty CMD: runs CMD (a string for sh -c) on a pseudo-terminal; its
# stdout and stderr both end up on that terminal, captured in $OUT
on_tty() { OUT=$(script -qec "$1" /dev/null </dev/null); }

on_tty "env -u NO_COLOR '$IDX' --index '$T/db' '$SRC/corpus/jsonl'"
[[ $OUT == *"[####################] 100%"* ]] || fail "no progress bar on a terminal: $(cat -v <<<"$OUT")"
[[ $OUT == *" added, "* ]] || fail "no summary on a terminal"
# the last frame counts every article (frames are drawn every 0.2 s: it
# once showed "1 articles" when 19 were added)
last=$(tr '\r' '\n' <<<"$OUT" | grep -a ' articles ' | tail -1 | sed 's/.*%  \([0-9]*\) articles.*/\1/')
added=$(tr '\r' '\n' <<<"$OUT" | sed -n 's/.*[^0-9]\([0-9][0-9]*\) added, .*/\1/p; s/^\([0-9][0-9]*\) added, .*/\1/p' | tail -1)
[ -n "$added" ] && [ "$last" = "$added" ] ||
  fail "last progress frame shows '$last' articles, the summary '$added' added: $(cat -v <<<"$OUT")"
rm -rf "$T/db"
on_tty "env -u NO_COLOR '$IDX' --quiet --index '$T/db' '$SRC/corpus/jsonl'"
[ -z "$OUT" ] || fail "--quiet printed on a terminal: $(cat -v <<<"$OUT")"
rm -rf "$T/db"
"$IDX" --index "$T/db" "$SRC/corpus/jsonl" 2>"$T/err" >/dev/null
[ ! -s "$T/err" ] || fail "progress bar when stderr is not a terminal: $(cat -v "$T/err")"

on_tty "env -u NO_COLOR '$SRCH' --index '$T/db' --limit 1 APT31"
[[ $OUT == *"${esc}[1m"* ]] || fail "no ANSI bold on a terminal: $(cat -v <<<"$OUT")"
on_tty "env NO_COLOR=1 '$SRCH' --index '$T/db' --limit 1 APT31"
[[ $OUT == *"$esc"* ]] && fail "escape codes despite NO_COLOR: $(cat -v <<<"$OUT")"
[[ $OUT == *APT31* ]] || fail "NO_COLOR: no result: $OUT"
OUT=$(env -u NO_COLOR "$SRCH" --index "$T/db" --limit 1 APT31)
[[ $OUT == *"$esc"* ]] && fail "escape codes when piped: $(cat -v <<<"$OUT")"
echo PASS
