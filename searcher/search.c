/* search.c — libdepeche: open, search, results, facets, JSON (depeche.h).
 *
 * Flow: query text -> dps_query_parse (query.c) -> build(): a Xapian query
 * through the C binding, resolving source and entity names against the
 * index, and collecting what the snippets must highlight -> enquire (BM25,
 * sort, match spies for facets) -> relax when nothing matched all words ->
 * stored records -> snippets (snippet.c) -> dp_results.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "depeche.h"
#include "entities.h"
#include "record.h"
#include "sbuf.h"
#include "schema.h"
#include "search.h"
#include "snippet.h"
#include "str.h"
#include "text.h"
#include "xapian_c.h"

struct dp_index {
  char *path;             /* as given to dp_open */
  xc_db *db;              /* read-only handle */
  dp_analyzer *an;        /* the same analyzer as the indexer */
  dp_tagger *tagger;      /* created on first use (entity filters) */
  struct surnames *sn;    /* person keys by last word (first per:Name) */
  dps_snip_scratch snip;  /* snippet token lists kept between results */
  dp_record_decoder *dec; /* record inflate stream kept between results */
  dps_tuning tune;        /* ranking knobs */
  int searched;           /* a search ran (before it, the handle is fresh) */
  int warm;               /* a search finished: plain word queries read
                             document lengths from a table (q_word) */
  int ids_only;           /* dps_index_set_ids_only */
  struct stat dir;        /* the index directory when last (re)opened; st_ino
                             0 for stub files */
};

/* Every multi-word person key of an index, sorted by its last word, so
 * that "per:Lefèvre" finds "Claire Lefèvre" without a scan of the person
 * keys (~48,000 on OrangeSum, ~40 ms) at each query. Built at the first
 * query that needs it, and again when the index revision moved. */
typedef struct surname {
  const char *last; /* the key's last word (inside term) */
  const char *term; /* the whole term, prefix included */
} surname;

struct surnames {
  uint64_t rev; /* the revision it was built from */
  surname *v;
  size_t n;
  char *pool; /* the terms, NUL-separated */
};

static void surnames_free(struct surnames *sn) {
  if (!sn)
    return;
  free(sn->v);
  free(sn->pool);
  free(sn);
}

static int surname_cmp(const void *a, const void *b) {
  const surname *x = a, *y = b;
  int c = strcmp(x->last, y->last);
  return c ? c : strcmp(x->term, y->term);
}

/* Reads the person keys of db into a new table (*out). 0, or -1 with *xe
 * set (Xapian) or not (out of memory). */
static int surnames_build(struct surnames **out, xc_db *db, uint64_t rev,
                          xc_error *xe) {
  *out = NULL;
  struct surnames *sn = calloc(1, sizeof *sn);
  size_t *at = NULL, cap = 0, used = 0, pcap = 0; /* term offsets */
  xc_termit *it = NULL;
  if (!sn || xc_db_terms(&it, db, DP_PREFIX_PER, xe)) {
    surnames_free(sn);
    return -1;
  }
  int r, oom = 0;
  while (!oom && (r = xc_termit_next(it, xe)) == 1) {
    size_t tl = 0;
    const char *t = xc_termit_term(it, &tl);
    if (!memchr(t, ' ', tl))
      continue; /* one word: the exact look-up finds it */
    if (sn->n == cap) {
      size_t nc = cap ? cap * 2 : 1024;
      size_t *a2 = realloc(at, nc * sizeof *a2);
      if (!a2) {
        oom = 1;
        break;
      }
      at = a2;
      cap = nc;
    }
    if (used + tl + 1 > pcap) {
      size_t nc = pcap ? pcap * 2 : 65536;
      while (nc < used + tl + 1)
        nc *= 2;
      char *p2 = realloc(sn->pool, nc);
      if (!p2) {
        oom = 1;
        break;
      }
      sn->pool = p2;
      pcap = nc;
    }
    memcpy(sn->pool + used, t, tl);
    sn->pool[used + tl] = '\0';
    at[sn->n++] = used;
    used += tl + 1;
  }
  xc_termit_free(it);
  if (!oom && r == 0 && sn->n)
    sn->v = malloc(sn->n * sizeof *sn->v);
  if (oom || r < 0 || (sn->n && !sn->v)) {
    free(at);
    surnames_free(sn);
    return -1;
  }
  for (size_t i = 0; i < sn->n; i++) {
    const char *t = sn->pool + at[i];
    sn->v[i].term = t;
    sn->v[i].last = strrchr(t, ' ') + 1;
  }
  free(at);
  if (sn->n) /* qsort wants an array, even of nothing */
    qsort(sn->v, sn->n, sizeof *sn->v, surname_cmp);
  sn->rev = rev;
  *out = sn;
  return 0;
}

/* Records the identity and modification time of ix->path when it is a
 * directory (every Xapian commit renames a file in it, so its mtime moves). */
static void remember_dir(dp_index *ix) {
  if (stat(ix->path, &ix->dir) != 0 || !S_ISDIR(ix->dir.st_mode))
    memset(&ix->dir, 0, sizeof ix->dir);
}

/* Replaces ix->db by a handle opened afresh on ix->path, and records the
 * directory as it was before the open (seen, or read now): a commit made
 * after that shows at the next search. 0, or -1 (the open failed; ix->db
 * and ix->dir are unchanged). */
static int reopen_whole(dp_index *ix, const struct stat *seen) {
  struct stat st;
  int isdir = 1;
  if (seen)
    st = *seen;
  else
    isdir = stat(ix->path, &st) == 0 && S_ISDIR(st.st_mode);
  xc_db *fresh = NULL;
  xc_error xe = XC_ERROR_INIT;
  if (xc_db_open(&fresh, ix->path, &xe)) {
    xc_error_clear(&xe);
    return -1;
  }
  xc_db_free(ix->db);
  ix->db = fresh;
  if (isdir)
    ix->dir = st;
  else
    memset(&ix->dir, 0, sizeof ix->dir);
  return 0;
}

/* When the index directory changed since the handle was opened — a commit,
 * a compaction swap, or the index deleted and rebuilt in place (which
 * Xapian's reopen() cannot follow: it would mix old and new files) —
 * opens it afresh. Keeps the old handle when the new one cannot be
 * opened (xc_db_reopen and the retry loop then report what is wrong). */
static void follow_dir_changes(dp_index *ix) {
  struct stat st;
  if (!ix->dir.st_ino || stat(ix->path, &st) != 0 || !S_ISDIR(st.st_mode) ||
      (st.st_dev == ix->dir.st_dev && st.st_ino == ix->dir.st_ino &&
       st.st_mtim.tv_sec == ix->dir.st_mtim.tv_sec &&
       st.st_mtim.tv_nsec == ix->dir.st_mtim.tv_nsec))
    return;
  reopen_whole(ix, &st);
}

typedef struct facet_val {
  char *value; /* owned: the key (folded source or entity key, YYYY-MM) */
  char *label; /* owned: display name ("Agence France Dépêche"), or NULL */
  char *type;  /* static type name or NULL */
  uint32_t count;
} facet_val;

typedef struct facet_list {
  facet_val *v;
  size_t n;
} facet_list;

typedef struct result_int {
  dp_result pub;          /* what dp_results_get returns */
  dp_record *rec;         /* owns the strings */
  int rec_block;          /* rec is one block (dp_record_decode_block) */
  char *snippet;          /* owned */
  dp_span *hl;            /* owned */
  dp_span *thl;           /* owned */
  dp_result_entity *ents; /* owned array (strings from rec) */
} result_int;

struct dp_results {
  char *query;       /* the query text */
  char *description; /* parsed tree */
  uint64_t total;
  int total_exact; /* total is a count, not Xapian's estimate */
  int relaxed;
  char *suggestion; /* or NULL */
  result_int *v;
  size_t n;
  unsigned facets_asked;
  facet_list facets[3]; /* source, month, entity */
};

static char *xstrdup(const char *s) {
  return dp_strndup(s, strlen(s));
}

