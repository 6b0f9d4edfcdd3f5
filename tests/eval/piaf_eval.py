#!/usr/bin/env python3
"""piaf_eval — ranking and snippet quality on PIAF, Dépêche beside its peers.

Runs the PIAF questions (queries.tsv, qrels.trec, docs.jsonl, answers.tsv of
../shared/data/retrieval-piaf) against three systems in the same run and
prints MRR@10, Recall@10, nDCG@10 and the snippet answer rate side by side:

  depeche  depeche-index, then libdepeche in-process (ctypes dp_search_json)
  fts5     SQLite FTS5, tokenize 'unicode61 remove_diacritics 2', bm25,
           the question's words OR'ed, snippet() of about 300 characters
  xapian   Xapian QueryParser + TermGenerator with the French stemmer
           (STEM_SOME, default flags, default operator OR), MSet::snippet
           at 300 characters

--distractors adds the 36,152 OrangeSum articles to every index.

Snippet score: for each question whose gold paragraph is in the top 10, does
that result's snippet contain one of the gold answers (answers.tsv), after
case, accent, apostrophe and whitespace normalisation?

Xapian's Python bindings live in Debian's /usr/bin/python3: when the running
interpreter cannot import xapian, the script re-executes itself there.

Peer indexes, and the peers' answers to each question, are cached in --work
(default tests/eval/out) and rebuilt when the input files or options change
(--no-cache asks again); Dépêche's index is rebuilt on every run unless
--reuse-index is given (the indexer changes under development).

Exit status: 0 when every available system ran; 1 when one failed; 2 on
bad usage; 77 when the PIAF data is absent.
"""

import argparse
import ctypes
import json
import math
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import unicodedata

try:
    import xapian  # Debian's python3-xapian, in /usr/bin/python3 only
