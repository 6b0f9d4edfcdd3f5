#!/usr/bin/env python3
"""test_embed.py — libdepeche through ctypes, as a Python script embeds it.

The index is built by the real depeche-index ($DEPECHE_INDEX_BIN) from
inline fixtures; the library is $DEPECHE_LIB. Checks, one function each:
the four FFI functions (dp_open, dp_search_json, dp_free, dp_close) and
their errors; the JSON answer field by field against docs/embedding.md
(schema 1), byte offsets of highlights included; paging; a handle opened
before an indexer run seeing the new article; the typed API read through
ctypes structures (same answers as the JSON); one handle per thread."""
import ctypes
import json
import os
import subprocess
import sys
import tempfile
import threading
import unicodedata

# Under the ASan build ctest preloads libasan; libstdc++ must be preloaded
# too, or ASan cannot intercept the C++ exceptions that Xapian throws inside
# the library (dp_open of a missing index aborts in __cxa_throw). Re-run
# this script with it.
if (os.environ.get("DEPECHE_SANITIZE") == "1"
        and "libstdc++" not in os.environ.get("LD_PRELOAD", "")):
    env = dict(os.environ)
    env["LD_PRELOAD"] = ":".join(filter(None, [env.get("LD_PRELOAD"), "libstdc++.so.6"]))
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

LIB = os.environ.get("DEPECHE_LIB")
INDEX_BIN = os.environ.get("DEPECHE_INDEX_BIN")
if not LIB or not INDEX_BIN:
    print("FAIL: DEPECHE_LIB and DEPECHE_INDEX_BIN must be set (run through ctest)")
    sys.exit(1)

lib = ctypes.CDLL(LIB)
c_char_pp = ctypes.POINTER(ctypes.c_void_p)
lib.dp_version.restype = ctypes.c_char_p
lib.dp_version.argtypes = []
lib.dp_open.restype = ctypes.c_void_p
lib.dp_open.argtypes = [ctypes.c_char_p, c_char_pp]
lib.dp_search_json.restype = ctypes.c_void_p
lib.dp_search_json.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                               ctypes.c_int, c_char_pp]
lib.dp_free.restype = None
lib.dp_free.argtypes = [ctypes.c_void_p]
lib.dp_close.restype = None
lib.dp_close.argtypes = [ctypes.c_void_p]


# The typed API, declared as in depeche.h.
class Options(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint), ("offset", ctypes.c_int),
                ("limit", ctypes.c_int), ("sort", ctypes.c_int),
                ("recent", ctypes.c_int), ("filters", ctypes.c_char_p),
                ("snippets", ctypes.c_int), ("snippet_passages", ctypes.c_uint),
                ("snippet_chars", ctypes.c_uint), ("facets", ctypes.c_uint),
                ("facet_limit", ctypes.c_uint), ("exact_total", ctypes.c_int),
                ("no_relax", ctypes.c_int), ("no_suggest", ctypes.c_int)]


class Span(ctypes.Structure):
    _fields_ = [("start", ctypes.c_size_t), ("end", ctypes.c_size_t)]


class Entity(ctypes.Structure):
    _fields_ = [("type", ctypes.c_char_p), ("canonical", ctypes.c_char_p),
                ("key", ctypes.c_char_p)]


class Result(ctypes.Structure):
    _fields_ = [("rank", ctypes.c_uint), ("id", ctypes.c_char_p),
                ("title", ctypes.c_char_p), ("date", ctypes.c_char_p),
                ("source", ctypes.c_char_p), ("url", ctypes.c_char_p),
                ("path", ctypes.c_char_p), ("score", ctypes.c_double),
                ("snippet", ctypes.c_char_p),
                ("highlights", ctypes.POINTER(Span)),
                ("n_highlights", ctypes.c_size_t),
                ("title_highlights", ctypes.POINTER(Span)),
                ("n_title_highlights", ctypes.c_size_t),
                ("entities", ctypes.POINTER(Entity)),
                ("n_entities", ctypes.c_size_t)]


DP_SEARCH_OPTIONS_VERSION = 1
DP_SORT_DATE = 1
DP_FACET_SOURCE, DP_FACET_MONTH, DP_FACET_ENTITY = 1, 2, 4
lib.dp_search_options_init.restype = ctypes.c_int
lib.dp_search_options_init.argtypes = [ctypes.POINTER(Options), ctypes.c_uint]
lib.dp_search.restype = ctypes.c_int
lib.dp_search.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_void_p,
                          ctypes.c_char_p, ctypes.POINTER(Options), c_char_pp]
