/* proclat — latency of one process per query, for tests/bench/run.
 *
 *   proclat [--repeat R] [--warmup W] QUERIES -- PROGRAM ARG...
 *           [--vs PEER ARG...]
 *
 * Reads QUERIES (one query a line; blank lines and lines starting with '#'
 * skipped), and for each query runs PROGRAM with ARG..., where every "{}"
 * inside an argument is replaced by the query, with stdout and stderr sent to
 * /dev/null. The first W passes over the queries are not timed (page cache,
 * dynamic loader), then R passes are. Prints one line:
 *   n=N p50_ms=X p95_ms=Y mean_ms=Z failed=F cpu_p50_ms=C cpu_p95_ms=D
 * where a run failed when it was killed or exited with status >= 2 (grep-like
 * programs exit 1 for "no hits", which is not a failure).
 *
 * With --vs (the first "--vs" argument after "--" starts the peer's command),
 * the two programs run interleaved, each query once by one and once by the
 * other, in alternating order (query and pass parity), so that a machine
 * getting busier or quieter during the run weighs on both alike. Three lines:
 * PROGRAM's line as above, the peer's line prefixed "vs ", then
 *   ratio p50=A p95=B cpu_p50=C pair_p50=D minflt_p50=E/F
 * (PROGRAM over peer: of the p50s, of the p95s, of the CPU p50s, the median
 * of the per-query ratios; and the median minor page faults per process of
 * each).
 * Exit status: 0, or 2 on bad usage or when a program cannot be started. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "latstat.h"

extern char **environ;

/* Growable array of strings; owns every element. */
typedef struct {
  char **v;   /* elements */
  size_t n;   /* used */
  size_t cap; /* allocated */
} strvec;

static int strvec_push(strvec *s, char *str) {
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 64;
    char **v = realloc(s->v, cap * sizeof *v);
    if (!v)
      return -1;
    s->v = v;
    s->cap = cap;
  }
  s->v[s->n++] = str;
  return 0;
}

static void strvec_free(strvec *s) {
  for (size_t i = 0; i < s->n; i++)
    free(s->v[i]);
  free(s->v);
}

/* Returns a malloc'd copy of tmpl with each "{}" replaced by q (NULL on OOM).
 */
static char *substitute(const char *tmpl, const char *q) {
  size_t ql = strlen(q), n = 0;
  for (const char *p = tmpl; (p = strstr(p, "{}")); p += 2)
    n++;
  char *out = malloc(strlen(tmpl) + n * ql + 1);
  if (!out)
    return NULL;
  char *o = out;
  for (const char *p = tmpl; *p;) {
    if (p[0] == '{' && p[1] == '}') {
      memcpy(o, q, ql);
      o += ql;
      p += 2;
    } else {
      *o++ = *p++;
    }
  }
  *o = '\0';
  return out;
}

/* Runs argv once; returns its wall time in ms, or -1 when it cannot start.
 * *failed is set when it was killed or exited >= 2; *cpu_ms receives its
 * user + system CPU time and *minflt its minor page faults. */
