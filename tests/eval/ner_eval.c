/* depeche-ner-eval — scores the entity tagger on HIPE TSV files.
 *
 * Usage: depeche-ner-eval [--errors] [--docs] FILE.tsv...
 *
 * Reads HIPE-2022 TSV (header line TOKEN ... NE-COARSE-LIT ... MISC; one
 * token a line; "# hipe2022:document_id = X" starts a document), rebuilds
 * each document's text from its tokens (a space after each token unless
 * MISC says NoSpaceAfter; a line break for EndOfLine; a space at
 * EndOfSentence; a space between two word tokens marked NoSpaceAfter, where
 * the conversion to HIPE dropped an OCR line break: "Allemagne|voulût"),
 * keeps every token's byte offsets, runs the analyzer and
 * the tagger on the text, and compares the tagger's PER/LOC/ORG mentions
 * with the gold IOB2 spans of column NE-COARSE-LIT (other gold types are
 * ignored, MISC predictions are ignored).
 *
 * Prints precision, recall and F1 per type and overall (micro), strict
 * (exact span and type) and lenient (overlapping span, same type), plus the
 * time spent in the analyzer and in the tagger. --errors lists the strict
 * misses and false alarms; --docs prints one line per document.
 * Exit status: 0, or 2 on bad input (one line on stderr with file:line).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <utf8proc.h>

#include "analyzer.h"
#include "entities.h"

enum { T_PER, T_LOC, T_ORG, NTYPES };
static const char *const type_names[NTYPES] = {"PER", "LOC", "ORG"};

typedef struct span {
  size_t start, end; /* bytes in the document text */
  int type;          /* T_PER, T_LOC, T_ORG */
} span;

typedef struct spans {
  span *v;
  size_t n, cap;
} spans;

typedef struct counts {
  size_t gold, pred;  /* mentions */
  size_t strict_tp;   /* exact span and type */
  size_t len_tp_pred; /* predictions overlapping a gold mention of their type */
  size_t len_tp_gold; /* gold mentions overlapping a prediction of their type */
} counts;

typedef struct doc {
  char *text;
  size_t len, cap;
  spans gold;
  int open_type; /* type of the gold span being read, or -1 */
  int glued;     /* the previous token said NoSpaceAfter and ends a word */
} doc;

typedef struct eval {
  dp_analyzer *an;
  dp_tagger *tg;
  dp_tokens toks;
  dp_entities ents;
  counts c[NTYPES];
  double t_an, t_tag; /* seconds */
  size_t ndocs, ntokens, nbytes;
  int show_errors, show_docs;
  char *docname; /* current document id (malloc'd) */
} eval;

/* CPU time of this thread: the figures do not depend on the machine's load. */
static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int spans_push(spans *s, size_t start, size_t end, int type) {
  if (s->n == s->cap) {
    size_t nc = s->cap ? s->cap * 2 : 64;
    span *nv = realloc(s->v, nc * sizeof *nv);
    if (!nv)
      return -1;
    s->v = nv;
    s->cap = nc;
  }
  s->v[s->n++] = (span){start, end, type};
  return 0;
}

static int text_add(doc *d, const char *s, size_t n) {
  if (d->len + n + 1 > d->cap) {
    size_t nc = d->cap ? d->cap : 4096;
    while (nc < d->len + n + 1)
      nc *= 2;
    char *p = realloc(d->text, nc);
    if (!p)
      return -1;
    d->text = p;
    d->cap = nc;
  }
  memcpy(d->text + d->len, s, n);
  d->len += n;
  d->text[d->len] = '\0';
  return 0;
}

/* Is the code point at s (first) or before s+n (last) a letter or digit? */
static int word_char(const char *s, size_t n, int last) {
  if (n == 0)
    return 0;
  size_t i = 0;
  if (last) {
    i = n - 1;
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
      i--;
  }
  utf8proc_int32_t cp;
  if (utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                       (utf8proc_ssize_t)(n - i), &cp) <= 0)
    return 0;
  utf8proc_category_t c = utf8proc_category(cp);
  return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
         (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO);
}

static int map_type(const char *t) {
  for (int i = 0; i < NTYPES; i++)
    if (strcmp(t, type_names[i]) == 0)
      return i;
  return -1;
}

