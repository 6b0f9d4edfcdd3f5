/* rank_dump — the second-stage features of every re-ranked candidate of
 * each PIAF question, for fitting the question re-ranking offline
 * (tests/eval/rank_fit.py; docs/query-syntax.md "How results are ranked").
 *
 *   depeche-rank-dump INDEX QUERIES.TSV [DEPTH] > features.tsv
 *   depeche-rank-dump --time INDEX QUERIES.TSV [STEP]
 *
 * QUERIES.TSV: qid TAB question per line. Output: one line per candidate,
 * "qid TAB article-id TAB f0 TAB f1 ...", candidates in first-stage order
 * (the DPS_RR_* features of searcher/search.h). DEPTH: candidates re-ranked
 * per question (default 50).
 * --time: the cost of each step of the questions' path instead: every
 * question searched (top 10, snippets on) with the default tuning and with
 * each step turned off in turn; prints the mean and median milliseconds
 * per question of each (a warm-up pass first; wall clock, so run it on a
 * quiet machine and compare within one run). STEP: only that one (0 =
 * default, 1..6 as printed), for counting instructions under callgrind.
 * Exit 0, or 2 with one line on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "depeche.h"
#include "search.h"

typedef struct dump_ctx {
  FILE *out;       /* where lines go */
  const char *qid; /* the current question's id */
} dump_ctx;

static void dump(void *ctx, const char *id, const double *f, size_t nf) {
  dump_ctx *d = ctx;
  fprintf(d->out, "%s\t%s", d->qid, id);
  for (size_t i = 0; i < nf; i++)
    fprintf(d->out, "\t%.6g", f[i]);
  fputc('\n', d->out);
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* --time: see the header comment. */
static int time_steps(const char *index, const char *queries, int only) {
  char *err = NULL;
  dp_index *ix = dp_open(index, &err);
  if (!ix) {
    fprintf(stderr, "depeche-rank-dump: %s\n", err ? err : "cannot open");
    dp_free(err);
    return 2;
  }
  FILE *in = fopen(queries, "r");
  if (!in) {
    fprintf(stderr, "depeche-rank-dump: %s: cannot open\n", queries);
    dp_close(ix);
    return 2;
  }
  char **q = NULL, *line = NULL;
  size_t nq = 0, cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, in)) > 0) {
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
      line[--n] = '\0';
    char *tab = strchr(line, '\t');
    char **nqv = realloc(q, (nq + 1) * sizeof *q);
    if (!tab || !nqv) {
      free(nqv ? nqv : q);
      q = NULL;
      nq = 0;
      break;
    }
    q = nqv;
    q[nq] = strdup(tab + 1);
    if (q[nq])
      nq++;
  }
  free(line);
  fclose(in);
  double *ms = calloc(nq ? nq : 1, sizeof *ms);
  static const char *const names[] = {
      "default",          "no unknown-word fix", "no question forms",
      "question k1 = k1", "product form only",   "no re-ranking",
      "none of the above"};
  for (int v = -1; ms && v < 7; v++) {
    if (only >= 0 && v >= 0 && v != only)
      continue;
    dps_tuning t = DPS_TUNING_INIT;
    if (v == 1)
      t.q_fix_unknown = 0;
    if (v == 2)
      t.q_exact = 0;
    if (v == 3)
      t.q_k1 = 0;
    if (v == 4)
      t.rr_linear = 0;
    if (v == 5)
      t.rerank_depth = 0;
    if (v == 6) { /* the questions' path before these steps */
      t.q_fix_unknown = 0;
      t.q_exact = 0;
      t.q_k1 = 0;
      t.rr_linear = 0;
      t.snip_title_factor = 0;
    }
    dps_index_set_tuning(ix, &t);
    double sum = 0;
    for (size_t i = 0; i < nq; i++) {
      dp_results *r = NULL;
      double t0 = now_ms();
      if (dp_search(&r, ix, q[i], NULL, &err) == 0)
        dp_results_free(r);
      dp_free(err);
      err = NULL;
      ms[i] = now_ms() - t0;
      sum += ms[i];
    }
    if (v < 0)
      continue; /* warm-up */
    qsort(ms, nq, sizeof *ms, cmp_double);
    printf("%-22s mean %.3f ms  p50 %.3f ms  (%zu questions)\n", names[v],
           nq ? sum / (double)nq : 0, nq ? ms[nq / 2] : 0, nq);
  }
  for (size_t i = 0; i < nq; i++)
    free(q[i]);
  free(q);
  free(ms);
  dp_close(ix);
  return 0;
}

int main(int argc, char **argv) {
  if ((argc == 4 || argc == 5) && strcmp(argv[1], "--time") == 0)
    return time_steps(argv[2], argv[3], argc == 5 ? atoi(argv[4]) : -1);
  if (argc < 3) {
    fprintf(stderr, "usage: depeche-rank-dump INDEX QUERIES.TSV [DEPTH]\n");
    return 2;
  }
  char *err = NULL;
  dp_index *ix = dp_open(argv[1], &err);
  if (!ix) {
    fprintf(stderr, "depeche-rank-dump: %s\n", err ? err : "cannot open");
    dp_free(err);
    return 2;
  }
  FILE *in = fopen(argv[2], "r");
  if (!in) {
    fprintf(stderr, "depeche-rank-dump: %s: cannot open\n", argv[2]);
    dp_close(ix);
    return 2;
  }
  dump_ctx d = {stdout, NULL};
  dps_tuning t = DPS_TUNING_INIT;
  t.rerank_depth = argc > 3 ? (unsigned)atoi(argv[3]) : 50;
  t.rr_dump = dump;
  t.rr_dump_ctx = &d;
  dps_index_set_tuning(ix, &t);
  dp_search_options o = DP_SEARCH_OPTIONS_INIT;
  o.limit = 1;
  o.snippets = 0;
  o.no_suggest = 1;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  unsigned long lineno = 0;
  int rc = 0;
  while ((n = getline(&line, &cap, in)) > 0) {
    lineno++;
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
      line[--n] = '\0';
    char *tab = strchr(line, '\t');
    if (!tab) {
      fprintf(stderr, "depeche-rank-dump: %s:%lu: no tab\n", argv[2], lineno);
      rc = 2;
      break;
    }
    *tab = '\0';
    d.qid = line;
    dp_results *r = NULL;
    if (dp_search(&r, ix, tab + 1, &o, &err)) {
      fprintf(stderr, "depeche-rank-dump: %s:%lu: %s\n", argv[2], lineno,
              err ? err : "search failed");
      dp_free(err);
      err = NULL;
    }
    dp_results_free(r);
  }
  free(line);
  fclose(in);
  dp_close(ix);
  return rc;
}
