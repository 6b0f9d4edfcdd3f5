/* depeche-bench-entities — cost of entity tagging against the analyzer, on
 * real news bodies, measured in the same run.
 *
 * Usage: depeche-bench-entities [--limit N] [--repeat R] FILE.jsonl[.gz]
 *
 * Reads articles (one JSON object a line with a "body" string, e.g.
 * ../shared/data/news-orangesum/orangesum_articles.jsonl.gz), loads the
 * bodies in memory, then R times over all bodies: analyzes each body, then
 * tags it, timing both steps with the thread CPU clock. Prints the totals,
 * the tagger's cost as a percentage of the analyzer's (the goal: at most
 * 25%), the tagger start-up time and the entities found per type.
 * Exit status: 0, or 2 on bad input (one line on stderr with file:line).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "analyzer.h"
#include "entities.h"

static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct bodies {
  char **v;    /* malloc'd bodies */
  size_t *len; /* their lengths */
  size_t n, cap;
  size_t bytes;
} bodies;

/* Reads one line of any length from a gz stream into *line; returns its
 * length, or -1 at end of file. */
static long gz_line(gzFile f, char **line, size_t *cap) {
  size_t n = 0;
  for (;;) {
    if (*cap - n < 4096) {
      size_t nc = *cap ? *cap * 2 : 65536;
      char *p = realloc(*line, nc);
      if (!p)
        return -2;
      *line = p;
      *cap = nc;
    }
    if (!gzgets(f, *line + n, (int)(*cap - n)))
      return n ? (long)n : -1;
    n += strlen(*line + n);
    if (n > 0 && (*line)[n - 1] == '\n')
      return (long)n;
  }
}

static int load(const char *path, size_t limit, bodies *b) {
  gzFile f = gzopen(path, "rb");
  if (!f) {
    fprintf(stderr, "depeche-bench-entities: %s: cannot open\n", path);
    return 2;
  }
  char *line = NULL;
  size_t cap = 0, lineno = 0;
  long n = 0;
  int rc = 0;
  while (b->n < limit && (n = gz_line(f, &line, &cap)) >= 0) {
    lineno++;
    json_error_t err;
    json_t *o = json_loadb(line, (size_t)n, 0, &err);
    if (!o) {
      fprintf(stderr, "%s:%zu: bad JSON: %s\n", path, lineno, err.text);
      rc = 2;
      break;
    }
    json_t *body = json_object_get(o, "body");
    if (json_is_string(body) && json_string_length(body) > 0) {
      if (b->n == b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 1024;
        char **nv = realloc(b->v, nc * sizeof *nv);
        size_t *nl = realloc(b->len, nc * sizeof *nl);
        if (nv)
          b->v = nv;
        if (nl)
          b->len = nl;
        if (!nv || !nl) {
          json_decref(o);
          rc = 3;
          break;
        }
        b->cap = nc;
      }
      size_t l = json_string_length(body);
      b->v[b->n] = malloc(l + 1);
      if (!b->v[b->n]) {
        json_decref(o);
        rc = 3;
        break;
      }
      memcpy(b->v[b->n], json_string_value(body), l + 1);
      b->len[b->n++] = l;
      b->bytes += l;
    }
    json_decref(o);
  }
  if (n == -2)
    rc = 3;
  if (rc == 3)
    fprintf(stderr, "depeche-bench-entities: out of memory\n");
  free(line);
  gzclose(f);
  return rc ? 2 : 0;
}

int main(int argc, char **argv) {
  size_t limit = (size_t)-1;
  int repeat = 1;
  const char *path = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
      limit = strtoul(argv[++i], NULL, 10);
    } else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
      repeat = atoi(argv[++i]);
      if (repeat < 1)
        repeat = 1;
    } else if (argv[i][0] == '-' || path) {
      fprintf(stderr, "usage: depeche-bench-entities [--limit N] [--repeat R] "
                      "FILE.jsonl[.gz]\n");
      return 2;
    } else {
      path = argv[i];
    }
  }
  if (!path) {
    fprintf(stderr, "usage: depeche-bench-entities [--limit N] [--repeat R] "
                    "FILE.jsonl[.gz]\n");
    return 2;
  }
  bodies b = {0};
  int rc = load(path, limit, &b);
  dp_analyzer *an = NULL;
  dp_tagger *tg = NULL;
  char *err = NULL;
  double t_load = 0;
  if (rc == 0 && dp_analyzer_new(&an, &err)) {
    fprintf(stderr, "depeche-bench-entities: analyzer: %s\n",
            err ? err : "failed");
    rc = 2;
  }
  if (rc == 0) {
    double t0 = cpu_now();
    if (dp_tagger_new(&tg, &err)) {
      fprintf(stderr, "depeche-bench-entities: tagger: %s\n",
              err ? err : "failed");
      rc = 2;
    }
    t_load = cpu_now() - t0;
  }
  free(err);
  if (rc == 0) {
    dp_tokens toks = {0};
    dp_entities ents = {0};
    double t_an = 0, t_tag = 0;
    size_t per_type[4] = {0}, ntok = 0;
    for (int r = 0; r < repeat && rc == 0; r++) {
      for (size_t i = 0; i < b.n; i++) {
        dp_tokens_clear(&toks);
        dp_entities_clear(&ents);
        double t0 = cpu_now();
        if (dp_analyze(an, b.v[i], b.len[i], 0, &toks) == (uint32_t)-1)
          rc = 2;
        double t1 = cpu_now();
        if (rc == 0 && dp_tag(tg, b.v[i], b.len[i], &toks, &ents))
          rc = 2;
        double t2 = cpu_now();
        t_an += t1 - t0;
        t_tag += t2 - t1;
        if (r == 0) {
          ntok += toks.n;
          for (size_t k = 0; k < ents.n; k++)
            per_type[ents.v[k].type & 3]++;
        }
      }
    }
    if (rc == 0) {
      printf("bodies %zu (%.1f MB), tokens %zu, repeat %d\n", b.n,
             (double)b.bytes / 1e6, ntok, repeat);
      printf("analyzer %.1f ms, tagger %.1f ms: tagging adds %.1f%% to the "
             "analyzer\n",
             t_an * 1e3, t_tag * 1e3, t_an > 0 ? 100.0 * t_tag / t_an : 0.0);
      printf("tagger start-up %.2f ms (CPU)\n", t_load * 1e3);
      printf("entities: PER %zu, ORG %zu, LOC %zu, MISC %zu\n",
             per_type[DP_ENT_PER], per_type[DP_ENT_ORG], per_type[DP_ENT_LOC],
             per_type[DP_ENT_MISC]);
    } else {
      fprintf(stderr, "depeche-bench-entities: out of memory\n");
    }
    dp_tokens_free(&toks);
    dp_entities_free(&ents);
  }
  dp_tagger_free(tg);
  dp_analyzer_free(an);
  for (size_t i = 0; i < b.n; i++)
    free(b.v[i]);
  free(b.v);
  free(b.len);
  return rc;
}