static int overlaps(const span *a, const span *b) {
  return a->start < b->end && b->start < a->end;
}

static void print_span(const eval *e, const doc *d, const char *what,
                       const span *s) {
  size_t a = s->start > 40 ? s->start - 40 : 0;
  size_t b = s->end + 40 < d->len ? s->end + 40 : d->len;
  printf("%s %s\t%.*s\t%s:%zu-%zu\t[%.*s[[%.*s]]%.*s]\n", what,
         type_names[s->type], (int)(s->end - s->start), d->text + s->start,
         e->docname, s->start, s->end, (int)(s->start - a), d->text + a,
         (int)(s->end - s->start), d->text + s->start, (int)(b - s->end),
         d->text + s->end);
}

/* Tags one document and adds its counts. */
static int score_doc(eval *e, doc *d) {
  if (d->len == 0 && d->gold.n == 0)
    return 0;
  dp_tokens_clear(&e->toks);
  dp_entities_clear(&e->ents);
  double t0 = now();
  if (dp_analyze(e->an, d->text, d->len, 0, &e->toks) == (uint32_t)-1)
    return -1;
  double t1 = now();
  if (dp_tag(e->tg, d->text, d->len, &e->toks, &e->ents))
    return -1;
  double t2 = now();
  e->t_an += t1 - t0;
  e->t_tag += t2 - t1;
  e->ndocs++;
  e->nbytes += d->len;
  spans pred = {0};
  for (size_t i = 0; i < e->ents.n; i++) {
    const dp_entity *en = &e->ents.v[i];
    int t = en->type == DP_ENT_PER   ? T_PER
            : en->type == DP_ENT_LOC ? T_LOC
            : en->type == DP_ENT_ORG ? T_ORG
                                     : -1;
    if (t >= 0 && spans_push(&pred, en->start, en->end, t)) {
      free(pred.v);
      return -1;
    }
  }
  counts dc[NTYPES];
  memset(dc, 0, sizeof dc);
  for (size_t i = 0; i < d->gold.n; i++) {
    const span *g = &d->gold.v[i];
    dc[g->type].gold++;
    int strict = 0, len = 0;
    for (size_t j = 0; j < pred.n; j++) {
      if (pred.v[j].type != g->type)
        continue;
      if (pred.v[j].start == g->start && pred.v[j].end == g->end)
        strict = 1;
      if (overlaps(&pred.v[j], g))
        len = 1;
    }
    if (len)
      dc[g->type].len_tp_gold++;
    if (!strict && e->show_errors)
      print_span(e, d, "FN", g);
  }
  for (size_t j = 0; j < pred.n; j++) {
    const span *p = &pred.v[j];
    dc[p->type].pred++;
    int strict = 0, len = 0;
    for (size_t i = 0; i < d->gold.n; i++) {
      if (d->gold.v[i].type != p->type)
        continue;
      if (d->gold.v[i].start == p->start && d->gold.v[i].end == p->end)
        strict = 1;
      if (overlaps(&d->gold.v[i], p))
        len = 1;
    }
    if (strict)
      dc[p->type].strict_tp++;
    if (len)
      dc[p->type].len_tp_pred++;
    if (!strict && e->show_errors)
      print_span(e, d, "FP", p);
  }
  size_t g = 0, pr = 0, tp = 0;
  for (int t = 0; t < NTYPES; t++) {
    e->c[t].gold += dc[t].gold;
    e->c[t].pred += dc[t].pred;
    e->c[t].strict_tp += dc[t].strict_tp;
    e->c[t].len_tp_pred += dc[t].len_tp_pred;
    e->c[t].len_tp_gold += dc[t].len_tp_gold;
    g += dc[t].gold;
    pr += dc[t].pred;
    tp += dc[t].strict_tp;
  }
  if (e->show_docs)
    printf("doc %s: gold %zu pred %zu strict-tp %zu\n", e->docname, g, pr, tp);
  free(pred.v);
  return 0;
}

static int set_docname(eval *e, const char *s, size_t n) {
  char *p = malloc(n + 1);
  if (!p)
    return -1;
  memcpy(p, s, n);
  p[n] = '\0';
  free(e->docname);
  e->docname = p;
  return 0;
}

static void doc_reset(doc *d) {
  d->len = 0;
  if (d->text)
    d->text[0] = '\0';
  d->gold.n = 0;
  d->open_type = -1;
  d->glued = 0;
}

