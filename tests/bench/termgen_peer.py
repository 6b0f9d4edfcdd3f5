#!/usr/bin/python3
"""termgen_peer.py — the analyzer's peer: Xapian's TermGenerator with the
French Snowball stemmer (STEM_SOME, positions on), on the same texts as
tests/bench/analyzer_bench.

  /usr/bin/python3 termgen_peer.py [--count N] [--repeat R]
                                   [--fields body|all] ARTICLES.jsonl[.gz]

Loads the texts first, then indexes every text into a fresh in-memory
document R times (default 3) and keeps the best pass. Prints
  mb_s=... bytes=... seconds=... texts=... terms=...
Needs Debian's python3-xapian (importable from /usr/bin/python3)."""
import gzip
import json
import sys
import time

import xapian


def main():
    args = sys.argv[1:]
    count, repeat, fields = 0, 3, ("body",)
    path = None
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--count":
            count = int(args[i + 1])
            i += 2
        elif a == "--repeat":
            repeat = max(1, int(args[i + 1]))
            i += 2
        elif a == "--fields":
            fields = ("title", "heading", "body") if args[i + 1] == "all" \
                else ("body",)
            i += 2
        else:
            path = a
            i += 1
    if not path:
        print(__doc__, file=sys.stderr)
        return 2
    op = gzip.open if path.endswith(".gz") else open
    texts = []
    with op(path, "rt", encoding="utf-8") as f:
        n = 0
        for line in f:
            if count and n >= count:
                break
            if not line.strip():
                continue
            o = json.loads(line)
            n += 1
            for k in fields:
                v = o.get(k) or ""
                if v:
                    texts.append(v)
    nbytes = sum(len(t.encode("utf-8")) for t in texts)
    tg = xapian.TermGenerator()
    tg.set_stemmer(xapian.Stem("french"))
    tg.set_stemming_strategy(xapian.TermGenerator.STEM_SOME)
    best = None
    terms = 0
    for _ in range(repeat):
        t0 = time.process_time()
        nt = 0
        for t in texts:
            doc = xapian.Document()
            tg.set_document(doc)
            tg.index_text(t)
            nt += doc.termlist_count()
        dt = time.process_time() - t0
        if best is None or dt < best:
            best = dt
        terms = nt
    print("mb_s=%.2f bytes=%d seconds=%.4f texts=%d terms=%d"
          % (nbytes / 1e6 / best, nbytes, best, len(texts), terms))
    return 0


if __name__ == "__main__":
    sys.exit(main())
