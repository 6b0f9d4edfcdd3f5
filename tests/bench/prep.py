#!/usr/bin/env python3
"""prep.py — the benchmark corpus, in each peer's input format.

  prep.py INPUT.jsonl[.gz] OUTDIR [--count N]

Writes OUTDIR/articles.jsonl (the first N articles, uncompressed, as given to
depeche-index and FTS5), OUTDIR/scriptindex.dump (the same articles in
scriptindex's name=value format) and OUTDIR/corpus.json (articles, bytes of
the JSON, bytes of text = UTF-8 title + heading + body, the figure every
MB/s of the benchmark is computed from)."""
import gzip
import json
import os
import sys


def dump_field(out, name, value):
    value = value.replace("\r", "")
    out.write(name + "=" + value.replace("\n", "\n=") + "\n")


def main():
    args = sys.argv[1:]
    count = 0
    if "--count" in args:
        i = args.index("--count")
        count = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    src, outdir = args
    os.makedirs(outdir, exist_ok=True)
    op = gzip.open if src.endswith(".gz") else open
    n = text = raw = 0
    with op(src, "rt", encoding="utf-8") as f, \
            open(os.path.join(outdir, "articles.jsonl"), "w", encoding="utf-8") as js, \
            open(os.path.join(outdir, "scriptindex.dump"), "w", encoding="utf-8") as sd:
        for lineno, line in enumerate(f, 1):
            if count and n >= count:
                break
            if not line.strip():
                continue
            try:
                o = json.loads(line)
            except ValueError as e:
                print("%s:%d: %s" % (src, lineno, e), file=sys.stderr)
                return 1
            js.write(line if line.endswith("\n") else line + "\n")
            raw += len(line.encode("utf-8"))
            for k in ("title", "heading", "body"):
                text += len((o.get(k) or "").encode("utf-8"))
            for k in ("id", "url", "date", "title", "heading", "body"):
                v = o.get(k)
                if v:
                    dump_field(sd, k, str(v))
            sd.write("\n")
            n += 1
    with open(os.path.join(outdir, "corpus.json"), "w") as f:
        json.dump({"articles": n, "json_bytes": raw, "text_bytes": text, "source": src}, f)
    print("%d articles, %.1f MB of text" % (n, text / 1e6))
    return 0


if __name__ == "__main__":
    sys.exit(main())