/* Splits line (modified in place) on tabs into at most max fields. */
static size_t split_tabs(char *line, char **f, size_t max) {
  size_t n = 0;
  char *p = line;
  while (n < max) {
    f[n++] = p;
    char *t = strchr(p, '\t');
    if (!t)
      break;
    *t = '\0';
    p = t + 1;
  }
  return n;
}

static int eval_file(eval *e, const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "depeche-ner-eval: %s: %s\n", path, strerror(errno));
    return 2;
  }
  char *line = NULL;
  size_t cap = 0, lineno = 0;
  ssize_t n;
  int col_tok = 0, col_ne = -1, col_misc = -1;
  doc d = {0};
  d.open_type = -1;
  int rc = 0;
  if (set_docname(e, path, strlen(path)))
    return 2;
  while ((n = getline(&line, &cap, f)) >= 0) {
    lineno++;
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
      line[--n] = '\0';
    if (n == 0)
      continue;
    if (line[0] == '#') {
      const char *k = "# hipe2022:document_id = ";
      if (strncmp(line, k, strlen(k)) == 0) {
        if (score_doc(e, &d)) {
          rc = 3;
          break;
        }
        doc_reset(&d);
        if (set_docname(e, line + strlen(k), strlen(line + strlen(k)))) {
          rc = 3;
          break;
        }
      }
      continue;
    }
    char *fields[16];
    size_t nf = split_tabs(line, fields, 16);
    if (strcmp(fields[0], "TOKEN") == 0) {
      col_ne = col_misc = -1;
      for (size_t i = 0; i < nf; i++) {
        if (strcmp(fields[i], "NE-COARSE-LIT") == 0)
          col_ne = (int)i;
        if (strcmp(fields[i], "MISC") == 0)
          col_misc = (int)i;
      }
      if (col_ne < 0 || col_misc < 0) {
        fprintf(stderr,
                "%s:%zu: header without NE-COARSE-LIT and MISC columns\n", path,
                lineno);
        rc = 2;
        break;
      }
      continue;
    }
    if (col_ne < 0) {
      fprintf(stderr, "%s:%zu: token line before the TOKEN header\n", path,
              lineno);
      rc = 2;
      break;
    }
    if ((int)nf <= col_ne || (int)nf <= col_misc) {
      fprintf(stderr, "%s:%zu: expected %d tab-separated columns, got %zu\n",
              path, lineno, col_misc + 1, nf);
      rc = 2;
      break;
    }
    const char *tok = fields[col_tok], *ne = fields[col_ne],
               *misc = fields[col_misc];
    size_t toklen = strlen(tok);
    if (d.glued && word_char(tok, toklen, 0) && text_add(&d, " ", 1)) {
      rc = 3;
      break;
    }
    size_t start = d.len;
    if (text_add(&d, tok, strlen(tok))) {
      rc = 3;
      break;
    }
    size_t end = d.len;
    e->ntokens++;
    /* gold IOB2 */
    int type = -1, begin = 0;
    if ((ne[0] == 'B' || ne[0] == 'I') && ne[1] == '-') {
      begin = ne[0] == 'B';
      type = map_type(ne + 2);
      if (type < 0)
        type = -2; /* another type: ends spans, not scored */
    } else if (strcmp(ne, "O") != 0 && strcmp(ne, "_") != 0) {
      fprintf(stderr, "%s:%zu: bad NE-COARSE-LIT tag '%s'\n", path, lineno, ne);
      rc = 2;
      break;
    }
    if (type >= 0 && !begin && d.open_type == type && d.gold.n > 0) {
      d.gold.v[d.gold.n - 1].end = end;
    } else if (type >= 0) {
      if (spans_push(&d.gold, start, end, type)) {
        rc = 3;
        break;
      }
      d.open_type = type;
    } else {
      d.open_type = -1; /* O, or a type not scored (HumanProd) */
    }
    /* separator */
    const char *sep = " ";
    if (strstr(misc, "NoSpaceAfter"))
      sep = "";
    if (strstr(misc, "EndOfLine") && !strstr(misc, "NoSpaceAfter"))
      sep = "\n";
    if (strstr(misc, "EndOfSentence"))
      sep = " ";
    d.glued = !*sep && word_char(tok, toklen, 1);
    if (text_add(&d, sep, strlen(sep))) {
      rc = 3;
      break;
    }
  }
  if (rc == 0 && ferror(f)) {
    fprintf(stderr, "depeche-ner-eval: %s: read error\n", path);
    rc = 2;
  }
  if (rc == 0 && score_doc(e, &d))
    rc = 3;
  if (rc == 3)
    fprintf(stderr, "depeche-ner-eval: %s: out of memory\n", path);
  free(line);
  free(d.text);
  free(d.gold.v);
  fclose(f);
  return rc ? 2 : 0;
}

