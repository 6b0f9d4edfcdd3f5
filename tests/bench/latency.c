/* depeche-bench-latency — in-process query latency of libdepeche, for
 * tests/bench/run.
 *
 *   depeche-bench-latency [--repeat R] [--limit N] [--api json|typed]
 *                         [--snippets on|off] INDEX QUERIES
 *
 * Opens INDEX once with dp_open(), then runs every query of QUERIES (one a
 * line; blank lines and '#' lines skipped) for the top N (default 10):
 *   --api typed (default): dp_search() with opts.snippets 1 or 0, then reads
 *     id, title and snippet of every result, as the peers' drivers do;
 *   --api json: dp_search_json() (always with snippets), the FFI path.
 * The first pass warms the caches and is not timed; R passes are (default
 * 5). Prints one line:
 *   n=N p50_ms=X p95_ms=Y mean_ms=Z failed=F cpu_p50_ms=C cpu_p95_ms=D
 * (failed = calls that returned an error; cpu = this thread's CPU time per
 * search, which other processes on a loaded machine disturb less than the
 * wall clock). Exit status 0, 2 on bad usage or when the index cannot be
 * opened. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "depeche.h"

#include "latstat.h"

static double clock_ms(clockid_t id) {
  struct timespec t;
  clock_gettime(id, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Reads the queries of path into a malloc'd array of malloc'd strings
 * (*out, *n; the caller frees both). Returns 0 or -1 with errno set. */
static int read_queries(const char *path, char ***out, size_t *n) {
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  char **v = NULL, *line = NULL;
  size_t cnt = 0, cap = 0, lcap = 0;
  ssize_t len;
  int rc = 0;
  while (rc == 0 && (len = getline(&line, &lcap, f)) >= 0) {
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
      line[--len] = '\0';
    if (len == 0 || line[0] == '#')
      continue;
    if (cnt == cap) {
      size_t ncap = cap ? cap * 2 : 64;
      char **nv = realloc(v, ncap * sizeof *nv);
      if (!nv) {
        rc = -1;
        break;
      }
      v = nv;
      cap = ncap;
    }
    if (!(v[cnt] = strdup(line)))
      rc = -1;
    else
      cnt++;
  }
  free(line);
  fclose(f);
  *out = v;
  *n = cnt;
  return rc;
}

/* Sink for the bytes read from results, so that reading them is not
 * optimised away. */
static volatile size_t sink;

/* One search through dp_search_json. Returns 1, or 0 with *err set. */
static int run_json(dp_index *ix, const char *q, int limit, char **err) {
  char *json = dp_search_json(ix, q, 0, limit, err);
  if (!json)
    return 0;
  sink += strlen(json);
  dp_free(json);
  return 1;
}

/* One search through dp_search, reading id, title and snippet of each
 * result. Returns 1, or 0 with *err set. */
static int run_typed(dp_index *ix, const char *q, int limit, int snippets,
                     char **err) {
  dp_search_options opts = DP_SEARCH_OPTIONS_INIT;
  opts.limit = limit;
  opts.snippets = snippets;
  dp_results *r = NULL;
  if (dp_search(&r, ix, q, &opts, err) != 0) {
    dp_results_free(r); /* NULL on failure; freed in case it is not */
    return 0;
  }
  size_t n = dp_results_count(r);
  for (size_t k = 0; k < n; k++) {
    const dp_result *res = dp_results_get(r, k);
    sink += strlen(res->id) + strlen(res->title) + strlen(res->snippet);
  }
  dp_results_free(r);
  return 1;
}

int main(int argc, char **argv) {
  long repeat = 5, limit = 10;
  int json_api = 0, snippets = 1, bad = 0;
  int i = 1;
  for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
    const char *v = argv[i + 1];
    if (strcmp(argv[i], "--repeat") == 0)
      repeat = strtol(v, NULL, 10);
    else if (strcmp(argv[i], "--limit") == 0)
      limit = strtol(v, NULL, 10);
    else if (strcmp(argv[i], "--api") == 0) {
      json_api = strcmp(v, "json") == 0;
      bad |= !json_api && strcmp(v, "typed") != 0;
    } else if (strcmp(argv[i], "--snippets") == 0) {
      snippets = strcmp(v, "on") == 0;
      bad |= !snippets && strcmp(v, "off") != 0;
    } else
      break;
  }
  if (bad || argc - i != 2 || repeat < 1 || limit < 1 ||
      (json_api && !snippets)) {
    fprintf(stderr, "usage: depeche-bench-latency [--repeat R] [--limit N] "
                    "INDEX QUERIES\n");
    return 2;
  }
  char **qs = NULL;
  size_t nq = 0;
  if (read_queries(argv[i + 1], &qs, &nq) < 0 || nq == 0) {
    fprintf(stderr, "depeche-bench-latency: %s: %s\n", argv[i + 1],
            nq == 0 ? "no queries" : strerror(errno));
    for (size_t k = 0; k < nq; k++)
      free(qs[k]);
    free(qs);
    return 2;
  }
  char *err = NULL;
  dp_index *ix = dp_open(argv[i], &err);
  if (!ix) {
    fprintf(stderr, "depeche-bench-latency: %s\n",
            err ? err : "cannot open the index");
    dp_free(err);
    for (size_t k = 0; k < nq; k++)
      free(qs[k]);
    free(qs);
    return 2;
  }
  size_t total = nq * (size_t)repeat, nt = 0, failed = 0;
  double *t = malloc(total * sizeof *t);
  double *cpu = malloc(total * sizeof *cpu);
  int status = t && cpu ? 0 : 2;
  for (long pass = 0; status == 0 && pass <= repeat; pass++) {
    for (size_t q = 0; q < nq; q++) {
      double c0 = clock_ms(CLOCK_THREAD_CPUTIME_ID);
      double t0 = clock_ms(CLOCK_MONOTONIC);
      int ok = json_api ? run_json(ix, qs[q], (int)limit, &err)
                        : run_typed(ix, qs[q], (int)limit, snippets, &err);
      double dt = clock_ms(CLOCK_MONOTONIC) - t0;
      double dc = clock_ms(CLOCK_THREAD_CPUTIME_ID) - c0;
      if (!ok) {
        if (pass == 1)
          fprintf(stderr, "depeche-bench-latency: %s: %s\n", qs[q],
                  err ? err : "failed");
        failed += pass > 0;
        dp_free(err);
        err = NULL;
      }
      if (pass > 0) {
        cpu[nt] = dc;
        t[nt++] = dt;
      }
    }
  }
  if (status == 0) {
    print_latencies(t, cpu, nt, failed);
  } else {
    fprintf(stderr, "depeche-bench-latency: out of memory\n");
  }
  free(t);
  free(cpu);
  dp_close(ix);
  for (size_t k = 0; k < nq; k++)
    free(qs[k]);
  free(qs);
  return status;
}
