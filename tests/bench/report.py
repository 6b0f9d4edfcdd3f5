#!/usr/bin/env python3
"""report.py — renders the table of tests/bench/run from its results file.

  report.py RESULTS.tsv [--markdown OUT.md] [--json OUT.json]

RESULTS.tsv holds `key<TAB>value` lines written as the run goes (a later
line overrides an earlier one); a key `na.<group>` holds the reason a
measure is missing ("scriptindex not installed"). Prints the table with
each of our figures beside each peer's and the ratio ours/peer, and says for
every row whether higher or lower is better."""
import json
import sys


def load(path):
    r = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if "\t" in line:
                k, v = line.split("\t", 1)
                r[k] = v
    return r


def num(r, k):
    try:
        return float(r[k])
    except (KeyError, ValueError):
        return None


def build_rows(r):
    """Returns [(measure, better, ours, [(peer, value, note)], unit_fmt)]."""
    text_mb = (num(r, "corpus.text_bytes") or 0) / 1e6
    arts = num(r, "corpus.articles") or 0
    rows = []

    def index_fig(who, what):
        s = num(r, "index.%s.s" % who)
        if what == "mbs":
            return text_mb / s if s else None
        if what == "aps":
            return arts / s if s else None
        if what == "cpu":
            return num(r, "index.%s.cpu_s" % who)
        if what == "rss":
            kb = num(r, "index.%s.rss_kb" % who)
            return kb / 1024 if kb else None
        if what == "ratio":
            size = num(r, "index.%s.size" % who)
            return size / (text_mb * 1e6) if size and text_mb else None
        if what == "size":
            size = num(r, "index.%s.size" % who)
            return size / 1e6 if size else None
        return None

    def na(group):
        return r.get("na." + group, "")

    rows.append(("analyzer MB/s", "higher", num(r, "analyzer.ours.mbs"),
                 [("Xapian TermGenerator (fr)", num(r, "analyzer.termgen.mbs"),
                   na("analyzer.termgen"))], "%.1f", na("analyzer.ours")))
    # issue #7: tagging (the pipelines of depeche-bench-entities) against the
    # analyzer alone (A), in the same process; goal ratio at most 0.25
    rows.append(("entity tagging CPU ms on OrangeSum bodies", "lower",
                 num(r, "entities.tagger.ms"),
                 [("our analyzer alone (dp_analyze)", num(r, "entities.analyzer.ms"),
                   na("entities.ours"))], "%.0f", na("entities.ours")))
    idx_peers = [("scriptindex (fr)", "scriptindex"), ("SQLite FTS5", "fts5")]
    for label, what, better, fmt in (
            ("indexing MB/s", "mbs", "higher", "%.2f"),
            ("indexing articles/s", "aps", "higher", "%.0f"),
            ("indexing CPU time s (user+sys)", "cpu", "lower", "%.1f"),
            ("indexing peak RSS MB", "rss", "lower", "%.0f"),
            ("index size MB (compacted)", "size", "lower", "%.1f"),
            ("index size / text size", "ratio", "lower", "%.2f")):
        rows.append((label, better, index_fig("ours", what),
                     [(p, index_fig(k, what), na("index." + k)) for p, k in idx_peers],
                     fmt, na("index.ours")))

    def lat(key):
        return num(r, key + ".p50"), num(r, key + ".p95")

    for mode, mlabel in (("inproc", "in-process"), ("proc", "one process per query")):
        for snip in ("on", "off"):
            if mode == "inproc":
                peers = [("Xapian python (fr)", "xapian"), ("SQLite FTS5", "fts5")]
            else:
                peers = [("quest (no snippets)", "quest"), ("sqlite3 CLI FTS5", "fts5")]
            for pi, pct in ((0, "p50"), (1, "p95")):
                key = "lat.%s.%s" % (mode, snip)
                rows.append(("latency %s, snippets %s, %s ms" % (mlabel, snip, pct), "lower",
                             lat(key + ".ours")[pi],
                             [(p, lat("%s.%s" % (key, k))[pi], na("%s.%s" % (key, k)))
                              for p, k in peers],
                             "%.2f", na(key + ".ours")))
    for snip in ("on", "off"):
        key = "lat.proc.%s" % snip
        rows.append(("CPU time per process (user+sys), snippets %s, p50 ms" % snip, "lower",
                     num(r, key + ".ours.cpu_p50"),
                     [(p, num(r, "%s.%s.cpu_p50" % (key, k)), na("%s.%s" % (key, k)))
                      for p, k in (("quest (no snippets)", "quest"), ("sqlite3 CLI FTS5", "fts5"))],
                     "%.2f", na(key + ".ours")))
    for pi, pct in ((0, "p50"), (1, "p95")):
        rows.append(("latency dp_search_json (snippets on), %s ms" % pct, "lower",
                     lat("lat.json.ours")[pi],
                     [("Xapian python (fr)", lat("lat.inproc.on.xapian")[pi],
                       na("lat.inproc.on.xapian"))], "%.2f", na("lat.json.ours")))
    for pi, pct in ((0, "p50"), (1, "p95")):
        rows.append(("latency --serve (snippets on), %s ms" % pct, "lower",
                     lat("lat.serve.ours")[pi],
                     [("quest (no snippets)", lat("lat.proc.off.quest")[pi],
                       na("lat.proc.off.quest"))], "%.2f", na("lat.serve.ours")))
    piaf_peers = [("SQLite FTS5 bm25", "fts5"), ("Xapian QueryParser (fr)", "xapian")]
    for m, label in (("mrr10", "PIAF MRR@10"), ("recall10", "PIAF Recall@10"),
                     ("ndcg10", "PIAF nDCG@10"),
                     ("snippet_answer", "PIAF answer in snippet (~300 chars)")):
        rows.append((label, "higher", num(r, "piaf.depeche." + m),
                     [(p, num(r, "piaf.%s.%s" % (k, m)), na("piaf." + k)) for p, k in piaf_peers],
                     "%.3f", na("piaf.depeche")))
    return rows


