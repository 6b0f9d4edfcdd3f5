#!/usr/bin/env python3
"""fts5_peer.py — the SQLite FTS5 peer of tests/bench/run.

  fts5_peer.py index DB ARTICLES.jsonl
      one FTS5 table (tokenize 'unicode61 remove_diacritics 2'), columns
      title and body (heading + body) indexed, id, date and url stored
      unindexed; one transaction, then 'optimize' and VACUUM.
  fts5_peer.py sql QUERIES [--snippets on|off]
      prints, one a line, the sqlite3 CLI statement for each query (for the
      one-process-per-query measure).
  fts5_peer.py latency DB QUERIES [--snippets on|off] [--repeat R]
      in-process latency: for each query the top 10 by bm25 with id and
      title, and with --snippets on snippet() of about 300 characters.
      Prints: n=N p50_ms=X p95_ms=Y mean_ms=Z failed=0

Queries are written in Dépêche's syntax; they become FTS5 queries with every
word quoted (implicit AND, as Dépêche's default) and "phrases" kept."""
import json
import math
import os
import re
import sqlite3
import sys
import time

SNIPPET_TOKENS = 52  # about 300 characters of French news text


def read_queries(path):
    with open(path, encoding="utf-8") as f:
        return [l.strip() for l in f if l.strip() and not l.startswith("#")]


_PART = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)


def to_fts5(q):
    """Dépêche query -> FTS5 MATCH expression (AND of words and phrases)."""
    parts = []
    for phrase, word in _PART.findall(q):
        toks = _WORD.findall(phrase if phrase else word)
        if toks:
            parts.append('"%s"' % " ".join(toks))
    return " AND ".join(parts)


def select_sql(snippets):
    cols = "id, title"
    if snippets:
        cols += ", snippet(articles, 2, '', '', '…', %d)" % SNIPPET_TOKENS
    return ("SELECT %s FROM articles WHERE articles MATCH ? ORDER BY bm25(articles) LIMIT 10"
            % cols)


def cmd_index(db, src):
    if os.path.exists(db):
        os.unlink(db)
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("CREATE VIRTUAL TABLE articles USING fts5(id UNINDEXED, title, body, "
                "date UNINDEXED, url UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')")

    def rows():
        with open(src, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    o = json.loads(line)
                    body = "\n".join(x for x in (o.get("heading"), o.get("body")) if x)
                    yield (o.get("id"), o.get("title") or "", body, o.get("date"), o.get("url"))

    con.execute("BEGIN")
    con.executemany("INSERT INTO articles(id, title, body, date, url) VALUES (?,?,?,?,?)",
                    rows())
    con.execute("INSERT INTO articles(articles) VALUES('optimize')")
    con.commit()
    con.execute("VACUUM")
    con.close()
    return 0


def cmd_sql(qfile, snippets):
    for q in read_queries(qfile):
        m = to_fts5(q).replace("'", "''")
        print(select_sql(snippets).replace("?", "'%s'" % m))
    return 0


def cmd_latency(db, qfile, snippets, repeat):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    sql = select_sql(snippets)
    qs = [to_fts5(q) for q in read_queries(qfile)]
    times = []
    for rep in range(repeat + 1):
        for m in qs:
            t0 = time.perf_counter()
            con.execute(sql, (m,)).fetchall()
            dt = (time.perf_counter() - t0) * 1e3
            if rep > 0:  # pass 0 warms the page cache
                times.append(dt)
    times.sort()
    n = len(times)
    pick = lambda p: times[max(1, math.ceil(p * n)) - 1]  # nearest rank
    print("n=%d p50_ms=%.3f p95_ms=%.3f mean_ms=%.3f failed=0" % (
        n, pick(0.50), pick(0.95), sum(times) / n))
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
    if len(a) == 3 and a[0] == "index":
        return cmd_index(a[1], a[2])
    if len(a) == 2 and a[0] == "sql":
        return cmd_sql(a[1], snippets)
    if len(a) == 3 and a[0] == "latency":
        return cmd_latency(a[1], a[2], snippets, repeat)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
