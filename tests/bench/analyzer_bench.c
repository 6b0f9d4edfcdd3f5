/* analyzer_bench — throughput of the French analyzer (dp_analyze) on news
 * articles, beside Xapian's TermGenerator measured in the same run.
 *
 *   analyzer_bench [--count N] [--repeat R] [--fields body|all]
 *                  [--peer [PEER.py]] [ARTICLES.jsonl[.gz]]
 *
 * ARTICLES defaults to $DEPECHE_SHARED_DATA (else ../shared/data)
 * /news-orangesum/orangesum_articles.jsonl.gz. The texts are loaded in
 * memory first; then every text is analysed R times (default 3) and the best
 * pass is kept. --fields all analyses title, heading and body (the bench
 * harness's text); the default is the bodies. --peer also runs
 * tests/bench/termgen_peer.py (TermGenerator, French stemmer) on the same
 * file, fields and count, and prints the ratio.
 *
 * Output, one line each:
 *   mb_s=... bytes=... seconds=... texts=... tokens=...   (ours)
 *   per_text_us p50=... p95=... max=...  (one article re-analysed, as the
 *                                         snippet builder does)
 *   peer: mb_s=...   ratio=...           (with --peer)
 * Not a test: timings depend on the machine. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "analyzer.h"

struct text {
  char *s;
  size_t n;
};

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Loads up to count articles (0 = all). Returns the number of texts. */
static size_t load(const char *path, size_t count, int all_fields,
                   struct text **out) {
  gzFile gz = gzopen(path, "rb");
  if (!gz) {
    fprintf(stderr, "analyzer_bench: cannot open %s\n", path);
    return 0;
  }
  size_t cap = 1 << 16, n = 0, tcap = 0, articles = 0, lineno = 0;
  char *line = malloc(cap);
  struct text *v = NULL;
  while (line && (!count || articles < count)) {
    size_t len = 0;
    for (;;) {
      if (!gzgets(gz, line + len, (int)(cap - len)))
        break;
      len += strlen(line + len);
      if (len && line[len - 1] == '\n')
        break;
      cap *= 2;
      char *nl = realloc(line, cap);
      if (!nl) {
        free(line);
        line = NULL;
        break;
      }
      line = nl;
    }
    if (!line || len == 0)
      break;
    lineno++;
    json_error_t err;
    json_t *o = json_loadb(line, len, 0, &err);
    if (!o) {
      fprintf(stderr, "analyzer_bench: %s:%zu: %s\n", path, lineno, err.text);
      continue;
    }
    static const char *const fields[] = {"title", "heading", "body"};
    for (size_t f = all_fields ? 0 : 2; f < 3; f++) {
      json_t *s = json_object_get(o, fields[f]);
      if (!json_is_string(s) || json_string_length(s) == 0)
        continue;
      if (n == tcap) {
        tcap = tcap ? tcap * 2 : 4096;
        struct text *nv = realloc(v, tcap * sizeof *nv);
        if (!nv)
          break;
        v = nv;
      }
      v[n].n = json_string_length(s);
      v[n].s = malloc(v[n].n);
      if (!v[n].s)
        break;
      memcpy(v[n].s, json_string_value(s), v[n].n);
      n++;
    }
    json_decref(o);
    articles++;
  }
  free(line);
  gzclose(gz);
  *out = v;
  return n;
}