def cell(v, fmt, why):
    if v is None:
        if len(why) > 40:
            why = why[:39] + "…"
        return "n/a (%s)" % why if why else "n/a"
    return fmt % v


def main():
    a = sys.argv[1:]
    md = js = None
    if "--markdown" in a:
        i = a.index("--markdown")
        md = a[i + 1]
        del a[i:i + 2]
    if "--json" in a:
        i = a.index("--json")
        js = a[i + 1]
        del a[i:i + 2]
    if len(a) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    r = load(a[0])
    rows = build_rows(r)
    head = ("measure", "Dépêche", "peer", "peer value", "ratio")
    lines = []
    out = []
    for label, better, ours, peers, fmt, why in rows:
        for i, (pname, pv, pwhy) in enumerate(peers):
            ratio = ""
            if ours is not None and pv:
                ratio = "%.2fx" % (ours / pv)
            lines.append(("%s %s" % (label, "↑" if better == "higher" else "↓") if i == 0 else "",
                          cell(ours, fmt, why) if i == 0 else "", pname,
                          cell(pv, fmt, pwhy), ratio))
            out.append({"measure": label, "better": better, "ours": ours, "peer": pname,
                        "peer_value": pv, "ratio": (ours / pv) if ours is not None and pv
                        else None, "peer_na": pwhy or None, "ours_na": why or None})
    title = "Dépêche benchmark: %s, %s articles, %.1f MB of text (%s)" % (
        r.get("run.mode", "?"), r.get("corpus.articles", "?"),
        (num(r, "corpus.text_bytes") or 0) / 1e6, r.get("run.date", "?"))
    widths = [max(len(x[i]) for x in lines + [head]) for i in range(5)]
    print(title)
    if r.get("run.cpu"):
        print("machine: %s; load average at start %s, before latency %s, at end %s" % (
            r.get("run.cpu"), r.get("run.load_start", "?"), r.get("run.load_latency", "?"),
            r.get("run.load_end", "?")))
    print("  ".join(h.ljust(widths[i]) for i, h in enumerate(head)))
    print("  ".join("-" * w for w in widths))
    for ln in lines:
        print("  ".join(c.ljust(widths[i]) for i, c in enumerate(ln)).rstrip())
    print("↑ higher is better, ↓ lower is better; ratio = Dépêche / peer. Wall-clock times"
          " on a shared, noisy machine.")
    if md:
        with open(md, "w", encoding="utf-8") as f:
            f.write("| " + " | ".join(head) + " |\n")
            f.write("|" + "---|" * 5 + "\n")
            for ln in lines:
                f.write("| " + " | ".join(c.replace("|", "\\|") for c in ln) + " |\n")
    if js:
        with open(js, "w", encoding="utf-8") as f:
            json.dump({"title": title, "results": r, "rows": out}, f, indent=1,
                      ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
