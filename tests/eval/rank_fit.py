#!/usr/bin/env python3
"""rank_fit — fit the linear re-ranking of questions on one half of PIAF.

Reads the features that depeche-rank-dump wrote for every re-ranked
candidate of each question, and the PIAF qrels. The questions are split in
two halves by their gold paragraph (crc32 of its id, so that the questions
of one paragraph stay together). It prints MRR@10 of the product form and
of the given weights on half A, half B and all, then fits the weights by
coordinate ascent on MRR@10 over half A only and reports them on both
halves and on all (B is held out: a gain there is not overfitting).

  depeche-rank-dump OUT/depeche-piaf-d1.db queries.tsv 50 > feat.tsv
  tests/eval/rank_fit.py feat.tsv --qrels qrels.trec [--depth 20]
                         [--weights w0,w1,...] [--fit bm25,title,...]

The normalisation mirrors dps_rr_normalise (searcher/search.c) and the
names follow the DPS_RR_* features of searcher/search.h. Questions the
search did not re-rank (not seen as questions) count as misses here, so
the figures sit a little under piaf_eval.py's. Pure Python, no numpy.
"""

import argparse
import sys
import zlib

FEATS = ["bm25", "window", "cover", "prox", "answer", "sent", "sent_ans",
         "title", "cover_idf", "type", "exact", "pairs", "miss", "rank",
         "words"]
LIN = FEATS + ["cur"]  # DPS_RR_NLIN weights
PRODUCT = dict(rerank_weight=0.5, rr_cover=0.0, rr_prox=0.5, rr_prox_k=0.5,
               rr_answer=0.1)  # DPS_TUNING_INIT


def product(f):
    """The product form (rr_product in search.c)."""
    t = PRODUCT
    typed = f[9] in (1, 2)
    p = f[3]
    return ((f[0] + t["rerank_weight"] * f[1]) * (1 + t["rr_cover"] * f[2])
            * (1 + t["rr_prox"] * p / (t["rr_prox_k"] + p))
            * (1 + (t["rr_answer"] * f[4] if typed else 0)))


def normalise(cands):
    """[(id, raw features)] -> [(id, x)] as dps_rr_normalise does."""
    cur = [product(f) for _, f in cands]
    maxcur = max(cur) or 1
    maxbm = max(f[0] for _, f in cands) or 1
    maxwin = max(f[1] for _, f in cands) or 1
    out = []
    for (did, f), c in zip(cands, cur):
        typed = f[9] in (1, 2)
        x = list(f) + [0.0]
        x[0] = f[0] / maxbm
        x[1] = f[1] / maxwin
        x[3] = f[3] / (0.5 + f[3])
        x[4] = f[4] if typed else 0
        x[6] = f[6] if typed else 0
        x[9] = 0
        x[13] = 1 / (1 + f[13])
        x[14] = 0
        x[15] = c / maxcur
        out.append((did, x))
    return out


def mrr(X, qrels, qids, w):
    nz = [(j, v) for j, v in enumerate(w) if v]
    s = 0.0
    for q in qids:
        c = X.get(q)
        if not c:
            continue
        g = next((i for i, (d, _) in enumerate(c) if d in qrels.get(q, ())), None)
        if g is None:
            continue
        sc = [sum(v * x[j] for j, v in nz) for _, x in c]
        r = sum(1 for i, v in enumerate(sc) if v > sc[g] or (v == sc[g] and i < g))
        if r < 10:
            s += 1.0 / (r + 1)
    return s / max(len(qids), 1)


GRID = [-1, -0.6, -0.4, -0.3, -0.2, -0.1, -0.05, 0, 0.05, 0.1, 0.2, 0.3,
        0.4, 0.6, 0.9, 1.2, 1.5, 2]


def ascend(X, qrels, qids, w, free, rounds=3):
    best = mrr(X, qrels, qids, w)
    for _ in range(rounds):
        better = False
        for j in free:
            for g in GRID:
                w2 = list(w)
                w2[j] = g
                m = mrr(X, qrels, qids, w2)
                if m > best + 1e-5:
                    best, w, better = m, w2, True
        if not better:
            break
    return w, best


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("features", help="depeche-rank-dump output")
    ap.add_argument("--qrels", required=True, help="PIAF qrels.trec")
    ap.add_argument("--queries", help="queries.tsv (default: the questions in features)")
    ap.add_argument("--depth", type=int, default=20, help="candidates re-ranked (20)")
    ap.add_argument("--weights", help="comma-separated DPS_RR_NLIN weights to report "
                    "(default: the product form alone)")
    ap.add_argument("--fit", default="bm25,cover,title,pairs",
                    help="features whose weight is fitted on half A "
                    "(default bm25,cover,title,pairs; 'cur' stays 1)")
    a = ap.parse_args()
    qrels = {}
    with open(a.qrels, encoding="utf-8") as f:
        for line in f:
            p = line.split()
            if len(p) >= 4 and int(p[3]) > 0:
                qrels.setdefault(p[0], set()).add(p[2])
    raw = {}
    with open(a.features, encoding="utf-8") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            raw.setdefault(p[0], []).append((p[1], [float(x) for x in p[2:]]))
    X = {q: normalise(c[:a.depth]) for q, c in raw.items()}
    if a.queries:
        with open(a.queries, encoding="utf-8") as f:
            qids = [line.split("\t", 1)[0] for line in f if line.strip()]
    else:
        qids = list(raw)
    half = {q: zlib.crc32(min(qrels.get(q, {q})).encode()) & 1 for q in qids}
    A = [q for q in qids if half[q] == 0]
    B = [q for q in qids if half[q] == 1]
    base = [0.0] * len(LIN)
    base[LIN.index("cur")] = 1
    w = [float(v) for v in a.weights.split(",")] if a.weights else base
    if len(w) != len(LIN):
        print("rank_fit: --weights needs %d values (%s)" % (len(LIN), ",".join(LIN)),
              file=sys.stderr)
        return 2

    def line(name, w):
        print("%-22s A %.4f  B %.4f  all %.4f  (%d / %d / %d questions)" % (
            name, mrr(X, qrels, A, w), mrr(X, qrels, B, w), mrr(X, qrels, qids, w),
            len(A), len(B), len(qids)))

    line("product form", base)
    if a.weights:
        line("given weights", w)
    free = [LIN.index(n) for n in a.fit.split(",") if n in LIN and n != "cur"]
    wa, _ = ascend(X, qrels, A, w, free)
    line("fitted on A", wa)
    print("weights:", ",".join("%g" % v for v in wa))
    print("         ", " ".join("%s=%g" % (n, v) for n, v in zip(LIN, wa) if v))
    return 0


if __name__ == "__main__":
    sys.exit(main())