int main(int argc, char **argv) {
  size_t count = 0;
  int repeat = 3, all_fields = 0, peer = 0;
  const char *peer_path = NULL, *path = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--count") && i + 1 < argc)
      count = strtoul(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
      repeat = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--fields") && i + 1 < argc)
      all_fields = !strcmp(argv[++i], "all");
    else if (!strcmp(argv[i], "--peer")) {
      peer = 1;
      if (i + 1 < argc && strstr(argv[i + 1], ".py"))
        peer_path = argv[++i];
    } else if (argv[i][0] == '-' && argv[i][1]) {
      fprintf(stderr, "usage: analyzer_bench [--count N] [--repeat R] "
                      "[--fields body|all] [--peer [PEER.py]] [FILE]\n");
      return 2;
    } else
      path = argv[i];
  }
  if (repeat < 1)
    repeat = 1;
  char def[4096];
  if (!path) {
    const char *d = getenv("DEPECHE_SHARED_DATA");
    snprintf(def, sizeof def, "%s/news-orangesum/orangesum_articles.jsonl.gz",
             d && *d ? d : "../shared/data");
    path = def;
  }
  struct text *t = NULL;
  size_t n = load(path, count, all_fields, &t);
  if (n == 0) {
    fprintf(stderr, "analyzer_bench: no text in %s\n", path);
    return 2;
  }
  size_t bytes = 0;
  for (size_t i = 0; i < n; i++)
    bytes += t[i].n;

  dp_analyzer *a = NULL;
  char *msg = NULL;
  if (dp_analyzer_new(&a, &msg) != 0) {
    fprintf(stderr, "analyzer_bench: %s\n", msg ? msg : "?");
    return 2;
  }
  dp_tokens toks = {0};
  double best = 1e30;
  size_t ntok = 0;
  for (int r = 0; r < repeat; r++) {
    size_t nt = 0;
    double t0 = now();
    for (size_t i = 0; i < n; i++) {
      dp_tokens_clear(&toks);
      if (dp_analyze(a, t[i].s, t[i].n, 0, &toks) == (uint32_t)-1) {
        fprintf(stderr, "analyzer_bench: out of memory\n");
        return 2;
      }
      nt += toks.n;
    }
    double dt = now() - t0;
    if (dt < best)
      best = dt;
    ntok = nt;
  }
  double mbs = (double)bytes / 1e6 / best;
  printf("mb_s=%.2f bytes=%zu seconds=%.4f texts=%zu tokens=%zu\n", mbs, bytes,
         best, n, ntok);

  /* One text at a time with a fresh token list, as the snippet builder
   * re-analyses a stored article (analyzer reused, cache warm). */
  size_t m = n < 2000 ? n : 2000;
  double *lat = malloc(m * sizeof *lat);
  if (lat) {
    for (size_t i = 0; i < m; i++) {
      dp_tokens one = {0};
      double t0 = now();
      dp_analyze(a, t[i].s, t[i].n, 0, &one);
      lat[i] = (now() - t0) * 1e6;
      dp_tokens_free(&one);
    }
    qsort(lat, m, sizeof *lat, cmp_double);
    printf("per_text_us p50=%.1f p95=%.1f max=%.1f (n=%zu, mean %.0f bytes)\n",
           lat[m / 2], lat[(m * 95) / 100], lat[m - 1], m,
           (double)bytes / (double)n);
    free(lat);
  }
  dp_tokens_free(&toks);
  dp_analyzer_free(a);
  for (size_t i = 0; i < n; i++)
    free(t[i].s);
  free(t);

  if (peer) {
    char defpeer[4096];
    if (!peer_path) {
      const char *src = getenv("DEPECHE_SOURCE_DIR");
      snprintf(defpeer, sizeof defpeer, "%s/tests/bench/termgen_peer.py",
               src && *src ? src : ".");
      peer_path = defpeer;
    }
    char cmd[12288];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 '%s' --repeat %d --fields %s%s%zu '%s'",
             peer_path, repeat, all_fields ? "all" : "body",
             count ? " --count " : " --count ", count, path);
    FILE *p = popen(cmd, "r");
    char line[1024];
    double pm = 0;
    while (p && fgets(line, sizeof line, p)) {
      char *q = strstr(line, "mb_s=");
      if (q && pm == 0)
        pm = atof(q + 5);
      printf("peer: %s", line);
    }
    if (!p || pclose(p) != 0 || pm <= 0) {
      printf("peer: n/a (%s failed)\n", peer_path);
    } else {
      printf("ratio=%.2f (ours / TermGenerator, higher is better)\n", mbs / pm);
    }
  }
  return 0;
}