static void prf(size_t tp_p, size_t pred, size_t tp_g, size_t gold, double *p,
                double *r, double *f) {
  *p = pred ? (double)tp_p / (double)pred : 0.0;
  *r = gold ? (double)tp_g / (double)gold : 0.0;
  *f = (*p + *r) > 0 ? 2 * *p * *r / (*p + *r) : 0.0;
}

static void print_row(const char *name, const counts *c) {
  double sp, sr, sf, lp, lr, lf;
  prf(c->strict_tp, c->pred, c->strict_tp, c->gold, &sp, &sr, &sf);
  prf(c->len_tp_pred, c->pred, c->len_tp_gold, c->gold, &lp, &lr, &lf);
  printf("%-4s %6zu %6zu   %.3f  %.3f  %.3f    %.3f  %.3f  %.3f\n", name,
         c->gold, c->pred, sp, sr, sf, lp, lr, lf);
}

int main(int argc, char **argv) {
  eval e;
  memset(&e, 0, sizeof e);
  int nfiles = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--errors") == 0) {
      e.show_errors = 1;
    } else if (strcmp(argv[i], "--docs") == 0) {
      e.show_docs = 1;
    } else if (strcmp(argv[i], "--help") == 0 || argv[i][0] == '-') {
      fprintf(stderr,
              "usage: depeche-ner-eval [--errors] [--docs] FILE.tsv...\n");
      return strcmp(argv[i], "--help") == 0 ? 0 : 2;
    } else {
      nfiles++;
    }
  }
  if (nfiles == 0) {
    fprintf(stderr,
            "usage: depeche-ner-eval [--errors] [--docs] FILE.tsv...\n");
    return 2;
  }
  char *err = NULL;
  if (dp_analyzer_new(&e.an, &err)) {
    fprintf(stderr, "depeche-ner-eval: analyzer: %s\n", err ? err : "failed");
    free(err);
    return 2;
  }
  double t0 = now();
  if (dp_tagger_new(&e.tg, &err)) {
    fprintf(stderr, "depeche-ner-eval: tagger: %s\n", err ? err : "failed");
    free(err);
    dp_analyzer_free(e.an);
    return 2;
  }
  double t_load = now() - t0;
  int rc = 0;
  for (int i = 1; i < argc && rc == 0; i++)
    if (argv[i][0] != '-')
      rc = eval_file(&e, argv[i]);
  if (rc == 0) {
    printf("files %d, documents %zu, tokens %zu, text %zu bytes\n", nfiles,
           e.ndocs, e.ntokens, e.nbytes);
    printf("type   gold   pred   strict P  R      F1       lenient P  R      "
           "F1\n");
    counts all = {0};
    for (int t = 0; t < NTYPES; t++) {
      print_row(type_names[t], &e.c[t]);
      all.gold += e.c[t].gold;
      all.pred += e.c[t].pred;
      all.strict_tp += e.c[t].strict_tp;
      all.len_tp_pred += e.c[t].len_tp_pred;
      all.len_tp_gold += e.c[t].len_tp_gold;
    }
    print_row("ALL", &all);
    printf(
        "CPU time: tagger start-up %.1f ms; analyzer %.1f ms, tagger %.1f ms "
        "(%.0f%% of the "
        "analyzer)\n",
        t_load * 1e3, e.t_an * 1e3, e.t_tag * 1e3,
        e.t_an > 0 ? 100.0 * e.t_tag / e.t_an : 0.0);
  }
  free(e.docname);
  dp_tokens_free(&e.toks);
  dp_entities_free(&e.ents);
  dp_tagger_free(e.tg);
  dp_analyzer_free(e.an);
  return rc;
}