lib.dp_results_count.restype = ctypes.c_size_t
lib.dp_results_count.argtypes = [ctypes.c_void_p]
lib.dp_results_get.restype = ctypes.POINTER(Result)
lib.dp_results_get.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
lib.dp_results_total.restype = ctypes.c_uint64
lib.dp_results_total.argtypes = [ctypes.c_void_p]
lib.dp_results_facet_count.restype = ctypes.c_size_t
lib.dp_results_facet_count.argtypes = [ctypes.c_void_p, ctypes.c_uint]
lib.dp_results_facet.restype = ctypes.c_int
lib.dp_results_facet.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_size_t,
                                 ctypes.POINTER(ctypes.c_char_p),
                                 ctypes.POINTER(ctypes.c_uint32),
                                 ctypes.POINTER(ctypes.c_char_p)]
lib.dp_results_json.restype = ctypes.c_void_p
lib.dp_results_json.argtypes = [ctypes.c_void_p]
lib.dp_results_marked.restype = ctypes.c_void_p
lib.dp_results_marked.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int,
                                  ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
lib.dp_results_free.restype = None
lib.dp_results_free.argtypes = [ctypes.c_void_p]

NBSP, NNBSP = "\u00a0", "\u202f"
ARTICLES = [
    {"id": "a1", "title": "Le ministère de la Défense visé par APT31",
     "date": "2024-03-12", "source": "Agence France Dépêche",
     "url": "https://example.org/a1",
     "body": f"Le ministère de la Défense a confirmé l’attaque{NNBSP}: "
             f"«{NBSP}C’est une campagne d’espionnage{NBSP}», a dit "
             "Mme Claire Lefèvre. Le groupe APT31 est visé par l'ANSSI."},
    {"id": "a2", "title": "Les serveurs Exchange toujours exposés",
     "date": "2024-06-05", "source": "La Gazette numérique",
     "body": "Des pirates ont exploité des failles d’Exchange. L’ANSSI "
             "recommande de corriger les serveurs. Les États-Unis accusent."},
    {"id": "a3", "title": "Grève à la SNCF : trafic perturbé",
     "date": "2024-02-08", "source": "Ouest-Matin",
     "body": "La grève des contrôleurs de la SNCF perturbe le trafic. "
             "Le ministère des Transports appelle au dialogue."},
]
for i in range(4, 16):  # more for paging
    ARTICLES.append({"id": f"p{i:02d}", "title": f"Conseil municipal n°{i}",
                     "date": f"2023-{1 + i % 12:02d}-10", "source": "Ouest-Matin",
                     "body": f"Le conseil municipal a voté le budget {i}. "
                             "Le ministère suit le dossier."})

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def take(p):
    try:
        return ctypes.string_at(p).decode("utf-8")
    finally:
        lib.dp_free(p)


def index_articles(idx, tmp, name, arts):
    src = os.path.join(tmp, name)
    with open(src, "w", encoding="utf-8") as f:
        for a in arts:
            f.write(json.dumps(a, ensure_ascii=False) + "\n")
    subprocess.run([INDEX_BIN, "--quiet", "--index", idx, src], check=True)


def open_index(idx):
    err = ctypes.c_void_p()
    h = lib.dp_open(idx.encode(), ctypes.byref(err))
    if not h:
        raise OSError(take(err.value))
    return h


def search_json(h, q, offset=0, limit=10):
    err = ctypes.c_void_p()
    p = lib.dp_search_json(h, q.encode(), offset, limit, ctypes.byref(err))
    if not p:
        raise ValueError(take(err.value))
    return json.loads(take(p))


def fold(s):
    s = unicodedata.normalize("NFD", s.casefold())
    return "".join(c for c in s if not unicodedata.combining(c))


def test_version_and_open_errors(tmp):
    v = lib.dp_version().decode()
    check(v.count(".") == 2, f"dp_version {v!r}")
    err = ctypes.c_void_p()
    nope = os.path.join(tmp, "no-such-index")
    check(not lib.dp_open(nope.encode(), ctypes.byref(err)), "dp_open of a missing index")
    check(err.value is not None, "dp_open sets errmsg")
    if err.value:
        msg = take(err.value)
        check("no-such-index" in msg and "\n" not in msg, f"error message {msg!r}")
    check(not lib.dp_open(nope.encode(), None), "dp_open with errmsg NULL")