static void set_err(char **errmsg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_err(char **errmsg, const char *fmt, ...) {
  if (!errmsg)
    return;
  va_list ap;
  va_start(ap, fmt);
  *errmsg = dp_vstrfmt(fmt, ap);
  va_end(ap);
}

static int map_xc(int st) {
  switch (st) {
  case XC_ERR_NOMEM: return DP_ENOMEM;
  case XC_ERR_NOT_FOUND: return DP_ENOTFOUND;
  case XC_ERR_OPEN:
  case XC_ERR_CORRUPT: return DP_EINDEX;
  case XC_ERR_INVALID: return DP_EINVAL;
  default: return DP_ERROR;
  }
}

/* ------------------------------------------------------------------ */
/* Open / close                                                        */
/* ------------------------------------------------------------------ */

DP_EXPORT void dp_free(void *p) {
  free(p);
}

DP_EXPORT dp_index *dp_open(const char *path, char **errmsg) {
  if (errmsg)
    *errmsg = NULL;
  if (!path || !*path) {
    set_err(errmsg, "no index path given");
    return NULL;
  }
  dp_index *ix = calloc(1, sizeof *ix);
  if (!ix || !(ix->path = xstrdup(path))) {
    free(ix);
    set_err(errmsg, "out of memory");
    return NULL;
  }
  dps_tuning t = DPS_TUNING_INIT;
  ix->tune = t;

  xc_error xe = XC_ERROR_INIT;
  if (xc_db_open(&ix->db, path, &xe)) {
    if (xe.status == XC_ERR_NOT_FOUND)
      set_err(errmsg, "%s: no index there (build one with depeche-index)",
              path);
    else
      set_err(errmsg, "%s: cannot open the index: %s", path,
              xc_error_message(&xe));
    xc_error_clear(&xe);
    free(ix->path);
    free(ix);
    return NULL;
  }
  remember_dir(ix);
  char *aerr = NULL;
  if (dp_analyzer_new(&ix->an, &aerr)) {
    set_err(errmsg, "cannot create the analyzer: %s", aerr ? aerr : "?");
    free(aerr);
    dp_close(ix);
    return NULL;
  }
  if (dp_record_decoder_new(&ix->dec)) {
    set_err(errmsg, "out of memory");
    dp_close(ix);
    return NULL;
  }
  return ix;
}

DP_EXPORT void dp_close(dp_index *ix) {
  if (!ix)
    return;
  xc_db_free(ix->db);
  dp_analyzer_free(ix->an);
  dp_tagger_free(ix->tagger);
  surnames_free(ix->sn);
  dps_snip_scratch_free(&ix->snip);
  dp_record_decoder_free(ix->dec);
  free(ix->path);
  free(ix);
}

void dps_index_set_tuning(dp_index *ix, const dps_tuning *t) {
  if (ix && t)
    ix->tune = *t;
}

void dps_index_set_ids_only(dp_index *ix, int on) {
  if (ix)
    ix->ids_only = on != 0;
}

/* A record holding only the id of data (every other string "", no
 * entities), for dps_index_set_ids_only. 0, or -1 with *err malloc'd. */
static int id_record(const void *data, size_t len, dp_record **out,
                     char **err) {
  dp_record *r = calloc(1, sizeof *r);
  if (!r) {
    *err = xstrdup("out of memory");
    return -1;
  }
  char **empty[] = {&r->title, &r->date,   &r->source, &r->url,
                    &r->path,  &r->author, &r->lead,   &r->body};
  int rc = dp_record_decode_id(data, len, &r->id, err);
  for (size_t i = 0; rc == 0 && i < sizeof empty / sizeof *empty; i++)
    if (!(*empty[i] = calloc(1, 1))) {
      *err = xstrdup("out of memory");
      rc = -1;
    }
  if (rc) {
    dp_record_free(r);
    return -1;
  }
  *out = r;
  return 0;
}

DP_EXPORT int dp_search_options_init(dp_search_options *opts,
                                     unsigned int version) {
  if (!opts || version != DP_SEARCH_OPTIONS_VERSION)
    return DP_EINVAL;
  dp_search_options d = DP_SEARCH_OPTIONS_INIT;
  *opts = d;
  return 0;
}

/* ------------------------------------------------------------------ */
/* Query building                                                      */
/* ------------------------------------------------------------------ */

typedef struct bctx {
  dp_index *ix;
  xc_error xe;
  int rc;            /* dp_status once failed (sticky) */
  char *err;         /* message */
  dps_hl *hl;        /* what to highlight */
  int relaxed;       /* top DEFAULT group as OR */
  int strict_used;   /* the top group required several words */
  int question;      /* a natural-language question: any word may match */
  const char *qtext; /* the query text */
  uint32_t ndocs;    /* documents in the index */
  xc_mset *ms;       /* the match once run: idf() reads its statistics */
  /* highlight terms whose weight waits for the match (hl_weigh): the
   * term's weight is the largest pow(idf(term), power) of its entries */
  struct {
    size_t k;   /* in hl->terms */
    char *term; /* owned: the Xapian term */
  } * wait;
  size_t nwait, capwait;
  /* frequencies of the words queried through xc_query_term_bm25 (not
   * terms of the match's statistics): idf() reads them here */
  struct {
    char *term; /* owned */
    uint32_t tf;
  } * tfs;
  size_t ntfs, captfs;
} bctx;

static void bfail_xc(bctx *c) {
  if (c->rc)
    return;
  c->rc = map_xc(c->xe.status);
  c->err = xstrdup(xc_error_message(&c->xe));
}

static void bfail_oom(bctx *c) {
  if (c->rc)
    return;
  c->rc = DP_ENOMEM;
  c->err = xstrdup("out of memory");
}

/* Room for one more element of size bytes in the array v of n elements
 * (*cap allocated), doubling from 8: the array, moved or not, or NULL out
 * of memory (v left as it was). */
static void *room_for_one(void *v, size_t n, size_t *cap, size_t size) {
  if (n < *cap)
    return v;
  size_t nc = *cap ? 2 * *cap : 8;
  void *nv = realloc(v, nc * size);
  if (nv)
    *cap = nc;
  return nv;
}

/* The idf of term, from the match's statistics once it ran (the same
 * frequencies the database gives, without reading it again for the
 * query's terms). */
static double idf(bctx *c, const char *term) {
  uint32_t tf = 0;
  size_t i = 0;
  while (i < c->ntfs && strcmp(c->tfs[i].term, term) != 0)
    i++;
  if (i < c->ntfs)
    tf = c->tfs[i].tf;
  else if (c->ms ? xc_mset_term_freq(&tf, c->ms, term, NULL)
                 : xc_db_term_freq(&tf, c->ix->db, term, NULL))
    tf = 0;
  double n = c->ndocs ? c->ndocs : 1;
  double w = log(1.0 + (n - tf + 0.5) / (tf + 0.5));
  return w > 0.05 ? w : 0.05;
}

static xc_query *q_term(bctx *c, const char *t) {
  xc_query *q = NULL;
  if (!c->rc && xc_query_term(&q, t, 1, 0, &c->xe))
    bfail_xc(c);
  return q;
}

/* The BM25 parameters of the search (run() sets the same on the enquire). */
static xc_bm25 bm25_of(const bctx *c) {
  xc_bm25 bm = XC_BM25_INIT;
  bm.k1 =
      c->question && c->ix->tune.q_k1 > 0 ? c->ix->tune.q_k1 : c->ix->tune.k1;
  bm.b = c->ix->tune.b;
  bm.min_normlen = c->ix->tune.min_normlen;
  return bm;
}

/* The query of a word t that weighs as it is (not negated, not scaled, not
 * in a phrase or NEAR):
 * from a handle's second search on, over an index directory, a term that
 * reads document lengths from the handle's table (xc_query_term_bm25:
 * same matches, weights and estimates, without decoding Xapian's length
 * list for every document weighed); else q_term. */
static xc_query *q_word(bctx *c, const char *t) {
  if (c->rc || !c->ix->warm || !c->ix->dir.st_ino ||
      c->ix->tune.long_policy == 2) /* ELITE_SET: see xc_query_term_bm25 */
    return q_term(c, t);
  uint32_t tf = 0;
  xc_bm25 bm = bm25_of(c);
  xc_query *q = NULL;
  if (xc_query_term_bm25(&q, &tf, c->ix->db, t, &bm, &c->xe)) {
    bfail_xc(c);
    return NULL;
  }
  size_t i = 0;
  while (i < c->ntfs && strcmp(c->tfs[i].term, t) != 0)
    i++;
  if (i == c->ntfs) {
    char *dup = dp_strndup(t, strlen(t));
    void *v =
        dup ? room_for_one(c->tfs, c->ntfs, &c->captfs, sizeof *c->tfs) : NULL;
    if (!v) {
      free(dup);
      xc_query_free(q);
      bfail_oom(c);
      return NULL;
    }
    c->tfs = v;
    c->tfs[c->ntfs].term = dup;
    c->tfs[c->ntfs].tf = tf;
    c->ntfs++;
  }
  return q;
}

static xc_query *q_nothing(bctx *c) {
  xc_query *q = NULL;
  if (!c->rc && xc_query_match_nothing(&q, &c->xe))
    bfail_xc(c);
  return q;
}

static xc_query *q_all(bctx *c) {
  xc_query *q = NULL;
  if (!c->rc && xc_query_match_all(&q, &c->xe))
    bfail_xc(c);
  return q;
}

/* Combines and frees the subqueries (NULL entries skipped). */
static xc_query *q_combine(bctx *c, xc_op op, xc_query **subs, size_t n,
                           uint32_t param) {
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (subs[i])
      subs[m++] = subs[i];
  xc_query *q = NULL;
  if (!c->rc && m == 1 && op != XC_OP_ELITE_SET) {
    q = subs[0];
    subs[0] = NULL;
  } else if (!c->rc && m > 0 &&
             xc_query_combine(&q, op, (const xc_query *const *)subs, m, param,
                              &c->xe)) {
    bfail_xc(c);
  }
  for (size_t i = 0; i < m; i++)
    xc_query_free(subs[i]);
  return q;
}

static xc_query *q_scale(bctx *c, xc_query *sub, double f) {
  xc_query *q = NULL;
  if (!c->rc && sub && xc_query_scale(&q, sub, f, &c->xe))
    bfail_xc(c);
  xc_query_free(sub);
  return q;
}

/* Adds the highlight term text (kind) whose weight is pow(idf(term),
 * tune.snip_idf_power): weighed by hl_weigh once the match ran, whose
 * statistics hold the idf of the query's terms (looking each up before
 * costs block reads the match then repeats). Returns its index or -1. */
static long hl_add_weighed(bctx *c, dps_hl_kind kind, const char *text,
                           const char *term) {
  long k = dps_hl_add_term(c->hl, kind, text, 1.0);
  char *t = k >= 0 ? dp_strndup(term, strlen(term)) : NULL;
  void *v =
      t ? room_for_one(c->wait, c->nwait, &c->capwait, sizeof *c->wait) : NULL;
  if (!v) {
    free(t);
    bfail_oom(c);
    return -1;
  }
  c->wait = v;
  c->wait[c->nwait].k = (size_t)k;
  c->wait[c->nwait].term = t;
  c->nwait++;
  return k;
}

/* Forgets the weights still to compute (a new attempt rebuilds them). */
static void hl_wait_clear(bctx *c) {
  for (size_t i = 0; i < c->nwait; i++)
    free(c->wait[i].term);
  c->nwait = 0;
}

/* Gives the terms added by hl_add_weighed their weights (c->ms set: from
 * the match's statistics): each the largest of its entries', as
 * dps_hl_add_term keeps the largest weight given for a term. */
static void hl_weigh(bctx *c) {
  for (size_t i = 0; i < c->nwait; i++) {
    double w = pow(idf(c, c->wait[i].term), c->ix->tune.snip_idf_power);
    dps_hl_term *h = &c->hl->terms[c->wait[i].k];
    int first = 1;
    for (size_t j = 0; j < i && first; j++)
      first = c->wait[j].k != c->wait[i].k;
    if (first || w > h->weight)
      h->weight = w > 0 ? w : 1.0;
  }
  hl_wait_clear(c);
}

static int hl_term(bctx *c, const dps_qnode *n, int neg) {
  if (neg || !c->hl)
    return -1;
  const char *text = n->tkind == DPS_T_EXACT ? n->term : n->term + 1;
  long k = hl_add_weighed(
      c, n->tkind == DPS_T_EXACT ? DPS_HL_EXACT : DPS_HL_STEM, text, n->term);
  return (int)k;
}

/* Alphanumeric-only folded form, for loose name matching. */
static char *alnum_form(const char *s) {
  char *f = dp_text_fold_dup(s, strlen(s));
  if (!f)
    return NULL;
  size_t o = 0;
  for (size_t i = 0; f[i]; i++) {
    unsigned char ch = (unsigned char)f[i];
    if (ch >= 0x80 || (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z'))
      f[o++] = (char)ch;
  }
  f[o] = '\0';
  return f;
}

/* Adds to list every term under prefix whose loose form equals want's
 * (or starts with it when prefix_ok). */
static int loose_terms(bctx *c, const char *prefix, const char *want,
                       int prefix_ok, char ***list, size_t *n) {
  xc_termit *it = NULL;
  if (xc_db_terms(&it, c->ix->db, prefix, &c->xe)) {
    bfail_xc(c);
    return -1;
  }
  size_t pl = strlen(prefix), wl = strlen(want);
  int r;
  while ((r = xc_termit_next(it, &c->xe)) == 1) {
    const char *t = xc_termit_term(it, NULL);
    char *f = alnum_form(t + pl);
    if (!f)
      break;
    int ok = strcmp(f, want) == 0 ||
             (prefix_ok && wl >= 3 && strncmp(f, want, wl) == 0);
    free(f);
    if (!ok && prefix_ok && wl >= 2) {
      /* initials: "afp" for "agence france-presse" */
      char ini[64];
      size_t ni = 0;
      int at_start = 1;
      for (const char *q = t + pl; *q && ni < sizeof ini - 1; q++) {
        int alnum = (*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9');
        if (alnum && at_start)
          ini[ni++] = *q;
        at_start = *q == ' ' || *q == '-';
      }
      ini[ni] = '\0';
      ok = ni >= 2 && strcmp(ini, want) == 0;
    }
    if (!ok)
      continue;
    char **v = realloc(*list, (*n + 1) * sizeof *v);
    if (!v)
      break;
    *list = v;
    if (!(v[*n] = xstrdup(t)))
      break;
    (*n)++;
    if (*n >= 64)
      break;
  }
  xc_termit_free(it);
  if (r < 0)
    bfail_xc(c);
  return 0;
}

/* A person named by the end of their name ("per:Lefèvre", "per:\"de
 * Gaulle\""): adds to list every multi-word person key that ends with key
 * ("claire lefevre", "jean-marc lefevre"), at most 256 of them, and
 * highlights their mentions unless neg. Returns 0, or -1 (c->rc set). */
static int surname_terms(bctx *c, const char *key, int neg, char ***list,
                         size_t *n) {
  size_t kl = strlen(key);
  if (kl < 2)
    return 0;
  dp_index *ix = c->ix;
  uint64_t rev = 0;
  xc_error xe = XC_ERROR_INIT;
  if (xc_db_revision(&rev, ix->db, &xe))
    xc_error_clear(&xe); /* several databases: no revision, build each time */
  if (!ix->sn || ix->sn->rev != rev || !rev) {
    surnames_free(ix->sn);
    ix->sn = NULL;
    if (surnames_build(&ix->sn, ix->db, rev, &c->xe)) {
      if (c->xe.status)
        bfail_xc(c);
      else
        bfail_oom(c);
      return -1;
    }
  }
  const struct surnames *sn = ix->sn;
  const char *last = strrchr(key, ' ');
  last = last ? last + 1 : key;
  size_t lo = 0, hi = sn->n, pl = strlen(DP_PREFIX_PER);
  while (lo < hi) { /* the first entry whose last word is >= last */
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(sn->v[mid].last, last) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (size_t i = lo; i < sn->n && strcmp(sn->v[i].last, last) == 0; i++) {
    const char *t = sn->v[i].term;
    size_t tl = strlen(t);
    if (tl < pl + kl + 2 || t[tl - kl - 1] != ' ' ||
        memcmp(t + tl - kl, key, kl) != 0)
      continue; /* "de gaulle" is not "charles gaulle" */
    char **v = realloc(*list, (*n + 1) * sizeof *v);
    char *dup = v ? dp_strndup(t, tl) : NULL;
    if (v)
      *list = v;
    if (!dup || (!neg && c->hl &&
                 dps_hl_add_entity(c->hl, DP_ENT_PER, dup + pl, 2.0))) {
      free(dup);
      bfail_oom(c);
      return -1;
    }
    v[(*n)++] = dup;
    if (*n >= 256)
      break;
  }
  return 0;
}

static const char *const ent_prefix[4] = {DP_PREFIX_PER, DP_PREFIX_ORG,
                                          DP_PREFIX_LOC, DP_PREFIX_MISC};

static xc_query *build_filter(bctx *c, const dps_qnode *n, int neg) {
  char **terms = NULL;
  size_t nt = 0;
  xc_query *q = NULL;
  if (n->field == DPS_F_SOURCE) {
    char *f = dp_text_fold_dup(n->term, strlen(n->term));
    char *loose = alnum_form(n->term);
    if (!f || !loose)
      bfail_oom(c);
    else if (*loose)
      loose_terms(c, DP_PREFIX_SOURCE, loose, 1, &terms, &nt);
    free(f);
    free(loose);
  } else {
    if (!c->ix->tagger) {
      char *e = NULL;
      if (dp_tagger_new(&c->ix->tagger, &e)) {
        free(e);
        bfail_oom(c);
      }
    }
    char *key = NULL;
    int type = -1;
    if (!c->rc && dp_entity_canonical_key(c->ix->tagger, n->term,
                                          strlen(n->term), &key, &type))
      bfail_oom(c);
    int only = n->field == DPS_F_PER    ? DP_ENT_PER
               : n->field == DPS_F_ORG  ? DP_ENT_ORG
               : n->field == DPS_F_LOC  ? DP_ENT_LOC
               : n->field == DPS_F_MISC ? DP_ENT_MISC
                                        : -1;
    char *loose = key ? alnum_form(key) : NULL;
    for (int t = 0; key && loose && !c->rc && t < 4; t++) {
      if (only >= 0 && t != only)
        continue;
      dps_buf tb = {0};
      dps_buf_puts(&tb, ent_prefix[t]);
      dps_buf_puts(&tb, key);
      int ex = 0;
      if (!tb.oom && xc_db_term_exists(&ex, c->ix->db, tb.s, NULL) == 0 && ex) {
        char **v = realloc(terms, (nt + 1) * sizeof *v);
        if (v) {
          terms = v;
          terms[nt++] = dps_buf_take(&tb);
        }
      } else if (n->field != DPS_F_JOINED && *loose) {
        /* "APT 31", "apt-31" vs the key "apt31": compare loose forms
         * over the keys that start like it */
        char pfx[64];
        size_t pl = strlen(ent_prefix[t]);
        memcpy(pfx, ent_prefix[t], pl);
        size_t kl = 0;
        /* first byte of the key (ASCII) narrows the scan */
        if ((unsigned char)key[0] < 0x80 && key[0])
          pfx[pl + kl++] = key[0];
        pfx[pl + kl] = '\0';
        loose_terms(c, pfx, loose, 0, &terms, &nt);
      }
      dps_buf_free(&tb);
      if (!neg && c->hl && dps_hl_add_entity(c->hl, t, key, 2.0))
        bfail_oom(c);
      if (t == DP_ENT_PER && !c->rc &&
          (n->field == DPS_F_PER || n->field == DPS_F_ENTITY))
        surname_terms(c, key, neg, &terms, &nt);
    }
    free(loose);
    free(key);
  }
  if (!c->rc) {
    if (nt == 0) {
      q = q_nothing(c);
    } else {
      xc_query **subs = calloc(nt, sizeof *subs);
      if (!subs)
        bfail_oom(c);
      for (size_t i = 0; subs && i < nt; i++)
        subs[i] = q_term(c, terms[i]);
      q = subs ? q_combine(c, XC_OP_OR, subs, nt, 0) : NULL;
      free(subs);
      q = q_scale(c, q, 0.0);
    }
  }
  for (size_t i = 0; i < nt; i++)
    free(terms[i]);
  free(terms);
  return q;
}

static xc_query *build(bctx *c, const dps_qnode *n, int neg, int top);

static int is_filter(const dps_qnode *n) {
  return n->kind == DPS_Q_FILTER || n->kind == DPS_Q_DATE;
}

/* A group: kids with mods. strict: positives all required. */
static xc_query *build_group(bctx *c, const dps_qnode *n, int neg, int top) {
  size_t k = n->nkids;
  xc_query **pos = calloc(k + 1, sizeof *pos);
  xc_query **req = calloc(k + 1, sizeof *req);
  xc_query **flt = calloc(k + 2, sizeof *flt);
  xc_query **not = calloc(k + 2, sizeof *not );
  size_t np = 0, nr = 0, nf = 0, nn = 0;
  xc_query *q = NULL;
  if (!pos || !req || !flt || !not ) {
    bfail_oom(c);
    goto done;
  }
  for (size_t i = 0; i < k && !c->rc; i++) {
    const dps_qnode *kid = n->kids[i];
    if (kid->mod == '-') {
      not [nn++] = build(c, kid, !neg, 0);
    } else if (is_filter(kid)) {
      flt[nf++] = build(c, kid, neg, 0);
    } else if (kid->mod == '+' || n->kind == DPS_Q_AND) {
      req[nr++] = build(c, kid, neg, 0);
    } else {
      pos[np++] = build(c, kid, neg, 0);
    }
  }
  if (c->rc)
    goto done;
  xc_query *base = NULL;
  const dps_tuning *t = &c->ix->tune;
  if (np + nr == 0) {
    base = q_all(c);
  } else if (top && c->relaxed) {
    for (size_t i = 0; i < nr; i++)
      pos[np++] = req[i];
    nr = 0;
    base = q_combine(c, XC_OP_OR, pos, np, 0);
    np = 0;
  } else if (!top || n->kind == DPS_Q_AND ||
             (np <= t->short_max && !c->question)) {
    if (top && np + nr > 1)
      c->strict_used = 1;
    for (size_t i = 0; i < nr; i++)
      pos[np++] = req[i];
    nr = 0;
    base = q_combine(c, XC_OP_AND, pos, np, 0);
    np = 0;
  } else {
    xc_query *any;
    if (t->long_policy == 2)
      any = q_combine(c, XC_OP_ELITE_SET, pos, np, (uint32_t)(np + 1) / 2);
    else
      any = q_combine(c, XC_OP_OR, pos, np, 0);
    np = 0;
    if (nr) {
      xc_query *two[2] = {q_combine(c, XC_OP_AND, req, nr, 0), any};
      nr = 0;
      base = q_combine(c, XC_OP_AND_MAYBE, two, 2, 0);
    } else {
      base = any;
    }
  }
  if (nf) {
    xc_query **v = calloc(nf + 1, sizeof *v);
    if (!v) {
      xc_query_free(base);
      bfail_oom(c);
      goto done;
    }
    v[0] = base;
    memcpy(v + 1, flt, nf * sizeof *v);
    size_t nv = nf + 1;
    nf = 0;
    base = q_combine(c, XC_OP_FILTER, v, nv, 0);
    free(v);
  }
  if (nn) {
    memmove(not +1, not, nn * sizeof *not );
    not [0] = base;
    base = q_combine(c, XC_OP_AND_NOT, not, nn + 1, 0);
    nn = 0;
  }
  q = base;
done:
  for (size_t i = 0; pos && i < np; i++)
    xc_query_free(pos[i]);
  for (size_t i = 0; req && i < nr; i++)
    xc_query_free(req[i]);
  for (size_t i = 0; flt && i < nf; i++)
    xc_query_free(flt[i]);
  for (size_t i = 0; not &&i < nn; i++)
    xc_query_free(not [i]);
  free(pos);
  free(req);
  free(flt);
  free(not );
  return q;
}

static char *correct_word(bctx *c, const char *w, size_t plen);

/* Questions: the stem's query q OR the word as the question wrote it
 * (the bare folded word, scaled by tune.q_exact), so that an article using
 * the question's own form of a word ranks above one holding another form
 * of its stem. */
static xc_query *with_exact(bctx *c, xc_query *q, const dps_qnode *n) {
  dp_tokens T = {0};
  if (dp_analyze(c->ix->an, c->qtext + n->src_start, n->src_len, 0, &T) ==
      (uint32_t)-1) {
    dp_tokens_free(&T);
    bfail_oom(c);
    return q;
  }
  const char *w = NULL;
  for (size_t i = 0; i < T.n && !w; i++)
    if (strcmp(T.v[i].stem, n->term + 1) == 0)
      w = T.v[i].term;
  if (w) {
    xc_query *two[2] = {q, q_scale(c, q_term(c, w), c->ix->tune.q_exact)};
    q = q_combine(c, XC_OP_OR, two, 2, 0);
  }
  uint32_t tf = 1;
  if (w && c->ix->tune.q_fix_unknown &&
      (xc_db_term_freq(&tf, c->ix->db, n->term, NULL) || tf == 0)) {
    /* a word no article holds: most likely misspelt */
    char *fix = correct_word(c, w, c->ix->tune.q_fix_unknown);
    dp_tokens F = {0};
    if (fix && dp_analyze(c->ix->an, fix, strlen(fix), 0, &F) != (uint32_t)-1 &&
        F.n == 1) {
      char *zt = dp_strfmt("%s%s", DP_PREFIX_STEM, F.v[0].stem);
      if (zt) {
        hl_add_weighed(c, DPS_HL_STEM, F.v[0].stem, zt);
        xc_query *two[2] = {q, q_term(c, zt)};
        q = q_combine(c, XC_OP_OR, two, 2, 0);
      }
      free(zt);
    }
    dp_tokens_free(&F);
    free(fix);
  }
  dp_tokens_free(&T);
  return q;
}

static xc_query *build(bctx *c, const dps_qnode *n, int neg, int top) {
  if (c->rc)
    return NULL;
  switch (n->kind) {
  case DPS_Q_TERM: {
    hl_term(c, n, neg);
    int scaled = c->ix->tune.idf_power != 0 && n->tkind == DPS_T_STEM;
    xc_query *q = neg || scaled ? q_term(c, n->term) : q_word(c, n->term);
    if (q && scaled)
      q = q_scale(c, q, pow(idf(c, n->term), c->ix->tune.idf_power));
    if (q && n->tkind == DPS_T_STEM && c->ix->tune.title_boost > 0) {
      dps_buf sb = {0};
      dps_buf_puts(&sb, DP_PREFIX_TITLE);
      dps_buf_puts(&sb, n->term + 1);
      if (sb.oom) {
        bfail_oom(c);
        return q;
      }
      xc_query *two[2] = {q,
                          q_scale(c, q_term(c, sb.s), c->ix->tune.title_boost)};
      dps_buf_free(&sb);
      q = q_combine(c, XC_OP_AND_MAYBE, two, 2, 0);
    }
    if (q && c->question && n->tkind == DPS_T_STEM && n->src_start >= 0 &&
        c->ix->tune.q_exact > 0 && c->qtext)
      q = with_exact(c, q, n);
    return q;
  }
  case DPS_Q_PHRASE:
  case DPS_Q_NEAR: {
    const char **terms = calloc(n->nkids ? n->nkids : 1, sizeof *terms);
    size_t *idx = calloc(n->nkids ? n->nkids : 1, sizeof *idx);
    uint32_t *ps = calloc(n->nkids ? n->nkids : 1, sizeof *ps);
    xc_query *q = NULL;
    if (!terms || !idx || !ps) {
      bfail_oom(c);
    } else {
      int ok = 1;
      for (size_t i = 0; i < n->nkids; i++) {
        terms[i] = n->kids[i]->term;
        int k = hl_term(c, n->kids[i], neg);
        if (k < 0)
          ok = 0;
        idx[i] = (size_t)(k < 0 ? 0 : k);
        ps[i] = n->kids[i]->pos;
      }
      if (ok && !neg && c->hl && n->kind == DPS_Q_PHRASE &&
          dps_hl_add_phrase(c->hl, idx, ps, n->nkids))
        bfail_oom(c);
      int r = n->kind == DPS_Q_PHRASE
                  ? xc_query_phrase(&q, terms, n->nkids, n->window, &c->xe)
                  : xc_query_near(&q, terms, n->nkids, n->window, &c->xe);
      if (!c->rc && r)
        bfail_xc(c);
    }
    free(terms);
    free(idx);
    free(ps);
    return q;
  }
  case DPS_Q_AND:
  case DPS_Q_DEFAULT: return build_group(c, n, neg, top);
  case DPS_Q_OR: {
    xc_query **subs = calloc(n->nkids, sizeof *subs);
    if (!subs) {
      bfail_oom(c);
      return NULL;
    }
    for (size_t i = 0; i < n->nkids; i++)
      subs[i] = build(c, n->kids[i], neg, 0);
    xc_query *q = q_combine(c, XC_OP_OR, subs, n->nkids, 0);
    free(subs);
    return q;
  }
  case DPS_Q_WILDCARD: {
    if (!neg && c->hl &&
        dps_hl_add_term(c->hl, DPS_HL_PREFIX, n->term, 1.0) < 0)
      bfail_oom(c);
    xc_query *q = NULL;
    if (!c->rc && xc_query_wildcard(&q, n->term, 100,
                                    XC_WILDCARD_LIMIT_MOST_FREQUENT, &c->xe))
      bfail_xc(c);
    return q;
  }
  case DPS_Q_FILTER: return build_filter(c, n, neg);
  case DPS_Q_DATE: {
    xc_query *q = NULL;
    if (xc_query_value_range(&q, DP_SLOT_DATE, n->term, n->hi, &c->xe))
      bfail_xc(c);
    return q;
  }
  }
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Spelling                                                            */
/* ------------------------------------------------------------------ */

/* Levenshtein distance over bytes, giving up above max. */
static unsigned edit_distance(const char *a, size_t la, const char *b,
                              size_t lb, unsigned max) {
  if ((la > lb ? la - lb : lb - la) > max)
    return max + 1;
  unsigned row[64];
  if (lb >= 63 || la >= 63)
    return max + 1;
  for (size_t j = 0; j <= lb; j++)
    row[j] = (unsigned)j;
  for (size_t i = 1; i <= la; i++) {
    unsigned prev = row[0], best;
    row[0] = (unsigned)i;
    best = row[0];
    for (size_t j = 1; j <= lb; j++) {
      unsigned cur = row[j];
      unsigned v = prev + (a[i - 1] != b[j - 1]);
      if (row[j] + 1 < v)
        v = row[j] + 1;
      if (row[j - 1] + 1 < v)
        v = row[j - 1] + 1;
      row[j] = v;
      prev = cur;
      if (v < best)
        best = v;
    }
    if (best > max)
      return max + 1;
  }
  return row[lb];
}

/* Best vocabulary word for a folded word that matches nothing. */
static char *correct_word(bctx *c, const char *w, size_t plen) {
  size_t wl = strlen(w);
  if (wl < 3 || wl > 40 || plen < 1 || plen > 2)
    return NULL;
  unsigned max = wl <= 4 ? 1 : 2;
  char pfx[3] = {w[0], plen > 1 ? w[1] : 0, 0};
  xc_termit *it = NULL;
  if (xc_db_terms(&it, c->ix->db, pfx, NULL))
    return NULL;
  char *best = NULL;
  unsigned bestd = max + 1;
  uint32_t bestf = 0;
  while (xc_termit_next(it, NULL) == 1) {
    size_t tl;
    const char *t = xc_termit_term(it, &tl);
    uint32_t f = xc_termit_termfreq(it);
    unsigned d = edit_distance(w, wl, t, tl, max);
    if (d == 0 || d > max)
      continue;
    if (d < bestd || (d == bestd && f > bestf)) {
      char *nb = xstrdup(t);
      if (!nb)
        break;
      free(best);
      best = nb;
      bestd = d;
      bestf = f;
    }
  }
  xc_termit_free(it);
  return best;
}

typedef struct fix {
  long start;
  size_t len;
  char *word;
} fix;

static char *suggest(bctx *c, const dps_qnode *root, const char *qtext) {
  /* words of the query (from the tree) that the index does not know */
  const dps_qnode *stack[256];
  size_t sp = 0;
  fix fx[32];
  size_t nf = 0;
  if (!root)
    return NULL;
  stack[sp++] = root;
  while (sp && nf < 32) {
    const dps_qnode *n = stack[--sp];
    if (n->kind == DPS_Q_TERM) {
      if (n->src_start < 0 || n->mod == '-')
        continue;
      int ex = 1;
      if (xc_db_term_exists(&ex, c->ix->db, n->term, NULL) || ex)
        continue;
      dp_tokens T = {0};
      if (dp_analyze(c->ix->an, qtext + n->src_start, n->src_len, 0, &T) ==
              (uint32_t)-1 ||
          T.n != 1) {
        dp_tokens_free(&T);
        continue;
      }
      char *w = correct_word(c, T.v[0].term, 1);
      if (w) {
        fx[nf].start = n->src_start + (long)T.v[0].start;
        fx[nf].len = T.v[0].end - T.v[0].start;
        fx[nf].word = w;
        nf++;
      }
      dp_tokens_free(&T);
      continue;
    }
    for (size_t i = n->nkids; i > 0 && sp < 256; i--)
      stack[sp++] = n->kids[i - 1];
  }
  if (nf == 0)
    return NULL;
  /* fixes come in query order (stack walk is left to right) */
  dps_buf b = {0};
  long at = 0;
  for (size_t i = 0; i < nf; i++) {
    if (fx[i].start < at)
      continue;
    dps_buf_add(&b, qtext + at, (size_t)(fx[i].start - at));
    dps_buf_puts(&b, fx[i].word);
    at = fx[i].start + (long)fx[i].len;
  }
  dps_buf_puts(&b, qtext + at);
  for (size_t i = 0; i < nf; i++)
    free(fx[i].word);
  return dps_buf_take(&b);
}

/* ------------------------------------------------------------------ */
/* Results                                                             */
/* ------------------------------------------------------------------ */

static void result_free(result_int *r) {
  if (r->rec_block)
    free(r->rec);
  else
    dp_record_free(r->rec);
  free(r->snippet);
  free(r->hl);
  free(r->thl);
  free(r->ents);
}

DP_EXPORT void dp_results_free(dp_results *r) {
  if (!r)
    return;
  for (size_t i = 0; i < r->n; i++)
    result_free(&r->v[i]);
  free(r->v);
  for (int f = 0; f < 3; f++) {
    for (size_t i = 0; i < r->facets[f].n; i++) {
      free(r->facets[f].v[i].value);
      free(r->facets[f].v[i].label);
    }
    free(r->facets[f].v);
  }
  free(r->query);
  free(r->description);
  free(r->suggestion);
  free(r);
}

DP_EXPORT size_t dp_results_count(const dp_results *r) {
  return r ? r->n : 0;
}

DP_EXPORT const dp_result *dp_results_get(const dp_results *r, size_t i) {
  return r && i < r->n ? &r->v[i].pub : NULL;
}

DP_EXPORT uint64_t dp_results_total(const dp_results *r) {
  return r ? r->total : 0;
}

DP_EXPORT int dp_results_total_exact(const dp_results *r) {
  return r ? r->total_exact : 1;
}

DP_EXPORT int dp_results_relaxed(const dp_results *r) {
  return r ? r->relaxed : 0;
}

DP_EXPORT const char *dp_results_suggestion(const dp_results *r) {
  return r ? r->suggestion : NULL;
}

DP_EXPORT const char *dp_results_query_description(const dp_results *r) {
  return r ? r->description : NULL;
}

static int facet_index(unsigned facet) {
  return facet == DP_FACET_SOURCE   ? 0
         : facet == DP_FACET_MONTH  ? 1
         : facet == DP_FACET_ENTITY ? 2
                                    : -1;
}

DP_EXPORT size_t dp_results_facet_count(const dp_results *r, unsigned facet) {
  int f = facet_index(facet);
  return r && f >= 0 ? r->facets[f].n : 0;
}

DP_EXPORT int dp_results_facet(const dp_results *r, unsigned facet, size_t i,
                               const char **value, uint32_t *count,
                               const char **type) {
  int f = facet_index(facet);
  if (!r || f < 0 || i >= r->facets[f].n)
    return DP_EINVAL;
  const facet_val *v = &r->facets[f].v[i];
  if (value)
    *value = v->value;
  if (count)
    *count = v->count;
  if (type)
    *type = v->type;
  return 0;
}

DP_EXPORT const char *dp_results_facet_label(const dp_results *r,
                                             unsigned facet, size_t i) {
  int f = facet_index(facet);
  if (!r || f < 0 || i >= r->facets[f].n)
    return NULL;
  const facet_val *v = &r->facets[f].v[i];
  return v->label ? v->label : v->value;
}

/* The display name of a source or entity facet key, read from the stored
 * record of the first article that carries the term prefix+key. Returns a
 * malloc'd string, or NULL when none is found (the key is shown then). */
static char *facet_display(xc_db *db, const char *prefix, const char *key,
                           int entity) {
  size_t pl = strlen(prefix), kl = strlen(key);
  char *term = malloc(pl + kl + 1);
  if (!term)
    return NULL;
  memcpy(term, prefix, pl);
  memcpy(term + pl, key, kl + 1);
  char *label = NULL;
  xc_postit *it = NULL;
  xc_doc *doc = NULL;
  char *data = NULL;
  size_t dlen = 0;
  dp_record *rec = NULL;
  if (xc_db_postings(&it, db, term, NULL) == 0 &&
      xc_postit_next(it, NULL) > 0 &&
      xc_db_get_document(&doc, db, xc_postit_docid(it), NULL) == 0 &&
      xc_doc_get_data(&data, &dlen, doc, NULL) == 0 &&
      dp_record_decode(data, dlen, &rec, NULL) == 0) {
    if (!entity) {
      if (rec->source[0])
        label = xstrdup(rec->source);
    } else {
      for (size_t i = 0; i < rec->n_entities; i++)
        if (strcmp(rec->entities[i].key, key) == 0 &&
            rec->entities[i].canonical[0]) {
          label = xstrdup(rec->entities[i].canonical);
          break;
        }
    }
  }
  dp_record_free(rec);
  free(data);
  xc_doc_free(doc);
  xc_postit_free(it);
  free(term);
  return label;
}

/* Gives the kept source and entity facet values their display names. */
static void label_facets(dp_results *res, xc_db *db) {
  for (size_t i = 0; i < res->facets[0].n; i++)
    res->facets[0].v[i].label =
        facet_display(db, DP_PREFIX_SOURCE, res->facets[0].v[i].value, 0);
  for (size_t i = 0; i < res->facets[2].n; i++) {
    facet_val *v = &res->facets[2].v[i];
    const char *prefix = !v->type                      ? NULL
                         : strcmp(v->type, "PER") == 0 ? DP_PREFIX_PER
                         : strcmp(v->type, "ORG") == 0 ? DP_PREFIX_ORG
                         : strcmp(v->type, "LOC") == 0 ? DP_PREFIX_LOC
                                                       : DP_PREFIX_MISC;
    if (prefix)
      v->label = facet_display(db, prefix, v->value, 1);
  }
}

DP_EXPORT char *dp_results_marked(const dp_results *r, size_t i, int title,
                                  const char *pre, const char *post, int html) {
  if (!r || i >= r->n)
    return NULL;
  const dp_result *p = &r->v[i].pub;
  const char *text = title ? p->title : p->snippet;
  const dp_span *sp = title ? p->title_highlights : p->highlights;
  size_t n = title ? p->n_title_highlights : p->n_highlights;
  return dps_render(text, strlen(text), (const dps_span *)sp, n, pre, post,
                    html);
}

static int cmp_facet_count(const void *x, const void *y) {
  const facet_val *a = x, *b = y;
  if (a->count != b->count)
    return a->count > b->count ? -1 : 1;
  return strcmp(a->value, b->value);
}

static int cmp_facet_value(const void *x, const void *y) {
  const facet_val *a = x, *b = y;
  return strcmp(a->value, b->value);
}

static const char *type_of_letter(char l) {
  switch (l) {
  case 'P': return "PER";
  case 'O': return "ORG";
  case 'L': return "LOC";
  case 'M': return "MISC";
  }
  return NULL;
}

/* Copies a spy's counts into a facet list. */
static int take_facet(facet_list *fl, const xc_spy *spy, int which,
                      unsigned limit, xc_error *xe) {
  xc_facets *fs = NULL;
  if (xc_spy_top(&fs, spy, 0, xe))
    return -1;
  fl->v = calloc(fs->n ? fs->n : 1, sizeof *fl->v);
  if (!fl->v) {
    xc_facets_free(fs);
    return -1;
  }
  for (size_t i = 0; i < fs->n; i++) {
    const char *v = fs->items[i].value;
    size_t len = fs->items[i].len;
    facet_val *o = &fl->v[fl->n];
    if (len == 0)
      continue;
    if (which == 1 && len == 6) { /* YYYYMM -> YYYY-MM */
      char m[8] = {v[0], v[1], v[2], v[3], '-', v[4], v[5], 0};
      o->value = xstrdup(m);
    } else if (which == 2 && len > 2 && v[1] == ':') {
      o->type = (char *)type_of_letter(v[0]);
      o->value = dp_strndup(v + 2, len - 2);
    } else {
      o->value = dp_strndup(v, len);
    }
    if (!o->value)
      break;
    o->count = fs->items[i].count;
    fl->n++;
  }
  xc_facets_free(fs);
  if (which == 1) { /* every month, in order (a histogram) */
    qsort(fl->v, fl->n, sizeof *fl->v, cmp_facet_value);
  } else {
    qsort(fl->v, fl->n, sizeof *fl->v, cmp_facet_count);
    if (limit && fl->n > limit) {
      for (size_t i = limit; i < fl->n; i++)
        free(fl->v[i].value);
      fl->n = limit;
    }
  }
  return 0;
}

/* Fills one result from its stored record. */
/* Questions: the words of the question that the article's title also holds
 * weigh factor times less in the choice of its passages (they are what the
 * whole article is about, not where the answer is). Sets *saved to the
 * old weights (malloc'd; the caller restores them and frees it), or NULL
 * when none changed. Returns 0 or -1 (no memory). */
static int title_weights(dp_analyzer *an, dps_hl *hl, const char *title,
                         double factor, double **saved) {
  *saved = NULL;
  if (!title || !*title)
    return 0;
  dp_tokens T = {0};
  /* lean: the same tokens, dropped before the analyzer's next use; the
   * strings of those that cannot match are not read */
  dp_lean_filter filter;
  if (dp_analyze_lean_filtered(an, title, strlen(title), 0,
                               dps_hl_filter(hl, &filter),
                               &T) == (uint32_t)-1) {
    dp_tokens_free(&T);
    return -1;
  }
  for (size_t i = 0; i < T.n; i++) {
    const dp_token *t = &T.v[i];
    if (t->flags & (DP_TOK_STOP | DP_TOK_JOINED))
      continue;
    for (size_t k = 0; k < hl->nterms; k++) {
      dps_hl_term *h = &hl->terms[k];
      if (!((h->kind == DPS_HL_STEM && strcmp(h->text, t->stem) == 0) ||
            (h->kind == DPS_HL_EXACT && strcmp(h->text, t->term) == 0)))
        continue;
      if (!*saved) {
        *saved = malloc(hl->nterms * sizeof **saved);
        if (!*saved) {
          dp_tokens_free(&T);
          return -1;
        }
        for (size_t j = 0; j < hl->nterms; j++)
          (*saved)[j] = hl->terms[j].weight;
      }
      if (h->weight == (*saved)[k])
        h->weight /= factor;
    }
  }
  dp_tokens_free(&T);
  return 0;
}

static int fill_result(result_int *r, dp_index *ix, dps_hl *hl,
                       const dp_search_options *o, int question, char **err) {
  dp_record *rec = r->rec;
  dp_result *p = &r->pub;
  p->id = rec->id;
  p->title = rec->title;
  p->date = rec->date;
  p->source = rec->source;
  p->url = rec->url;
  p->path = rec->path;
  p->snippet = "";
  if (o->snippets) {
    dps_text texts[2] = {
        {rec->lead, strlen(rec->lead), DP_FIELD_LEAD},
        {rec->body, strlen(rec->body), DP_FIELD_BODY},
    };
    dps_snip_opts so = DPS_SNIP_OPTS_INIT;
    if (o->snippet_passages)
      so.passages = o->snippet_passages;
    if (o->snippet_chars)
      so.chars = o->snippet_chars;
    so.min_ratio = ix->tune.snip_min_ratio;
    so.before = ix->tune.snip_before;
    so.max_per_term = ix->tune.snip_max_per_term;
    so.radius_pct = ix->tune.snip_radius_pct;
    dps_snippet s;
    double *saved = NULL;
    if (question && ix->tune.snip_title_factor > 0 && hl->nterms &&
        title_weights(ix->an, hl, rec->title, ix->tune.snip_title_factor,
                      &saved))
      return DP_ENOMEM;
    int sr = dps_snippet_make_with(&ix->snip, &s, ix->an, hl, texts, 2,
                                   rec->entities, rec->n_entities, &so, err);
    if (saved) {
      for (size_t k = 0; k < hl->nterms; k++)
        hl->terms[k].weight = saved[k];
      free(saved);
    }
    if (sr)
      return DP_ENOMEM;
    r->snippet = s.text;
    r->hl = (dp_span *)s.spans; /* same layout: two size_t */
    p->snippet = r->snippet;
    p->highlights = r->hl;
    p->n_highlights = s.nspans;
    dps_text tt = {rec->title, strlen(rec->title), DP_FIELD_TITLE};
    dps_span *ts = NULL;
    size_t nts = 0;
    if (dps_highlight_all_with(&ix->snip, &ts, &nts, ix->an, hl, &tt,
                               rec->entities, rec->n_entities)) {
      set_err(err, "out of memory");
      return DP_ENOMEM;
    }
    r->thl = (dp_span *)ts;
    p->title_highlights = r->thl;
    p->n_title_highlights = nts;
  }
  /* distinct entities */
  if (rec->n_entities) {
    r->ents = calloc(rec->n_entities, sizeof *r->ents);
    if (!r->ents) {
      set_err(err, "out of memory");
      return DP_ENOMEM;
    }
    for (size_t i = 0; i < rec->n_entities; i++) {
      const dp_record_entity *e = &rec->entities[i];
      const char *type = dp_entity_type_name((dp_entity_type)e->type);
      int dup = 0;
      /* the first bytes first: most keys differ there */
      for (size_t j = 0; j < p->n_entities && !dup; j++)
        dup = r->ents[j].key[0] == e->key[0] &&
              strcmp(r->ents[j].key, e->key) == 0 &&
              strcmp(r->ents[j].type, type) == 0;
      if (dup)
        continue;
      dp_result_entity *d = &r->ents[p->n_entities++];
      d->type = type;
      d->canonical = e->canonical;
      d->key = e->key;
    }
    p->entities = r->ents;
  }
  return 0;
}

typedef struct cand {
  size_t i;     /* index in the mset */
  double score; /* after the freshness boost */
  uint32_t rank;
  xc_docid docid;
} cand;

/* A result of the page and its docid, to read the page's records in docid
 * order. */
typedef struct page_slot {
  xc_docid docid;
  size_t k; /* index in the page */
} page_slot;

static int cmp_page_slot(const void *x, const void *y) {
  const page_slot *a = x, *b = y;
  return a->docid < b->docid ? -1 : a->docid > b->docid;
}

static int cmp_cand(const void *x, const void *y) {
  const cand *a = x, *b = y;
  if (a->score != b->score)
    return a->score > b->score ? -1 : 1;
  return a->rank < b->rank ? -1 : a->rank > b->rank;
}

static long days_of(const char *ymd) {
  /* days since 0000-03-01, civil calendar (enough for differences) */
  if (strlen(ymd) < 8)
    return -1;
  int y = (ymd[0] - '0') * 1000 + (ymd[1] - '0') * 100 + (ymd[2] - '0') * 10 +
          (ymd[3] - '0');
  int m = (ymd[4] - '0') * 10 + (ymd[5] - '0');
  int d = (ymd[6] - '0') * 10 + (ymd[7] - '0');
  if (m < 1 || m > 12)
    return -1;
  if (m <= 2) {
    y--;
    m += 12;
  }
  return 365L * y + y / 4 - y / 100 + y / 400 + (153 * (m - 3) + 2) / 5 + d;
}

/* What a question asks for, from its question words: a number
 * ("combien", "quel nombre"), a date ("quand", "en quelle année"), a name
 * ("qui ...", "par qui"), a place ("où"), or nothing in particular. */
enum { ANS_NONE = 0, ANS_NUMBER, ANS_DATE, ANS_NAME, ANS_PLACE };

static int answer_type_of(const dp_tokens *T) {
  int ty = ANS_NONE;
  for (size_t i = 0; i < T->n && ty == ANS_NONE; i++) {
    const char *w = T->v[i].term;
    const char *nx = i + 1 < T->n ? T->v[i + 1].term : "";
    if (strcmp(w, "combien") == 0 ||
        (strncmp(w, "quel", 4) == 0 &&
         (strcmp(nx, "nombre") == 0 || strcmp(nx, "age") == 0 ||
          strcmp(nx, "montant") == 0 || strcmp(nx, "pourcentage") == 0)))
      ty = ANS_NUMBER;
    else if (strcmp(w, "quand") == 0 ||
             ((strncmp(w, "quel", 4) == 0) &&
              (strcmp(nx, "annee") == 0 || strcmp(nx, "date") == 0 ||
               strcmp(nx, "siecle") == 0 || strcmp(nx, "jour") == 0 ||
               strcmp(nx, "mois") == 0 || strcmp(nx, "epoque") == 0)))
      ty = ANS_DATE;
    else if (strcmp(w, "qui") == 0 && i <= 1)
      ty = ANS_NAME; /* "Qui ...", "Par qui ...", not a relative "qui" */
    else if (strcmp(w, "ou") == 0 && i <= 1)
      ty = ANS_PLACE;
  }
  return ty;
}

static const char *const month_words[] = {
    "janvier",  "fevrier",  "mars", "avril",     "mai",
    "juin",     "juillet",  "aout", "septembre", "octobre",
    "novembre", "decembre", NULL};

static int is_month(const char *w) {
  return dps_in_list(w, month_words);
}

/* Numbers written in words ("vingt et un", "trois cents"). */
static const char *const number_words[] = {
    "deux",      "trois",    "quatre",    "cinq",    "six",      "sept",
    "huit",      "neuf",     "dix",       "onze",    "douze",    "treize",
    "quatorze",  "quinze",   "seize",     "vingt",   "trente",   "quarante",
    "cinquante", "soixante", "cent",      "cents",   "mille",    "million",
    "millions",  "milliard", "milliards", "dizaine", "dizaines", "centaine",
    "centaines", "milliers", NULL};

static int is_number_word(const char *w) {
  return dps_in_list(w, number_words);
}

/* Whether token t could be the answer a question of type ty asks for. */
static int answer_like(const dp_token *t, int ty) {
  switch (ty) {
  case ANS_NUMBER:
    return (t->flags & DP_TOK_NUMBER) != 0 ||
           (t->term[0] && is_number_word(t->term));
  case ANS_DATE: {
    if (t->term[0] && is_month(t->term))
      return 1;
    if (!(t->flags & DP_TOK_NUMBER))
      return 0;
    size_t n = strlen(t->term);
    return n >= 3 && n <= 4 && t->term[0] >= '1' && t->term[0] <= '2';
  }
  case ANS_NAME:
  case ANS_PLACE:
    return (t->flags & (DP_TOK_CAPITAL | DP_TOK_ACRONYM)) &&
           !(t->flags & (DP_TOK_SENT_START | DP_TOK_STOP));
  }
  return 0;
}

/* The filter of rerank_features's analysis (dp_analyze_lean_filtered): it
 * reads the strings of the tokens that may match a term of hl, and what
 * answer_like reads for type ty: the words of numbers, months and the
 * numbers that start with 1 or 2 (years), the stopword flag of capitals.
 * Returns f, or NULL when every token is needed. */
static const dp_lean_filter *rr_filter(const dps_hl *hl, int ty,
                                       dp_lean_filter *f) {
  if (!dps_hl_filter(hl, f))
    return NULL;
  const char *const *w = ty == ANS_NUMBER ? number_words
                         : ty == ANS_DATE ? month_words
                                          : NULL;
  for (; w && *w; w++)
    dps_filter_allow(f, *w);
  if (ty == ANS_DATE) {
    dps_filter_allow(f, "1");
    dps_filter_allow(f, "2");
  }
  if (ty == ANS_NAME || ty == ANS_PLACE)
    f->keep = DP_TOK_CAPITAL | DP_TOK_ACRONYM;
  return f;
}

/* A question as the second stage sees it, built once per search. */
typedef struct rr_question {
  int type;      /* ANS_* */
  size_t nt;     /* hl terms */
  double *idf;   /* idf of each hl term (0 for prefixes) */
  char **exact;  /* the folded word the question wrote for each hl term
                    (NULL when none): an exact match beats a stem match */
  double total;  /* sum of idf */
  double maxidf; /* the largest idf */
} rr_question;

static void rr_question_free(rr_question *q) {
  for (size_t k = 0; q->exact && k < q->nt; k++)
    free(q->exact[k]);
  free(q->exact);
  free(q->idf);
  memset(q, 0, sizeof *q);
}

/* Second-stage features of one article for a question (DPS_RR_* into f)
 * over the title, lead and body as one position stream (fields apart):
 * all but DPS_RR_BM25, DPS_RR_WINDOW and DPS_RR_RANK. Returns 0, or -1
 * when out of memory. */
static int rerank_features(dp_analyzer *an, const dps_hl *hl,
                           const rr_question *qq, const dp_record *rec,
                           unsigned maxdist, size_t max_bytes, double *f) {
  size_t nt = hl->nterms;
  int ty = qq->type;
  f[DPS_RR_TYPE] = ty;
  if (nt == 0 || qq->total <= 0)
    return 0;
  double total = 0;
  for (size_t k = 0; k < nt; k++)
    if (hl->terms[k].kind != DPS_HL_PREFIX)
      total += hl->terms[k].weight;
  if (total <= 0)
    return 0;
  /* seen[k]: bit 0 anywhere, bit 1 in the title, bit 2 the exact word,
   * bit 3 right after term k-1; sent_of[k]: the last sentence (1-based)
   * that held term k; last_at[k]: its last position + 1 */
  char *seen = calloc(nt, 1);
  uint32_t *sent_of = calloc(nt, sizeof *sent_of);
  uint32_t *last_at = calloc(nt, sizeof *last_at);
  dp_tokens T = {0};
  int rc = 0;
  const char *fields[3] = {rec->title, rec->lead, rec->body};
  size_t field_end[3] = {0, 0, 0}; /* tokens of each field: [.., end) */
  uint32_t pos = 0;
  dp_lean_filter filter;
  const dp_lean_filter *lf = rr_filter(hl, ty, &filter);
  for (int fi = 0; fi < 3 && seen && sent_of && last_at; fi++) {
    field_end[fi] = T.n;
    if (!fields[fi] || !*fields[fi])
      continue;
    size_t len = strlen(fields[fi]);
    if (max_bytes && len > max_bytes) {
      /* a bounded cost per article: stop at a space before max_bytes */
      len = max_bytes;
      while (len > 0 && fields[fi][len] != ' ')
        len--;
    }
    /* lean: the same tokens, their strings not copied (T is dropped
     * before the analyzer's next use other than dp_analyze_lean), and
     * not computed for the words rr_filter says are not read */
    pos = dp_analyze_lean_filtered(an, fields[fi], len, pos, lf, &T);
    if (pos == (uint32_t)-1) {
      rc = -1;
      break;
    }
    field_end[fi] = T.n;
    pos += 100;
  }
  if (!seen || !sent_of || !last_at)
    rc = -1;
  long lastk = -1;
  uint32_t lastpos = 0;
  int have_hit = 0, have_ans = 0;
  uint32_t last_hit = 0, last_ans = 0, best_d = 0;
  double acc = 0;
  uint32_t sid = 0;   /* current sentence, 1-based */
  double sw = 0;      /* its idf share so far */
  int sa = 0;         /* it holds an answer-like word */
  double best_sw = 0; /* the best sentence so far */
  int best_sa = 0;
  size_t words = 0;
  for (size_t i = 0; rc == 0 && i <= T.n; i++) {
    const dp_token *t = i < T.n ? &T.v[i] : NULL;
    int new_sent = !t || i == 0 || (t->flags & DP_TOK_SENT_START) ||
                   i == field_end[0] || i == field_end[1];
    if (new_sent) {
      if (sw > best_sw || (sw == best_sw && sa > best_sa)) {
        best_sw = sw;
        best_sa = sa;
      }
      sid++;
      sw = 0;
      sa = 0;
    }
    if (!t)
      break;
    if (t->flags & (DP_TOK_FURNITURE | DP_TOK_JOINED))
      continue;
    words++;
    long hit = -1;
    /* (a word the filter skipped, term "", matches nothing) */
    for (size_t k = 0;
         k < nt && hit < 0 && t->term[0] && !(t->flags & DP_TOK_STOP); k++) {
      const dps_hl_term *h = &hl->terms[k];
      const char *w = h->kind == DPS_HL_STEM ? t->stem : t->term;
      if (h->kind != DPS_HL_PREFIX && w[0] == h->text[0] &&
          strcmp(h->text, w) == 0)
        hit = (long)k;
    }
    if (hit < 0) {
      if (ty != ANS_NONE && answer_like(t, ty)) {
        if (have_hit && t->pos >= last_hit &&
            (best_d == 0 || t->pos - last_hit < best_d))
          best_d = t->pos - last_hit ? t->pos - last_hit : 1;
        have_ans = 1;
        last_ans = t->pos;
        sa = 1;
      }
      continue;
    }
    if (have_ans && t->pos >= last_ans &&
        (best_d == 0 || t->pos - last_ans < best_d))
      best_d = t->pos - last_ans ? t->pos - last_ans : 1;
    have_hit = 1;
    last_hit = t->pos;
    seen[hit] |= (char)(i < field_end[0] ? 3 : 1);
    if (qq->exact[hit] && strcmp(qq->exact[hit], t->term) == 0)
      seen[hit] |= 4;
    if (hit > 0 && last_at[hit - 1] && t->pos + 1 > last_at[hit - 1] &&
        t->pos + 1 - last_at[hit - 1] <= 3)
      seen[hit] |= 8;
    last_at[hit] = t->pos + 1;
    if (sent_of[hit] != sid && hl->terms[hit].kind != DPS_HL_PREFIX) {
      sent_of[hit] = sid;
      sw += qq->idf[hit];
    }
    if (lastk >= 0 && lastk != hit && t->pos > lastpos &&
        t->pos - lastpos <= maxdist) {
      double d = (double)(t->pos - lastpos);
      double wa = hl->terms[lastk].weight, wb = hl->terms[hit].weight;
      acc += (wa < wb ? wa : wb) / (d * d);
    }
    lastk = hit;
    lastpos = t->pos;
  }
  double got = 0, igot = 0, tgot = 0, egot = 0, pgot = 0, miss = 0;
  for (size_t k = 0; rc == 0 && k < nt; k++) {
    if (hl->terms[k].kind == DPS_HL_PREFIX)
      continue;
    double w = qq->idf[k];
    if (!seen[k]) {
      if (w > miss)
        miss = w;
      continue;
    }
    got += hl->terms[k].weight;
    igot += w;
    if (seen[k] & 2)
      tgot += w;
    if (seen[k] & 4)
      egot += w;
    if ((seen[k] & 8) && k > 0)
      pgot += w < qq->idf[k - 1] ? w : qq->idf[k - 1];
  }
  f[DPS_RR_COVER] = got / total;
  f[DPS_RR_PROX] = acc / total;
  f[DPS_RR_ANSWER] = best_d ? 1.0 / best_d : 0;
  f[DPS_RR_SENT] = best_sw / qq->total;
  f[DPS_RR_SENT_ANS] = best_sa;
  f[DPS_RR_TITLE] = tgot / qq->total;
  f[DPS_RR_COVER_IDF] = igot / qq->total;
  f[DPS_RR_EXACT] = egot / qq->total;
  f[DPS_RR_PAIRS] = pgot / qq->total;
  f[DPS_RR_MISS] = qq->maxidf > 0 ? miss / qq->maxidf : 0;
  f[DPS_RR_WORDS] = (double)words;
  free(seen);
  free(sent_of);
  free(last_at);
  dp_tokens_free(&T);
  return rc;
}

/* The second-stage view of a question (rr_question): its answer type, the
 * idf of each hl term and the word the question wrote for it. Returns 0
 * or -1 (no memory); q is the caller's, free with rr_question_free. */
static int rr_question_make(rr_question *q, bctx *c, const dps_hl *hl,
                            const char *qtext) {
  memset(q, 0, sizeof *q);
  q->nt = hl->nterms;
  q->idf = calloc(q->nt ? q->nt : 1, sizeof *q->idf);
  q->exact = calloc(q->nt ? q->nt : 1, sizeof *q->exact);
  dp_tokens T = {0};
  if (!q->idf || !q->exact ||
      dp_analyze(c->ix->an, qtext, strlen(qtext), 0, &T) == (uint32_t)-1) {
    dp_tokens_free(&T);
    return -1;
  }
  q->type = answer_type_of(&T);
  for (size_t k = 0; k < q->nt; k++) {
    const dps_hl_term *h = &hl->terms[k];
    if (h->kind == DPS_HL_PREFIX)
      continue;
    char *key = h->kind == DPS_HL_STEM
                    ? dp_strfmt("%s%s", DP_PREFIX_STEM, h->text)
                    : xstrdup(h->text);
    if (!key) {
      dp_tokens_free(&T);
      return -1;
    }
    q->idf[k] = idf(c, key);
    free(key);
    q->total += q->idf[k];
    if (q->idf[k] > q->maxidf)
      q->maxidf = q->idf[k];
    for (size_t i = 0; i < T.n && !q->exact[k]; i++)
      if (h->kind == DPS_HL_STEM && strcmp(T.v[i].stem, h->text) == 0 &&
          !(q->exact[k] = xstrdup(T.v[i].term))) {
        dp_tokens_free(&T);
        return -1;
      }
  }
  dp_tokens_free(&T);
  return 0;
}

/* The re-ranked score of the product form: (BM25 + window) times the
 * proximity and answer factors (DPS_RR_CUR). */
static double rr_product(const dps_tuning *tu, const double *f, int type) {
  int typed = type == ANS_NUMBER || type == ANS_DATE;
  double P = f[DPS_RR_PROX];
  return (f[DPS_RR_BM25] + tu->rerank_weight * f[DPS_RR_WINDOW]) *
         (1.0 + tu->rr_cover * f[DPS_RR_COVER]) *
         (1.0 + tu->rr_prox * P / (tu->rr_prox_k + P)) *
         (1.0 + (typed ? tu->rr_answer * f[DPS_RR_ANSWER] : 0));
}

/* Scores the n candidates of a question with the linear combination
 * tu->rr_w of their features (f: n rows of DPS_RR_NFEAT), each brought
 * to about [0, 1] within the question (dps_rr_normalise). */
static void rr_linear(const dps_tuning *tu, const double *f, cand *cands,
                      size_t n, int type) {
  double maxcur = 0, maxbm = 0, maxwin = 0;
  for (size_t i = 0; i < n; i++) {
    const double *r = f + i * DPS_RR_NFEAT;
    double p = rr_product(tu, r, type);
    if (p > maxcur)
      maxcur = p;
    if (r[DPS_RR_BM25] > maxbm)
      maxbm = r[DPS_RR_BM25];
    if (r[DPS_RR_WINDOW] > maxwin)
      maxwin = r[DPS_RR_WINDOW];
  }
  for (size_t i = 0; i < n; i++) {
    double x[DPS_RR_NLIN];
    dps_rr_normalise(f + i * DPS_RR_NFEAT,
                     rr_product(tu, f + i * DPS_RR_NFEAT, type), maxcur, maxbm,
                     maxwin, x);
    double s = 0;
    for (size_t k = 0; k < DPS_RR_NLIN; k++)
      s += tu->rr_w[k] * x[k];
    cands[i].score = s;
  }
}

void dps_rr_normalise(const double *f, double cur, double maxcur, double maxbm,
                      double maxwin, double *x) {
  int typed = f[DPS_RR_TYPE] == ANS_NUMBER || f[DPS_RR_TYPE] == ANS_DATE;
  for (size_t k = 0; k < DPS_RR_NLIN; k++)
    x[k] = k < DPS_RR_NFEAT ? f[k] : 0;
  x[DPS_RR_BM25] = maxbm > 0 ? f[DPS_RR_BM25] / maxbm : 0;
  x[DPS_RR_WINDOW] = maxwin > 0 ? f[DPS_RR_WINDOW] / maxwin : 0;
  x[DPS_RR_PROX] = f[DPS_RR_PROX] / (0.5 + f[DPS_RR_PROX]);
  x[DPS_RR_ANSWER] = typed ? f[DPS_RR_ANSWER] : 0;
  x[DPS_RR_SENT_ANS] = typed ? f[DPS_RR_SENT_ANS] : 0;
  x[DPS_RR_TYPE] = 0;
  x[DPS_RR_RANK] = 1.0 / (1.0 + f[DPS_RR_RANK]);
  x[DPS_RR_WORDS] = 0;
  x[DPS_RR_CUR] = maxcur > 0 ? cur / maxcur : 0;
}

/* One attempt: everything that reads the index (retried on MODIFIED). */
static int run(dp_results *res, dp_index *ix, const dps_qnode *root,
               const dps_qnode *froot, const char *qtext, int question,
               const dp_search_options *o, char **errmsg, int *modified) {
  bctx c = {0};
  c.ix = ix;
  c.question = question;
  c.qtext = qtext;
  c.xe = (xc_error)XC_ERROR_INIT;
  dps_hl hl = {0};
  c.hl = &hl;
  xc_enquire *enq = NULL;
  xc_mset *ms = NULL;
  xc_query *q = NULL;
  xc_spy *spies[3] = {0};
  cand *cands = NULL;
  dp_record **rrec = NULL; /* questions: the records the re-ranking decoded
                              (one block each, by mset index), kept for
                              the page */
  size_t nrrec = 0;
  char **pdata = NULL; /* the page's stored records (malloc'd) */
  size_t *pdlen = NULL, npdata = 0;
  int rc = 0;
  *modified = 0;
  if (xc_db_doc_count(&c.ndocs, ix->db, &c.xe))
    bfail_xc(&c);
  for (int attempt = 0; attempt < 2 && !c.rc; attempt++) {
    c.relaxed = attempt == 1;
    c.strict_used = 0;
    c.ms = NULL;
    dps_hl_free(&hl);
    hl_wait_clear(&c);
    xc_query_free(q);
    q = root ? build(&c, root, 0, 1) : NULL;
    if (!c.rc && !root)
      q = froot ? q_all(&c) : q_nothing(&c);
    if (froot && q) {
      xc_query *two[2] = {q, build(&c, froot, 1, 0)};
      if (two[1])
        two[1] = q_scale(&c, two[1], 0.0);
      q = q_combine(&c, XC_OP_FILTER, two, 2, 0);
    }
    if (c.rc)
      break;
    xc_enquire_free(enq);
    enq = NULL;
    if (xc_enquire_new(&enq, ix->db, &c.xe)) {
      bfail_xc(&c);
      break;
    }
    xc_bm25 bm = bm25_of(&c);
    if (xc_enquire_set_query(enq, q, 0, &c.xe) ||
        xc_enquire_set_bm25(enq, &bm, &c.xe)) {
      bfail_xc(&c);
      break;
    }
    if (o->sort != DP_SORT_RELEVANCE &&
        xc_enquire_set_sort(enq, XC_SORT_VALUE_THEN_RELEVANCE, DP_SLOT_DATE,
                            o->sort == DP_SORT_DATE, &c.xe)) {
      bfail_xc(&c);
      break;
    }
    static const xc_slot fslot[3] = {DP_SLOT_SOURCE, DP_SLOT_MONTH,
                                     DP_SLOT_ENTITIES};
    static const unsigned fbit[3] = {DP_FACET_SOURCE, DP_FACET_MONTH,
                                     DP_FACET_ENTITY};
    for (int f = 0; f < 3; f++) {
      xc_spy_free(spies[f]);
      spies[f] = NULL;
      if (!(o->facets & fbit[f]))
        continue;
      int r = f == 2
                  ? xc_spy_new_multi(&spies[f], fslot[f], DP_MULTI_SEP, &c.xe)
                  : xc_spy_new_values(&spies[f], fslot[f], &c.xe);
      if (r || xc_enquire_add_spy(enq, spies[f], &c.xe)) {
        bfail_xc(&c);
        break;
      }
    }
    if (c.rc)
      break;
    uint32_t off = o->offset > 0 ? (uint32_t)o->offset : 0;
    uint32_t lim = o->limit > 0 ? (uint32_t)o->limit : 0;
    uint32_t want_off = off, want_lim = lim;
    int boost = o->recent && o->sort == DP_SORT_RELEVANCE;
    int rerank = c.question && ix->tune.rerank_depth > 0 &&
                 o->sort == DP_SORT_RELEVANCE && lim > 0;
    int fresh = boost;
    if (boost || rerank) { /* re-rank a larger head */
      uint32_t depth = boost ? 100 : ix->tune.rerank_depth;
      want_off = 0;
      want_lim = off + lim < depth ? depth : off + lim;
      boost = 1;
    }
    /* exact totals for small match sets, Xapian's estimate beyond */
    uint32_t check = want_off + want_lim + 30;
    if (o->facets || o->exact_total)
      check = c.ndocs;
    xc_mset_free(ms);
    ms = NULL;
    if (xc_enquire_get_mset(&ms, enq, want_off, want_lim, check, &c.xe)) {
      bfail_xc(&c);
      break;
    }
    c.ms = ms;
    res->total = xc_mset_matches_estimated(ms);
    res->total_exact =
        xc_mset_matches_lower_bound(ms) == xc_mset_matches_upper_bound(ms);
    if (res->total == 0 && attempt == 0 && c.strict_used && !o->no_relax)
      continue;
    hl_weigh(&c);
    res->relaxed = attempt == 1 && res->total > 0; /* it found something */
    /* the page */
    size_t ms_n = xc_mset_size(ms);
    cands = calloc(ms_n ? ms_n : 1, sizeof *cands);
    if (!cands) {
      bfail_oom(&c);
      break;
    }
    long newest = -1;
    long *days = NULL;
    if (fresh && ms_n) {
      days = calloc(ms_n, sizeof *days);
      if (!days) {
        bfail_oom(&c);
        break;
      }
      for (size_t i = 0; i < ms_n; i++) {
        char *v = NULL;
        days[i] = -1;
        if (xc_mset_value(&v, NULL, ms, i, DP_SLOT_DATE, &c.xe) == 0) {
          days[i] = days_of(v);
          if (days[i] > newest)
            newest = days[i];
        } else if (c.xe.status == XC_ERR_MODIFIED) {
          bfail_xc(&c);
        }
        free(v);
      }
    }
    for (size_t i = 0; i < ms_n && !c.rc; i++) {
      xc_mset_item it;
      if (xc_mset_item_get(&it, ms, i, &c.xe)) {
        bfail_xc(&c);
        break;
      }
      cands[i].i = i;
      cands[i].rank = it.rank;
      cands[i].docid = it.docid;
      cands[i].score = it.weight;
      if (days && days[i] >= 0 && newest >= 0) {
        double age = (double)(newest - days[i]);
        cands[i].score *= 1.0 + pow(2.0, -age / 30.0);
      }
    }
    free(days);
    const dps_tuning *tu = &ix->tune;
    rr_question qq = {0};
    if (rerank && rr_question_make(&qq, &c, &hl, qtext)) {
      rr_question_free(&qq);
      bfail_oom(&c);
      break;
    }
    /* the features of every candidate, for the linear combination */
    double *feats = rerank && tu->rr_linear
                        ? calloc(ms_n ? ms_n * DPS_RR_NFEAT : 1, sizeof *feats)
                        : NULL;
    if (rerank && tu->rr_linear && !feats) {
      rr_question_free(&qq);
      bfail_oom(&c);
      break;
    }
    if (rerank && ms_n) {
      /* the candidates' records first, read in docid order as the page's
       * are below (fewer preads), and kept for the page; then their
       * features in rank order */
      rrec = calloc(ms_n, sizeof *rrec);
      page_slot *ro = calloc(ms_n, sizeof *ro);
      if (!rrec || !ro) {
        free(ro);
        free(feats);
        rr_question_free(&qq);
        bfail_oom(&c);
        break;
      }
      nrrec = ms_n;
      for (size_t i = 0; i < ms_n; i++) {
        ro[i].docid = cands[i].docid;
        ro[i].k = i;
      }
      qsort(ro, ms_n, sizeof *ro, cmp_page_slot);
      for (size_t j = 0; j < ms_n; j++) {
        char *data = NULL;
        size_t dlen = 0;
        if (xc_mset_data(&data, &dlen, ms, ro[j].k, &c.xe)) {
          bfail_xc(&c);
          break;
        }
        /* NULL when it does not decode (the page reports it) */
        dp_record_decode_block(ix->dec, data, dlen, &rrec[ro[j].k], NULL);
        free(data);
      }
      free(ro);
    }
    for (size_t i = 0; rerank && i < ms_n && !c.rc; i++) {
      /* the question's words close together in the article's text */
      dp_record *rec = rrec[i];
      if (rec) {
        double f[DPS_RR_NFEAT] = {0};
        f[DPS_RR_BM25] = cands[i].score;
        dps_text tx[2] = {{rec->lead, strlen(rec->lead), DP_FIELD_LEAD},
                          {rec->body, strlen(rec->body), DP_FIELD_BODY}};
        f[DPS_RR_WINDOW] =
            dps_best_window_score(ix->an, &hl, tx, 2, tu->rerank_chars);
        f[DPS_RR_RANK] = (double)i;
        if (rerank_features(ix->an, &hl, &qq, rec, tu->rr_prox_dist,
                            tu->rr_max_bytes, f)) {
          bfail_oom(&c);
          break;
        }
        cands[i].score = rr_product(tu, f, qq.type);
        if (tu->rr_dump)
          tu->rr_dump(tu->rr_dump_ctx, rec->id, f, DPS_RR_NFEAT);
        if (feats)
          memcpy(feats + i * DPS_RR_NFEAT, f, sizeof f);
      } else if (feats) {
        feats[i * DPS_RR_NFEAT + DPS_RR_BM25] = cands[i].score;
        feats[i * DPS_RR_NFEAT + DPS_RR_RANK] = (double)i;
      }
    }
    if (feats && !c.rc)
      rr_linear(tu, feats, cands, ms_n, qq.type);
    free(feats);
    rr_question_free(&qq);
    if (c.rc)
      break;
    size_t first = 0, count = ms_n;
    if (boost) {
      qsort(cands, ms_n, sizeof *cands, cmp_cand);
      first = off < ms_n ? off : ms_n;
      count = ms_n - first < lim ? ms_n - first : lim;
    }
    res->v = calloc(count ? count : 1, sizeof *res->v);
    pdata = calloc(count ? count : 1, sizeof *pdata);
    pdlen = calloc(count ? count : 1, sizeof *pdlen);
    page_slot *order = calloc(count ? count : 1, sizeof *order);
    if (!res->v || !pdata || !pdlen || !order) {
      free(order);
      bfail_oom(&c);
      break;
    }
    npdata = count;
    /* the page's stored records, read in docid order: records next to
     * each other share the blocks of Xapian's docdata table, which its
     * cursor then reads once (fewer preads than in rank order) */
    for (size_t k = 0; k < count; k++) {
      order[k].docid = cands[first + k].docid;
      order[k].k = k;
    }
    if (count > 1)
      qsort(order, count, sizeof *order, cmp_page_slot);
    int reuse = !(ix->ids_only && !o->snippets); /* block records wanted */
    for (size_t j = 0; j < count; j++) {
      size_t k = order[j].k;
      size_t mi = cands[first + k].i;
      if (reuse && mi < nrrec && rrec[mi])
        continue; /* decoded by the re-ranking */
      if (xc_mset_data(&pdata[k], &pdlen[k], ms, mi, &c.xe)) {
        bfail_xc(&c);
        break;
      }
    }
    free(order);
    for (size_t k = 0; k < count && !c.rc; k++) {
      const cand *cd = &cands[first + k];
      result_int *r = &res->v[k];
      char *data = pdata[k];
      size_t dlen = pdlen[k];
      pdata[k] = NULL;
      char *derr = NULL;
      r->rec_block = reuse;
      if (reuse && cd->i < nrrec && rrec[cd->i]) {
        r->rec = rrec[cd->i];
        rrec[cd->i] = NULL;
      } else if (!r->rec_block ? id_record(data, dlen, &r->rec, &derr)
                               : dp_record_decode_block(ix->dec, data, dlen,
                                                        &r->rec, &derr)) {
        free(data);
        c.rc = DP_EINDEX;
        c.err = derr;
        break;
      }
      free(data);
      res->n++;
      r->pub.rank = boost ? off + (unsigned)k + 1 : cd->rank + 1;
      r->pub.score = cd->score;
      char *ferr = NULL;
      int fr = fill_result(r, ix, &hl, o, c.question, &ferr);
      if (fr) {
        c.rc = fr;
        c.err = ferr;
      }
    }
    for (int f = 0; f < 3 && !c.rc; f++) {
      if (!spies[f])
        continue;
      if (take_facet(&res->facets[f], spies[f], f,
                     o->facet_limit ? o->facet_limit : 0, &c.xe))
        bfail_xc(&c);
    }
    if (!c.rc && (o->facets & (DP_FACET_SOURCE | DP_FACET_ENTITY)))
      label_facets(res, ix->db);
    break;
  }
  if (!c.rc && !o->no_suggest && (res->total == 0 || res->relaxed))
    res->suggestion = suggest(&c, root, qtext);
  if (c.rc) {
    *modified = c.xe.status == XC_ERR_MODIFIED;
    rc = c.rc;
    if (errmsg)
      *errmsg = c.err;
    else
      free(c.err);
    c.err = NULL;
  }
  free(cands);
  for (size_t i = 0; i < nrrec; i++)
    free(rrec[i]); /* one block */
  free(rrec);
  for (size_t k = 0; pdata && k < npdata; k++)
    free(pdata[k]);
  free(pdata);
  free(pdlen);
  xc_mset_free(ms);
  xc_enquire_free(enq);
  for (int f = 0; f < 3; f++)
    xc_spy_free(spies[f]);
  xc_query_free(q);
  dps_hl_free(&hl);
  hl_wait_clear(&c);
  free(c.wait);
  for (size_t i = 0; i < c.ntfs; i++)
    free(c.tfs[i].term);
  free(c.tfs);
  xc_error_clear(&c.xe);
  return rc;
}

static void results_reset(dp_results *r) {
  for (size_t i = 0; i < r->n; i++)
    result_free(&r->v[i]);
  free(r->v);
  r->v = NULL;
  r->n = 0;
  for (int f = 0; f < 3; f++) {
    for (size_t i = 0; i < r->facets[f].n; i++) {
      free(r->facets[f].v[i].value);
      free(r->facets[f].v[i].label);
    }
    free(r->facets[f].v);
    r->facets[f].v = NULL;
    r->facets[f].n = 0;
  }
  free(r->suggestion);
  r->suggestion = NULL;
  r->total = 0;
  r->relaxed = 0;
}

DP_EXPORT int dp_search(dp_results **out, dp_index *ix, const char *query,
                        const dp_search_options *opts, char **errmsg) {
  if (errmsg)
    *errmsg = NULL;
  if (out)
    *out = NULL;
  if (!out || !ix) {
    set_err(errmsg, "no index handle");
    return DP_EINVAL;
  }
  dp_search_options o = DP_SEARCH_OPTIONS_INIT;
  if (opts) {
    if (opts->version != DP_SEARCH_OPTIONS_VERSION) {
      set_err(errmsg, "unknown dp_search_options version %u", opts->version);
      return DP_EINVAL;
    }
    o = *opts;
  }
  if (o.offset < 0 || o.limit < 0) {
    set_err(errmsg, "offset and limit must be >= 0");
    return DP_EINVAL;
  }
  if (!query)
    query = "";
  dp_results *res = calloc(1, sizeof *res);
  if (!res || !(res->query = xstrdup(query))) {
    free(res);
    set_err(errmsg, "out of memory");
    return DP_ENOMEM;
  }
  res->facets_asked = o.facets;
  dps_qnode *root = NULL, *froot = NULL;
  char *perr = NULL;
  dps_parse_opts po = {0};
  /* natural-language questions: question words dropped, ranked by the
   * words an article holds (not all required) */
  int question = dps_query_is_question(ix->an, query, strlen(query));
  if (question && ix->tune.drop_question_words)
    po.drop_question_words = 1;
  po.question = question;
  if (dps_query_parse(&root, ix->an, query, strlen(query), &po, &perr) ||
      (o.filters && dps_query_parse(&froot, ix->an, o.filters,
                                    strlen(o.filters), NULL, &perr))) {
    set_err(errmsg, "%s", perr ? perr : "bad query");
    free(perr);
    dps_qnode_free(root);
    dp_results_free(res);
    return DP_EQUERY;
  }
  res->description = dps_query_describe(root);
  int rc = 0;
  for (int attempt = 0; attempt < 4; attempt++) {
    int changed = 0;
    xc_error xe = XC_ERROR_INIT;
    /* see commits made since the last search, or a rebuilt index */
    if (ix->searched || attempt > 0)
      follow_dir_changes(ix);
    if ((ix->searched || attempt > 0) && xc_db_reopen(&changed, ix->db, &xe)) {
      /* a reopen that a writer's commits interrupt (DatabaseModifiedError)
       * may leave the handle half moved: the new revision's statistics
       * with tables of other revisions (test_threads_while_indexing saw a
       * total of matches from two commits later than the document count).
       * Search only on a handle opened whole; other errors (the index
       * gone) leave the handle as it was and the search reports them. */
      int moved_half = xe.status == XC_ERR_MODIFIED;
      xc_error_clear(&xe);
      if (moved_half && reopen_whole(ix, NULL)) {
        if (attempt < 3)
          continue;
        set_err(errmsg,
                "%s: the index changed during every attempt to "
                "read it; try again",
                ix->path);
        rc = DP_EINDEX;
        break;
      }
    }
    ix->searched = 1;
    int modified = 0;
    char *e = NULL;
    rc = run(res, ix, root, froot, query, question, &o, &e, &modified);
    ix->warm = 1;
    if (rc && modified && attempt < 3) {
      free(e);
      results_reset(res);
      continue;
    }
    if (rc) {
      set_err(errmsg, "%s", e ? e : "search failed");
      free(e);
    }
    break;
  }
  dps_qnode_free(root);
  dps_qnode_free(froot);
  if (rc) {
    dp_results_free(res);
    return rc;
  }
  *out = res;
  return 0;
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */
/* ------------------------------------------------------------------ */

/* ---- JSON output, written directly: the bytes json_dumps gives with
 * JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10) for the same
 * tree (jansson's escapes, number formats and key order), at a tenth of
 * the cost of building and dumping a jansson tree. ---- */

/* A JSON string: s (NULL = ""), invalid UTF-8 repaired (U+FFFD), '"' '\'
 * and control characters escaped as jansson escapes them. */
static void jw_str(dps_buf *b, const char *s) {
  if (!s)
    s = "";
  size_t n = strlen(s);
  char *fixed = NULL;
  if (!dp_utf8_valid(s, n)) {
    fixed = dp_utf8_repair(s, n, &n);
    s = fixed ? fixed : "";
    if (!fixed)
      n = 0;
  }
  dps_buf_putc(b, '"');
  size_t from = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\')
      continue;
    dps_buf_add(b, s + from, i - from);
    from = i + 1;
    switch (c) {
    case '"': dps_buf_puts(b, "\\\""); break;
    case '\\': dps_buf_puts(b, "\\\\"); break;
    case '\b': dps_buf_puts(b, "\\b"); break;
    case '\f': dps_buf_puts(b, "\\f"); break;
    case '\n': dps_buf_puts(b, "\\n"); break;
    case '\r': dps_buf_puts(b, "\\r"); break;
    case '\t': dps_buf_puts(b, "\\t"); break;
    default: dps_buf_printf(b, "\\u%04X", (unsigned)c); break;
    }
  }
  dps_buf_add(b, s + from, n - from);
  dps_buf_putc(b, '"');
  free(fixed);
}

/* "key": (keys are plain ASCII) */
static void jw_key(dps_buf *b, const char *key) {
  dps_buf_putc(b, '"');
  dps_buf_puts(b, key);
  dps_buf_puts(b, "\":");
}

/* An integer as "%lld" writes it (without printf: there are many). */
static void jw_int(dps_buf *b, long long v) {
  char t[24];
  size_t i = sizeof t;
  unsigned long long u =
      v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
  do {
    t[--i] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0)
    t[--i] = '-';
  dps_buf_add(b, t + i, sizeof t - i);
}

/* A finite real as jansson writes it: %.10g, the locale's decimal point
 * as '.', ".0" when it would read as an integer, no '+' nor leading zeros
 * in the exponent. */
static void jw_real(dps_buf *b, double v) {
  char t[64];
  int k = snprintf(t, sizeof t - 3, "%.10g", v);
  if (k < 0 || (size_t)k >= sizeof t - 3)
    return;
  for (int i = 0; i < k; i++)
    if (!((t[i] >= '0' && t[i] <= '9') || t[i] == '-' || t[i] == '+' ||
          t[i] == 'e'))
      t[i] = '.';
  if (!strchr(t, '.') && !strchr(t, 'e')) {
    memcpy(t + k, ".0", 3);
    k += 2;
  }
  char *e = strchr(t, 'e');
  if (e) {
    char *st = e + 1, *end = e + 2;
    if (*st == '-')
      st++;
    while (*end == '0')
      end++;
    if (end != st)
      memmove(st, end, strlen(end) + 1);
  }
  dps_buf_puts(b, t);
}

static void jw_spans(dps_buf *b, const dp_span *v, size_t n) {
  dps_buf_putc(b, '[');
  for (size_t k = 0; k < n; k++) {
    dps_buf_puts(b, k ? ",[" : "[");
    jw_int(b, (long long)v[k].start);
    dps_buf_putc(b, ',');
    jw_int(b, (long long)v[k].end);
    dps_buf_putc(b, ']');
  }
  dps_buf_putc(b, ']');
}

static void jw_facet(dps_buf *b, const facet_list *fl) {
  dps_buf_putc(b, '[');
  for (size_t i = 0; i < fl->n; i++) {
    const facet_val *v = &fl->v[i];
    dps_buf_puts(b, i ? ",{" : "{");
    jw_key(b, "value");
    jw_str(b, v->value);
    dps_buf_putc(b, ',');
    jw_key(b, "label");
    jw_str(b, v->label ? v->label : v->value);
    if (v->type) {
      dps_buf_putc(b, ',');
      jw_key(b, "type");
      jw_str(b, v->type);
    }
    dps_buf_putc(b, ',');
    jw_key(b, "count");
    jw_int(b, (long long)v->count);
    dps_buf_putc(b, '}');
  }
  dps_buf_putc(b, ']');
}

DP_EXPORT char *dp_results_json(const dp_results *r) {
  if (!r)
    return NULL;
  dps_buf b = {0};
  dps_buf_putc(&b, '{');
  jw_key(&b, "schema");
  jw_int(&b, 1);
  dps_buf_putc(&b, ',');
  jw_key(&b, "query");
  jw_str(&b, r->query);
  dps_buf_putc(&b, ',');
  jw_key(&b, "total");
  jw_int(&b, (long long)r->total);
  dps_buf_putc(&b, ',');
  jw_key(&b, "relaxed");
  dps_buf_puts(&b, r->relaxed ? "true" : "false");
  dps_buf_putc(&b, ',');
  jw_key(&b, "suggestion");
  if (r->suggestion)
    jw_str(&b, r->suggestion);
  else
    dps_buf_puts(&b, "null");
  dps_buf_putc(&b, ',');
  jw_key(&b, "results");
  dps_buf_putc(&b, '[');
  for (size_t i = 0; i < r->n; i++) {
    const dp_result *p = &r->v[i].pub;
    dps_buf_puts(&b, i ? ",{" : "{");
    jw_key(&b, "rank");
    jw_int(&b, (long long)p->rank);
    static const char *const keys[] = {"id",   "path",   "title",
                                       "date", "source", "url"};
    const char *vals[] = {p->id, p->path, p->title, p->date, p->source, p->url};
    for (size_t k = 0; k < 6; k++) {
      dps_buf_putc(&b, ',');
      jw_key(&b, keys[k]);
      jw_str(&b, vals[k]);
    }
    double sc = round(p->score * 1e4) / 1e4;
    if (isfinite(sc)) { /* jansson has no infinite or NaN reals: no key */
      dps_buf_putc(&b, ',');
      jw_key(&b, "score");
      jw_real(&b, sc);
    }
    dps_buf_putc(&b, ',');
    jw_key(&b, "snippet");
    jw_str(&b, p->snippet);
    dps_buf_putc(&b, ',');
    jw_key(&b, "highlights");
    jw_spans(&b, p->highlights, p->n_highlights);
    dps_buf_putc(&b, ',');
    jw_key(&b, "title_highlights");
    jw_spans(&b, p->title_highlights, p->n_title_highlights);
    dps_buf_putc(&b, ',');
    jw_key(&b, "entities");
    dps_buf_putc(&b, '[');
    for (size_t k = 0; k < p->n_entities; k++) {
      dps_buf_puts(&b, k ? ",{" : "{");
      jw_key(&b, "type");
      jw_str(&b, p->entities[k].type);
      dps_buf_putc(&b, ',');
      jw_key(&b, "canonical");
      jw_str(&b, p->entities[k].canonical);
      dps_buf_putc(&b, ',');
      jw_key(&b, "key");
      jw_str(&b, p->entities[k].key);
      dps_buf_putc(&b, '}');
    }
    dps_buf_puts(&b, "]}");
  }
  dps_buf_puts(&b, "],");
  jw_key(&b, "facets");
  dps_buf_putc(&b, '{');
  static const char *const names[3] = {"source", "month", "entity"};
  static const unsigned bits[3] = {DP_FACET_SOURCE, DP_FACET_MONTH,
                                   DP_FACET_ENTITY};
  int nf = 0;
  for (int f = 0; f < 3; f++)
    if (r->facets_asked & bits[f]) {
      if (nf++)
        dps_buf_putc(&b, ',');
      jw_key(&b, names[f]);
      jw_facet(&b, &r->facets[f]);
    }
  /* last, after the keys of DESIGN.md: whether total is a count or
   * Xapian's estimate (which can be far off for words that go together) */
  dps_buf_puts(&b, "},");
  jw_key(&b, "total_exact");
  dps_buf_puts(&b, r->total_exact ? "true}" : "false}");
  return dps_buf_take(&b);
}

DP_EXPORT char *dp_search_json(dp_index *ix, const char *query, int offset,
                               int limit, char **errmsg) {
  dp_search_options o = DP_SEARCH_OPTIONS_INIT;
  o.offset = offset;
  o.limit = limit;
  dp_results *r = NULL;
  if (dp_search(&r, ix, query, &o, errmsg))
    return NULL;
  char *s = dp_results_json(r);
  dp_results_free(r);
  if (!s)
    set_err(errmsg, "out of memory");
  return s;
}
