/* depeche-bench-entities — cost of entity tagging against the analyzer, on
 * real news bodies, measured in the same run.
 *
 * Usage: depeche-bench-entities [--limit N] [--repeat R] [--chunk N]
 *                               [--plain] [--check] [--dump OUT]
 *                               FILE.jsonl[.gz]
 *
 * Reads articles (one JSON object a line with a "body" string, e.g.
 * ../shared/data/news-orangesum/orangesum_articles.jsonl.gz) and loads the
 * bodies in memory. Then, R times, with the thread CPU clock:
 *
 * The pipelines (the figure of the goal, first line of the output): chunk
 * by chunk of N bodies (default 64), the chunk analysed by a plain
 * analyzer, and the chunk analysed by an analyzer the tagger is attached
 * to with dp_tag after each body, as the indexer does; the two alternate
 * in order from chunk to chunk. Tagging adds their difference to the
 * analyzer: each pipeline runs with its own code and data in the caches,
 * as in a program that runs only one of them.
 *
 * Body by body (the parts of that cost), timing each step:
 *   A. dp_analyze with a plain analyzer (what any caller pays);
 *   B. dp_analyze with an analyzer the tagger is attached to
 *      (dp_tagger_attach: its word classifier runs in the word cache);
 *   C. dp_tag over B's tokens (what the indexer does).
 * A and B alternate in order from body to body. Tagging costs B + C - A:
 * the classifier's share of the analyzer counts as tagging. Prints both
 * costs as a percentage of the analyzer (the goal: at most 25%), the
 * tagger start-up time and the entities found per type.
 * --plain also times dp_tag over A's tokens (the path without classes);
 * --check compares, body by body, the entities of dp_tag over A's and B's
 * tokens and exits 1 at the first difference.
 * --dump OUT writes every entity of C (first repeat) to OUT, one a line:
 * body number, start, end, type, key, canonical (tab-separated), to diff
 * two versions' output on the whole corpus.
 * Exit status: 0, 1 (--check found a difference), or 2 on bad input (one
 * line on stderr with file:line).
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
  size_t limit = (size_t)-1, chunk = 64;
  int repeat = 1, plain = 0, check = 0;
  const char *path = NULL, *dump_path = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
      limit = strtoul(argv[++i], NULL, 10);
    } else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
      repeat = atoi(argv[++i]);
      if (repeat < 1)
        repeat = 1;
    } else if (strcmp(argv[i], "--chunk") == 0 && i + 1 < argc) {
      chunk = strtoul(argv[++i], NULL, 10);
      if (chunk < 1)
        chunk = 1;
    } else if (strcmp(argv[i], "--plain") == 0) {
      plain = 1;
    } else if (strcmp(argv[i], "--check") == 0) {
      check = 1;
    } else if (strcmp(argv[i], "--dump") == 0 && i + 1 < argc) {
      dump_path = argv[++i];
    } else if (argv[i][0] == '-' || path) {
      fprintf(
          stderr,
          "usage: depeche-bench-entities [--limit N] [--repeat R] [--chunk N] "
          "[--plain] [--check] [--dump OUT] FILE.jsonl[.gz]\n");
      return 2;
    } else {
      path = argv[i];
    }
  }
  if (!path) {
    fprintf(
        stderr,
        "usage: depeche-bench-entities [--limit N] [--repeat R] [--chunk N] "
        "[--plain] [--check] [--dump OUT] FILE.jsonl[.gz]\n");
    return 2;
  }
  bodies b = {0};
  int rc = load(path, limit, &b);
  FILE *dump = NULL;
  if (rc == 0 && dump_path && !(dump = fopen(dump_path, "w"))) {
    fprintf(stderr, "depeche-bench-entities: %s: cannot write\n", dump_path);
    rc = 2;
  }
  dp_analyzer *an = NULL, *an_cls = NULL;
  dp_tagger *tg = NULL;
  char *err = NULL;
  double t_load = 0;
  if (rc == 0 &&
      (dp_analyzer_new(&an, &err) || dp_analyzer_new(&an_cls, &err))) {
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
  if (rc == 0)
    dp_tagger_attach(tg, an_cls);
  free(err);
  if (rc == 0) {
    dp_tokens toks = {0}, ctoks = {0};
    dp_entities ents = {0}, pents = {0};
    double t_an = 0, t_cls = 0, t_tag = 0, t_plain = 0;
    size_t per_type[4] = {0}, ntok = 0, checked = 0;
    double t_pipe_an = 0, t_pipe_idx = 0;
    for (int r = 0; r < repeat && rc == 0; r++) {
      /* the indexer's pipeline against the analyzer's, chunk by chunk */
      for (size_t c0 = 0; c0 < b.n && rc == 0; c0 += chunk) {
        size_t c1 = c0 + chunk < b.n ? c0 + chunk : b.n;
        for (int step = 0; step < 2 && rc == 0; step++) {
          int idx = step ^ (int)((c0 / chunk) & 1);
          double t0 = cpu_now();
          for (size_t i = c0; i < c1 && rc == 0; i++) {
            dp_tokens *tk = idx ? &ctoks : &toks;
            dp_tokens_clear(tk);
            if (dp_analyze(idx ? an_cls : an, b.v[i], b.len[i], 0, tk) ==
                (uint32_t)-1)
              rc = 2;
            if (idx && rc == 0) {
              dp_entities_clear(&ents);
              if (dp_tag(tg, b.v[i], b.len[i], &ctoks, &ents))
                rc = 2;
            }
          }
          *(idx ? &t_pipe_idx : &t_pipe_an) += cpu_now() - t0;
        }
      }
      for (size_t i = 0; i < b.n && rc == 0; i++) {
        dp_tokens_clear(&toks);
        dp_tokens_clear(&ctoks);
        dp_entities_clear(&ents);
        dp_entities_clear(&pents);
        double ta = 0, tb = 0;
        for (int step = 0; step < 2; step++) {
          /* A then B on even bodies, B then A on odd ones */
          int cls = step ^ (int)(i & 1);
          double t0 = cpu_now();
          if (dp_analyze(cls ? an_cls : an, b.v[i], b.len[i], 0,
                         cls ? &ctoks : &toks) == (uint32_t)-1)
            rc = 2;
          double t1 = cpu_now();
          *(cls ? &tb : &ta) = t1 - t0;
        }
        double t1 = cpu_now();
        if (rc == 0 && dp_tag(tg, b.v[i], b.len[i], &ctoks, &ents))
          rc = 2;
        double t2 = cpu_now();
        t_an += ta;
        t_cls += tb;
        t_tag += t2 - t1;
        if (rc == 0 && (plain || check)) {
          double t3 = cpu_now();
          if (dp_tag(tg, b.v[i], b.len[i], &toks, &pents))
            rc = 2;
          t_plain += cpu_now() - t3;
        }
        if (rc == 0 && check && r == 0) {
          int same = ents.n == pents.n;
          for (size_t k = 0; same && k < ents.n; k++)
            same = ents.v[k].start == pents.v[k].start &&
                   ents.v[k].end == pents.v[k].end &&
                   ents.v[k].type == pents.v[k].type &&
                   strcmp(ents.v[k].key, pents.v[k].key) == 0 &&
                   strcmp(ents.v[k].canonical, pents.v[k].canonical) == 0;
          if (!same) {
            fprintf(stderr,
                    "depeche-bench-entities: body %zu: %zu entities with "
                    "word classes, %zu without\n",
                    i + 1, ents.n, pents.n);
            rc = 1;
          }
          checked++;
        }
        if (r == 0 && dump)
          for (size_t k = 0; k < ents.n; k++)
            fprintf(dump, "%zu\t%zu\t%zu\t%s\t%s\t%s\n", i + 1, ents.v[k].start,
                    ents.v[k].end, dp_entity_type_name(ents.v[k].type),
                    ents.v[k].key, ents.v[k].canonical);
        if (r == 0) {
          ntok += toks.n;
          for (size_t k = 0; k < ents.n; k++)
            per_type[ents.v[k].type & 3]++;
        }
      }
    }
    if (rc == 0) {
      double cost = t_cls - t_an + t_tag, pcost = t_pipe_idx - t_pipe_an;
      printf("bodies %zu (%.1f MB), tokens %zu, repeat %d\n", b.n,
             (double)b.bytes / 1e6, ntok, repeat);
      printf("analyzer %.1f ms, tagger %.1f ms: tagging adds %.1f%% to the "
             "analyzer\n",
             t_pipe_an * 1e3, pcost * 1e3,
             t_pipe_an > 0 ? 100.0 * pcost / t_pipe_an : 0.0);
      printf("  pipelines in chunks of %zu bodies: analyzer alone %.1f ms, "
             "analyzer with word classes then dp_tag %.1f ms\n",
             chunk, t_pipe_an * 1e3, t_pipe_idx * 1e3);
      printf("body by body (both analyzers on each body, then dp_tag): "
             "analyzer %.1f ms, tagger %.1f ms (%.1f%%)\n",
             t_an * 1e3, cost * 1e3, t_an > 0 ? 100.0 * cost / t_an : 0.0);
      printf("  tagger = analyzer with word classes %.1f ms (%+.1f ms) + "
             "dp_tag %.1f ms\n",
             t_cls * 1e3, (t_cls - t_an) * 1e3, t_tag * 1e3);
      if (plain)
        printf("dp_tag without word classes %.1f ms: %.1f%% of the analyzer\n",
               t_plain * 1e3, t_an > 0 ? 100.0 * t_plain / t_an : 0.0);
      if (check)
        printf("check: %zu bodies, same entities with and without word "
               "classes\n",
               checked);
      printf("tagger start-up %.2f ms (CPU)\n", t_load * 1e3);
      printf("entities: PER %zu, ORG %zu, LOC %zu, MISC %zu\n",
             per_type[DP_ENT_PER], per_type[DP_ENT_ORG], per_type[DP_ENT_LOC],
             per_type[DP_ENT_MISC]);
    } else if (rc == 2) {
      fprintf(stderr, "depeche-bench-entities: out of memory\n");
    }
    dp_tokens_free(&toks);
    dp_tokens_free(&ctoks);
    dp_entities_free(&ents);
    dp_entities_free(&pents);
  }
  if (dump && fclose(dump) != 0 && rc == 0) {
    fprintf(stderr, "depeche-bench-entities: %s: write failed\n", dump_path);
    rc = 2;
  }
  dp_tagger_free(tg);
  dp_analyzer_free(an);
  dp_analyzer_free(an_cls);
  for (size_t i = 0; i < b.n; i++)
    free(b.v[i]);
  free(b.v);
  free(b.len);
  return rc;
}
