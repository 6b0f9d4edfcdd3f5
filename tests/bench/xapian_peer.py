#!/usr/bin/python3
"""xapian_peer.py — the Xapian (python bindings) peer of tests/bench/run.

  /usr/bin/python3 xapian_peer.py latency DB QUERIES [--snippets on|off] [--repeat R]

DB is the scriptindex index (tests/bench/scriptindex.script). Each query goes
through Xapian's QueryParser with the French stemmer (STEM_SOME, default
flags, default operator AND as Dépêche's, title: mapped to the S prefix);
the top 10 are fetched with their stored data (id, title), and with
--snippets on MSet::snippet() of 300 characters of the body is made for each.
Prints: n=N p50_ms=X p95_ms=Y mean_ms=Z failed=F

  /usr/bin/python3 xapian_peer.py termgen FILE.jsonl
      the analyzer peer: TermGenerator (French stemmer, STEM_SOME) over
      title, heading and body of every article, positions on, into an
      in-memory document that is thrown away. Prints: bytes=B seconds=S

Needs Debian's python3-xapian, importable from /usr/bin/python3 only."""
import json
import math
import sys
import time

import xapian


def read_queries(path):
    with open(path, encoding="utf-8") as f:
        return [l.strip() for l in f if l.strip() and not l.startswith("#")]


def parse_data(data):
    """scriptindex document data: name=value lines (continuations start '=')."""
    fields = {}
    last = None
    for line in data.decode("utf-8", "replace").split("\n"):
        if line.startswith("=") and last:
            fields[last] += "\n" + line[1:]
            continue
        k, sep, v = line.partition("=")
        if sep:
            fields[k] = fields[k] + "\n" + v if k in fields else v
            last = k
    return fields


def cmd_latency(db_path, qfile, snippets, repeat):
    db = xapian.Database(db_path)
    stem = xapian.Stem("french")
    qp = xapian.QueryParser()
    qp.set_stemmer(stem)
    qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
    qp.set_database(db)
    qp.set_default_op(xapian.Query.OP_AND)
    qp.add_prefix("title", "S")
    enq = xapian.Enquire(db)
    qs = read_queries(qfile)
    times = []
    failed = 0
    for rep in range(repeat + 1):
        for q in qs:
            t0 = time.perf_counter()
            try:
                enq.set_query(qp.parse_query(q))
                mset = enq.get_mset(0, 10)
                for m in mset:
                    f = parse_data(m.document.get_data())
                    if snippets:
                        body = "\n".join(x for x in (f.get("heading"), f.get("body")) if x)
                        mset.snippet(body, 300, stem,
                                     xapian.MSet.SNIPPET_BACKGROUND_MODEL
                                     | xapian.MSet.SNIPPET_EXHAUSTIVE, "", "", "…")
            except xapian.Error:
                failed += 1
            dt = (time.perf_counter() - t0) * 1e3
            if rep > 0:  # pass 0 warms the page cache
                times.append(dt)
    times.sort()
    n = len(times)
    pick = lambda p: times[max(1, math.ceil(p * n)) - 1]  # nearest rank
    print("n=%d p50_ms=%.3f p95_ms=%.3f mean_ms=%.3f failed=%d" % (
        n, pick(0.50), pick(0.95), sum(times) / n, failed))
    return 0


def cmd_termgen(path):
    tg = xapian.TermGenerator()
    tg.set_stemmer(xapian.Stem("french"))
    tg.set_stemming_strategy(xapian.TermGenerator.STEM_SOME)
    texts = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                o = json.loads(line)
                texts.append([o.get(k) or "" for k in ("title", "heading", "body")])
    nbytes = sum(len(t.encode("utf-8")) for a in texts for t in a)
    t0 = time.perf_counter()
    for a in texts:
        doc = xapian.Document()
        tg.set_document(doc)
        for t in a:
            tg.index_text(t)
            tg.increase_termpos()
    dt = time.perf_counter() - t0
    print("bytes=%d seconds=%.3f" % (nbytes, dt))
    return 0


def main():
    a = sys.argv[1:]
    snippets = True
    repeat = 5
    if "--snippets" in a:
        i = a.index("--snippets")
        snippets = a[i + 1] == "on"
        del a[i:i + 2]
    if "--repeat" in a:
        i = a.index("--repeat")
        repeat = int(a[i + 1])
        del a[i:i + 2]
    if len(a) == 3 and a[0] == "latency":
        return cmd_latency(a[1], a[2], snippets, repeat)
    if len(a) == 2 and a[0] == "termgen":
        return cmd_termgen(a[1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