static double run_once(char **argv, int *failed, double *cpu_ms,
                       double *minflt) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pid_t pid;
  int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    fprintf(stderr, "proclat: cannot run %s: %s\n", argv[0], strerror(rc));
    return -1;
  }
  int st;
  struct rusage ru;
  while (wait4(pid, &st, 0, &ru) < 0) {
    if (errno != EINTR)
      return -1;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  *failed = !WIFEXITED(st) || WEXITSTATUS(st) >= 2;
  *cpu_ms = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
            (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
  *minflt = (double)ru.ru_minflt;
  return (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
         (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
}

/* One program to time: its argument templates and what was measured. */
typedef struct {
  char **tmpl;   /* argument templates ("{}" = the query) */
  int ntmpl;     /* their number */
  char **args;   /* the current arguments (ntmpl + 1, NULL-terminated) */
  double *t;     /* wall times (ms) */
  double *cpu;   /* CPU times (ms) */
  double *flt;   /* minor page faults */
  size_t nt;     /* measurements */
  size_t failed; /* failed runs among them */
} prog;

static int prog_init(prog *p, char **tmpl, int ntmpl, size_t total) {
  memset(p, 0, sizeof *p);
  p->tmpl = tmpl;
  p->ntmpl = ntmpl;
  p->args = calloc((size_t)ntmpl + 1, sizeof *p->args);
  p->t = malloc(total * sizeof *p->t);
  p->cpu = malloc(total * sizeof *p->cpu);
  p->flt = malloc(total * sizeof *p->flt);
  return p->args && p->t && p->cpu && p->flt ? 0 : -1;
}

static void prog_free(prog *p) {
  if (p->args) {
    for (int a = 0; a < p->ntmpl; a++)
      free(p->args[a]);
    free(p->args);
  }
  free(p->t);
  free(p->cpu);
  free(p->flt);
}

/* Runs p once on query q; records the run when timed. 0, or 2 on error
 * (message printed). */
static int prog_run(prog *p, const char *q, int timed) {
  for (int a = 0; a < p->ntmpl; a++) {
    free(p->args[a]);
    if (!(p->args[a] = substitute(p->tmpl[a], q))) {
      fprintf(stderr, "proclat: out of memory\n");
      return 2;
    }
  }
  int failed = 0;
  double cms = 0, flt = 0;
  double ms = run_once(p->args, &failed, &cms, &flt);
  if (ms < 0)
    return 2;
  if (timed) {
    p->cpu[p->nt] = cms;
    p->flt[p->nt] = flt;
    p->t[p->nt++] = ms;
    p->failed += (size_t)failed;
  }
  return 0;
}

/* Median of the n values v (sorts v). */
static double median(double *v, size_t n) {
  qsort(v, n, sizeof *v, cmp_double);
  return percentile(v, n, 0.50);
}

/* Prints the --vs summary of a (ours) against b (the peer). */
static void print_vs(prog *a, prog *b) {
  size_t n = a->nt;
  double *pair = malloc(n * sizeof *pair);
  if (!pair) {
    fprintf(stderr, "proclat: out of memory\n");
    return;
  }
  for (size_t k = 0; k < n; k++) /* same index = same query and pass */
    pair[k] = b->t[k] > 0 ? a->t[k] / b->t[k] : 1.0;
  double fa = median(a->flt, n), fb = median(b->flt, n);
  /* print_latencies sorts the times: the pairs are taken before */
  print_latencies(a->t, a->cpu, n, a->failed);
  printf("vs ");
  print_latencies(b->t, b->cpu, n, b->failed);
  printf("ratio p50=%.3f p95=%.3f cpu_p50=%.3f pair_p50=%.3f "
         "minflt_p50=%.0f/%.0f\n",
         percentile(a->t, n, 0.50) / percentile(b->t, n, 0.50),
         percentile(a->t, n, 0.95) / percentile(b->t, n, 0.95),
         percentile(a->cpu, n, 0.50) / percentile(b->cpu, n, 0.50),
         median(pair, n), fa, fb);
  free(pair);
}

int main(int argc, char **argv) {
  long repeat = 3, warmup = 1;
  int i = 1;
  for (; i < argc && strncmp(argv[i], "--", 2) == 0 && argv[i][2]; i++) {
    if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
      repeat = strtol(argv[++i], NULL, 10);
    else if (strcmp(argv[i], "--warmup") == 0 && i + 1 < argc)
      warmup = strtol(argv[++i], NULL, 10);
    else
      break;
  }
  int vs = -1; /* index of "--vs" */
  for (int k = i + 2; k < argc && vs < 0; k++)
    if (strcmp(argv[k], "--vs") == 0)
      vs = k;
  if (i + 2 >= argc || strcmp(argv[i + 1], "--") != 0 || repeat < 1 ||
      warmup < 0 || vs == i + 2 || vs == argc - 1) {
    fprintf(stderr, "usage: proclat [--repeat R] [--warmup W] QUERIES -- "
                    "PROGRAM ARG... [--vs PEER ARG...]\n");
    return 2;
  }
  const char *qfile = argv[i];
  char **tmpl = argv + i + 2;
  int ntmpl = (vs > 0 ? vs : argc) - i - 2;

  FILE *f = fopen(qfile, "r");
  if (!f) {
    fprintf(stderr, "proclat: %s: %s\n", qfile, strerror(errno));
    return 2;
  }
  strvec qs = {0};
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  while ((len = getline(&line, &cap, f)) >= 0) {
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
      line[--len] = '\0';
    if (len == 0 || line[0] == '#')
      continue;
    char *q = strdup(line);
    if (!q || strvec_push(&qs, q) < 0) {
      free(q);
      fprintf(stderr, "proclat: out of memory\n");
      free(line);
      fclose(f);
      strvec_free(&qs);
      return 2;
    }
  }
  free(line);
  fclose(f);
  if (qs.n == 0) {
    fprintf(stderr, "proclat: %s: no queries\n", qfile);
    strvec_free(&qs);
    return 2;
  }

  size_t total = qs.n * (size_t)repeat;
  prog a, b;
  int status = 0;
  if (prog_init(&a, tmpl, ntmpl, total) ||
      prog_init(&b, vs > 0 ? argv + vs + 1 : NULL, vs > 0 ? argc - vs - 1 : 0,
                total)) {
    fprintf(stderr, "proclat: out of memory\n");
    status = 2;
  }
  for (long pass = 0; status == 0 && pass < warmup + repeat; pass++) {
    for (size_t q = 0; status == 0 && q < qs.n; q++) {
      int timed = pass >= warmup;
      if (vs < 0) {
        status = prog_run(&a, qs.v[q], timed);
      } else if ((pass + (long)q) % 2 == 0) {
        status = prog_run(&a, qs.v[q], timed);
        if (status == 0)
          status = prog_run(&b, qs.v[q], timed);
      } else {
        status = prog_run(&b, qs.v[q], timed);
        if (status == 0)
          status = prog_run(&a, qs.v[q], timed);
      }
    }
  }
  if (status == 0) {
    if (vs < 0)
      print_latencies(a.t, a.cpu, a.nt, a.failed);
    else
      print_vs(&a, &b);
  }
  prog_free(&a);
  prog_free(&b);
  strvec_free(&qs);
  return status;
}
