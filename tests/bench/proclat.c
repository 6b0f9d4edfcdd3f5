/* proclat — latency of one process per query, for tests/bench/run.
 *
 *   proclat [--repeat R] [--warmup W] QUERIES -- PROGRAM ARG...
 *
 * Reads QUERIES (one query a line; blank lines and lines starting with '#'
 * skipped), and for each query runs PROGRAM with ARG..., where every "{}"
 * inside an argument is replaced by the query, with stdout and stderr sent to
 * /dev/null. The first W passes over the queries are not timed (page cache,
 * dynamic loader), then R passes are. Prints one line:
 *   n=N p50_ms=X p95_ms=Y mean_ms=Z failed=F
 * where a run failed when it was killed or exited with status >= 2 (grep-like
 * programs exit 1 for "no hits", which is not a failure).
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
 * user + system CPU time. */
static double run_once(char **argv, int *failed, double *cpu_ms) {
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
  return (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
         (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
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
  if (i + 2 >= argc || strcmp(argv[i + 1], "--") != 0 || repeat < 1 ||
      warmup < 0) {
    fprintf(
        stderr,
        "usage: proclat [--repeat R] [--warmup W] QUERIES -- PROGRAM ARG...\n");
    return 2;
  }
  const char *qfile = argv[i];
  char **tmpl = argv + i + 2;
  int ntmpl = argc - i - 2;

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
  double *t = malloc(total * sizeof *t);
  double *cpu = malloc(total * sizeof *cpu);
  char **args = calloc((size_t)ntmpl + 1, sizeof *args);
  int status = 0;
  size_t nt = 0, nfailed = 0;
  if (!t || !cpu || !args) {
    fprintf(stderr, "proclat: out of memory\n");
    status = 2;
  }
  for (long pass = 0; status == 0 && pass < warmup + repeat; pass++) {
    for (size_t q = 0; status == 0 && q < qs.n; q++) {
      for (int a = 0; a < ntmpl; a++) {
        free(args[a]);
        args[a] = substitute(tmpl[a], qs.v[q]);
        if (!args[a]) {
          fprintf(stderr, "proclat: out of memory\n");
          status = 2;
        }
      }
      int failed = 0;
      double cms = 0;
      double ms = status == 0 ? run_once(args, &failed, &cms) : -1;
      if (ms < 0) {
        status = 2;
        break;
      }
      if (pass >= warmup) {
        cpu[nt] = cms;
        t[nt++] = ms;
        nfailed += (size_t)failed;
      }
    }
  }
  if (status == 0) {
    print_latencies(t, cpu, nt, nfailed);
  }
  if (args) {
    for (int a = 0; a < ntmpl; a++)
      free(args[a]);
    free(args);
  }
  free(t);
  free(cpu);
  strvec_free(&qs);
  return status;
}