def check_schema(ans, query):
    """Every field of schema 1 (docs/embedding.md), with its type."""
    check(list(ans)[:7] == ["schema", "query", "total", "relaxed", "suggestion",
                            "results", "facets"], f"top-level members {list(ans)}")
    check(ans["schema"] == 1, "schema 1")
    check(ans["query"] == query, "query echoed")
    check(isinstance(ans["total"], int) and ans["total"] >= len(ans["results"]), "total")
    check(isinstance(ans["relaxed"], bool), "relaxed is a boolean")
    check(ans["suggestion"] is None or isinstance(ans["suggestion"], str), "suggestion")
    check(isinstance(ans["facets"], dict), "facets is an object")
    for k, r in enumerate(ans["results"]):
        for f in ("id", "path", "title", "date", "source", "url", "snippet"):
            check(isinstance(r.get(f), str), f"result.{f} is a string")
        check(isinstance(r["rank"], int), "rank is an integer")
        check(isinstance(r["score"], (int, float)), "score is a number")
        check(r["date"] == "" or len(r["date"]) == 10, f"date {r['date']!r}")
        for field, spans in (("snippet", r["highlights"]), ("title", r["title_highlights"])):
            b = r[field].encode()
            for s, e in spans:
                check(0 <= s < e <= len(b), f"{field} span [{s},{e}] in {len(b)} bytes")
                try:
                    b[s:e].decode("utf-8")  # offsets on character boundaries
                except UnicodeDecodeError:
                    check(False, f"{field} span [{s},{e}] cuts a character")
        for e in r["entities"]:
            check(set(e) == {"type", "canonical", "key"}, f"entity members {set(e)}")
            check(e["type"] in ("PER", "ORG", "LOC", "MISC"), f"entity type {e['type']}")


def test_json(h):
    q = "ministère de la défense"
    ans = search_json(h, q)
    check_schema(ans, q)
    check(ans["total"] >= 1 and ans["results"][0]["id"] == "a1", "a1 first for its title")
    r = ans["results"][0]
    check(r["rank"] == 1, "rank 1")
    check(r["source"] == "Agence France Dépêche" and r["url"] == "https://example.org/a1",
          "stored fields")
    words = {fold(r["snippet"].encode()[s:e].decode()) for s, e in r["highlights"]}
    check("defense" in words, f"highlighted words {words}")
    check(any(e["canonical"] == "APT31" for e in r["entities"]), "APT31 entity")
    # accents, case and elision do not matter
    for variant in ("MINISTERE DEFENSE", "l'attaque", "l’attaque", "Lefevre"):
        a = search_json(h, variant)
        check_schema(a, variant)
        check(any(x["id"] == "a1" for x in a["results"]), f"{variant!r} finds a1")
    # limit 0 counts only
    a = search_json(h, "ministère", 0, 0)
    check(a["results"] == [] and a["total"] >= 3, "limit 0")
    # a query the library rejects: NULL and a message
    err = ctypes.c_void_p()
    p = lib.dp_search_json(h, b"date:2024-13", 0, 10, ctypes.byref(err))
    check(not p and err.value, "bad date rejected")
    if err.value:
        check("2024-13" in take(err.value), "message names the bad date")
    if p:
        lib.dp_free(p)
    # bad arguments are errors, not crashes
    check(not lib.dp_search_json(None, b"x", 0, 10, None), "NULL handle")
    check(not lib.dp_search_json(h, b"x", -1, 10, None), "negative offset")


def test_paging(h):
    whole = search_json(h, "conseil municipal", 0, 100)
    ids = [r["id"] for r in whole["results"]]
    check(len(ids) == 12 and whole["total"] == 12, f"12 council articles, got {len(ids)}")
    paged = []
    for off in range(0, 12, 5):
        page = search_json(h, "conseil municipal", off, 5)
        check([r["rank"] for r in page["results"]] ==
              list(range(off + 1, off + 1 + len(page["results"]))), "ranks continue")
        paged += [r["id"] for r in page["results"]]
    check(paged == ids, "pages put together are the whole list")
    check(search_json(h, "conseil municipal", 50, 5)["results"] == [], "offset past the end")


def test_reopen(h, idx, tmp):
    """A handle opened before an indexer run sees what the run added."""
    check(search_json(h, "zéphyrine")["total"] == 0, "nothing yet")
    index_articles(idx, tmp, "new.jsonl", [
        {"id": "z1", "title": "La Zéphyrine arrive à Brest", "date": "2024-07-01",
         "source": "Ouest-Matin", "body": "Le voilier Zéphyrine est arrivé."}])
    ans = search_json(h, "zéphyrine")
    check(ans["total"] == 1 and ans["results"][0]["id"] == "z1", "the new article is seen")


