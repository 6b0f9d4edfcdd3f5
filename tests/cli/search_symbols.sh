#!/bin/bash
# libdepeche.so exports exactly the functions declared in depeche.h (and
# the four FFI entry points are among them), with a SONAME.
set -u
: "${DEPECHE_LIB:?run through ctest}" "${DEPECHE_SOURCE_DIR:?run through ctest}"
command -v nm >/dev/null || { echo "SKIP: nm not installed" >&2; exit 77; }
H="$DEPECHE_SOURCE_DIR/searcher/depeche.h"
want=$(grep -o '^DP_EXPORT [^(]*(' "$H" | sed 's/($//' | awk '{print $NF}' | tr -d '*' | sort)
got=$(nm -D --defined-only "$DEPECHE_LIB" | awk '$2 ~ /^[TtWw]$/ {print $3}' | sed 's/@.*//' | sort)
if [ "$want" != "$got" ]; then
  echo "FAIL: exported symbols differ from depeche.h" >&2
  diff <(echo "$want") <(echo "$got") >&2
  exit 1
fi
for f in dp_open dp_search_json dp_free dp_close; do
  echo "$got" | grep -qx "$f" || { echo "FAIL: $f not exported" >&2; exit 1; }
done
if command -v objdump >/dev/null; then
  objdump -p "$DEPECHE_LIB" | grep -q 'SONAME.*libdepeche\.so\.0' ||
    { echo "FAIL: no SONAME libdepeche.so.0" >&2; exit 1; }
fi
exit 0
