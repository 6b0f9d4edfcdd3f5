#!/usr/bin/env python3
"""ctest embed_docs_sync: docs/embedding.md shows every file of
docs/examples/ verbatim (each inside a fenced block), so that the examples
that ctest runs are the ones readers copy."""
import os
import sys

src = os.environ.get("DEPECHE_SOURCE_DIR") or sys.argv[1]
doc = open(os.path.join(src, "docs", "embedding.md"), encoding="utf-8").read()
exdir = os.path.join(src, "docs", "examples")
bad = 0
for name in sorted(os.listdir(exdir)):
    text = open(os.path.join(exdir, name), encoding="utf-8").read()
    if "\n" + text not in doc or "docs/examples/" + name not in doc:
        print(f"FAIL: docs/embedding.md does not show docs/examples/{name} verbatim "
              "(update the fenced block after editing the example)")
        bad += 1
    else:
        print(f"ok: docs/examples/{name}")
sys.exit(1 if bad else 0)