def test_typed(h):
    opts = Options()
    check(lib.dp_search_options_init(ctypes.byref(opts), DP_SEARCH_OPTIONS_VERSION) == 0,
          "dp_search_options_init")
    check(opts.limit == 10 and opts.snippets == 1, "default options")
    check(lib.dp_search_options_init(ctypes.byref(opts), 99) != 0, "bad version refused")
    lib.dp_search_options_init(ctypes.byref(opts), DP_SEARCH_OPTIONS_VERSION)
    opts.limit = 3
    opts.sort = DP_SORT_DATE
    opts.facets = DP_FACET_SOURCE | DP_FACET_MONTH
    opts.filters = "source:ouest-matin".encode()
    res = ctypes.c_void_p()
    err = ctypes.c_void_p()
    rc = lib.dp_search(ctypes.byref(res), h, "ministère".encode(), ctypes.byref(opts),
                       ctypes.byref(err))
    check(rc == 0, f"dp_search rc {rc}")
    if rc != 0:
        print(take(err.value))
        return
    ans = json.loads(take(lib.dp_results_json(res)))
    n = lib.dp_results_count(res)
    check(n == 3 == len(ans["results"]), "count")
    check(lib.dp_results_total(res) == ans["total"], "total")
    dates = []
    for i in range(n):
        r = lib.dp_results_get(res, i).contents
        j = ans["results"][i]
        check(r.rank == j["rank"] and r.id.decode() == j["id"], "typed rank, id")
        check(r.source.decode() == "Ouest-Matin", "filter by source")
        check(r.snippet.decode() == j["snippet"], "typed snippet")
        spans = [[r.highlights[k].start, r.highlights[k].end] for k in range(r.n_highlights)]
        check(spans == j["highlights"], "typed highlights")
        ents = [r.entities[k].canonical.decode() for k in range(r.n_entities)]
        check(ents == [e["canonical"] for e in j["entities"]], "typed entities")
        dates.append(r.date.decode())
        m = lib.dp_results_marked(res, i, 0, b"<b>", b"</b>", 1)
        marked = take(m)
        check(("<b>" in marked) == (r.n_highlights > 0), "marked snippet")
    check(dates == sorted(dates, reverse=True), f"newest first {dates}")
    check(not lib.dp_results_get(res, n), "out of range is NULL")
    nsrc = lib.dp_results_facet_count(res, DP_FACET_SOURCE)
    check(nsrc == len(ans["facets"]["source"]) == 1, "one source facet value")
    value, count = ctypes.c_char_p(), ctypes.c_uint32()
    check(lib.dp_results_facet(res, DP_FACET_SOURCE, 0, ctypes.byref(value),
                               ctypes.byref(count), None) == 0, "dp_results_facet")
    check(count.value == ans["total"], "facet count = total")
    months = [lib.dp_results_facet_count(res, DP_FACET_MONTH)]
    check(months[0] == len(ans["facets"]["month"]) >= 2, "month facet")
    lib.dp_results_free(res)


def test_threads(idx):
    """One handle per thread: the answers of a single thread."""
    queries = ["ministère", "conseil municipal", "APT31", "grève SNCF", "Exchange"]
    h = open_index(idx)
    want = {q: search_json(h, q) for q in queries}
    lib.dp_close(h)
    bad = []

    def work(seed):
        hh = open_index(idx)
        for k in range(20):
            q = queries[(k + seed) % len(queries)]
            if search_json(hh, q) != want[q]:
                bad.append(q)
        lib.dp_close(hh)

    ts = [threading.Thread(target=work, args=(s,)) for s in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    check(not bad, f"threads disagree on {bad}")


def main():
    with tempfile.TemporaryDirectory(prefix="depeche-pyembed.") as tmp:
        idx = os.path.join(tmp, "idx")
        index_articles(idx, tmp, "base.jsonl", ARTICLES)
        test_version_and_open_errors(tmp)
        h = open_index(idx)
        test_json(h)
        test_paging(h)
        test_reopen(h, idx, tmp)
        test_typed(h)
        lib.dp_close(h)
        lib.dp_close(None)
        lib.dp_free(None)
        test_threads(idx)
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
