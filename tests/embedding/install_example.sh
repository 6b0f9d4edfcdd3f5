#!/usr/bin/env bash
# ctest embed_install_example: `cmake --install` of this build into a
# temporary prefix places the header, libdepeche.so with SONAME
# libdepeche.so.0, depeche.pc, the programs and the man pages; then
# docs/examples/example.c is compiled against the INSTALLED library with
# `cc $(pkg-config --cflags --libs depeche)`, run on an index built by the
# installed depeche-index from corpus/, and its output is checked.
set -u
src=${DEPECHE_SOURCE_DIR:?} build=${DEPECHE_BUILD_DIR:?}
fail() { echo "FAIL: $*"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/depeche-install.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log"; fail "cmake --install exited $?"; }

# --- what is installed -------------------------------------------------------
[ -f "$prefix/include/depeche.h" ] || fail "include/depeche.h not installed"
pc=$(find "$prefix" -name depeche.pc -path '*/pkgconfig/*' | head -n1)
[ -n "$pc" ] || fail "depeche.pc not installed"
libdir=$(dirname "$(dirname "$pc")")
real=$(find "$libdir" -maxdepth 1 -name 'libdepeche.so.*.*' -type f | head -n1)
[ -n "$real" ] || fail "no libdepeche.so.X.Y.Z in $libdir"
[ -L "$libdir/libdepeche.so.0" ] || fail "no libdepeche.so.0 link in $libdir"
[ -L "$libdir/libdepeche.so" ] || fail "no libdepeche.so link in $libdir"
soname=$(objdump -p "$real" | awk '$1 == "SONAME" {print $2}')
[ "$soname" = libdepeche.so.0 ] || fail "SONAME is '$soname', not libdepeche.so.0"
for p in depeche-index depeche-search; do
  [ -x "$prefix/bin/$p" ] || fail "bin/$p not installed"
done
for m in "$src"/docs/man/*.1; do
  [ -e "$m" ] || continue
  [ -f "$prefix/share/man/man1/$(basename "$m")" ] ||
    fail "man page $(basename "$m") not installed in share/man/man1"
done
echo "installed: $(cd "$prefix" && find . -type f -o -type l | sort | tr '\n' ' ')"

# --- the C example against the installed library -----------------------------
export PKG_CONFIG_PATH=$(dirname "$pc")
flags=$(pkg-config --cflags --libs depeche) || fail "pkg-config --cflags --libs depeche"
echo "pkg-config: $flags"
case "$flags" in *"$prefix"*) ;; *) fail "pkg-config flags do not point into $prefix";; esac
san=()
# The sanitized library needs a sanitized program (ASan runtime first).
[ "${DEPECHE_SANITIZE:-}" = 1 ] && san=(-fsanitize=address,undefined)
# shellcheck disable=SC2086
cc -std=c11 -Wall -Wextra -Werror "${san[@]}" "$src/docs/examples/example.c" \
  $flags -o "$tmp/example" || fail "example.c does not compile against the installed library"

"$prefix/bin/depeche-index" --quiet --index "$tmp/idx" "$src/corpus/txt" "$src/corpus/jsonl" ||
  fail "installed depeche-index exited $?"
out=$(LD_LIBRARY_PATH=$libdir "$tmp/example" "$tmp/idx" 'APT31 Exchange' 2>&1) ||
  { echo "$out"; fail "example exited $?"; }
echo "$out"
LD_LIBRARY_PATH=$libdir ldd "$tmp/example" | grep -q "$libdir/libdepeche.so.0" ||
  fail "example is not linked to the installed libdepeche.so.0"
total=$(sed -n 's/^\([0-9]*\) articles match$/\1/p' <<<"$out")
[ "${total:-0}" -ge 3 ] || fail "expected 'N articles match' with N >= 3"
[ "$(grep -c '^[1-3]\. 20[0-9-]* | ' <<<"$out")" = 3 ] || fail "expected 3 results"
grep -q '\[APT31\]' <<<"$out" || fail "expected a [APT31] highlight"
grep -q '\[Exchange\]' <<<"$out" || fail "expected an [Exchange] highlight"
grep -q '^source .*: [0-9]' <<<"$out" || fail "expected source facet lines"
grep -q '^JSON: [0-9]* bytes, starting {"schema":1$' <<<"$out" || fail "expected the JSON line"
# The newest first (DP_SORT_DATE): dates never increase down the list.
dates=$(grep -o '^[1-3]\. [0-9-]*' <<<"$out" | cut -d' ' -f2)
[ "$dates" = "$(sort -r <<<"$dates")" ] || fail "results not newest first"

# A missing index: one clear line, exit 2.
LD_LIBRARY_PATH=$libdir "$tmp/example" "$tmp/nope" x >"$tmp/err" 2>&1
rc=$?
[ $rc = 2 ] || fail "missing index: exit $rc, expected 2"
grep -q '^example: .*nope' "$tmp/err" || fail "missing index: message '$(cat "$tmp/err")'"
echo PASS