except ImportError:
    xapian = None
    if (os.path.exists("/usr/bin/python3")
            and os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3")
            and not os.environ.get("PIAF_EVAL_NO_REEXEC")):
        probe = subprocess.run(["/usr/bin/python3", "-c", "import xapian"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if probe.returncode == 0:
            os.environ["PIAF_EVAL_NO_REEXEC"] = "1"
            os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
K = 10


class Unavailable(Exception):
    """The system cannot run here (not built, not installed): shown as n/a."""


# ---------------------------------------------------------------- data ----

def read_tsv(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                rows.append(line.split("\t"))
    return rows


def load_piaf(data_dir, nq):
    queries = [(r[0], r[1]) for r in read_tsv(os.path.join(data_dir, "queries.tsv"))]
    if nq:
        queries = queries[:nq]
    qrels = {}
    with open(os.path.join(data_dir, "qrels.trec"), encoding="utf-8") as f:
        for line in f:
            p = line.split()
            if len(p) >= 4 and int(p[3]) > 0:
                qrels.setdefault(p[0], set()).add(p[2])
    answers = {}
    for r in read_tsv(os.path.join(data_dir, "answers.tsv")):
        answers[r[0]] = [a for a in r[1:] if a.strip()]
    return queries, qrels, answers


def iter_docs(paths):
    """Yields (id, title, body) from docs.jsonl and the OrangeSum .jsonl.gz."""
    import gzip
    for p in paths:
        op = gzip.open if p.endswith(".gz") else open
        with op(p, "rt", encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                o = json.loads(line)
                body = o.get("text") or ""
                if not body:
                    parts = [o.get("heading") or "", o.get("body") or ""]
                    body = "\n".join(x for x in parts if x)
                yield str(o["id"]), o.get("title") or "", body


def stamp_of(paths):
    return ";".join("%s:%d:%d" % (p, os.path.getsize(p), int(os.path.getmtime(p)))
                    for p in paths)


def cached(dirpath, stamp):
    sf = os.path.join(dirpath, ".stamp")
    try:
        with open(sf) as f:
            return f.read() == stamp
    except OSError:
        return False


def write_stamp(dirpath, stamp):
    with open(os.path.join(dirpath, ".stamp"), "w") as f:
        f.write(stamp)


_WS = re.compile(r"\s+")


def norm(s):
    """Case fold, strip accents, unify apostrophes, collapse whitespace."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.casefold().replace("\u2019", "'").replace("\u02bc", "'")
    return _WS.sub(" ", s).strip()


# ------------------------------------------------------------- systems ----

class Depeche:
    name = "Dépêche"

    def __init__(self, args, docs, work):
        lib = args.lib or os.environ.get("DEPECHE_LIB")
        index_bin = args.index_bin or os.environ.get("DEPECHE_INDEX_BIN")
        build = os.environ.get("DEPECHE_BUILD_DIR") or os.path.join(SRC, "build")
        if not lib:
            lib = os.path.join(build, "searcher", "libdepeche.so")
        if not index_bin:
            index_bin = os.path.join(build, "indexer", "depeche-index")
        if not os.path.exists(lib):
            raise Unavailable("libdepeche not built (%s)" % lib)
        if not os.path.exists(index_bin):
            raise Unavailable("depeche-index not built (%s)" % index_bin)
        try:
            self.lib = ctypes.CDLL(lib)
            self.lib.dp_open.restype = ctypes.c_void_p
            self.lib.dp_open.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
            self.lib.dp_search_json.restype = ctypes.c_void_p
            self.lib.dp_search_json.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                                ctypes.c_int, ctypes.POINTER(ctypes.c_void_p)]
            self.lib.dp_free.argtypes = [ctypes.c_void_p]
            self.lib.dp_close.argtypes = [ctypes.c_void_p]
        except (OSError, AttributeError) as e:
            raise Unavailable("libdepeche has no dp_search_json yet (%s)" % e)
        tag = "d1" if args.distractors else "d0"
        self.path = os.path.join(work, "depeche-piaf-%s.db" % tag)
        stamp = stamp_of(docs) + ";" + stamp_of([index_bin])
        t0 = time.time()
        if not (args.reuse_index and os.path.isdir(self.path)) and not cached(self.path, stamp):
            shutil.rmtree(self.path, ignore_errors=True)
            cmd = [index_bin, "--quiet", "--index", self.path] + docs
            r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if r.returncode not in (0, 1):
                raise RuntimeError("depeche-index failed (%d): %s" % (r.returncode,
                                                                     r.stderr.strip()[-500:]))
            write_stamp(self.path, stamp)
        self.index_s = time.time() - t0
        err = ctypes.c_void_p()
        self.ix = self.lib.dp_open(self.path.encode(), ctypes.byref(err))
        if not self.ix:
            raise RuntimeError("dp_open: %s" % self._take(err))

    def _take(self, p):
        if not p or not p.value:
            return ""
        s = ctypes.string_at(p.value).decode("utf-8", "replace")
        self.lib.dp_free(p.value)
        return s

    def search(self, q):
        err = ctypes.c_void_p()
        p = self.lib.dp_search_json(self.ix, q.encode("utf-8"), 0, K, ctypes.byref(err))
        if not p:
            msg = self._take(err)
            raise RuntimeError("dp_search_json(%r): %s" % (q, msg))
        s = ctypes.string_at(p).decode("utf-8")
        self.lib.dp_free(p)
        o = json.loads(s)
        return [(str(r.get("id")), r.get("snippet") or "") for r in o.get("results", [])]

    def close(self):
        if getattr(self, "ix", None):
            self.lib.dp_close(self.ix)
            self.ix = None


_WORD = re.compile(r"\w+", re.UNICODE)


class Fts5:
    name = "SQLite FTS5 bm25"

    def __init__(self, args, docs, work):
        tag = "d1" if args.distractors else "d0"
        self.path = os.path.join(work, "fts5-piaf-%s.sqlite" % tag)
        self.tokens = args.fts5_tokens
        stamp = stamp_of(docs) + ";fts5-v1"
        self.cache_file = self.path + ".results-%d.json" % self.tokens
        self.cache_stamp = stamp
        t0 = time.time()
        if not (os.path.exists(self.path) and self._stamp_ok(stamp)):
            if os.path.exists(self.path):
                os.unlink(self.path)
            db = sqlite3.connect(self.path)
            db.execute("CREATE VIRTUAL TABLE t USING fts5(id UNINDEXED, title, body, "
                       "tokenize = 'unicode61 remove_diacritics 2')")
            db.execute("BEGIN")
            db.executemany("INSERT INTO t(id, title, body) VALUES (?, ?, ?)", iter_docs(docs))
            db.execute("INSERT INTO t(t) VALUES ('optimize')")
            db.execute("CREATE TABLE stamp(s)")
            db.execute("INSERT INTO stamp VALUES (?)", (stamp,))
            db.commit()
            db.close()
        self.index_s = time.time() - t0
        self.db = sqlite3.connect(self.path)

    def _stamp_ok(self, stamp):
        try:
            db = sqlite3.connect(self.path)
            row = db.execute("SELECT s FROM stamp").fetchone()
            db.close()
            return row is not None and row[0] == stamp
        except sqlite3.Error:
            return False

    def search(self, q):
        words = []
        for w in _WORD.findall(q):
            if w not in words:
                words.append(w)
        if not words:
            return []
        match = " OR ".join('"%s"' % w.replace('"', '""') for w in words)
        rows = self.db.execute(
            "SELECT id, snippet(t, 2, '', '', '…', ?) FROM t WHERE t MATCH ? "
            "ORDER BY bm25(t) LIMIT ?", (self.tokens, match, K)).fetchall()
        return [(r[0], r[1] or "") for r in rows]

    def close(self):
        self.db.close()


class Xapian:
    name = "Xapian QueryParser fr"

    def __init__(self, args, docs, work):
        if xapian is None:
            raise Unavailable("python3-xapian not importable (apt-get install python3-xapian)")
        tag = "d1" if args.distractors else "d0"
        self.path = os.path.join(work, "xapian-piaf-%s.db" % tag)
        stamp = stamp_of(docs) + ";xapian-v1"
        self.stem = xapian.Stem("french")
        self.chars = args.snippet_chars
        self.cache_file = self.path + ".results-%d.json" % self.chars
        self.cache_stamp = stamp
        t0 = time.time()
        if not cached(self.path, stamp):
            shutil.rmtree(self.path, ignore_errors=True)
            wdb = xapian.WritableDatabase(self.path, xapian.DB_CREATE_OR_OVERWRITE)
            tg = xapian.TermGenerator()
            tg.set_stemmer(self.stem)
            tg.set_stemming_strategy(xapian.TermGenerator.STEM_SOME)
            for did, title, body in iter_docs(docs):
                doc = xapian.Document()
                tg.set_document(doc)
                tg.index_text(title, 1, "S")
                tg.index_text(title)
                tg.increase_termpos()
                tg.index_text(body)
                doc.add_boolean_term("Q" + did)
                doc.set_data(json.dumps({"id": did, "body": body}))
                wdb.replace_document("Q" + did, doc)
            wdb.commit()
            wdb.close()
            write_stamp(self.path, stamp)
        self.index_s = time.time() - t0
        self.db = xapian.Database(self.path)
        self.qp = xapian.QueryParser()
        self.qp.set_stemmer(self.stem)
        self.qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
        self.qp.set_database(self.db)
        self.qp.add_prefix("title", "S")
        self.enq = xapian.Enquire(self.db)

    def search(self, q):
        try:
            query = self.qp.parse_query(q)
        except xapian.QueryParserError:
            query = self.qp.parse_query(q, 0)
        self.enq.set_query(query)
        mset = self.enq.get_mset(0, K)
        out = []
        for m in mset:
            d = json.loads(m.document.get_data())
            snip = mset.snippet(d["body"], self.chars, self.stem,
                                xapian.MSet.SNIPPET_BACKGROUND_MODEL
                                | xapian.MSet.SNIPPET_EXHAUSTIVE, "", "", "…")
            if isinstance(snip, bytes):
                snip = snip.decode("utf-8", "replace")
            out.append((d["id"], snip))
        return out

    def close(self):
        self.db.close()


SYSTEMS = {"depeche": Depeche, "fts5": Fts5, "xapian": Xapian}


# ------------------------------------------------------------- scoring ----

def load_result_cache(system):
    """A peer's earlier answers ({query: [[id, snippet]...]}), when its
    index and options are unchanged (peers are deterministic)."""
    path = getattr(system, "cache_file", None)
    if not path:
        return None
    try:
        with open(path, encoding="utf-8") as f:
            c = json.load(f)
        if c.get("stamp") == system.cache_stamp:
            return c["results"]
    except (OSError, ValueError, KeyError):
        pass
    return {}


def save_result_cache(system, results):
    tmp = system.cache_file + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump({"stamp": system.cache_stamp, "results": results}, f, ensure_ascii=False)
    os.replace(tmp, system.cache_file)


def score(system, queries, qrels, answers, use_cache=True, errors=None):
    """errors: a file to write the errors to (one TSV line each: qid, kind
    "rank" (gold at 2-10) or "snippet" (answer not in the gold's snippet),
    gold rank, question, answers, snippet)."""
    mrr = rec = ndcg = 0.0
    snip_hits = snip_n = 0
    snip_len = snip_cnt = 0
    cache = load_result_cache(system) if use_cache else None
    misses = hits = 0
    t0 = time.time()
    for qid, q in queries:
        if cache is not None and q in cache:
            res = [tuple(x) for x in cache[q]]
            hits += 1
        else:
            res = system.search(q)[:K]
            misses += 1
            if cache is not None:
                cache[q] = res
        rel = qrels.get(qid, set())
        first = None
        dcg = 0.0
        found = 0
        for i, (did, snip) in enumerate(res):
            snip_len += len(snip)
            snip_cnt += 1
            if did in rel:
                found += 1
                dcg += 1.0 / math.log2(i + 2)
                if first is None:
                    first = i
                    if answers.get(qid):
                        snip_n += 1
                        ns = norm(snip)
                        if any(norm(a) and norm(a) in ns for a in answers[qid]):
                            snip_hits += 1
                        elif errors:
                            errors.write("%s\tsnippet\t%d\t%s\t%s\t%s\n" % (
                                qid, i + 1, q, " | ".join(answers[qid]),
                                snip.replace("\t", " ").replace("\n", " ")))
        if first is not None:
            mrr += 1.0 / (first + 1)
            if first > 0 and errors:
                errors.write("%s\trank\t%d\t%s\t%s\t%s\n" % (
                    qid, first + 1, q, " | ".join(answers.get(qid, [])), res[0][0]))
        if rel:
            rec += found / len(rel)
            idcg = sum(1.0 / math.log2(i + 2) for i in range(min(len(rel), K)))
            ndcg += dcg / idcg
    n = max(len(queries), 1)
    elapsed = time.time() - t0
    if cache is not None and misses:
        save_result_cache(system, cache)
    return {"cached": hits > 0,
            "mrr10": mrr / n, "recall10": rec / n, "ndcg10": ndcg / n,
            "snippet_answer": (snip_hits / snip_n) if snip_n else None,
            "snippet_judged": snip_n,
            "snippet_mean_chars": (snip_len / snip_cnt) if snip_cnt else 0,
            "query_s": elapsed}


def fmt(v, spec="%.3f"):
    return "n/a" if v is None else spec % v


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", help="retrieval-piaf folder (default: "
                    "$DEPECHE_SHARED_DATA/retrieval-piaf)")
    ap.add_argument("--distractors", action="store_true",
                    help="add the OrangeSum articles to every index")
    ap.add_argument("--queries", type=int, default=0, metavar="N",
                    help="only the first N questions (default: all)")
    ap.add_argument("--systems", default="depeche,fts5,xapian",
                    help="comma-separated subset of depeche,fts5,xapian")
    ap.add_argument("--work", help="folder for the indexes (default tests/eval/out)")
    ap.add_argument("--index-bin", help="depeche-index (default $DEPECHE_INDEX_BIN)")
    ap.add_argument("--lib", help="libdepeche.so (default $DEPECHE_LIB)")
    ap.add_argument("--reuse-index", action="store_true",
                    help="keep an existing Dépêche index instead of rebuilding it")
    ap.add_argument("--snippet-chars", type=int, default=300,
                    help="Xapian snippet length in characters (default 300)")
    ap.add_argument("--fts5-tokens", type=int, default=52,
                    help="FTS5 snippet() length in tokens (default 52, about 300 chars)")
    ap.add_argument("--no-cache", action="store_true",
                    help="query the peers again instead of reusing their cached answers")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    ap.add_argument("--misses", metavar="FILE",
                    help="write Dépêche's errors there, one TSV line each: qid, "
                    "'rank' (gold ranked 2-10, with the id ranked first) or "
                    "'snippet' (answer not in the gold's snippet, with the snippet)")
    args = ap.parse_args()

    shared = os.environ.get("DEPECHE_SHARED_DATA") or os.path.join(SRC, "..", "shared", "data")
    data = args.data or os.path.join(shared, "retrieval-piaf")
    need = ["queries.tsv", "qrels.trec", "docs.jsonl", "answers.tsv"]
    if not all(os.path.exists(os.path.join(data, f)) for f in need):
        print("SKIP: PIAF data not found in %s" % data, file=sys.stderr)
        return 77
    docs = [os.path.join(data, "docs.jsonl")]
    if args.distractors:
        dpath = os.path.join(os.path.dirname(os.path.abspath(data)), "news-orangesum",
                             "orangesum_articles.jsonl.gz")
        if not os.path.exists(dpath):
            print("SKIP: distractors not found: %s" % dpath, file=sys.stderr)
            return 77
        docs.append(dpath)
    work = os.path.abspath(args.work or os.path.join(SRC, "tests", "eval", "out"))
    os.makedirs(work, exist_ok=True)

    queries, qrels, answers = load_piaf(data, args.queries)
    print("PIAF: %d questions over %s%s" % (
        len(queries), "761 paragraphs", " + OrangeSum distractors" if args.distractors else ""))
    results = {}
    failed = False
    for key in [s.strip() for s in args.systems.split(",") if s.strip()]:
        cls = SYSTEMS.get(key)
        if cls is None:
            print("piaf_eval: unknown system %r" % key, file=sys.stderr)
            return 2
        try:
            sysobj = cls(args, docs, work)
            try:
                mf = (open(args.misses, "w", encoding="utf-8")
                      if args.misses and key == "depeche" else None)
                try:
                    r = score(sysobj, queries, qrels, answers, not args.no_cache, mf)
                finally:
                    if mf:
                        mf.close()
            finally:
                sysobj.close()
            r["index_s"] = sysobj.index_s
            results[key] = r
        except Unavailable as e:
            results[key] = {"unavailable": str(e)}
        except Exception as e:  # a system that is present but breaks
            results[key] = {"error": str(e)}
            failed = True

    print("%-24s %7s %7s %7s  %-22s %9s %8s" % ("system", "MRR@10", "R@10", "nDCG@10",
                                                  "answer in snippet", "snip.len", "q/s"))
    for key in results:
        r = results[key]
        name = SYSTEMS[key].name
        if "unavailable" in r:
            print("%-24s n/a (%s)" % (name, r["unavailable"]))
        elif "error" in r:
            print("%-24s ERROR: %s" % (name, r["error"]))
        else:
            sn = r["snippet_answer"]
            snip = "%s (%d judged)" % (fmt(sn), r["snippet_judged"])
            qps = "%8.0f" % (len(queries) / r["query_s"]) if r["query_s"] > 0 else "%8s" % "-"
            if r.get("cached"):
                qps = "%8s" % "cached"
            print("%-24s %7.3f %7.3f %7.3f  %-22s %9.0f %s" % (
                name, r["mrr10"], r["recall10"], r["ndcg10"], snip,
                r["snippet_mean_chars"], qps))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"questions": len(queries), "distractors": args.distractors,
                       "systems": results}, f, indent=1, ensure_ascii=False)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
